import { join, relative, sep } from 'path';
import { Component, Project, YamlFile, gitlab } from 'projen';
import { distributionNameOf, releaseVersion, sdistExclusions } from './adoption';
import { BuildTool, buildToolSpec } from './build-tool';
import { PypiReleaseConfigError } from './errors';
import {
  GITLAB_ATTEST_STEP, GITLAB_BUILD_JOB, GITLAB_MINT_STEP, GITLAB_STEPS_DIR, GITLAB_VERSION_SCRIPT, GitlabJobPlacement,
  gitlabBuildJob, gitlabPublishJob, gitlabPublishJobName, gitlabRequirementsPath,
} from './gitlab-jobs';
import { PypiIndex } from './indexes';
import { GITLAB_JOB_IMAGE, NODE_REQUIREMENTS_FILE, PinnedTool, toolRequirementsFile } from './pins';
import { checkToolCombination, detectPythonProjectKind, originRemoteUrl } from './project';
import { defaultBuildTool, orderIndexes } from './pypi-release';
import { readPyproject } from './pyproject';
import { addGitlabRehearseTask } from './rehearse-task';
import { gitlabForeignPaths } from './sdist';
import { PACKAGE_ROOT, ShippedFile } from './shipped-file';
import { Uploader, attestingUploaders, uploaderSpec } from './uploader';
import { versionStampFor } from './version-from-tag';
import { headerComment } from './workflow-file';
import { GITLAB_ISSUER, GITLAB_PUBLISHER_FORM_LABELS, PYPI, TESTPYPI, gitlabPublisherProblems, splitProjectPath } from '../pypi';

/** The pipeline file PyPI's GitLab publisher is keyed on: projen's gitlab module writes the top-level one. */
export const GITLAB_PIPELINE_FILE = '.gitlab-ci.yml';

/**
 * Options for PypiGitlabRelease.
 */
export interface PypiGitlabReleaseOptions {
  /**
   * The GitLab project, "namespace/project" (subgroups included: "group/subgroup/project"), as in its URL on
   * gitlab.com. PyPI's trusted publisher is keyed on it.
   *
   * Only gitlab.com: PyPI does not trust pipelines of a self-managed instance, and synth refuses a project whose
   * origin remote is on one unless this names its gitlab.com mirror (docs/gitlab.md, "Self-managed GitLab").
   *
   * @default - the project's git `origin` remote, when it is a gitlab.com URL; synth fails with an explanation otherwise
   */
  readonly projectPath?: string;

  /**
   * The distribution (project) name on the index. When the project has a pyproject.toml with `[project].name` (or
   * poetry's `[tool.poetry].name`), it must be that name (PEP 503-normalised); synth refuses another.
   *
   * @default - the pyproject.toml's `[project].name`, else the project name
   */
  readonly distributionName?: string;

  /**
   * Indexes to publish to, one publish job each. A custom index needs its `audience`: GitLab fixes a token's
   * audience in the pipeline file, so it cannot be discovered at run time.
   *
   * @default [PypiIndex.pypi()]
   */
  readonly indexes?: PypiIndex[];

  /**
   * Publish to TestPyPI first, and to PyPI only after that succeeded.
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
   * Sign each distribution in its publish job with the job's GitLab identity and upload PEP 740 attestations with
   * it. Needs Uploader.UV or Uploader.TWINE.
   *
   * @default - on for PyPI and TestPyPI when the uploader uploads attestations; off for custom indexes
   */
  readonly attestations?: boolean;

  /**
   * When Sigstore cannot sign, upload without attestations (with a warning) instead of failing the publish job.
   *
   * @default false
   */
  readonly continueWithoutAttestations?: boolean;

  /**
   * The tags that release, as a GitLab CI regular expression matched against `$CI_COMMIT_TAG`. Protect the same
   * tags in the project (Settings > Repository > Protected tags) so only maintainers can release. When the project's
   * version is known (a static version in pyproject.toml or projen's `version`, and versionFromTag off), synth refuses
   * a pattern that neither `v<version>` nor `<version>` matches: pushing that tag would start no pipeline.
   *
   * @default - every PEP 440 version with or without "v", the tags PypiRelease's default tag patterns release:
   * "/^v?[0-9]+([.a-z][^\\/]*)?$/" (`1`, `3.10`, `v2024.1.1`, `1.0rc1`, `1.2.3.post1`; not `release-1.2.3`)
   */
  readonly tagPattern?: string;

