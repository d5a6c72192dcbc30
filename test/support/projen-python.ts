/**
 * Python for `.projenrc.py`: projen's Python package from PyPI, at the exact version of the npm `projen` this
 * repository builds with, installed by the tool installer (scripts/tools/: the hash-locked set
 * scripts/tools/requirements/projen.txt, `npx projen pins:lock`) into its environment .tools/envs/projen, reused
 * while it matches; plus this package's own wheel, installed there in place of the registry's copy.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TOOLS_DIR, isolatedEnv, projenNpmVersion, toolCommand } from '../../scripts/tools/catalog';
import { installTools } from '../../scripts/tools/install';

export { projenNpmVersion };

/** The interpreter of projen's environment: it runs the `.projenrc.py` files. */
export const PROJEN_PYTHON = join(TOOLS_DIR, 'envs', 'projen', 'bin', 'python');

/**
 * Every tool environment, installed or reused (the test task has already run the installer; a lone `npx jest`
 * may not have). Returns one line per environment.
 */
export function ensureProjenPython(): string[] {
  const log: string[] = [];
  installTools((line) => log.push(line.trim()));
  return log.filter((line) => line.startsWith(`projen==${projenNpmVersion()}`));
}

function uv(args: string[]): string {
  return execFileSync(toolCommand('uv'), args, { encoding: 'utf8', env: isolatedEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Installs a locally built wheel of this package into projen's environment in place of the registry's copy: its
 * dependencies are already there from the lock, and `uv pip check` proves they satisfy the wheel's requirements.
 */
export function installLocalWheel(wheel: string): void {
  uv(['pip', 'install', '--quiet', '--no-config', '--python', PROJEN_PYTHON, '--offline', '--no-deps', '--reinstall', wheel]);
  uv(['pip', 'check', '--quiet', '--no-config', '--python', PROJEN_PYTHON]);
}

/** The version of an installed distribution, as the environment's importlib.metadata sees it. */
export function installedVersion(dist: string): string {
  return execFileSync(PROJEN_PYTHON, ['-c', `import importlib.metadata as m; print(m.version(${JSON.stringify(dist)}))`],
    { encoding: 'utf8', env: isolatedEnv() }).trim();
}
