import { relative, sep } from 'path';
import { Component, JsonPatch, Project, github } from 'projen';
import { distributionNameOf, releaseVersion, sdistExclusions } from './adoption';
import { PypiAttestAction } from './attest-action';
import { buildJob, pullRequestChecksJob } from './build-job';
import { BuildTool, buildToolSpec } from './build-tool';
import { PypiReleaseConfigError } from './errors';
import { PypiGithubSetup } from './github-setup';
import { PypiIndex } from './indexes';
import { PypiMintAction } from './mint-action';
import { PinnedTool } from './pins';
import { checkToolCombination, detectPythonProjectKind, discoverRepository } from './project';
import { AttestationSettings, BUILD_JOB_ID, publishJob, publishJobId } from './publish-job';
import { readPyproject } from './pyproject';
import { addRehearseTask } from './rehearse-task';
import { foreignPaths } from './sdist';
import { vendorToolsAction } from './tools-action';
import { DEFAULT_TAG_PATTERNS, PypiReleaseTriggers, checkVersionTagTriggers, renderTriggers } from './triggers';
import {
  TrustedPublisher, parseRepository, renderTrustedPublisherGuide, validateEnvironmentName,
  validateWorkflowFileName,
} from './trusted-publisher';
import { Uploader, UploaderSpec, attestingUploaders, uploaderSpec } from './uploader';
import { VendoredStepsReference, checkoutFormIgnores, vendoredStepsGuide } from './vendored-steps';
import { vendorVerifyScripts } from './verify-files';
import { verifyJob, verifyJobId } from './verify-job';
import { versionStampFor, vendorVersionScript } from './version-from-tag';
import { annotatePins, editRenderedWorkflow, headerComment, permissionsFirst } from './workflow-file';
import { PYPI, TESTPYPI } from '../pypi';

/**
 * Options for PypiRelease.
 */
export interface PypiReleaseOptions {
  /**
   * The GitHub repository, "owner/name". PyPI's trusted publisher is keyed on it.
   *
   * @default - the project's git `origin` remote, else package.json `repository`, else the Python homepage /
   * repository URL; synth fails with an explanation when none is a GitHub URL
   */
  readonly repository?: string;

  /**
   * The distribution (project) name on the index. When the project has a pyproject.toml with `[project].name` (or
   * poetry's `[tool.poetry].name`), it must be that name (PEP 503-normalised); synth refuses another.
   *
   * @default - the pyproject.toml's `[project].name`, else the project name
   */
  readonly distributionName?: string;

  /**
   * Indexes to publish to, one publish job each.
   *
   * @default [PypiIndex.pypi()]
   */
  readonly indexes?: PypiIndex[];

  /**
   * Publish to TestPyPI first, and to PyPI only after that succeeded. Adds `PypiIndex.testPypi()` when
   * `indexes` does not have it.
   *
   * @default false
   */
  readonly testPypiFirst?: boolean;

  /**
   * The tool that uploads `dist/`.
   *
   * @default Uploader.UV
   */
  readonly uploader?: Uploader;

  /**
   * The tool that builds `dist/`.
   *
   * @default - BuildTool.UV for uv projects, BuildTool.POETRY for poetry projects, BuildTool.PYPA_BUILD otherwise
   */
  readonly buildTool?: BuildTool;

  /**
   * What starts a release.
   *
   * @default - version tag pushes only
   */
  readonly triggers?: PypiReleaseTriggers;

  /**
   * File name of the workflow in `.github/workflows/`. PyPI's trusted publisher is keyed on it: renaming it
   * later means updating the publisher on every index.
   *
   * @default "release.yml"
   */
  readonly workflowFileName?: string;

  /**
   * Runner labels for the build and publish jobs.
   *
   * @default ["ubuntu-latest"]
   */
  readonly runsOn?: string[];

  /**
   * Sign each distribution in its publish job and upload PEP 740 attestations with it (PyPI shows them as verified
   * provenance): the shipped attest step (`.github/actions/pypi-attest/`) gets a Sigstore certificate for the job's
   * GitHub identity and logs each signature in Rekor. Needs an uploader that uploads attestations
   * (`Uploader.UV`, `Uploader.TWINE`); `true` with another one fails at synth. See docs/attestations.md.
   *
   * @default - on for PyPI and TestPyPI when the uploader uploads attestations; off for custom indexes (they may not
   * accept them: set `true` when yours does) and for other uploaders
   */
  readonly attestations?: boolean;

  /**
   * When Sigstore cannot sign (unreachable, refusing, too slow), let the upload go on without attestations and print
   * a warning, instead of failing the publish job (the default: no attestation, no upload).
   *
   * @default false
   */
  readonly continueWithoutAttestations?: boolean;