  /**
   * Take the version from the release tag, for a project that keeps a placeholder version (`0.0.0`) in the
   * repository, as PypiRelease's `versionFromTag` does: the build job checks that the tag is a PEP 440 version
   * (anything else fails before anything runs), normalises it as PyPI does and writes it into the project before
   * building (`uv version`, `poetry version`, `hatch version`, or an edit of pyproject.toml). The tag reaches the
   * script as the runner's `CI_COMMIT_TAG`, never interpolated into the job's script. Refused at synth where it
   * cannot work (a version from git, a setup.py project, a dynamic version without hatch). See docs/gitlab.md.
   *
   * @default false - the version in the repository is what is built, and it must match the tag
   */
  readonly versionFromTag?: boolean;

  /**
   * The container image of the build and publish jobs, pinned by digest (`name@sha256:...`). It needs python3 with
   * the venv module and pip; every tool is installed from the hash-locked sets.
   *
   * @default - the official Python 3.12 slim image, pinned by digest (GITLAB_JOB_IMAGE in src/component/pins.ts)
   */
  readonly image?: string;
}

/** What to enter on an index so that it trusts one publish job of the generated pipeline. */
export interface GitlabTrustedPublisher {
  /** The index these settings are for, e.g. "PyPI". */
  readonly indexName: string;
  /** The distribution (project) name on the index. */
  readonly distributionName: string;
  /** GitLab namespace: user or group, with subgroups. */
  readonly namespace: string;
  /** GitLab project name, without the namespace. */
  readonly project: string;
  /** The top-level pipeline file's path. */
  readonly workflowFilepath: string;
  /** The publish job's environment. */
  readonly environment: string;
  /** Where to add the publisher when the project already exists on the index. */
  readonly projectSettingsUrl: string;
  /** Where to add a pending publisher when the project does not exist on the index yet. */
  readonly pendingPublisherUrl: string;
}

/**
 * PypiRelease's DEFAULT_TAG_PATTERNS (triggers.ts) as one GitLab regular expression: a number with or without `v`,
 * alone, or followed by a dot or a letter and anything but `/` (GitHub's `*`). The build job's version check is the gate.
 */
export const DEFAULT_GITLAB_TAG_PATTERN = '/^v?[0-9]+([.a-z][^\\/]*)?$/';

/**
 * The same hardened PyPI release for a project on GitLab: `.gitlab-ci.yml` (through projen's gitlab module) with a
 * build job and one publish job per index that mints a short-lived token from the job's `id_tokens` with the shipped
 * mint step (vendored in `.gitlab/pypi-mint/`), signs with the attest step, and uploads. See docs/gitlab.md.
 */
export class PypiGitlabRelease extends Component {
  /** The generated pipeline. */
  public readonly pipeline: gitlab.GitlabConfiguration;
  /** "namespace/project" of the GitLab project the publishers trust. */
  public readonly projectPath: string;
  /** The distribution name on the indexes. */
  public readonly distributionName: string;
  /** The indexes published to, in publishing order. */
  public readonly indexes: PypiIndex[];

  private readonly publishers: GitlabTrustedPublisher[];
  private readonly notes: string[] = [];

