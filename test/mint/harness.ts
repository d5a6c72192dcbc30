/**
 * Running the mint action the way a runner does, and reading what it printed. Two ways to run it:
 * - `runBundledAction`: the committed bundle `action/index.cjs` as a child process under a given Node, inputs as
 *   `INPUT_<NAME>` variables, fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files, nothing inherited from
 *   the test process's environment (so a proxy or a token on this machine cannot change the result);
 * - `runInProcess`: `runAction`, the action's own modules, over real loopback HTTP with short timing.
 * Everything the action prints and its step summary go to the leak scanner; GITHUB_OUTPUT and GITHUB_ENV are the
 * two places a token is meant to be, so they are returned instead. Workflow commands are read with the rehearsal's
 * own parser (`src/rehearsal/commands.ts`), and `failureProblems` is the check every failure must pass (exit 1,
 * one titled error annotation, no stack trace, nothing written to GITHUB_OUTPUT or GITHUB_ENV); `liveServerText`
 * reads a step summary as GitHub-flavoured Markdown.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import type { Emulator } from '../../src/emulator';
import { runAction, type Timing } from '../../src/mint/run';
import { parseFileCommand, StepOutputProcessor } from '../../src/rehearsal/commands';
import type { Annotation } from '../../src/rehearsal/types';
import { recordOutput } from '../support/leaks';

// --- the bundled action as a child process ------------------------------------------------------------------------

export const ACTION_BUNDLE = join(__dirname, '..', '..', 'action', 'index.cjs');
/** The attest action's committed bundle. */
export const ATTEST_BUNDLE = join(__dirname, '..', '..', 'attest', 'index.cjs');

export interface RunBundledActionOptions {
  /** The node binary (NODE24 or MACHINE_NODE). */
  readonly node: string;
  /** The bundle to run (default: the mint action's, ACTION_BUNDLE). */
  readonly bundle?: string;
  /** Extra environment; a key set to undefined removes a default (e.g. `GITHUB_OUTPUT: undefined`). */
  readonly env?: Record<string, string | undefined>;
  /** Action inputs by their action.yml name: `{ 'index-url': ..., audience: ... }`. */
  readonly inputs?: Record<string, string>;
  /** Working directory of the child (default: a fresh empty temp dir). */
  readonly cwd?: string;
  /** Kill the child after this long (default 90 s). */
  readonly timeoutMs?: number;
  /** Label for the leak scanner's report. */
  readonly label?: string;
}

export interface BundledActionResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Step outputs parsed from GITHUB_OUTPUT. */
  readonly outputs: Record<string, string>;
  /** Variables parsed from GITHUB_ENV. */
  readonly envFile: Record<string, string>;
  readonly summary: string;
  readonly durationMs: number;
  /** Raw GITHUB_OUTPUT / GITHUB_ENV text, for format assertions. */
  readonly rawOutputFile: string;
  readonly rawEnvFile: string;
}

const readIfExists = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