  /**
   * GitHub users ("octocat") or teams ("octo-org/release-team") who must approve every publish job: required
   * reviewers on each index's environment, applied by `npx projen pypi:github-setup` (at most 6).
   *
   * @default - none: the task leaves the environments' reviewers as they are, and anyone who may push a release tag
   * publishes
   */
  readonly reviewers?: string[];

  /**
   * Whether the person who started a release may approve it themselves (GitHub's `prevent_self_review`).
   *
   * @default - as the environment has it (GitHub's default: self-review allowed)
   */
  readonly preventSelfReview?: boolean;

  /**
   * Take the version from the release tag, for a project that keeps a placeholder version (`0.0.0`) in the
   * repository. The build job checks that the tag is a PEP 440 version (`v1.2.3`, `1.2.3rc1`; anything else fails
   * before anything runs), normalises it as PyPI does and writes it into the project before building: `uv version`
   * (uv projects), `poetry version` (BuildTool.POETRY), `hatch version` (BuildTool.HATCH), otherwise an edit of
   * `[project].version` (or `[tool.poetry].version`) in pyproject.toml. The version check after the build still runs.
   * The tag reaches the step as the runner's `GITHUB_REF_NAME`, never through an expression inside `run:`. Refused at
   * synth where it cannot work: a version that already comes from git (setuptools-scm, hatch-vcs, pdm-backend's scm
   * source, ...), a setup.py project, or a dynamic `[project].version` without hatch. See docs/component.md.
   *
   * @default false - the version in the repository is what is built, and it must match the tag
   */
  readonly versionFromTag?: boolean;

  /**
   * How the publish jobs run the vendored mint and attest steps: `$/.github/actions/...` (GitHub's self-repository
   * form: the released commit's own steps, nothing checked out for them), or `./.github/actions/...` after a sparse
   * checkout, for GitHub Enterprise Server and self-hosted runners older than 2.336.0.
   *
   * @default VendoredStepsReference.SELF_REPOSITORY
   */
  readonly vendoredSteps?: VendoredStepsReference;

  /**
   * Run the build job's checks on every pull request too, in a workflow of their own
   * (`.github/workflows/<workflow>-checks.yml`, `contents: read` only, no token, nothing uploaded): the build with the
   * pinned tool, PyPI's upload rules (`.github/actions/pypi-verify/precheck.py`: archive kinds, Metadata-Version,
   * PEP 625 sdist names, normalised wheel names, entry points, license fields) and `twine check`. A change that would
   * burn a version at release time is red before the tag.
   *
   * @default true
   */
  readonly pullRequestChecks?: boolean;
}

/**
 * A hardened PyPI release workflow with trusted publishing for any projen project (first-class for
 * `python.PythonProject` with pip/setuptools, poetry or uv): a read-only build job, then one publish job per
 * index that mints a short-lived token with the shipped action (`.github/actions/pypi-mint/`) and uploads.
 */
export class PypiRelease extends Component {
  /** The generated workflow. */
  public readonly workflow: github.GithubWorkflow;
  /** File name of the workflow in `.github/workflows/`. */
  public readonly workflowFileName: string;
  /** "owner/name" of the repository the publishers trust. */
  public readonly repository: string;
  /** The distribution name on the indexes. */
  public readonly distributionName: string;
  /** The indexes published to, in publishing order. */
  public readonly indexes: PypiIndex[];

  private readonly publishers: TrustedPublisher[];
  private readonly notes: string[] = [];
  private readonly githubSetup: PypiGithubSetup;
  private readonly vendoredSteps: VendoredStepsReference;