  public constructor(project: Project, options: PypiGitlabReleaseOptions = {}) {
    super(project, 'PypiGitlabRelease');
    if (project.root.tryFindFile(GITLAB_PIPELINE_FILE)) {
      throw new PypiReleaseConfigError(`${GITLAB_PIPELINE_FILE} is already generated by another component; PyPI keys the GitLab publisher on the top-level pipeline file, so the release jobs must live in it: add your own jobs with pipeline.addJobs()`);
    }
    const origin = originRemoteUrl(project.root.outdir);
    const projectPath = options.projectPath ?? gitlabProjectFromUrl(origin);
    if (!projectPath) {
      const host = remoteHost(origin);
      if (host !== undefined && host !== GITLAB_COM && host !== 'github.com') throw new PypiReleaseConfigError(selfManagedRefusal(host));
      throw new PypiReleaseConfigError('cannot tell which GitLab project publishes: set `projectPath: "namespace/project"` (the git origin remote is not a gitlab.com URL)');
    }
    const { namespace, project: projectName } = splitProjectPath(projectPath);
    if (!namespace) throw new PypiReleaseConfigError(`projectPath "${projectPath}" has no namespace; write "namespace/project" (e.g. "my-group/my-project")`);
    const problems = gitlabPublisherProblems({ namespace, project: projectName, workflowFilepath: GITLAB_PIPELINE_FILE });
    if (problems.length > 0) throw new PypiReleaseConfigError(`projectPath: ${problems.join('; ')}`);
    this.projectPath = projectPath;
    const pyproject = readPyproject(project);
    this.distributionName = distributionNameOf(project, pyproject, options.distributionName, 'PypiGitlabRelease');

    this.indexes = orderIndexes(options.indexes ?? [PypiIndex.pypi()], options.testPypiFirst ?? false);
    for (const index of this.indexes) {
      const envProblems = gitlabPublisherProblems({
        namespace, project: projectName, workflowFilepath: GITLAB_PIPELINE_FILE, environment: index.environment,
      });
      if (envProblems.length > 0) throw new PypiReleaseConfigError(`index "${index.name}": ${envProblems.join('; ')}`);
    }

    const kind = detectPythonProjectKind(project);
    const build = buildToolSpec(options.buildTool ?? defaultBuildTool(kind));
    const spec = uploaderSpec(options.uploader ?? Uploader.UV);
    checkToolCombination(project, kind, build, spec);
    const tagPattern = options.tagPattern ?? DEFAULT_GITLAB_TAG_PATTERN;
    if (!/^\/.+\/[imsx]*$/.test(tagPattern)) {
      throw new PypiReleaseConfigError(`tagPattern "${tagPattern}" is not a GitLab CI regular expression; write it between slashes, e.g. "/^v[0-9]+/"`);
    }
    const version = releaseVersion(project, pyproject, options.versionFromTag, 'PypiGitlabRelease', this.notes);
    if (version) checkVersionTagPattern(tagPattern, version.value, version.source);
    const image = options.image ?? GITLAB_JOB_IMAGE;
    if (!/^[^\s@]+@sha256:[0-9a-f]{64}$/.test(image)) {
      throw new PypiReleaseConfigError(`image "${image}" is not pinned by digest; write "name@sha256:<64 hex digits>" (find it with \`docker buildx imagetools inspect <name:tag>\`)`);
    }
    const where: GitlabJobPlacement = {
      image,
      tagRegex: tagPattern,
      projectDir: relative(project.root.outdir, project.outdir).split(sep).join('/'),
    };

    const attests = this.indexes.map((index) => {
      if (options.attestations === false) return false;
      if (spec.attestedRun === undefined) {
        if (options.attestations === true) {
          throw new PypiReleaseConfigError(`attestations: true needs an uploader that uploads PEP 740 attestations (${attestingUploaders().join(' or ')}); ${spec.label} cannot. Set uploader to one of them, or attestations: false`);
        }
        return false;
      }
      return options.attestations === true || [PYPI.uploadUrl, TESTPYPI.uploadUrl].includes(index.uploadUrl);
    });

    const stamp = options.versionFromTag ? versionStampFor(project, kind, build) : undefined;
    const sdist = sdistExclusions(project, pyproject, gitlabForeignPaths(GITLAB_STEPS_DIR, GITLAB_PIPELINE_FILE),
      { component: 'PypiGitlabRelease', releaseFiles: 'the release pipeline\'s' }, this.notes);
    const jobs: Record<string, gitlab.Job> = { [GITLAB_BUILD_JOB]: gitlabBuildJob(build, where, stamp, sdist) };
    for (const [i, index] of this.indexes.entries()) {
      const after = options.testPypiFirst && index.name === PYPI.name ? gitlabPublishJobName(this.indexes[0]) : undefined;
      jobs[gitlabPublishJobName(index)] = gitlabPublishJob(index, spec, this.distributionName, where, {
        audience: audienceOf(index),
        attest: attests[i],
        continueWithoutAttestations: options.continueWithoutAttestations ?? false,
        after,
      });
    }
    this.pipeline = new gitlab.GitlabConfiguration(project.root, { stages: ['build', 'publish'], jobs });

    this.publishers = this.indexes.map((index) => ({
      indexName: index.displayName,
      distributionName: this.distributionName,
      namespace,
      project: projectName,
      workflowFilepath: GITLAB_PIPELINE_FILE,
      environment: index.environment,
      projectSettingsUrl: index.projectSettingsUrl(this.distributionName),
      pendingPublisherUrl: index.pendingPublisherUrl(),
    }));
    withHeader(this.pipeline.file, headerComment(this.guide()));
    addGitlabRehearseTask(project, { projectPath, distributionName: this.distributionName, indexes: this.indexes });

    // the shipped steps and the locked sets the jobs install from, next to each other and read-only
    const broken = (source: string) => new PypiReleaseConfigError(`${source} is missing from this package; it is broken`);
    new ShippedFile(project.root, GITLAB_MINT_STEP, join(PACKAGE_ROOT, 'action', 'index.cjs'), '//', (b) => b, broken);
    new ShippedFile(project.root, GITLAB_VERSION_SCRIPT, join(PACKAGE_ROOT, 'version', 'version.py'), '#', (b) => b, broken);
    if (attests.some((a) => a)) new ShippedFile(project.root, GITLAB_ATTEST_STEP, join(PACKAGE_ROOT, 'attest', 'index.cjs'), '//', (b) => b, broken);
    const tools = new Set<PinnedTool>(['uv', 'twine', ...(build.tool ? [build.tool] : []), ...(spec.tool ? [spec.tool] : [])]);
    for (const file of [...[...tools].map(toolRequirementsFile), NODE_REQUIREMENTS_FILE]) {
      new ShippedFile(project.root, gitlabRequirementsPath(file), join(PACKAGE_ROOT, file), '#', (b) => b, broken);
    }
  }

