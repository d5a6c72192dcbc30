import { Component, JsonPatch, Project, github, javascript, release } from 'projen';
import { PypiAttestAction } from './attest-action';
import { PypiPublishRetrofitConfigError } from './errors';
import { PypiGithubSetup, validateReviewers } from './github-setup';
import { PypiMintAction } from './mint-action';
import { SETUP_NODE_ACTION, SETUP_PYTHON_ACTION } from './pins';
import { DIST_ARTIFACT, DIST_UPLOAD_STEP_ID, distJobOutputs, distSha256Step } from './placement';
import { discoverRepository } from './project';
import { AttestationSettings, publishPermissions, publishSteps } from './publish-job';
import { HardeningReport, hardenWorkflowJobs, hardeningLog } from './release-workflow-hardening';
import { vendorToolsAction } from './tools-action';
import { TrustedPublisher, parseRepository, renderTrustedPublisherGuide, validateDistributionName, validateEnvironmentName } from './trusted-publisher';
import { Uploader, uploaderSpec } from './uploader';
import { VendoredStepsReference, checkoutFormIgnores, vendoredStepsGuide } from './vendored-steps';
import { annotatePins, documentPermissions, editRenderedWorkflow, headerComment, permissionsFirst } from './workflow-file';
import { PYPI, SIMPLE_API_PATH, knownIndexForHost, pendingPublisherUrl, projectPageUrl, projectPublishingUrl, webRootForUploadUrl } from '../pypi';

/**
 * Options for PypiPublishRetrofit.
 */
export interface PypiPublishRetrofitOptions {
  /**
   * GitHub environment of the PyPI publish job (enter the same name in the PyPI trusted publisher).
   *
   * @default "pypi"
   */
  readonly environment?: string;

  /**
   * The distribution name, for the environment URL (`https://pypi.org/p/<name>`).
   *
   * @default - the jsii Python target's `distName` from package.json
   */
  readonly distributionName?: string;

  /**
   * Upload URL the mint step discovers the audience from.
   *
   * @default - the job's TWINE_REPOSITORY_URL when projen set one, else PyPI's "https://upload.pypi.org/legacy/"
   */
  readonly indexUrl?: string;

  /**
   * Id of the job projen's Release generates for PyPI.
   *
   * @default "release_pypi"
   */
  readonly jobId?: string;

  /**
   * Keep PEP 740 attestations. publib signs (with pypi-attestations) only inside its own OIDC exchange
   * (`PYPI_TRUSTED_PUBLISHER`), which the retrofit replaces; instead the publish job runs the shipped attest step on
   * the downloaded distributions before it installs anything or mints, and the pinned twine uploads them with
   * `--attestations`.
   *
   * @default true
   */
  readonly attestations?: boolean;

  /**
   * When Sigstore cannot sign, upload without attestations and warn instead of failing the job.
   *
   * @default false
   */
  readonly continueWithoutAttestations?: boolean;

  /**
   * How the publish job runs the vendored mint and attest steps: `$/.github/actions/...` with nothing checked out
   * for them, or (for GitHub Enterprise Server and self-hosted runners older than 2.336.0) `./.github/actions/...`
   * after a sparse checkout.
   *
   * @default VendoredStepsReference.SELF_REPOSITORY
   */
  readonly vendoredSteps?: VendoredStepsReference;

  /**
   * Harden projen's other jobs of the release workflow too (the PyPI job's neighbours, one of which holds
   * `id-token: write` for npm): pin every action they name by tag by its commit (through `project.github.actions`,
   * so it applies wherever projen renders that action), keep no GITHUB_TOKEN in `.git/config` in jobs that do not
   * push (a step that reads the remote gets the token for that step only), `permissions: {}` at the top and a reason
   * next to every write permission. The synth log lists every change. `false` leaves those jobs as projen makes them.
   *
   * @default true
   */
  readonly hardenReleaseWorkflow?: boolean;

  /**
   * The GitHub repository, "owner/name": the trusted publisher on PyPI names it, and `npx projen pypi:github-setup`
   * protects its environment.
   *
   * @default - the project's git `origin` remote, else package.json `repository`; synth fails with an explanation
   * when neither is a GitHub URL
   */
  readonly repository?: string;

  /**
   * GitHub users ("octocat") or teams ("octo-org/release-team") who must approve every PyPI release: required
   * reviewers on the environment, applied by `npx projen pypi:github-setup` (at most 6).
   *
   * @default - none: the task leaves the environment's reviewers as they are
   */
  readonly reviewers?: string[];

  /**
   * Whether the person who started a release may approve it themselves (GitHub's `prevent_self_review`).
   *
   * @default - as the environment has it (GitHub's default: self-review allowed)
   */
  readonly preventSelfReview?: boolean;
}

