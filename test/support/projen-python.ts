/**
 * Python for `.projenrc.py`: projen's Python package from PyPI, at the exact version of the npm `projen` this
 * repository builds with, installed from a hash-locked requirement set (scripts/tools/requirements/projen.txt,
 * written by `npx projen projen-py:lock`) into a project-local, git-ignored virtual environment under .tools/.
 * The environment is reused while it matches the lock file and the interpreter; otherwise it is rebuilt.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './local-package';

export { REPO_ROOT };
export const PROJEN_PY_LOCK = 'scripts/tools/requirements/projen.txt';
export const PYPI_SIMPLE = 'https://pypi.org/simple';
const VENV = join(REPO_ROOT, '.tools', 'envs', 'projen-py');
const STAMP = join(VENV, 'installed-from.json');

/** The npm projen this repository builds with: the Python package must be the same release. */
export function projenNpmVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies.projen;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package.json pins projen as '${version}', not an exact version`);
  return version;
}

/** The environment without a machine's pip/uv configuration (mirrors, constraints): PyPI and the lock only. */
export function isolatedPythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PIP_|UV_|PYTHON|VIRTUAL_ENV$|CONDA)/.test(k)) env[k] = v;
  }
  return { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', UV_NO_CONFIG: '1', ...extra };
}

function python(args: string[], env = isolatedPythonEnv()): string {
  return execFileSync(join(VENV, 'bin', 'python'), args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ProjenPython {
  /** The environment's interpreter. */
  readonly python: string;
  /** false when the environment was reused. */
  readonly installedNow: boolean;
}

/** The environment with projen's locked closure (built or reused). */
export function ensureProjenPython(): ProjenPython {
  const lockText = readFileSync(join(REPO_ROOT, PROJEN_PY_LOCK), 'utf8');
  if (!lockText.includes(`\nprojen==${projenNpmVersion()} `)) {
    throw new Error(`${PROJEN_PY_LOCK} does not pin projen==${projenNpmVersion()}: run npx projen projen-py:lock`);
  }
  const basePython = process.env.PYTHON ?? 'python3';
  const interpreter = execFileSync(basePython, ['-c', 'import sys; print(sys.executable, sys.version)'], { encoding: 'utf8', env: isolatedPythonEnv() }).trim();
  const wanted = JSON.stringify({ lockSha256: createHash('sha256').update(lockText).digest('hex'), interpreter });
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return { python: join(VENV, 'bin', 'python'), installedNow: false };

  rmSync(VENV, { recursive: true, force: true });
  mkdirSync(join(REPO_ROOT, '.tools', 'envs'), { recursive: true });
  execFileSync(basePython, ['-m', 'venv', VENV], { env: isolatedPythonEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
  python(['-m', 'pip', 'install', '--quiet', '--index-url', PYPI_SIMPLE, '--require-hashes', '--only-binary', ':all:',
    '--no-deps', '-r', join(REPO_ROOT, PROJEN_PY_LOCK)]);
  writeFileSync(STAMP, wanted);
  return { python: join(VENV, 'bin', 'python'), installedNow: true };
}

/**
 * Installs a locally built wheel of this package into the environment in place of the registry's copy (its
 * dependencies are already there from the lock; `pip check` proves they satisfy the wheel's requirements).
 */
export function installLocalWheel(wheel: string): void {
  python(['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', '--force-reinstall', wheel]);
  python(['-m', 'pip', 'check']);
}

/** The version of an installed distribution, as the environment's importlib.metadata sees it. */
export function installedVersion(dist: string): string {
  return python(['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(dist)}))`]).trim();
}