  /** The trusted-publisher settings to enter on each index, in publishing order. */
  public trustedPublishers(): GitlabTrustedPublisher[] {
    return this.publishers.map((p) => ({ ...p }));
  }

  public preSynthesize(): void {
    this.project.logger.info(this.guide().join('\n'));
    for (const note of this.notes) this.project.logger.info(note);
  }

  /** What to enter on each index, and what to protect on GitLab: the file's header and the synth log. */
  private guide(): string[] {
    const row = (label: string, value: string) => `  ${`${label}:`.padEnd(30)}${value}`;
    const lines = [
      'Trusted publishing from GitLab CI/CD: before the first release, tell each index below to trust this pipeline.',
      'On the index, add a GitLab publisher with exactly these values (PyPI matches them against the job\'s ID token).',
    ];
    for (const p of this.publishers) {
      lines.push('', `${p.indexName} (project "${p.distributionName}")`,
        row(GITLAB_PUBLISHER_FORM_LABELS.namespace, p.namespace),
        row(GITLAB_PUBLISHER_FORM_LABELS.project, p.project),
        row(GITLAB_PUBLISHER_FORM_LABELS.workflowFilepath, p.workflowFilepath),
        row(GITLAB_PUBLISHER_FORM_LABELS.environment, p.environment),
        row('Existing project', p.projectSettingsUrl),
        row('New project', `${p.pendingPublisherUrl} (add a pending publisher)`));
    }
    lines.push('',
      'On GitLab: protect the release tags (Settings > Repository > Protected tags) and each environment above',
      '(Settings > CI/CD > Protected environments, with approvers), so only maintainers can publish.',
      'Each publish job gets one ID token per audience (id_tokens), and PyPI accepts each token once: a failed',
      'exchange is retried with the same token; once PyPI has used it, only a retried job gets a fresh one.');
    return lines;
  }
}

/**
 * Refuses a tag pattern under which the project's own version could not be released: no tag naming it matches, so
 * pushing the release tag would start no pipeline. A tag names the version as the build job's check reads it (as for
 * PypiRelease's tag patterns): `v<version>`, `<version>`, or either after the pattern's literal prefix when that ends
 * in "-", "_", "/" or "v" (`/^release-.../`). Evaluated as a JavaScript RegExp when its flags are ones JavaScript reads
 * the same (i, m, s); a pattern with others (x) is left to GitLab.
 */
