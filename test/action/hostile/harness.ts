/**
 * Shared by the hostile tests: a runner-like environment pointed at a server, the action run in-process
 * (`runAction`, the action's own modules, over real loopback HTTP) with its output captured and recorded for the
 * leak scanner, and the checks every failure must pass (exit 1, one error annotation, no stack trace, nothing
 * written to GITHUB_OUTPUT or GITHUB_ENV).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAction, type Timing } from '../../../src/action/run';
import { recordOutput } from '../../support/leaks';
import { runBundledAction } from '../../support/run-action';

/** Short timing for in-process runs: the same code paths as production, in milliseconds instead of seconds. */
export const FAST_TIMING: Timing = { requestTimeoutMs: 300, totalTimeoutMs: 3_000, backoffMs: [5, 10, 20, 40], maxRetryAfterMs: 50 };

/** The bound DESIGN/docs promise for the whole action (retries included), plus process start-up slack. */
export const PRODUCTION_TOTAL_MS = 60_000;
export const STARTUP_SLACK_MS = 5_000;

export interface Endpoints {
  /** what goes into `index-url` */
  readonly indexUrl: string;
  readonly oidcRequestUrl: string;
  readonly requestToken: string;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly outputFile: string;
  readonly envFile: string;
  readonly summary: string;
  readonly durationMs: number;
}

/** The variables a GitHub runner gives a job with `id-token: write`, plus the action's inputs. */
export function runnerEnv(ep: Endpoints, dir: string, inputs: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    'GITHUB_ACTIONS': 'true',
    'GITHUB_OUTPUT': join(dir, 'output'),
    'GITHUB_ENV': join(dir, 'env'),
    'GITHUB_STEP_SUMMARY': join(dir, 'summary'),
    'GITHUB_REPOSITORY': 'octo-org/demo',
    'GITHUB_EVENT_NAME': 'push',
    'GITHUB_SERVER_URL': 'https://github.com',
    'ACTIONS_ID_TOKEN_REQUEST_URL': ep.oidcRequestUrl,
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN': ep.requestToken,
    'INPUT_INDEX-URL': ep.indexUrl,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  for (const f of ['output', 'env', 'summary']) writeFileSync(join(dir, f), '');
  return env;
}

/**
 * Run the action in-process against `ep`. What it printed and the step summary are recorded for the leak scanner;
 * GITHUB_OUTPUT and GITHUB_ENV are where a token belongs, so they are returned instead (and a failure must leave
 * both empty: `failureProblems`).
 */
export interface RunOptions {
  readonly inputs?: Record<string, string>;
  readonly env?: Record<string, string | undefined>;
  readonly timing?: Partial<Timing>;
  readonly label?: string;
  readonly timeoutMs?: number;
}

export async function runInProcess(ep: Endpoints, opts: RunOptions = {}): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-run-'));
  try {
    const env: Record<string, string | undefined> = { ...runnerEnv(ep, dir, opts.inputs), ...opts.env };
    const lines: string[] = [];
    const started = Date.now();
    const code = await runAction(env, { write: (line) => void lines.push(line) }, { ...FAST_TIMING, ...opts.timing });
    const result: RunResult = {
      code,
      stdout: lines.join('\n'),
      outputFile: readFileSync(join(dir, 'output'), 'utf8'),
      envFile: readFileSync(join(dir, 'env'), 'utf8'),
      summary: readFileSync(join(dir, 'summary'), 'utf8'),
      durationMs: Date.now() - started,
    };
    const label = opts.label ?? 'in-process action';
    recordOutput(`${label}: stdout`, result.stdout, true);
    recordOutput(`${label}: step summary`, result.summary, false);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `name<<DELIM\nvalue\nDELIM\n` entries of a GITHUB_OUTPUT / GITHUB_ENV file. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (m) {
      const end = lines.indexOf(m[2], i + 1);
      out[m[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return out;
}

/** A V8 stack frame line, as an uncaught error would print it. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** The problems with a failed run, as strings (empty = a clean failure). Used by the matrix and the fuzzers alike. */
export function failureProblems(r: { code: number | null; stdout: string; stderr?: string; outputFile: string; envFile: string }): string[] {
  const problems: string[] = [];
  if (r.code !== 1) problems.push(`exit code ${r.code}, expected 1`);
  if (r.outputFile !== '') problems.push('GITHUB_OUTPUT was written');
  if (r.envFile !== '') problems.push('GITHUB_ENV was written');
  const errors = r.stdout.split(/\r?\n/).filter((l) => l.startsWith('::error'));
  if (errors.length !== 1) problems.push(`${errors.length} ::error annotations, expected 1`);
  else if (!/^::error title=[^:]{3,}::.{10,}/.test(errors[0])) problems.push('the ::error annotation has no title or no message');
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr ?? '']]) {
    if (STACK_FRAME.test(text)) problems.push(`a stack trace on ${name}`);
  }
  return problems;
}

/** The message of the ::error annotation, decoded (the first line is the reason; details follow). */
export function errorMessage(stdout: string): string {
  const line = stdout.split(/\r?\n/).find((l) => l.startsWith('::error')) ?? '';
  return line.replace(/^::error[^:]*::/, '').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** The bundled action as a child process (production timing), in the shape the property checks expect. */
export async function runChild(node: string, ep: Endpoints, opts: RunOptions = {}) {
  const r = await runBundledAction({
    node,
    label: opts.label,
    timeoutMs: opts.timeoutMs ?? PRODUCTION_TOTAL_MS + 30_000,
    inputs: { 'index-url': ep.indexUrl, ...opts.inputs },
    env: {
      GITHUB_REPOSITORY: 'octo-org/demo',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SERVER_URL: 'https://github.com',
      ACTIONS_ID_TOKEN_REQUEST_URL: ep.oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: ep.requestToken,
      ...opts.env,
    },
  });
  return { ...r, outputFile: r.rawOutputFile, envFile: r.rawEnvFile };
}