/** Why projen's release jobs hold their write permissions (zizmor's undocumented-permissions), by job id. */
const PROJEN_JOB_PERMISSIONS: Record<string, Record<string, string>> = {
  release: { contents: 'projen\'s Release grants it (workflowPermissions); the checkout keeps no credentials' },
  release_github: { contents: 'creates the GitHub release and uploads its assets' },
  release_npm: { 'id-token': 'npm trusted publishing and provenance (publib)' },
};

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** Where projen's `package:python` (jsii-pacmak) leaves the wheel and the sdist. */
const JSII_PYTHON_DIST = 'dist/python/';

/** publib's switches for its own (unmasked, unchecked) token exchange: the mint step replaces it. */
const PUBLIB_OIDC_ENV = ['PYPI_TRUSTED_PUBLISHER', 'PYPI_DISABLE_ATTESTATIONS'];

/**
 * Rewires the PyPI publish job of projen's own release pipeline (`Release` with `publishToPypi`, e.g. a
 * `cdk.JsiiProject`) into the shape of PypiRelease's jobs: a packaging job without `id-token` (projen's steps up to
 * publib: the release artifact, `npx projen package:python`, setup actions pinned by commit) that hands
 * `dist/python/` over as an artifact, and the publish job (same id, conditions and place before projen's GitHub
 * release) that checks nothing out (the vendored steps run as `$/...`, or are checked out with
 * `vendoredSteps: VendoredStepsReference.CHECKOUT`), downloads the distributions by id and checks their sha256, signs
 * them (PEP 740, unless `attestations: false`), installs uv and the pinned twine from their hash-locked sets (the
 * vendored tools action), mints with the shipped step and uploads.
 * No `publib@latest`, no build next to `id-token: write`, an environment. Unless `hardenReleaseWorkflow: false`, it
 * also pins projen's other release jobs' actions by commit and keeps credentials out of the checkouts that do not push.
 *
 * Create it after the project (in `.projenrc`), so projen's Release has added the job when this rewires it.
 */
export class PypiPublishRetrofit extends Component {
  /** GitHub environment of the rewired job. */
  public readonly environment: string;
  /** Id of the rewired job. */
  public readonly jobId: string;

  private readonly distributionName: string;
  private readonly indexUrl?: string;
  private readonly attest?: AttestationSettings;
  private readonly form: VendoredStepsReference;
  private readonly harden: boolean;
  private readonly log: string[] = [];
  private readonly repository: string;
  private readonly githubSetup: PypiGithubSetup;

  public constructor(project: Project, options: PypiPublishRetrofitOptions = {}) {
    // checked before the construct exists, so a bad option is reported as such and not as a construct id clash
    const environment = options.environment ?? PYPI.name;
    validateEnvironmentName(environment, PypiPublishRetrofitConfigError);
    const distributionName = options.distributionName ?? jsiiPythonDistName(project);
    if (!distributionName) {
      throw new PypiPublishRetrofitConfigError('set distributionName (no jsii Python target with a distName in package.json)');
    }
    validateDistributionName(distributionName, PypiPublishRetrofitConfigError);
    const jobId = options.jobId ?? 'release_pypi';
    const repository = options.repository ?? discoverRepository(project);
    if (!repository) {
      throw new PypiPublishRetrofitConfigError('cannot tell which GitHub repository publishes: set `repository: "owner/name"` (nothing was found in the git origin remote or package.json)');
    }
    parseRepository(repository, PypiPublishRetrofitConfigError);
    if (options.reviewers) validateReviewers(options.reviewers, PypiPublishRetrofitConfigError);
    const branches = release.Release.of(project)?.branches ?? [];
    if (branches.length === 0) {
      throw new PypiPublishRetrofitConfigError('the project has no release branches; the retrofit rewires projen\'s Release (e.g. cdk.JsiiProject with publishToPypi)');
    }
    super(project, `PypiPublishRetrofit#${jobId}`);
    this.repository = repository;
    this.environment = environment;
    this.jobId = jobId;
    this.distributionName = distributionName;
    this.indexUrl = options.indexUrl;
    this.form = options.vendoredSteps ?? VendoredStepsReference.SELF_REPOSITORY;
    this.harden = options.hardenReleaseWorkflow ?? true;
    if (options.attestations ?? true) {
      this.attest = { continueWithoutAttestations: options.continueWithoutAttestations ?? false };
      PypiAttestAction.ensure(project);
    }
    PypiMintAction.ensure(project);
    // the publish job installs uv and twine from their hash-locked sets with the vendored tools action
    vendorToolsAction(project, ['twine']);
    // projen's release publishes on pushes to its release branches: the environment deploys from those only
    this.githubSetup = PypiGithubSetup.ensure(project);
    this.githubSetup.addRelease({
      repository,
      environments: [environment],
      workflowTagPatterns: [],
      branches,
      reviewers: options.reviewers,
      preventSelfReview: options.preventSelfReview,
    });
  }

