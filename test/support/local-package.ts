/**
 * This package as users get it, built from the working tree once per test run: the jsii assembly and lib/ (`npx
 * projen compile` when src/ is newer than .jsii), the npm tarball (`npm pack`) and the Python bindings (`npx projen
 * package:python`, jsii-pacmak). The build runs compile before the tests, so in CI these reuse its output.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
const JSII_ASSEMBLY = join(REPO_ROOT, '.jsii');
const PYTHON_DIST = join(REPO_ROOT, 'dist', 'python');
const EMULATOR_BUNDLE = join(REPO_ROOT, 'lib', 'emulator', 'cli.cjs');
const REHEARSAL_BUNDLE = join(REPO_ROOT, 'lib', 'rehearsal', 'cli.cjs');

function newestMtime(dir: string, skip: (path: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path, skip) : statSync(path).mtimeMs);
  }
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding a lock shared by every jest worker of this checkout (a directory created atomically), so
 * two test files never build the same thing at once; a lock whose holder has died is taken over.
 */
function withBuildLock<T>(name: string, fn: () => T): T {
  const lock = join(tmpdir(), `projen-pypi-mint-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12)}-${name}.lock`);
  const giveUp = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // created but not yet written: its holder is alive
      }
      if (holder && !alive(holder)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > giveUp) throw new Error(`${lock} is still held by process ${holder} after 20 minutes`);
      sleepSync(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function projen(task: string): void {
  execFileSync('npx', ['projen', task], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** .jsii and lib/ up to date with src/ (the action and the emulator are not jsii code). */
export function ensureCompiled(): void {
  withBuildLock('compile', compileIfStale);
}

function compileIfStale(): void {
  const jsiiSources = newestMtime(join(REPO_ROOT, 'src'), (p) => /[/\\]src[/\\](mint|attest|emulator|rehearsal)$/.test(p));
  if (!existsSync(JSII_ASSEMBLY) || statSync(JSII_ASSEMBLY).mtimeMs < jsiiSources) projen('compile');
  if (!existsSync(EMULATOR_BUNDLE)) projen('bundle:emulator');
  ensureRehearsalBundle();
}

/** lib/rehearsal/cli.cjs (`pypi-mint-rehearse`) up to date with the runner and the emulator it bundles. */
export function ensureRehearsalBundle(): string {
  return withBuildLock('rehearsal-bundle', rehearsalBundleIfStale);
}

function rehearsalBundleIfStale(): string {
  const sources = Math.max(newestMtime(join(REPO_ROOT, 'src', 'rehearsal'), () => false), newestMtime(join(REPO_ROOT, 'src', 'emulator'), () => false));
  if (!existsSync(REHEARSAL_BUNDLE) || statSync(REHEARSAL_BUNDLE).mtimeMs < sources) projen('bundle:rehearsal');
  return REHEARSAL_BUNDLE;
}

/** `npm pack` of this package into `dir`; returns the tarball's path. */
export function packNpm(dir: string): string {
  ensureCompiled();
  mkdirSync(dir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  return join(dir, filename);
}

/**
 * The wheel jsii-pacmak builds (`npx projen package:python`), rebuilt unless dist/python already holds one built
 * after the current assembly.
 */
export function pythonWheel(): { path: string; builtNow: boolean; seconds: number } {
  ensureCompiled();
  return withBuildLock('python-wheel', pythonWheelIfStale);
}

function pythonWheelIfStale(): { path: string; builtNow: boolean; seconds: number } {
  const existing = () => existsSync(PYTHON_DIST) ? readdirSync(PYTHON_DIST).filter((f) => f.endsWith('.whl')) : [];
  const wheels = existing();
  if (wheels.length === 1 && statSync(join(PYTHON_DIST, wheels[0])).mtimeMs > statSync(JSII_ASSEMBLY).mtimeMs) {
    return { path: join(PYTHON_DIST, wheels[0]), builtNow: false, seconds: 0 };
  }
  const started = Date.now();
  rmSync(PYTHON_DIST, { recursive: true, force: true }); // a wheel of another version must not be picked up
  projen('package:python');
  const built = existing();
  if (built.length !== 1) throw new Error(`npx projen package:python left ${built.length} wheels in dist/python: ${built.join(', ')}`);
  return { path: join(PYTHON_DIST, built[0]), builtNow: true, seconds: (Date.now() - started) / 1000 };
}
