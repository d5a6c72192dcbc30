/**
 * What a rehearsal needs from this machine, and nothing else from it: a Python 3 (>= 3.10, with pip) as a runner
 * has, the pinned uv that astral-sh/setup-uv would install, the pinned pypi-attestations that checks the provenance,
 * and a Node 24 for the vendored node24 actions. uv and pypi-attestations are installed from the hash-locked sets
 * this package ships (every file checked against its sha256, wheels only) into a cache directory, once per lock.
 * Nothing of the machine's pip or uv configuration (a mirror, an index URL) reaches them: they come from PyPI.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MESSAGES } from './messages';
import { node24 } from './node';
import { MIN_PYTHON, PYPI_ATTESTATIONS_LOCK, PYPI_SIMPLE, UV_LOCK } from './pins';

/** This package's root: the locks are shipped there (the bundle is lib/rehearsal/cli.cjs, the source src/rehearsal/). */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

export interface Machine {
  readonly python: string;
  readonly pythonVersion: string;
  readonly uv: string;
  /** The interpreter of pypi-attestations' environment: `<python> -m pypi_attestations` (see prepareMachine). */
  readonly pypiAttestationsPython: string;
  readonly node24: string;
  /** uv's download cache, shared by the installs here and the jobs' tool installs. */
  readonly uvCache: string;
  /** The variables through which this machine reaches PyPI (proxy, CA bundle): what every tool gets from it. */
  readonly networkEnv: Record<string, string>;
}

/** The default cache: $XDG_CACHE_HOME/projen-pypi-mint (or ~/.cache/projen-pypi-mint). */
export function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'projen-pypi-mint');
}

export function networkEnv(): Record<string, string> {
  const names = /^(SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|(https?|no|all)_proxy)$/i;
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => names.test(e[0]) && e[1] !== undefined));
}

/** A tool's environment: PATH of the system, the network variables, none of the machine's pip/uv/Python settings. */
export function isolatedToolEnv(uvCache: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...networkEnv(),
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? homedir(),
    LANG: 'C.UTF-8',
    PIP_CONFIG_FILE: '/dev/null',
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    UV_NO_CONFIG: '1',
    UV_CACHE_DIR: uvCache,
    UV_PYTHON_DOWNLOADS: 'never',
    ...extra,
  };
}

async function findPython(uvCache: string): Promise<{ python: string; version: string }> {
  const candidate = process.env.PYTHON || 'python3';
  let out: string;
  try {
    out = (await promisify(execFile)(candidate, ['-c', 'import sys, importlib.util; assert importlib.util.find_spec("pip"), "no pip"; ' +
      'print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])'],
    { encoding: 'utf8', env: isolatedToolEnv(uvCache, { PATH: process.env.PATH ?? '/usr/bin:/bin' }) })).stdout;
  } catch (e) {
    throw new Error(MESSAGES.noPython(candidate, (e as Error).message.split('\n')[0]));
  }
  const [python, version] = out.trim().split('\n');
  const [major, minor] = version.split('.').map(Number);
  if (major !== MIN_PYTHON[0] || minor < MIN_PYTHON[1]) throw new Error(MESSAGES.oldPython(python, version, MIN_PYTHON.join('.')));
  return { python, version };
}

const STAMP = '.pypi-mint-stamp';

function complete(dir: string, stamp: string): boolean {
  try {
    return readFileSync(join(dir, STAMP), 'utf8') === stamp;
  } catch {
    return false;
  }
}

/**
 * An install directory per lock and interpreter, reused when its stamp says it is complete. The install goes to a
 * directory of its own and is renamed into place when finished, so rehearsals started side by side (two terminals, a
 * test suite's workers) never see, or remove, a half-written install: the first to finish wins, the others use its
 * copy. `install` gets the directory to write to.
 */
