/**
 * A job as a person reads it on the run page, as plain text: the job with its status and time, each step with its
 * status and time, annotations the way GitHub lists them ("Error: ...", with the title and the step), step logs
 * with the workflow commands already consumed (`##[error]` shown as GitHub does, groups as headings, no `::`
 * command, no `%0A`), and step summaries as text.
 */
import type { Annotation, JobResult, StepResult } from './types';

const LEVEL = { error: 'Error', warning: 'Warning', notice: 'Notice' } as const;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** ANSI colours and progress bars out: a terminal transcript reads better without them. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\n').filter((l) => !l.includes('━')).join('\n');
}

/** A shown log line as GitHub renders it. */
export function renderLogLine(line: string): string | undefined {
  const m = /^##\[(error|warning|notice|group|endgroup)\](.*)$/.exec(line);
  if (!m) return line;
  if (m[1] === 'endgroup') return undefined;
  if (m[1] === 'group') return `▸ ${m[2]}`;
  return `${LEVEL[m[1] as keyof typeof LEVEL]}: ${m[2]}`;
}

function mark(outcome: StepResult['outcome']): string {
  return outcome === 'success' ? '✓' : outcome === 'failure' ? '✗' : '-';
}

function indent(lines: string[], by: string): string[] {
  return lines.map((l) => (l === '' ? l : `${by}${l}`));
}

/** An annotation as the run page's Annotations box shows it. */
export function renderAnnotation(a: Annotation, stepName: string): string[] {
  const [first, ...rest] = a.message.split('\n');
  return [`${LEVEL[a.level]} (${stepName})${a.title ? `: ${a.title}` : ''}${a.title ? '' : `: ${first}`}`,
    ...indent(a.title ? [first, ...rest] : rest, '    ')];
}

export function renderJob(job: JobResult, name: string | undefined, verbose: boolean): string[] {
  const lines = [`${job.conclusion === 'success' ? '✓' : '✗'} ${job.jobId}${name ? ` (${name})` : ''}: ${job.conclusion} in ${seconds(job.durationMs)}`];
  for (const s of job.steps) {
    const how = s.kind === 'stand-in' ? ' [stand-in]' : '';
    lines.push(`    ${mark(s.outcome)} ${s.displayName}${how}${s.outcome === 'skipped' ? ' (skipped)' : ` ${seconds(s.durationMs)}`}` +
      `${s.outcome === 'failure' && s.conclusion === 'success' ? ' (continue-on-error)' : ''}`);
    if (s.log !== '' && (verbose || s.outcome === 'failure')) {
      const shown = plain(s.log).trimEnd().split('\n').map(renderLogLine).filter((l): l is string => l !== undefined);
      lines.push(...indent(shown, '        | '));
    }
  }
  const annotations = job.steps.flatMap((s) => s.annotations.map((a) => renderAnnotation(a, s.displayName)));
  if (annotations.length > 0) {
    lines.push('    Annotations:');
    for (const a of annotations) lines.push(...indent(a, '      '));
  }
  return lines;
}

/** Inline Markdown as the text it renders to: emphasis, code spans and links. */
function inline(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}

/** Step summaries (GitHub-flavoured Markdown) as text: headings underlined, tables aligned, the rest as written. */
export function summaryAsText(markdown: string): string[] {
  const out: string[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').trimEnd().split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      out.push(heading[1], '-'.repeat(Math.min(heading[1].length, 80)));
      continue;
    }
    if (line.trim().startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].trim().startsWith('|'); i++) {
        const cells = lines[i].trim().replace(/^\||\|$/g, '').split('|').map((c) => inline(c.trim()));
        if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
      }
      i--;
      const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
      for (const r of rows) out.push(r.map((c, j) => c.padEnd(widths[j])).join('  ').trimEnd());
      continue;
    }
    out.push(inline(line));
  }
  return out;
}

export function renderSummary(jobs: JobResult[]): string[] {
  const out: string[] = [];
  for (const job of jobs) {
    if (job.summary.trim() === '') continue;
    out.push(`  ${job.jobId}:`, ...indent(summaryAsText(job.summary), '    '));
  }
  return out;
}
