/**
 * Keeping this package's, projen's and npm's files out of the project's sdist. Backends that take every tracked file
 * (hatchling, setuptools with setuptools-scm's file finder) would otherwise ship the vendored action bundles,
 * package.json and projen's files to every user of the package. Per backend: where the exclusion goes, in the
 * backend's own syntax; where projen writes pyproject.toml the component adds it, elsewhere synth prints the lines
 * and the build job refuses an sdist that carries any of these files.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Project } from 'projen';
import { TOOLS_ACTION_DIR } from './pins';
import { PyprojectFacts, valueAt } from './pyproject';
import { VERSION_SCRIPT_DIR } from './version-from-tag';

/** The build backends whose sdist contents we know how to shape. Internal. */
export type SdistBackend = 'setuptools' | 'setuptools-scm' | 'hatchling' | 'flit_core' | 'poetry-core' | 'pdm-backend' | 'uv_build';

/** A file or a directory (trailing `/`) relative to the project's directory. Internal. */
export type ForeignPath = string;

/** projen's files (`.projen/`, `.projenrc.*`, the tsconfig its TypeScript runner uses) and npm's. */
const PROJEN_AND_NPM_PATHS: ForeignPath[] = [
  '.projen/', '.projenrc.ts', '.projenrc.py', '.projenrc.js', '.projenrc.json', 'tsconfig.projen.json',
  'package.json', 'package-lock.json', 'node_modules/',
];

/**
 * The files an sdist must not carry: projen's (`.projen/`, `.projenrc.*`, the tsconfig its TypeScript runner uses),
 * npm's (`package.json`, `package-lock.json`, `node_modules/`), and this package's (the two shipped actions, the tools
 * action with its locked sets, the version and verify scripts, the GitHub setup plan, the release workflows).
 * Relative to the project's directory.
 */
export function foreignPaths(workflowFileName: string): ForeignPath[] {
  return [
    ...PROJEN_AND_NPM_PATHS,
    '.github/actions/pypi-mint/', '.github/actions/pypi-attest/', `${TOOLS_ACTION_DIR}/`, `${VERSION_SCRIPT_DIR}/`,
    '.github/actions/pypi-verify/', '.github/pypi-github-setup/',
    `.github/workflows/${workflowFileName}`, `.github/workflows/${workflowFileName.replace(/(\.ya?ml)$/, '-checks$1')}`,
  ];
}

/**
 * The same for a GitLab release: projen's and npm's files, the vendored steps with their locked sets and the version
 * script (`stepsDir`), and the pipeline file projen writes (`pipelineFile`). Relative to the project's directory.
 */
export function gitlabForeignPaths(stepsDir: string, pipelineFile: string): ForeignPath[] {
  return [...PROJEN_AND_NPM_PATHS, `${stepsDir}/`, pipelineFile];
}

/** The backend that builds the sdist, from `[build-system]` (none: setuptools' legacy backend). */
export function sdistBackend(pyproject: PyprojectFacts | undefined): SdistBackend | undefined {
  const backend = pyproject?.buildBackend;
  const requires = (pyproject?.buildRequires ?? []).map((r) => r.toLowerCase().replace(/_/g, '-'));
  if (backend === undefined || backend.startsWith('setuptools.build_meta')) {
    return requires.some((r) => /^setuptools-scm\b/.test(r)) ? 'setuptools-scm' : 'setuptools';
  }
  if (backend === 'hatchling.build') return 'hatchling';
  if (backend === 'flit_core.buildapi') return 'flit_core';
  if (backend === 'poetry.core.masonry.api') return 'poetry-core';
  if (backend === 'pdm.backend') return 'pdm-backend';
  if (backend === 'uv_build') return 'uv_build';
  return undefined;
}

interface TomlExclusion {
  /** The table, e.g. ["tool", "hatch", "build", "targets", "sdist"]. */
  readonly table: string[];
  readonly key: string;
  readonly render: (p: ForeignPath) => string;
}

const bare = (p: ForeignPath) => p.replace(/\/$/, '');