  public constructor(project: Project, options: PypiReleaseOptions = {}) {
    // validated before the construct exists, so a clash is reported in our words rather than as a construct id clash
    const fileName = options.workflowFileName ?? 'release.yml';
    const gh = githubFor(project, fileName);
    super(project, `PypiRelease#${fileName}`);
    this.workflowFileName = fileName;

    const pyproject = readPyproject(project);
    const repository = options.repository ?? discoverRepository(project, pyproject?.urls);
    if (!repository) {
      throw new PypiReleaseConfigError('cannot tell which GitHub repository publishes: set `repository: "owner/name"` (nothing was found in the git origin remote, package.json, the Python homepage or pyproject.toml\'s [project.urls])');
    }
    const { owner, repositoryName } = parseRepository(repository);
    this.repository = repository;
    this.distributionName = distributionNameOf(project, pyproject, options.distributionName, 'PypiRelease');
    const version = releaseVersion(project, pyproject, options.versionFromTag, 'PypiRelease', this.notes);
    if (version) checkVersionTagTriggers(options.triggers ?? {}, version.value, version.source);

    this.indexes = orderIndexes(options.indexes ?? [PypiIndex.pypi()], options.testPypiFirst ?? false);
    for (const index of this.indexes) validateEnvironmentName(index.environment, PypiReleaseConfigError, `index "${index.name}"`);

    const kind = detectPythonProjectKind(project);
    const buildTool = options.buildTool ?? defaultBuildTool(kind);
    const uploader = options.uploader ?? Uploader.UV;
    checkToolCombination(project, kind, buildToolSpec(buildTool), uploaderSpec(uploader));
    const stamp = options.versionFromTag ? versionStampFor(project, kind, buildToolSpec(buildTool)) : undefined;

    // a subproject builds and uploads from its own directory; workflows and the action live at the repository root
    const where = { runsOn: options.runsOn ?? ['ubuntu-latest'], projectDir: relative(project.root.outdir, project.outdir).split(sep).join('/') };
    this.workflow = new github.GithubWorkflow(gh, this.workflowFileName.replace(/\.ya?ml$/, ''), {
      fileName: this.workflowFileName,
      limitConcurrency: true,
      // one release per ref at a time, and never cancel an upload half-way
      concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: false },
    });
    // nothing by default: each job asks for what it needs, and only publish jobs get id-token: write
    this.workflow.file?.patch(JsonPatch.add('/permissions', {}));
    this.workflow.on(renderTriggers(options.triggers ?? {}));
    // once: in a pyproject.toml projen writes, the exclusions themselves; otherwise one note with the lines to add
    const sdist = sdistExclusions(project, pyproject, foreignPaths(this.workflowFileName), { component: 'PypiRelease', releaseFiles: 'the release workflow\'s' }, this.notes);
    this.vendoredSteps = options.vendoredSteps ?? VendoredStepsReference.SELF_REPOSITORY;
    this.workflow.addJob(BUILD_JOB_ID, buildJob(buildToolSpec(buildTool), where, this.vendoredSteps, stamp, sdist));
    if (options.pullRequestChecks ?? true) {
      const checks = new github.GithubWorkflow(gh, `${this.workflowFileName.replace(/\.ya?ml$/, '')}-checks`, {
        fileName: this.workflowFileName.replace(/(\.ya?ml)$/, '-checks$1'),
        limitConcurrency: true,
        concurrencyOptions: { group: '${{ github.workflow }}-${{ github.ref }}', cancelInProgress: true },
      });
      checks.file?.patch(JsonPatch.add('/permissions', { contents: 'read' }));
      checks.on({ pullRequest: {} });
      checks.addJob('check', pullRequestChecksJob(buildToolSpec(buildTool), where, this.vendoredSteps, sdist));
      editRenderedWorkflow(checks, headerComment([`PyPI's upload rules on every pull request (PypiRelease's pullRequestChecks): what ${this.workflowFileName} would refuse is red before the tag.`]), annotatePins, checkoutFormIgnores(this.vendoredSteps));
    }
    const spec = uploaderSpec(uploader);
    const attested = this.indexes.map((index) => this.attestationsFor(index, spec, options));
    for (const [i, index] of this.indexes.entries()) {
      // with testPypiFirst, orderIndexes put TestPyPI first: PyPI waits for it
      const needs = options.testPypiFirst && index.name === PYPI.name ? [BUILD_JOB_ID, publishJobId(this.indexes[0])] : [BUILD_JOB_ID];
      this.workflow.addJob(publishJobId(index), publishJob(index, spec, this.distributionName, needs, where, attested[i], this.vendoredSteps));
      const expected = { repository, workflowFileName: this.workflowFileName, environment: index.environment };
      const verify = verifyJob(index, this.distributionName, where, expected, attested[i] !== undefined, this.vendoredSteps);
      this.workflow.addJob(verifyJobId(index), verify);
    }
    if (attested.some((a) => a !== undefined)) PypiAttestAction.ensure(project);
    vendorVerifyScripts(project);

