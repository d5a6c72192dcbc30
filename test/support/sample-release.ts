/**
 * A sample Python project as a user would have it: a projen `python.PythonProject` (setuptools or poetry) with
 * `PypiRelease`, synthesized into a temp directory (that directory is "the repository" the harness checks out), its
 * real sdist + wheel built from that same directory, and the trusted publisher its workflow needs, ready to be
 * registered on the emulator. The end-to-end tests and `npx projen demo` both start from here.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogLevel, python } from 'projen';
import { parse } from 'yaml';
import { PypiRelease, PypiReleaseOptions, TrustedPublisher } from '../../src';
import { defaultRunnerClaims } from '../../src/emulator/github-oidc/runner-claims';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import type { Workflow } from '../../src/rehearsal/types';

export type SampleFlavour = 'setuptools' | 'poetry' | 'uv';

export interface SampleReleaseOptions {
  readonly flavour: SampleFlavour;
  /** Distribution name. @default 'pypi-mint-sample' */
  readonly name?: string;
  /** @default '1.0.0' (the default run is a push of tag v1.0.0) */
  readonly version?: string;
  /** @default the repository of the emulator's default runner claims */
  readonly repository?: string;
  /**
   * The PEP 517 backend of a `uv` sample (projen's uv projects declare none, so builds fall back to setuptools):
   * what a project built with BuildTool.HATCH, PDM or FLIT would have.
   */
  readonly buildBackend?: 'hatchling' | 'pdm-backend' | 'flit_core';
  /** Passed to PypiRelease (uploader, indexes, workflowFileName, ...). */
  readonly release?: Omit<PypiReleaseOptions, 'repository'>;
}

export interface SampleRelease {
  /** The synthesized repository. */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly repository: string;
  readonly release: PypiRelease;
  /** File name under `.github/workflows/`. */
  readonly workflowFile: string;
  readonly workflowText: string;
  readonly workflow: Workflow;
  readonly trustedPublishers: TrustedPublisher[];
}

const BACKENDS = {
  'hatchling': { 'requires': ['hatchling'], 'build-backend': 'hatchling.build' },
  'pdm-backend': { 'requires': ['pdm-backend'], 'build-backend': 'pdm.backend' },
  'flit_core': { 'requires': ['flit_core>=3.4,<4'], 'build-backend': 'flit_core.buildapi' },
} as const;

/** projen's post-synth step would `pip install`/`poetry install` the project; synthesis alone is what we need. */
function withoutPostSynth<T>(fn: () => T): T {
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}

export function synthesizeSampleRelease(opts: SampleReleaseOptions): SampleRelease {
  const name = opts.name ?? 'pypi-mint-sample';
  const version = opts.version ?? '1.0.0';
  const repository = opts.repository ?? defaultRunnerClaims().repository;
  const dir = tempDir(`sample-${opts.flavour}-`);
  const { release, trustedPublishers } = withoutPostSynth(() => {
    const project = new python.PythonProject({
      name,
      moduleName: name.replace(/-/g, '_'),
      authorName: 'Octo Maintainers',
      authorEmail: 'octo@example.invalid',
      version,
      description: 'A sample package published through the generated release workflow',
      homepage: `https://github.com/${repository}`,
      setuptools: opts.flavour === 'setuptools',
      poetry: opts.flavour === 'poetry',
      uv: opts.flavour === 'uv',
      pytest: false,
      outdir: dir,
      logging: { level: LogLevel.WARN },
    });
    // projen's uv projects ask for Python >= 3.12; the tests' Python may be older (the locks cover >= 3.10)
    if (opts.flavour === 'uv') project.tryFindObjectFile('pyproject.toml')?.addOverride('project.requires-python', '>=3.10');
    if (opts.buildBackend !== undefined) {
      if (opts.flavour !== 'uv') throw new Error('buildBackend is for uv samples (a [project] table, no backend of its own)');
      project.tryFindObjectFile('pyproject.toml')?.addOverride('build-system', BACKENDS[opts.buildBackend]);
    }
    const r = new PypiRelease(project, { repository, ...opts.release });
    project.synth();
    return { release: r, trustedPublishers: r.trustedPublishers() };
  });
  const workflowText = readFileSync(join(dir, '.github', 'workflows', release.workflowFileName), 'utf8');
  return {
    dir,
    name,
    version,
    repository,
    release,
    workflowFile: release.workflowFileName,
    workflowText,
    workflow: parse(workflowText) as Workflow,
    trustedPublishers,
  };
}

/** Change the package's source (same file names on the next build, different bytes). */
export function changeSampleSource(sample: SampleRelease, line: string): void {
  const init = join(sample.dir, sample.name.replace(/-/g, '_'), '__init__.py');
  writeFileSync(init, `${readFileSync(init, 'utf8')}\n${line}\n`);
}

/** The emulator's publisher config for a trusted publisher the component asks for (owner id as a default run has it). */
export function emulatorPublisher(tp: TrustedPublisher, overrides: { ownerId?: string; projects?: string[] } = {}) {
  return {
    projects: overrides.projects ?? [tp.distributionName],
    owner: tp.owner,
    ownerId: overrides.ownerId ?? defaultRunnerClaims().repository_owner_id,
    repository: tp.repositoryName,
    workflow: tp.workflowFileName,
    environment: tp.environment,
  };
}
