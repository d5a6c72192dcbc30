/**
 * What the action writes to the step summary and its annotations; printing goes through the kit's one `Printer`
 * (src/kit/commands.ts). A failure is rendered
 * twice: as the text of one `::error` annotation and as a Markdown section for GITHUB_STEP_SUMMARY, where text a
 * server wrote appears only inside code spans or code blocks, so it can never render as a link, image, emphasis,
 * mention or HTML. Never the JWT or the token: the claims are decoded values and server text was redacted first.
 */
import type { Diagnosis, PublisherForm } from './diagnose';
import { ActionFailure, code, labels } from './messages';
import { Claims, claimText, claimsThatMatter } from './oidc';
import { codeSpan, literalBlock, prose } from '../kit/markdown';
import { PUBLISHER_FORM_LABELS } from '../pypi';

// --- the failure, as annotation text -------------------------------------------------------------------------------

export interface FailureReport {
  readonly failure: ActionFailure;
  readonly diagnoses: readonly Diagnosis[];
  readonly claims?: Claims;
  /** e.g. "pypi.org" */
  readonly indexName: string;
}

/** Plain-text lines `name: value` (MISSING when absent), for annotations and logs. */
export function renderClaimLines(claims: Claims | undefined): string[] {
  return claimsThatMatter(claims).map((name) => `${name}: ${claimText(claims, name) ?? labels.missing}`);
}

/** What to show for a field without a value: an empty environment is an answer (any environment), others unknown. */
const formValue = (label: string, v: string | undefined) =>
  v === undefined ? (label === PUBLISHER_FORM_LABELS.environment ? labels.noEnvironment : labels.unknown) : undefined;

/** The form as indented text lines (annotations and logs). */
export function renderFormText(form: PublisherForm): string[] {
  return [
    form.kind === 'GitLab' ? labels.gitlabFormIntro(form.indexName) : labels.formIntro(form.indexName),
    ...form.fields.map(([label, v]) => `  ${label}: ${formValue(label, v) ?? code(v!)}`),
    labels.where,
    ...form.pages.map((p) => `  ${p.label}: ${p.url}`),
  ];
}

export function renderAnnotation(r: FailureReport): string {
  const parts = [r.failure.message];
  for (const d of r.diagnoses) parts.push([`${d.title}:`, ...d.text, ...(d.settings ? renderFormText(d.settings) : [])].join('\n'));
  if (r.claims) parts.push(`${labels.claimsIntro}\n${renderClaimLines(r.claims).map((l) => `  ${l}`).join('\n')}`);
  if (r.failure.indexErrors.length > 0) parts.push(labels.moreHelp);
  return parts.join('\n\n');
}

// --- the failure, as step summary Markdown -------------------------------------------------------------------------

const codeCell = codeSpan;

/** Indented lines (YAML, lists) become one code block; the rest is our prose. */
function paragraphs(text: readonly string[]): string {
  const out: string[] = [];
  let block: string[] = [];
  const flush = () => {
    if (block.length) out.push(literalBlock(block.join('\n')));
    block = [];
  };
  for (const line of text.join('\n').split('\n')) {
    if (/^\s{2}/.test(line)) {
      block.push(line.slice(2));
    } else {
      flush();
      out.push(prose(line));
    }
  }
  flush();
  return out.join('\n\n');
}

function renderFormMarkdown(form: PublisherForm): string {
  return [
    prose(form.kind === 'GitLab' ? labels.gitlabFormIntro(form.indexName) : labels.formIntro(form.indexName)), '',
    '| field | value |', '|---|---|',
    ...form.fields.map(([label, v]) => `| ${label} | ${formValue(label, v) !== undefined ? `_${formValue(label, v)}_` : codeCell(v!)} |`),
    '',
    ...form.pages.map((p) => `- ${prose(p.label)}: ${prose(p.url)}`),
  ].join('\n');
}

export function renderSummary(r: FailureReport): string {
  const out = [`## ${prose(labels.failedHeading(r.failure.title))}`, '', `${labels.errorCode} ${code(r.failure.code)}`, ''];
  // the message may quote a server (an error text, a host it redirected to): shown literally
  const [first] = r.failure.message.split('\n');
  out.push(literalBlock(r.failure.indexErrors.length > 0 ? first : r.failure.message), '');
  if (r.failure.indexErrors.length > 0) {
    out.push(`### ${prose(labels.reasonsHeading(r.indexName))}`, '', '| code | description |', '|---|---|',
      ...r.failure.indexErrors.map((e) => `| ${codeCell(e.code)} | ${codeCell(e.description)} |`), '');
    if (r.failure.retryNote) out.push(literalBlock(r.failure.retryNote), '');
  }
  for (const d of r.diagnoses) {
    out.push(`### ${prose(d.title)}`, '', paragraphs(d.text), '');
    if (d.settings) out.push(renderFormMarkdown(d.settings), '');
  }
  if (r.claims) {
    const rows = claimsThatMatter(r.claims).map((name) => {
      const v = claimText(r.claims, name);
      return `| \`${name}\` | ${v === undefined ? `_${labels.missing}_` : codeCell(v)} |`;
    });
    out.push(`### ${labels.claimsHeading}`, '', labels.claimsNote, '', '| claim | value in this run |', '|---|---|', ...rows, '');
  }
  out.push(labels.moreHelp, '');
  return out.join('\n');
}

export function renderSuccessSummary(indexName: string, audience: string, expiresIso: string, exported: readonly string[]): string {
  return [`## ${labels.mintedHeading}`, '', prose(labels.minted(indexName, audience, expiresIso)), prose(labels.handedOver(exported)), ''].join('\n');
}
