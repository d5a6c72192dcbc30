/**
 * The build job's version steps, run by the vendored `version.py` (the runner's python3, standard library only):
 * the check that every distribution has the version the tag names, and, with `versionFromTag`, the step that takes
 * the version from the tag and writes it into the project before the build. The script is a projen-managed copy
 * of the one this package ships (`version/version.py`), next to the shipped actions.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Project, github } from 'projen';
import { BuildToolSpec } from './build-tool';
import { PypiReleaseConfigError } from './errors';
import type { JobPlacement } from './placement';
import { PythonProjectKind, hasPyproject } from './project';
import { readPyproject } from './pyproject';
import { PACKAGE_ROOT, ShippedFile } from './shipped-file';

/** Where the version script lives in a user's repository, next to the shipped actions. */
export const VERSION_SCRIPT_DIR = '.github/actions/pypi-version';
export const VERSION_SCRIPT = `${VERSION_SCRIPT_DIR}/version.py`;
const VERSION_SCRIPT_SOURCE = join(PACKAGE_ROOT, 'version', 'version.py');

/** How the build job writes the tag's version into the project: the project's own tool, or an edit of pyproject.toml. */
export type VersionStamp = 'uv' | 'poetry' | 'hatch' | 'pyproject';

/** The script, run from the project's directory (a subproject's too): the runner always sets GITHUB_WORKSPACE. */
function script(args: string): string {
  return `python3 "$GITHUB_WORKSPACE/${VERSION_SCRIPT}" ${args}`;
}

/** The version check, run in the build job right after the build: every distribution has the tag's version. */
export function versionCheckStep(where: JobPlacement): github.workflows.JobStep {
  return {
    name: 'Check the version against the tag',
    id: 'check_version',
    workingDirectory: where.projectDir || undefined,
    run: script('check dist'),
  };
}

/**
 * The version from the tag, written into the project before the build. The tag reaches the script as the runner's
 * own GITHUB_REF_NAME: no `${{ }}` expression anywhere, so a tag like `1.0$(touch x)` is data, and the script refuses
 * it before running anything.
 */
export function stampVersionStep(stamp: VersionStamp, where: JobPlacement): github.workflows.JobStep {
  return {
    name: 'Take the version from the tag',
    id: 'stamp_version',
    workingDirectory: where.projectDir || undefined,
    run: script(`stamp --with ${stamp}`),
  };
}

/** Writes the script into the repository (once per repository). */
export function vendorVersionScript(project: Project): void {
  if (project.root.tryFindFile(VERSION_SCRIPT) === undefined) {
    new ShippedFile(project.root, VERSION_SCRIPT, VERSION_SCRIPT_SOURCE, '#', (body) => body,
      (source) => new PypiReleaseConfigError(`the version script is missing at ${source}; this package is broken`),
      { executable: true });
  }
}

/**
 * Plugins and build backends that take the version from git (a tag, a commit count): with them the version already
 * comes from the tag, and stamping one into pyproject.toml would be ignored or fight them.
 */
const VCS_VERSION_PLUGINS: Array<[RegExp, string]> = [
  [/setuptools[-_.]?scm/i, 'setuptools-scm'],
  [/hatch[-_.]vcs/i, 'hatch-vcs'],
  [/poetry[-_.]dynamic[-_.]versioning/i, 'poetry-dynamic-versioning'],
  [/uv[-_.]dynamic[-_.]versioning/i, 'uv-dynamic-versioning'],
  [/versioningit/i, 'versioningit'],
  [/setuptools[-_.]git[-_.]versioning/i, 'setuptools-git-versioning'],
  [/\bpbr\s*=\s*True|["']pbr["'<>=!~ ]/, 'pbr'],
];

/** What the project's files say about where its version comes from. */
interface VersionFacts {
  /** pyproject.toml's data (projen's overrides included) as JSON, and setup.py / setup.cfg as written. */
  readonly texts: string[];
  readonly hatchSource?: string;
  readonly pdmSource?: string;
  readonly dynamicVersion: boolean;
}

function versionFacts(project: Project): VersionFacts {
  const pyproject = readPyproject(project);
  const at = (path: string[]): unknown =>
    path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), pyproject?.data);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const files = ['setup.py', 'setup.cfg'].map((name) => join(project.outdir, name)).filter((path) => existsSync(path));
  return {
    texts: [JSON.stringify(pyproject?.data ?? {}), ...files.map((path) => readFileSync(path, 'utf-8'))],
    hatchSource: text(at(['tool', 'hatch', 'version', 'source'])),
    pdmSource: text(at(['tool', 'pdm', 'version', 'source'])),
    dynamicVersion: pyproject?.dynamicVersion ?? false,
  };
}

/**
 * How `versionFromTag` stamps this project, or a PypiReleaseConfigError naming why it cannot: the version already
 * comes from VCS, or there is no pyproject.toml to write it into.
 */
export function versionStampFor(project: Project, kind: PythonProjectKind, build: BuildToolSpec): VersionStamp {
  const refuse = (why: string) => new PypiReleaseConfigError(`versionFromTag cannot work here: ${why}`);
  const facts = versionFacts(project);
  const plugin = VCS_VERSION_PLUGINS.find(([pattern]) => facts.texts.some((t) => pattern.test(t)));
  if (plugin) {
    throw refuse(`the project's version already comes from git through ${plugin[1]} (the tag is the version there); drop versionFromTag, or drop ${plugin[1]} and keep a placeholder version such as 0.0.0`);
  }
  if (facts.hatchSource === 'vcs') {
    throw refuse('the project\'s version already comes from git ([tool.hatch.version] source = "vcs"); drop versionFromTag');
  }
  if (facts.pdmSource === 'scm') {
    throw refuse('the project\'s version already comes from git (pdm-backend\'s [tool.pdm.version] source = "scm"); drop versionFromTag');
  }
  if (!hasPyproject(project)) {
    throw refuse('the project keeps its version in setup.py (projen writes it there from the version option), and the build job stamps the version into pyproject.toml; create the project with uv: true or poetry: true, or give it a pyproject.toml with a [project] table');
  }
  if (build.tool === 'poetry') return 'poetry';
  if (build.tool === 'hatch') return 'hatch';
  if (facts.dynamicVersion) {
    throw refuse('[project].dynamic lists "version", so there is no [project].version to write the tag\'s version into; keep a static version = "0.0.0", or build with BuildTool.HATCH when hatch\'s version source holds it');
  }
  return kind === 'uv' ? 'uv' : 'pyproject';
}