/** Where each backend takes its sdist exclusions in pyproject.toml (setuptools: MANIFEST.in instead). */
const TOML_EXCLUSIONS: Partial<Record<SdistBackend, TomlExclusion>> = {
  // gitignore-style, anchored at the project root; `dir/**` rather than `dir`, or projen's `!/.projen/tasks.json`
  // lines in .gitignore (which hatchling reads after these) would bring the files back
  'hatchling': { table: ['tool', 'hatch', 'build', 'targets', 'sdist'], key: 'exclude', render: (p) => (p.endsWith('/') ? `/${p}**` : `/${p}`) },
  // paths relative to pyproject.toml; a directory excludes everything inside
  'flit_core': { table: ['tool', 'flit', 'sdist'], key: 'exclude', render: bare },
  // globs relative to pyproject.toml
  'poetry-core': { table: ['tool', 'poetry'], key: 'exclude', render: (p) => (p.endsWith('/') ? `${p}**/*` : p) },
  'pdm-backend': { table: ['tool', 'pdm', 'build'], key: 'excludes', render: bare },
  'uv_build': { table: ['tool', 'uv', 'build-backend'], key: 'source-exclude', render: bare },
};

/** The MANIFEST.in lines that keep the paths out of a setuptools sdist (setuptools-scm's finder included). */
function manifestLines(paths: ForeignPath[]): string[] {
  return paths.map((p) => (p.endsWith('/') ? `prune ${bare(p)}` : `exclude ${p}`));
}

/** What to add where, for the synth log: undefined when the project already has every line. */
export interface SdistExclusionAdvice {
  readonly file: string;
  readonly lines: string[];
  /** The pyproject.toml table already exists: the key line(s) go into it (replacing the key if it is there). */
  readonly intoTable?: string;
}

/**
 * The exclusions the project's own build configuration lacks, as the exact lines to add. Setuptools reads
 * MANIFEST.in; the other backends a key of pyproject.toml (whose existing entries are kept in the advice).
 */
export function missingExclusions(
  project: Project, backend: SdistBackend, pyproject: PyprojectFacts | undefined, paths: ForeignPath[],
): SdistExclusionAdvice | undefined {
  if (backend === 'setuptools' || backend === 'setuptools-scm') {
    const file = join(project.outdir, 'MANIFEST.in');
    const manifest = (existsSync(file) ? readFileSync(file, 'utf-8') : '').split('\n').map((l) => l.trim().replace(/\s+/g, ' '));
    // plain setuptools takes the packages, README, setup.* and tests only, unless MANIFEST.in adds whole trees
    const addsTrees = manifest.some((l) => /^(graft \.?$|graft \S|global-include|recursive-include \. )/.test(l));
    if (backend === 'setuptools' && !addsTrees) return undefined;
    const have = new Set(manifest);
    const lines = manifestLines(paths).filter((l) => !have.has(l));
    return lines.length ? { file: 'MANIFEST.in', lines } : undefined;
  }
  const where = TOML_EXCLUSIONS[backend]!;
  const existing = valueAt(pyproject?.data ?? {}, [...where.table, where.key]);
  const have = Array.isArray(existing) ? existing.map(String) : [];
  const wanted = paths.map(where.render);
  if (wanted.every((w) => have.includes(w))) return undefined;
  const all = [...have, ...wanted.filter((w) => !have.includes(w))];
  const header = `[${where.table.map(tomlKey).join('.')}]`;
  const keyLines = [`${tomlKey(where.key)} = [`, ...all.map((v) => `  ${JSON.stringify(v)},`), ']'];
  // a table TOML already has cannot be written twice: then the key goes into it
  const tableExists = valueAt(pyproject?.data ?? {}, where.table) !== undefined;
  return tableExists ? { file: 'pyproject.toml', lines: keyLines, intoTable: header } : { file: 'pyproject.toml', lines: [header, ...keyLines] };
}

/**
 * For a pyproject.toml projen writes: the override that adds the exclusions (existing entries kept), or undefined
 * when the backend needs none there (setuptools: its default sdist takes only the package, and MANIFEST.in is the
 * user's).
 */
export function exclusionOverride(
  backend: SdistBackend, pyproject: PyprojectFacts, paths: ForeignPath[],
): { path: string; value: string[] } | undefined {
  const where = TOML_EXCLUSIONS[backend];
  if (!where) return undefined;
  const existing = valueAt(pyproject.data, [...where.table, where.key]);
  const have = Array.isArray(existing) ? existing.map(String) : [];
  const value = [...have, ...paths.map(where.render).filter((w) => !have.includes(w))];
  return { path: [...where.table, where.key].join('.'), value };
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