  public preSynthesize(): void {
    const gh = github.GitHub.of(this.project.root);
    const workflows = (gh?.workflows ?? []).filter((w) => w.getJob(this.jobId) !== undefined);
    if (workflows.length === 0) {
      throw new PypiPublishRetrofitConfigError(`no workflow has a "${this.jobId}" job; the retrofit needs projen's Release with publishToPypi (e.g. cdk.JsiiProject({ publishToPypi: {...} }))`);
    }
    for (const workflow of workflows) {
      const { packaging, publishing, indexUrl } = this.rewire(workflow.getJob(this.jobId) as Job, workflow.name);
      workflow.addJob(this.packageJobId, packaging);
      workflow.updateJob(this.jobId, publishing);
      const guide = [
        ...this.guide(workflow.file?.path.split('/').pop() ?? `${workflow.name}.yml`, indexUrl),
        '',
        ...vendoredStepsGuide(this.form, 'vendoredSteps'),
      ];
      const pypiReasons = { [this.jobId]: { 'id-token': 'trusted publishing: the mint step exchanges the job\'s OIDC token' } };
      if (this.harden) {
        const report = hardenWorkflowJobs(gh!, workflow, [this.jobId, this.packageJobId]);
        this.log.push(...hardeningLog(workflow.name, report, 'hardenReleaseWorkflow'));
        // every job of projen's pipeline declares its permissions; nothing else gets the default token's
        workflow.file?.patch(JsonPatch.add('/permissions', {}));
        editRenderedWorkflow(workflow, headerComment(guide), permissionsFirst,
          documentPermissions({ ...PROJEN_JOB_PERMISSIONS, ...pypiReasons }, fallbackReason(report)), annotatePins, checkoutFormIgnores(this.form));
      } else {
        editRenderedWorkflow(workflow, headerComment(guide), documentPermissions(pypiReasons), annotatePins, checkoutFormIgnores(this.form));
      }
      this.log.push(guide.join('\n'));
    }
    for (const line of this.log) this.project.logger.info(line);
  }

  /**
   * What to change on PyPI and on GitHub, for the workflow's header and the synth log. The publisher must name the
   * environment: one registered without it (what projen's own trusted publishing needs) accepts a token from any job
   * of the workflow that may request one, such as projen's release_npm.
   */
  private guide(workflowFileName: string, indexUrl: string): string[] {
    const webRoot = webRootForUploadUrl(indexUrl);
    const { owner, repositoryName } = parseRepository(this.repository, PypiPublishRetrofitConfigError);
    const publisher: TrustedPublisher = {
      indexName: knownIndexForHost(new URL(indexUrl).hostname)?.displayName ?? new URL(indexUrl).host,
      distributionName: this.distributionName,
      owner,
      repositoryName,
      workflowFileName,
      environment: this.environment,
      projectSettingsUrl: projectPublishingUrl(webRoot, this.distributionName),
      pendingPublisherUrl: pendingPublisherUrl(webRoot),
    };
    return [
      ...renderTrustedPublisherGuide([publisher]),
      '',
      `Migrating from projen's trusted publishing: its publisher on ${publisher.indexName} has no environment, and then`,
      `accepts a token from any job of ${workflowFileName} that may request one (release_npm too). Edit that publisher`,
      `(or add this one and remove it) so that its Environment name is "${this.environment}".`,
      '',
      ...this.githubSetup.guide([this.environment]),
    ];
  }