function checkVersionTagPattern(tagPattern: string, version: string, source: string): void {
  const m = /^\/(.+)\/([imsx]*)$/.exec(tagPattern)!;
  if (!/^[ims]*$/.test(m[2])) return;
  let regex: RegExp;
  try {
    regex = new RegExp(m[1], m[2]);
  } catch {
    return; // RE2 syntax JavaScript does not read: GitLab judges it
  }
  const prefixes = new Set(['']);
  const literal = /^\^((?:[A-Za-z0-9_-]|\\[-_/.])*)/.exec(m[1])?.[1].replace(/\\(.)/g, '$1') ?? '';
  if (/[-_/v]$/.test(literal)) prefixes.add(literal.replace(/v$/, ''));
  const tags = [...prefixes].flatMap((prefix) => [`${prefix}v${version}`, `${prefix}${version}`]);
  if (tags.some((tag) => regex.test(tag))) return;
  throw new PypiReleaseConfigError(`the project's version ${version} (${source}) could not be released: no tag naming it (${tags.slice(0, 4).join(', ')}) matches tagPattern ${tagPattern}, so pushing it would start no pipeline at all. Change tagPattern to match it (e.g. "/^v${version.replace(/[0-9]+/g, '[0-9]+').replace(/\./g, '\\.')}$/"), or leave tagPattern unset for the default, which takes every version form`);
}

/** The audience a publish job's id_tokens entry names: PyPI's and TestPyPI's own, or the custom index's. */
function audienceOf(index: PypiIndex): string {
  if (index.audience) return index.audience;
  const known = [PYPI, TESTPYPI].find((k) => k.uploadUrl === index.uploadUrl);
  if (known) return known.audience;
  throw new PypiReleaseConfigError(`custom index "${index.name}" needs an audience for GitLab: a job's id_tokens fix the token's audience in the pipeline file. Set PypiIndex.custom({ audience }) to what ${index.uploadUrl.replace(/legacy\/?$/, '')}_/oidc/audience answers`);
}

/** The only GitLab whose pipelines PyPI trusts as publishers (and public Sigstore certifies for attestations). */
const GITLAB_COM = new URL(GITLAB_ISSUER).host;

/**
 * Why a project whose origin is another GitLab (a self-managed instance) gets no pipeline: PyPI's GitLab publisher
 * matches `ci_config_ref_uri` against `gitlab.com/<namespace>/<project>//<file>`, which a self-managed instance's
 * tokens never carry, so every exchange would be refused.
 */
function selfManagedRefusal(host: string): string {
  return `the git origin remote is on ${host}, not ${GITLAB_COM}: PyPI trusts GitLab CI/CD pipelines that run on ${GITLAB_COM} only `
    + `(its GitLab publisher expects tokens whose ci_config_ref_uri starts with "${GITLAB_COM}/", which a self-managed instance's never do, `
    + 'and public Sigstore certifies no self-managed instance for attestations), so a pipeline generated here could never publish. '
    + 'Release from a gitlab.com project (a mirror of this one will do: set `projectPath: "namespace/project"` to its path), '
    + 'or upload with an API token from your own job. See docs/gitlab.md, "Self-managed GitLab"';
}

/** The host of a git remote URL (https, ssh or scp-like), lower-cased, or undefined. */
export function remoteHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?([^/:]+)|[^@/:]+@([^/:]+):)/i.exec(url.trim());
  return m ? (m[1] ?? m[2]).toLowerCase() : undefined;
}

/** "namespace/project" from a gitlab.com remote URL (https or ssh), or undefined. */
export function gitlabProjectFromUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^(?:https:\/\/(?:[^@/]+@)?gitlab\.com\/|git@gitlab\.com:|ssh:\/\/git@gitlab\.com\/)(.+?)(?:\.git)?\/?$/.exec(url.trim());
  return m && m[1].includes('/') ? m[1] : undefined;
}

/** The header comment after projen's marker (projen's YamlFile renders from JSON and has no comment API). */
function withHeader(file: YamlFile, edit: (text: string) => string): void {
  const renderable = file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const render = renderable.synthesizeContent.bind(file);
  renderable.synthesizeContent = (resolver: unknown) => {
    const text = render(resolver);
    return text === undefined ? undefined : edit(text);
  };
}
