/**
 * The property every fuzzed run must hold, whoever ran it (in-process or the bundled action as a child):
 * either it exported a valid `pypi-` token that a server actually gave it, or it failed cleanly (exit 1, one
 * titled error annotation, nothing written to GITHUB_OUTPUT/GITHUB_ENV); never a stack trace, never a secret in
 * any captured output, never a line a server's text managed to start (workflow-command injection, the legacy
 * `##[` form included), never server text rendered as Markdown in the step summary.
 */
import { INJECTION_MARKER } from './arbitraries';
import { parseFileCommand } from '../../../src/rehearsal/commands';
import { findLeaks } from '../../support/leaks';
import { failureProblems, liveServerText } from '../harness';

export interface CaseRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr?: string;
  readonly outputFile: string;
  readonly envFile: string;
  readonly summary: string;
}

export interface CaseContext {
  /** the answer under test was a well-formed success: the run must succeed */
  readonly canonical: boolean;
  /** every credential any server handed out during the case */
  readonly secrets: readonly string[];
}

/** Workflow commands the action may legitimately start a line with. */
const ALLOWED_COMMANDS = /^::(add-mask|error|warning|notice|debug|group|endgroup)(\s[^:]*)?::/;
const VALID_TOKEN = /^pypi-[\x21-\x7e]+$/;

export function propertyProblems(r: CaseRun, ctx: CaseContext): string[] {
  const problems: string[] = [];
  if (r.code === 0) {
    const token = parseFileCommand(r.outputFile, 'GITHUB_OUTPUT')['api-token'];
    if (typeof token !== 'string' || !VALID_TOKEN.test(token)) problems.push('exit 0 without a valid pypi- token in api-token');
    else if (!ctx.secrets.includes(token)) problems.push('exit 0 with a token no server gave');
    if (r.envFile !== '') problems.push('GITHUB_ENV written though export-env was empty');
  } else {
    problems.push(...failureProblems({ ...r, code: r.code }));
    if (ctx.canonical) problems.push('a well-formed answer was refused');
  }
  const lines = r.stdout.split(/\r?\n/);
  const injected = (l: string) => l.trimStart().startsWith(INJECTION_MARKER) || l.startsWith(`::add-mask::${INJECTION_MARKER}`);
  if (lines.some(injected)) {
    problems.push('server text started a line of its own');
  }
  // the runner reads `##[command]` anywhere in a line, and `::command` after leading whitespace
  if (lines.some((l) => l.includes('##['))) problems.push('a legacy ##[ command in a line');
  if (lines.some((l) => /^\s+::/.test(l))) problems.push('a workflow command after leading whitespace');
  if (liveServerText(r.summary, INJECTION_MARKER).length > 0) problems.push('server text renders live in the step summary');
  const commands = lines.filter((l) => l.startsWith('::'));
  const stray = commands.find((l) => !ALLOWED_COMMANDS.test(l));
  if (stray !== undefined) problems.push(`unexpected workflow command: ${stray.slice(0, 40)}`);
  const leaks = [
    ...findLeaks('stdout', r.stdout, true, ctx.secrets),
    ...findLeaks('stderr', r.stderr ?? '', false, ctx.secrets),
    ...findLeaks('summary', r.summary, false, ctx.secrets),
    ...findLeaks('GITHUB_ENV', r.envFile, false, ctx.secrets),
  ];
  if (leaks.length > 0) problems.push(`leak: ${leaks.map((l) => `${l.label} ${l.form} ${l.where}`).join('; ')}`);
  return problems;
}
