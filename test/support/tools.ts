/**
 * The Python tools the tests drive, as `npx projen tools:install` installs them into `.tools/` (the versions of
 * src/component/pins.ts, from the hash-locked sets; see scripts/tools/catalog.ts). The test task installs them first. A tool
 * that is not there lets a local run skip its tests with a hint; under `CI=true` it fails them, so a green CI run
 * always means the real tool ran.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { TOOLS_BIN, TOOLS_CACHE, TOOLS_MANIFEST, networkEnv, toolCommand } from '../../scripts/tools/catalog';
import { tempDir } from '../../src/rehearsal/temp-dirs';

export { TOOLS_BIN, TOOLS_CACHE } from '../../scripts/tools/catalog';

/** Absolute path of an installed command: `tool('twine')` -> <repo>/.tools/bin/twine. */
export function tool(command: string): string {
  return toolCommand(command);
}

/** The interpreter the installer made the environments from (a real executable, for `uv venv --python`). */
export function installedPython(): string {
  return (JSON.parse(readFileSync(TOOLS_MANIFEST, 'utf8')) as { python: { executable: string } }).python.executable;
}

const probed = new Map<string, string | undefined>();

/** Why `command` cannot run (missing, or `command --version` fails), or undefined when it can. */
export function toolProblem(command: string): string | undefined {
  if (!probed.has(command)) {
    const path = tool(command);
    let problem: string | undefined;
    if (!existsSync(path)) {
      problem = `${path} not found`;
    } else {
      const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 60_000, env: toolEnv() });
      if (r.status !== 0) problem = `'${path} --version' exited ${r.status}: ${(r.stderr || r.stdout || String(r.error)).slice(0, 300)}`;
    }
    probed.set(command, problem);
  }
  return probed.get(command);
}

/**
 * true when every command can run. Otherwise: throws under CI=true; returns false locally so the caller can skip.
 */
export function requireTool(...commands: string[]): boolean {
  const problems = commands.map(toolProblem).filter((p): p is string => p !== undefined);
  if (problems.length === 0) return true;
  const message = `required tool missing (${problems.join('; ')}): run \`npx projen tools:install\` (the test task does)`;
  if (process.env.CI === 'true') throw new Error(message);
  // eslint-disable-next-line no-console
  console.warn(`${message}: skipping its tests locally`);
  return false;
}

/**
 * An environment for running a tool: .tools/bin first on PATH, a private HOME, the machine's way to PyPI (proxy, CA
 * bundle) and nothing from its pip or uv configuration (which may point at a local mirror). uv's download cache is
 * the installer's, shared by the run.
 */
export function toolEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    ...networkEnv(),
    PATH: `${TOOLS_BIN}:/usr/local/bin:/usr/bin:/bin`,
    HOME: tempDir('tool-home-'),
    LANG: 'C.UTF-8',
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    UV_NO_CONFIG: '1',
    UV_CACHE_DIR: TOOLS_CACHE,
    UV_PYTHON_DOWNLOADS: 'never',
    ...extra,
  };
}

/**
 * What the rehearsal runner gets from this machine for a job: the Python and the uv of .tools/ (a runner's Python;
 * the uv setup-uv installs), uv's run-wide cache, and the variables through which this machine reaches PyPI.
 */
export function rehearsalMachine(): { tools: Record<string, string | null>; uvCacheDir: string; machineEnv: Record<string, string> } {
  const tools: Record<string, string | null> = {};
  for (const name of ['python', 'uv']) tools[name] = existsSync(tool(name)) ? tool(name) : null;
  return { tools, uvCacheDir: TOOLS_CACHE, machineEnv: networkEnv() };
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
