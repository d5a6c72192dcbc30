/**
 * Runs the committed bundle `action/index.cjs` as a child process, the way the runner does: inputs as
 * `INPUT_<NAME>` env vars, fresh GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files, nothing inherited from the
 * test process's environment (so a proxy or a token on this machine cannot change the result). Everything the child
 * prints and the step summary go to the leak scanner; GITHUB_OUTPUT and GITHUB_ENV are the two places a token is
 * meant to be, so they are parsed and returned instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordOutput } from './leaks';
import { parseFileCommand } from './workflow/commands';

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
