/**
 * Adopting a release component in a project that already has its own Python configuration, the same way for GitHub
 * (PypiRelease) and GitLab (PypiGitlabRelease): the distribution name agrees with the project's pyproject.toml, the
 * version a release carries is known where the configuration says it, and the files this package, projen and npm add
 * to the repository stay out of the sdist.
 */
import { Project, python } from 'projen';
import { PypiReleaseConfigError } from './errors';
import { PyprojectFacts } from './pyproject';
import { ForeignPath, exclusionOverride, missingExclusions, sdistBackend } from './sdist';
import { validateDistributionName } from './trusted-publisher';
import { normalizeProjectName } from '../pypi';

/**
 * The distribution name: the pyproject.toml's, which must agree (PEP 503-normalised) with the option and, for a Python
 * project, with projen's `name`; whichever it is, a name PyPI accepts. `component` names the option's owner in
 * messages ("PypiRelease").
 */
export function distributionNameOf(project: Project, pyproject: PyprojectFacts | undefined, option: string | undefined, component: string): string {
  const name = agreedDistributionName(project, pyproject, option, component);
  validateDistributionName(name);
  return name;
}

function agreedDistributionName(project: Project, pyproject: PyprojectFacts | undefined, option: string | undefined, component: string): string {
  if (option !== undefined) validateDistributionName(option);
  const own = pyproject?.name;
  const candidates: Array<[string, string]> = [];
  if (option !== undefined) candidates.push([option, `the ${component} option distributionName`]);
  if (project instanceof python.PythonProject || option === undefined) candidates.push([project.name, 'projen\'s `name` in .projenrc']);
  if (own) {
    for (const [name, source] of candidates) {
      // a Python project's projen name only counts where the name came from projen's own file
      if (normalizeProjectName(name) !== normalizeProjectName(own.value)) {
        throw new PypiReleaseConfigError(`the distribution name "${own.value}" (${pyproject!.source} ${own.key}) and "${name}" (${source}) are different projects on PyPI (PEP 503: "${normalizeProjectName(own.value)}" vs "${normalizeProjectName(name)}"). The trusted publisher must be registered for the name the build puts in the distributions: make them the same`);
      }
    }
    return option ?? own.value;
  }
  return option ?? project.name;
}

/** The version a release of the project would carry, when the configuration says it (not dynamic). */
function knownVersion(project: Project, pyproject: PyprojectFacts | undefined): { value: string; source: string } | undefined {
  // projen writes its `version` into the setup.py / pyproject.toml it generates; a hand-written one has its own
  if (project instanceof python.PythonProject && (pyproject?.generated || (!pyproject && project.tryFindFile('setup.py')))) {
    return { value: project.version, source: 'projen\'s `version` in .projenrc' };
  }
  if (pyproject?.version) return { value: pyproject.version.value, source: `${pyproject.source} ${pyproject.version.key}` };
  return undefined;
}

/**
 * The version a release will carry when synth can know it: none with versionFromTag (the release's version is the
 * tag's, whatever the project says today), else the configuration's (knownVersion). For a dynamic version `notes`
 * gets a line for the synth log saying where the version is checked instead. `component` names the note's author.
 */
export function releaseVersion(project: Project, pyproject: PyprojectFacts | undefined, versionFromTag: boolean | undefined,
  component: string, notes: string[]): { value: string; source: string } | undefined {
  if (versionFromTag) return undefined;
  const version = knownVersion(project, pyproject);
  if (!version && pyproject?.dynamicVersion) {
    notes.push(`${component}: the version is dynamic (${pyproject.source} [project].dynamic); the build job checks the version of what it built against the pushed tag.`);
  }
  return version;
}

/** Who asks for the sdist exclusions, for the synth log. */
export interface SdistExclusionOwner {
  /** "PypiRelease", "PypiGitlabRelease". */
  readonly component: string;
  /** Whose files besides projen's and npm's: "the release workflow's", "the release pipeline's". */
  readonly releaseFiles: string;
}

/** The paths the build job's sdist check looks for, and how its message says to fix an sdist that carries them. */
export interface SdistExclusions {
  readonly paths: ForeignPath[];
  readonly fix: string;
}

/**
 * Keeps projen's, npm's and this package's files (`paths`) out of the sdist: in a pyproject.toml projen writes, the
 * exclusion itself; in the user's own build configuration, a note (pushed on `notes`, for the synth log) with the exact
 * lines to add. Either way the build job checks the sdist with what this returns.
 */
export function sdistExclusions(
  project: Project, pyproject: PyprojectFacts | undefined, paths: ForeignPath[], owner: SdistExclusionOwner, notes: string[],
): SdistExclusions {
  const backend = sdistBackend(pyproject);
  if (backend === undefined) {
    return { paths, fix: 'Exclude them from the sdist in your build backend\'s configuration.' };
  }
  if (pyproject?.generated) {
    const override = exclusionOverride(backend, pyproject, paths);
    if (override) project.tryFindObjectFile('pyproject.toml')?.addOverride(override.path, override.value);
    return { paths, fix: 'Exclude them in the pyproject.toml options of .projenrc (the build backend is ' + backend + ').' };
  }
  const advice = missingExclusions(project, backend, pyproject, paths);
  const where = advice?.intoTable ? `${advice.file}, in its ${advice.intoTable} table (as its ${advice.lines[0].split(' ')[0]} key, in place of any it has)` : advice?.file;
  const fix = advice
    ? `Add to ${where} (${backend}):\n${advice.lines.join('\n')}`
    : `Check the sdist exclusions (${backend}) in ${backend.startsWith('setuptools') ? 'MANIFEST.in' : 'pyproject.toml'}; they are: ${paths.join(', ')}.`;
  if (advice) {
    notes.push([
      `${owner.component}: keep projen's, npm's and ${owner.releaseFiles} files out of your sdist (build backend ${backend}): add to ${where}`,
      '',
      ...advice.lines.map((l) => `    ${l}`),
      '',
      'Until then the build job fails when the sdist carries any of them.',
    ].join('\n'));
  }
  return { paths, fix };
}
