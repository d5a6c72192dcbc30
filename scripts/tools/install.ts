/**
 * `npx projen tools:install`: every Python tool of catalog.ts, from its hash-locked set, each in its own virtual
 * environment under .tools/envs/, its commands linked into .tools/bin/. Needs only a Python 3 with venv and pip
 * (`python3`, or $PYTHON) with pip, and PyPI; no root, no venv module, nothing else from the machine.
 *
 * uv comes first, with the interpreter's own pip (`pip install --require-hashes --target`); every other environment is made
 * and filled by that uv (`uv pip install --require-hashes --only-binary :all:`). An environment whose stamp (the
 * sha256 of its lock file and of the interpreter) matches is reused as it is, so a second run costs a few checks.
 * The test task runs this first, and so does the demo.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  PYPI_SIMPLE, REPO_ROOT, TOOLS_BIN, TOOLS_CACHE, TOOLS_DIR, TOOLS_MANIFEST, TOOL_ENVIRONMENTS, ToolEnvironment, isolatedEnv,
} from './catalog';

/** The lowest Python the locks are resolved for (catalog.LOCK_PYTHON_FLOOR). */
const MIN_PYTHON: [number, number] = [3, 10];

export interface Interpreter {
  readonly executable: string;
  readonly version: string;
}

export interface InstalledTools {
  readonly python: Interpreter;
  /** environment name -> `package==version` */
  readonly tools: Record<string, string>;
}

function findInterpreter(): Interpreter {
  const candidate = process.env.PYTHON ?? 'python3';
  let out: string;
  try {
    out = execFileSync(candidate, ['-c', 'import sys, pip; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'],
      { encoding: 'utf8', env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${candidate} (a Python 3 with pip, or set PYTHON) cannot run: ${(e as Error).message.split('\n')[0]}`);
  }
  const [executable, version] = out.trim().split('\n');
  const [major, minor] = version.split('.').map(Number);
  if (major !== MIN_PYTHON[0] || minor < MIN_PYTHON[1]) {
    throw new Error(`${executable} is Python ${version}; the tools' locked sets need Python >= ${MIN_PYTHON.join('.')}`);
  }
  return { executable, version };
}

/** Whether version "3.10.4" is older than floor "3.11". */
function olderThan(version: string, floor: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  const [floorMajor, floorMinor] = floor.split('.').map(Number);
  return major < floorMajor || (major === floorMajor && minor < floorMinor);
}

function stampOf(env: ToolEnvironment, python: Interpreter): string {
  return createHash('sha256')
    .update(readFileSync(join(REPO_ROOT, env.lock)))
    .update(`\0${python.executable}\0${python.version}\0${process.arch}`)
    .digest('hex');
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { cwd: REPO_ROOT, env: isolatedEnv(), stdio: ['ignore', 'inherit', 'inherit'] });
}

function link(command: string, target: string): void {
  const path = join(TOOLS_BIN, command);
  try {
    if (lstatSync(path)) unlinkSync(path);
  } catch {
    // not there yet
  }
  if (/^python/.test(command)) {
    // a venv's interpreter knows its environment only when called by its own path (a symlink to it resolves past it)
    writeFileSync(path, `#!/bin/sh\nexec ${JSON.stringify(target)} "$@"\n`, { mode: 0o755 });
  } else {
    symlinkSync(relative(TOOLS_BIN, target), path);
  }
}

/**
 * Installs what is missing or stale, links every command, writes .tools/tools.json. `log` gets one line per
 * environment (reused or installed, and how long it took).
 */
export function installTools(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): InstalledTools {
  const python = findInterpreter();
  mkdirSync(TOOLS_BIN, { recursive: true });
  mkdirSync(TOOLS_CACHE, { recursive: true });
  const uvEnv = join(TOOLS_DIR, 'envs', 'uv');
  const uv = join(uvEnv, 'bin', 'uv');
  const tools: Record<string, string> = {};
  for (const env of TOOL_ENVIRONMENTS) {
    if (env.pythonFloor !== undefined && olderThan(python.version, env.pythonFloor)) {
      throw new Error(`${env.requirement} needs Python >= ${env.pythonFloor}; ${python.executable} is ${python.version} (set PYTHON to a newer one)`);
    }
    const dir = join(TOOLS_DIR, 'envs', env.name);
    const stampFile = join(dir, '.lock-stamp');
    const stamp = stampOf(env, python);
    const bin = join(dir, 'bin');
    const current = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp
      && env.commands.every((c) => existsSync(join(bin, c)));
    if (current) {
      log(`  ${env.requirement}: reused (${relative(REPO_ROOT, dir)} matches ${env.lock})`);
    } else {
      const started = Date.now();
      rmSync(dir, { recursive: true, force: true });
      const lock = join(REPO_ROOT, env.lock);
      if (env.name === 'uv') {
        // uv's wheel is a static binary: the interpreter's own pip drops it into a plain directory (no venv, so no
        // need for ensurepip, which Debian splits off into python3-venv)
        run(python.executable, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input', '--root-user-action=ignore',
          '--index-url', PYPI_SIMPLE, '--require-hashes', '--only-binary', ':all:', '--target', dir, '--requirement', lock]);
      } else {
        run(uv, ['venv', '--quiet', '--no-config', '--python', python.executable, dir]);
        run(uv, ['pip', 'install', '--quiet', '--no-config', '--python', join(bin, 'python'), '--default-index', PYPI_SIMPLE,
          '--require-hashes', '--only-binary', ':all:', '--requirement', lock]);
      }
      writeFileSync(stampFile, stamp);
      log(`  ${env.requirement}: installed from ${env.lock} into ${relative(REPO_ROOT, dir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const c of env.commands) link(c, join(bin, c));
    tools[env.name] = env.requirement;
  }
  const installed: InstalledTools = { python, tools };
  writeFileSync(TOOLS_MANIFEST, `${JSON.stringify(installed, null, 2)}\n`);
  return installed;
}

if (require.main === module) {
  try {
    process.stdout.write(`Python tools for the tests and the demo, from their hash-locked sets, into ${relative(REPO_ROOT, TOOLS_DIR)}/\n`);
    const started = Date.now();
    installTools();
    process.stdout.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s; commands in ${relative(REPO_ROOT, TOOLS_BIN)}/\n`);
  } catch (e) {
    process.stderr.write(`tools:install failed: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