export async function runBundledAction(options: RunBundledActionOptions): Promise<BundledActionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pypi-mint-run-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'pypi-mint-cwd-'));

  const env: Record<string, string> = {};
  const merged: Record<string, string | undefined> = {
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: dir,
    ...files,
    ...Object.fromEntries(Object.entries(options.inputs ?? {}).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env,
  };
  for (const [k, v] of Object.entries(merged)) if (v !== undefined) env[k] = v;

  const started = Date.now();
  const child = spawn(options.node, [options.bundle ?? ACTION_BUNDLE], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => stdout.push(b));
  child.stderr.on('data', (b: Buffer) => stderr.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  const durationMs = Date.now() - started;

  const label = options.label ?? 'bundled action';
  const result = {
    code,
    signal,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    rawOutputFile: readIfExists(files.GITHUB_OUTPUT),
    rawEnvFile: readIfExists(files.GITHUB_ENV),
    summary: readIfExists(files.GITHUB_STEP_SUMMARY),
    durationMs,
  };
  recordOutput(`${label}: stdout`, result.stdout, true);
  recordOutput(`${label}: stderr`, result.stderr, false);
  recordOutput(`${label}: step summary`, result.summary, false);
  rmSync(dir, { recursive: true, force: true });
  return {
    ...result,
    outputs: parseFileCommand(result.rawOutputFile, 'GITHUB_OUTPUT'),
    envFile: parseFileCommand(result.rawEnvFile, 'GITHUB_ENV'),
  };
}

// --- the action in-process, and the bundled one with the same endpoints -----------------------------------------

/** The two variables a runner sets when the job has `id-token: write`, pointing at the emulator's issuer. */
export function oidcEnv(emu: Emulator): Record<string, string> {
  return { ACTIONS_ID_TOKEN_REQUEST_URL: emu.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken };
}

/** Short timing for in-process runs: the same code paths as production, in milliseconds instead of seconds. */
export const FAST_TIMING: Timing = { requestTimeoutMs: 300, totalTimeoutMs: 3_000, backoffMs: [5, 10, 20, 40], maxRetryAfterMs: 50 };

/** The bound docs/action.md promises for the whole action (retries included), plus process start-up slack. */
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

/** A V8 stack frame line, as an uncaught error would print it. */
export const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** The problems with a failed run, as strings (empty = a clean failure). Used by the matrix and the fuzzers alike. */
export function failureProblems(r: { code: number | null; stdout: string; stderr?: string; outputFile: string; envFile: string }): string[] {
  const problems: string[] = [];
  if (r.code !== 1) problems.push(`exit code ${r.code}, expected 1`);
  if (r.outputFile !== '') problems.push('GITHUB_OUTPUT was written');
  if (r.envFile !== '') problems.push('GITHUB_ENV was written');
  const errors = annotations(r.stdout, 'error');
  if (errors.length !== 1) problems.push(`${errors.length} ::error annotations, expected 1`);
  else if ((errors[0].title ?? '').length < 3 || errors[0].message.length < 10) problems.push('the ::error annotation has no title or no message');
  for (const [name, text] of [['stdout', r.stdout], ['stderr', r.stderr ?? '']]) {
    if (STACK_FRAME.test(text)) problems.push(`a stack trace on ${name}`);
  }
  return problems;
}

/** The message of the one ::error annotation, or '' (the first line is the reason; details follow). */
export function errorMessage(stdout: string): string {
  return annotations(stdout, 'error')[0]?.message ?? '';
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

// --- what the action printed ------------------------------------------------------------------------------------

/**
 * The annotations and masks of stdout, decoded by the rehearsal's processor. Only those commands are fed to it: any
 * other (a stray `::set-output::` a hostile server managed to inject) is for the caller's checks to find, not a
 * reason for the reader to throw.
 */
function workflowCommands(stdout: string): { annotations: Annotation[]; masks: Set<string> } {
  const masks = new Set<string>();
  const processor = new StepOutputProcessor(masks, 'action');
  const read = stdout.split(/\r?\n/).filter((line) => /^::(add-mask|error|warning|notice)[ :]/.test(line.trimStart()));
  processor.feed(read.join('\n'));
  return { annotations: processor.annotations, masks };
}

/** The `::error`/`::warning`/`::notice` annotations of stdout, decoded, as the run page shows them. */
export function annotations(stdout: string, level?: Annotation['level']): Annotation[] {
  return workflowCommands(stdout).annotations.filter((a) => level === undefined || a.level === level);
}

/** The values registered with `::add-mask::`, in order. */
export function maskedValues(stdout: string): string[] {
  return [...workflowCommands(stdout).masks];
}

/** The one error annotation a failed run must print. */
export function theError(stdout: string): Annotation {
  const errors = annotations(stdout, 'error');
  if (errors.length !== 1) throw new Error(`expected exactly one ::error, got ${errors.length}`);
  return errors[0];
}

/** GitHub-flavoured Markdown as the step summary is read: raw HTML, tables, strikethrough and bare-URL links. */
const gfm = new MarkdownIt({ html: true, linkify: true });

/**
 * The parts of a Markdown document where `needle` (a marker planted in server text) would render as something other
 * than literal code: text (which GitHub turns into mentions and links), links, images, emphasis, HTML. Code spans and
 * code blocks are the only places server text may sit.
 */
export function liveServerText(markdown: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (tokens: ReturnType<typeof gfm.parse>) => {
    for (const t of tokens) {
      if (t.children) {
        walk(t.children);
        continue;
      }
      if (t.type === 'code_inline' || t.type === 'fence' || t.type === 'code_block') continue;
      if (t.content.includes(needle) || (t.attrs ?? []).some(([, v]) => v.includes(needle))) found.push(`${t.type}: ${t.content.slice(0, 80)}`);
    }
  };
  walk(gfm.parse(markdown, {}));
  return found;
}