    this.publishers = this.indexes.map((index) => ({
      indexName: index.displayName,
      distributionName: this.distributionName,
      owner,
      repositoryName,
      workflowFileName: this.workflowFileName,
      environment: index.environment,
      projectSettingsUrl: index.projectSettingsUrl(this.distributionName),
      pendingPublisherUrl: index.pendingPublisherUrl(),
    }));
    this.githubSetup = PypiGithubSetup.ensure(project);
    this.githubSetup.addRelease({
      repository,
      environments: this.indexes.map((i) => i.environment),
      workflowTagPatterns: options.triggers?.tagPatterns ?? DEFAULT_TAG_PATTERNS,
      reviewers: options.reviewers,
      preventSelfReview: options.preventSelfReview,
    });
    // the guide first, `permissions: {}` before the jobs, a `# vX.Y.Z` after each pinned SHA
    editRenderedWorkflow(this.workflow, headerComment(this.guide()), permissionsFirst, annotatePins, checkoutFormIgnores(this.vendoredSteps));
    PypiMintAction.ensure(project);
    vendorVersionScript(project);
    addRehearseTask(project, this);
    // the tools action and the locked sets the jobs install from: uv, the build tool, the uploader, and twine for the
    // build job's metadata check
    vendorToolsAction(project, [buildToolSpec(buildTool).tool, spec.tool, 'twine' as const].filter((t): t is PinnedTool => t !== undefined));
  }

  /** The trusted-publisher settings to enter on each index, in publishing order. */
  public trustedPublishers(): TrustedPublisher[] {
    return this.publishers.map((p) => ({ ...p }));
  }

  public preSynthesize(): void {
    this.project.logger.info(this.guide().join('\n'));
    for (const note of this.notes) this.project.logger.info(note);
  }

  /** Whether (and how) the index's publish job attests: the option, else on for PyPI and TestPyPI with uv or twine. */
  private attestationsFor(index: PypiIndex, spec: UploaderSpec, options: PypiReleaseOptions): AttestationSettings | undefined {
    const settings = { continueWithoutAttestations: options.continueWithoutAttestations ?? false };
    if (options.attestations === false) return undefined;
    if (spec.attestedRun === undefined) {
      if (options.attestations === true) {
        throw new PypiReleaseConfigError(`attestations: true needs an uploader that uploads PEP 740 attestations (${attestingUploaders().join(' or ')}); ${spec.label} cannot. Set uploader to one of them, or attestations: false`);
      }
      return undefined;
    }
    if (options.attestations === true) return settings;
    // by upload URL: a custom index may well be called "pypi"
    if ([PYPI.uploadUrl, TESTPYPI.uploadUrl].includes(index.uploadUrl)) return settings;
    this.notes.push(`PypiRelease: no PEP 740 attestations for ${index.displayName} (a custom index may not accept them); set attestations: true if it does.`);
    return undefined;
  }

  /** What to set up on the indexes and on GitHub: the workflow's header and the synth log. */
  private guide(): string[] {
    return [
      ...renderTrustedPublisherGuide(this.publishers), '',
      ...this.githubSetup.guide(this.indexes.map((i) => i.environment)), '',
      ...vendoredStepsGuide(this.vendoredSteps, 'vendoredSteps'),
    ];
  }
}

/** The project's GitHub component, once the workflow file name is known to be valid and free. */
function githubFor(project: Project, fileName: string): github.GitHub {
  const gh = github.GitHub.of(project.root);
  if (!gh) {
    throw new PypiReleaseConfigError('the project has no GitHub component; create it with `github: true` (the default)');
  }
  validateWorkflowFileName(fileName);
  const path = `.github/workflows/${fileName}`;
  const clash = gh.workflows.find((w) => w.file?.path === path);
  if (clash) {
    throw new PypiReleaseConfigError(`workflow file name "${fileName}" is already used by the project's "${clash.name}" workflow; set workflowFileName (e.g. "pypi-release.yml")`);
  }
  if (project.root.tryFindFile(path)) {
    throw new PypiReleaseConfigError(`workflow file name "${fileName}" is already used by another file of the project; set workflowFileName (e.g. "pypi-release.yml")`);
  }
  return gh;
}

export function defaultBuildTool(kind: string): BuildTool {
  if (kind === 'uv') return BuildTool.UV;
  if (kind === 'poetry') return BuildTool.POETRY;
  return BuildTool.PYPA_BUILD;
}

/** Rejects duplicates; with testPypiFirst, makes sure TestPyPI is there and comes before PyPI. */
export function orderIndexes(indexes: PypiIndex[], testPypiFirst: boolean): PypiIndex[] {
  if (indexes.length === 0) {
    throw new PypiReleaseConfigError('indexes is empty; publish to at least one index (e.g. [PypiIndex.pypi()])');
  }
  const seenNames = new Map<string, PypiIndex>();
  const seenUrls = new Map<string, PypiIndex>();
  for (const index of indexes) {
    if (seenNames.has(index.name)) {
      throw new PypiReleaseConfigError(`index "${index.name}" is listed twice; each index gets one publish job`);
    }
    const sameUrl = seenUrls.get(index.uploadUrl);
    if (sameUrl) {
      throw new PypiReleaseConfigError(`indexes "${sameUrl.name}" and "${index.name}" have the same upload URL ${index.uploadUrl}; list it once`);
    }
    seenNames.set(index.name, index);
    seenUrls.set(index.uploadUrl, index);
  }
  if (!testPypiFirst) return [...indexes];
  if (!seenNames.has(PYPI.name)) {
    throw new PypiReleaseConfigError('testPypiFirst publishes to PyPI after TestPyPI, but indexes has no PypiIndex.pypi()');
  }
  const testPypi = seenNames.get(TESTPYPI.name) ?? PypiIndex.testPypi();
  return [testPypi, ...indexes.filter((i) => i.name !== TESTPYPI.name)];
}
