/**
 * Renders a failure (its message, PyPI's reasons, the diagnoses and the claims) twice: as the text of one
 * `::error` annotation and as a Markdown section for GITHUB_STEP_SUMMARY. Never the JWT or the token: the claims
 * are decoded values and every server-provided string was redacted before it got here.
 */
import { Claims, renderClaimLines, renderClaimTable } from './claims';
import { Diagnosis, PublisherForm } from './diagnose';
import { ActionFailure } from './errors';

export interface FailureReport {
  readonly failure: ActionFailure;
  readonly diagnoses: readonly Diagnosis[];
  readonly claims?: Claims;
  /** e.g. "pypi.org" */
  readonly indexName: string;
}

const TROUBLESHOOTING = 'https://docs.pypi.org/trusted-publishers/troubleshooting/';

/** The form as indented text lines (annotations and logs). */
export function renderFormText(form: PublisherForm): string[] {
  return [
    `Add a trusted publisher (GitHub) on ${form.indexName} with exactly these values for this run:`,
    ...form.fields.map(([label, v]) => `  ${label}: ${v === undefined ? (label.startsWith('Environment') ? '(leave empty: this job runs in no environment)' : '(unknown)') : `\`${v}\``}`),
    'Where:',
    ...form.pages.map((p) => `  ${p.label}: ${p.url}`),
  ];
}

function renderFormMarkdown(form: PublisherForm): string {
  return [
    `Add a trusted publisher (GitHub) on ${md(form.indexName)} with exactly these values for this run:`, '',
    '| field | value |', '|---|---|',
    ...form.fields.map(([label, v]) => `| ${label} | ${v === undefined ? (label.startsWith('Environment') ? '_(leave empty: this job runs in no environment)_' : '_(unknown)_') : `\`${mdCell(v)}\``} |`),
    '',
    ...form.pages.map((p) => `- ${md(p.label)}: ${md(p.url)}`),
  ].join('\n');
}

export function renderAnnotation(r: FailureReport): string {
  const parts = [r.failure.message];
  for (const d of r.diagnoses) parts.push([`${d.title}:`, ...d.text, ...(d.settings ? renderFormText(d.settings) : [])].join('\n'));
  if (r.claims) {
    parts.push(`Claims of this run's OIDC token (for debugging; do not copy them into PyPI unless they are what you expect):\n${
      renderClaimLines(r.claims).map((l) => `  ${l}`).join('\n')}`);
  }
  if (r.failure.indexErrors.length > 0) parts.push(`More help: ${TROUBLESHOOTING}`);
  return parts.join('\n\n');
}

const md = (s: string) => s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const mdCell = (s: string) => md(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Indented lines (YAML, lists) become one code block; the rest stays prose. */
function paragraphs(text: readonly string[]): string {
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) out.push(['```', ...block.map((l) => l.replace(/`/g, "'")), '```'].join('\n'));
    block = [];
  };
  for (const line of text.join('\n').split('\n')) {
    if (/^\s{2}/.test(line)) {
      block.push(line.slice(2));
    } else {
      flush();
      out.push(md(line));
    }
  }
  flush();
  return out.join('\n\n');
}

export function renderSummary(r: FailureReport): string {
  const out = [`## PyPI trusted publishing failed: ${md(r.failure.title)}`, '', `Error code: \`${r.failure.code}\``, ''];
  const firstLine = r.failure.indexErrors.length > 0 ? r.failure.message.split('\n')[0] : r.failure.message;
  out.push(paragraphs([firstLine]), '');
  if (r.failure.indexErrors.length > 0) {
    out.push(`### Reasons given by ${md(r.indexName)}`, '', '| code | description |', '|---|---|',
      ...r.failure.indexErrors.map((e) => `| \`${mdCell(e.code)}\` | ${mdCell(e.description)} |`), '');
    const tail = r.failure.message.split('\n').filter((l) => l.startsWith('(gave up'));
    if (tail.length) out.push(md(tail.join(' ')), '');
  }
  for (const d of r.diagnoses) {
    out.push(`### ${md(d.title)}`, '', paragraphs(d.text), '');
    if (d.settings) out.push(renderFormMarkdown(d.settings), '');
  }
  if (r.claims) {
    out.push('### Claims of this run\'s OIDC token', '',
      '_Shown for debugging (never the token itself). Do not copy them into PyPI unless they are what you expect._', '',
      renderClaimTable(r.claims), '');
  }
  out.push(`More help: ${TROUBLESHOOTING}`, '');
  return out.join('\n');
}

export function renderSuccessSummary(indexName: string, audience: string, expires: number, exported: readonly string[]): string {
  const at = new Date(expires * 1000).toISOString();
  return ['## PyPI trusted publishing: token minted', '',
    `A token for ${md(indexName)} (audience \`${md(audience)}\`) was minted; it expires at ${at}.`,
    `It is available as the step output \`api-token\`${exported.length ? ` and, as asked, in ${exported.map((n) => `\`${n}\``).join(', ')}` : ''}.`,
    ''].join('\n');
}