export function installOnce(dir: string, stamp: string, install: (into: string) => void): boolean {
  if (complete(dir, stamp)) return false;
  const partial = `${dir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  mkdirSync(partial, { recursive: true });
  try {
    install(partial);
    writeFileSync(join(partial, STAMP), stamp);
    if (!complete(dir, stamp)) {
      // an incomplete install (an interrupted run of an older version): out of the way first
      const stale = `${dir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(dir, stale);
        rmSync(stale, { recursive: true, force: true });
      } catch {
        // nothing there, or another run moved it already
      }
    }
    try {
      renameSync(partial, dir);
      return true;
    } catch (e) {
      if (complete(dir, stamp)) return false; // another run finished first: its copy is as good as ours
      throw e;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

function lockStamp(lock: string, python: string): string {
  return createHash('sha256').update(readFileSync(lock)).update(`\0${python}\0${process.arch}`).digest('hex');
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): void {
  try {
    execFileSync(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 600_000 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(MESSAGES.toolInstallFailed(what, (err.stderr || err.message).trim().split('\n').slice(-5).join('\n')));
  }
}

/**
 * Finds Python and Node 24 and installs (or reuses) uv and pypi-attestations under `cacheDir`. `log` gets one line
 * per tool.
 */
export async function prepareMachine(cacheDir: string, log: (line: string) => void): Promise<Machine> {
  const uvCache = join(cacheDir, 'uv-cache');
  mkdirSync(uvCache, { recursive: true });
  const { python, version } = await findPython(uvCache);
  const env = isolatedToolEnv(uvCache);

  const uvLock = join(PACKAGE_ROOT, UV_LOCK);
  const uvStamp = lockStamp(uvLock, python);
  const uvDir = join(cacheDir, 'tools', `uv-${uvStamp.slice(0, 16)}`);
  const uvFresh = installOnce(uvDir, uvStamp, (into) => run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input',
    '--root-user-action=ignore', '--index-url', PYPI_SIMPLE, '--require-hashes', '--only-binary', ':all:', '--target', into,
    '--requirement', uvLock], env, 'uv'));
  const uv = join(uvDir, 'bin', 'uv');
  log(`uv from ${UV_LOCK}: ${uvFresh ? 'installed' : 'reused'} (${uv})`);

  const paLock = join(PACKAGE_ROOT, PYPI_ATTESTATIONS_LOCK);
  // the recipe is part of the stamp: a venv made before it was relocatable names its Python by the absolute path it
  // was made at, and breaks (every provenance check failing without output) once that path is gone
  const paStamp = createHash('sha256').update(lockStamp(paLock, python)).update('\0relocatable venv').digest('hex');
  const paDir = join(cacheDir, 'tools', `pypi-attestations-${paStamp.slice(0, 16)}`);
  // --relocatable: the venv is built under another name and renamed into place (entry points find their Python
  // relative to themselves)
  const paFresh = installOnce(paDir, paStamp, (into) => {
    run(uv, ['venv', '--quiet', '--no-config', '--relocatable', '--python', python, into], env, 'pypi-attestations');
    run(uv, ['pip', 'install', '--quiet', '--no-config', '--python', join(into, 'bin', 'python'), '--default-index', PYPI_SIMPLE,
      '--require-hashes', '--only-binary', ':all:', '--requirement', paLock], env, 'pypi-attestations');
  });
  // through the environment's interpreter, not its bin/ script: the script's #! names the path the cache had when it
  // was installed, and a cache reached through another path (a moved or symlinked XDG_CACHE_HOME) would break it
  const pypiAttestationsPython = join(paDir, 'bin', 'python');
  log(`pypi-attestations from ${PYPI_ATTESTATIONS_LOCK}: ${paFresh ? 'installed' : 'reused'}`);

  let node: string;
  try {
    node = node24();
  } catch (e) {
    throw new Error((e as Error).message);
  }
  log(`Python ${version} (${python}); Node 24 for the node24 actions: ${node}`);
  return { python, pythonVersion: version, uv, pypiAttestationsPython, node24: node, uvCache, networkEnv: networkEnv() };
}
