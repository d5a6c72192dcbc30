/**
 * External tools the tests drive (Debian's twine, python3 -m build, pip). Locally a missing tool lets the
 * caller skip; in CI (`CI=true`) it is a failure, so a green CI run always means the real tool ran.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * true when `path` exists (and, when given, `probe` args exit 0). Throws under CI=true when it does not,
 * otherwise returns false so the caller can `test.skip`.
 */
export function requireTool(name: string, path: string, probe?: string[]): boolean {
  let problem: string | undefined;
  if (!existsSync(path)) {
    problem = `${path} not found`;
  } else if (probe) {
    const r = spawnSync(path, probe, { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) problem = `'${path} ${probe.join(' ')}' exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 300)}`;
  }
  if (problem === undefined) return true;
  const message = `required tool ${name} is missing (${problem}); install it with .ci/run (apt-get install -y ...)`;
  if (process.env.CI === 'true') throw new Error(message);
  // eslint-disable-next-line no-console
  console.warn(`${message}: skipping its tests locally`);
  return false;
}

export interface ToolRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run a tool without blocking the event loop (a loopback server in this same process, like the emulator, must
 * keep answering it). Output is returned, not recorded: callers pass it to the leak scanner.
 */
export function runTool(command: string, args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}