  /**
   * Splits projen's job in two: everything up to publib becomes a packaging job without `id-token` that hands
   * `dist/python/` over as an artifact; the job keeps its id (projen's GitHub release still waits for it) and only
   * downloads, installs the pinned uploader, mints and uploads, like PypiRelease's publish jobs.
   */
  private rewire(job: Job, workflowName: string): { packaging: Job; publishing: Job; indexUrl: string } {
    const publishAt = job.steps.findIndex((s) => s.run?.includes('publib-pypi'));
    if (publishAt < 0) {
      throw new PypiPublishRetrofitConfigError(`the "${this.jobId}" job of workflow "${workflowName}" has no publib-pypi step to feed`);
    }
    const publish = job.steps[publishAt];
    const indexUrl = this.indexUrl ?? stringEnv(publish, 'TWINE_REPOSITORY_URL') ?? stringEnv(job, 'TWINE_REPOSITORY_URL') ?? PYPI.uploadUrl;
    const { idToken: _dropped, ...readOnly } = job.permissions;
    const { node, python, ...otherTools } = job.tools ?? {};
    const packaging: Job = {
      ...job,
      name: 'Package the Python distributions',
      // projen renders `tools` as setup steps pinned by tag: the same steps here, pinned by commit
      tools: Object.keys(otherTools).length ? otherTools : undefined,
      env: job.env ? withoutPublibOidc(job.env) : undefined,
      permissions: { ...readOnly, contents: github.workflows.JobPermission.READ },
      environment: undefined,
      // what the publish job downloads (by id) and checks the files against (by sha256)
      outputs: { ...job.outputs, ...distJobOutputs() },
      steps: [
        ...(node ? [{ name: 'Set up Node.js', id: 'setup_node', uses: SETUP_NODE_ACTION, with: { 'node-version': node.version, 'package-manager-cache': false } }] : []),
        ...(python ? [{ name: 'Set up Python', id: 'setup_python', uses: SETUP_PYTHON_ACTION, with: { 'python-version': python.version } }] : []),
        ...job.steps.slice(0, publishAt).map(withoutPersistedCredentials).map(pinnedSetupAction),
        distSha256Step(JSII_PYTHON_DIST),
        {
          name: 'Upload the Python distributions',
          id: DIST_UPLOAD_STEP_ID,
          uses: github.ActionRefs.ACTIONS_UPLOAD_ARTIFACT,
          with: { 'name': DIST_ARTIFACT, 'path': JSII_PYTHON_DIST, 'if-no-files-found': 'error' },
        },
      ],
    };
    // publib's dry run (workflow_dispatch input): no token is minted and nothing uploaded
    const dryRun = publish.env?.PUBLIB_DRYRUN !== undefined ? '${{ !inputs.dry_run }}' : undefined;
    const known = knownIndexForHost(new URL(indexUrl).hostname);
    const steps = publishSteps({
      target: {
        displayName: known?.displayName ?? new URL(indexUrl).host,
        uploadUrl: indexUrl,
        simpleUrl: `${webRootForUploadUrl(indexUrl)}${SIMPLE_API_PATH}`,
      },
      uploader: uploaderSpec(Uploader.TWINE),
      distributionName: this.distributionName,
      distJob: this.packageJobId,
      distDir: 'dist/',
      attest: this.attest,
      condition: dryRun,
      form: this.form,
    });
    const publishing: Job = {
      name: job.name,
      needs: [...new Set([...(job.needs ?? []), this.packageJobId])],
      if: job.if,
      runsOn: job.runsOn,
      permissions: publishPermissions(steps),
      environment: { name: this.environment, url: projectPageUrl(webRootForUploadUrl(indexUrl), this.distributionName) },
      steps,
    };
    return { packaging, publishing, indexUrl };
  }

  /** Id of the packaging job the retrofit adds. */
  public get packageJobId(): string {
    return `${this.jobId}_package`;
  }
}

/** A write permission of a job the retrofit knows nothing about: say where it comes from. */
function fallbackReason(report: HardeningReport): (jobId: string, permission: string) => string {
  return (jobId, permission) => `granted by projen for ${jobId}${report.pushingJobs.includes(jobId) && permission === 'contents' ? ' (it pushes)' : ''}`;
}

function jsiiPythonDistName(project: Project): string | undefined {
  if (!(project instanceof javascript.NodeProject)) return undefined;
  const name: unknown = project.package.manifest.jsii?.targets?.python?.distName;
  return typeof name === 'string' ? name : undefined;
}

function stringEnv(holder: { env?: Record<string, string> }, name: string): string | undefined {
  const value = holder.env?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function withoutPublibOidc(env: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(env ?? {}).filter(([name]) => !PUBLIB_OIDC_ENV.includes(name)));
}

/** projen's setup-node and setup-python, pinned by commit instead of by tag. */
function pinnedSetupAction(step: JobStep): JobStep {
  if (step.uses?.startsWith('actions/setup-node@')) return { ...step, uses: SETUP_NODE_ACTION };
  if (step.uses?.startsWith('actions/setup-python@')) return { ...step, uses: SETUP_PYTHON_ACTION };
  return step;
}

/** Every checkout in the job stops leaving the GITHUB_TOKEN in .git/config. */
function withoutPersistedCredentials(step: JobStep): JobStep {
  if (!step.uses?.startsWith('actions/checkout@')) return step;
  return { ...step, with: { ...step.with, 'persist-credentials': false } };
}
