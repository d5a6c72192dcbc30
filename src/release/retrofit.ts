import { Component, Project, github, javascript } from 'projen';
import { PypiPublishRetrofitConfigError } from './errors';
import { MINTED_TOKEN, PypiMintAction, checkoutMintActionStep, mintStep } from './mint-action';
import { validateDistributionName, validateEnvironmentName } from './trusted-publisher';
import { DEFAULT_UPLOAD_URL, PYPI, projectPageUrl, webRootForUploadUrl } from '../pypi';

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
}

type Job = github.workflows.Job;
type JobStep = github.workflows.JobStep;

/** publib's switches for its own (unmasked, unchecked) token exchange: the mint step replaces it. */
const PUBLIB_OIDC_ENV = ['PYPI_TRUSTED_PUBLISHER', 'PYPI_DISABLE_ATTESTATIONS'];

/**
 * Rewires the PyPI publish job of projen's own release pipeline (`Release` with `publishToPypi`, e.g. a
 * `cdk.JsiiProject`) to mint its token with the shipped step: a sparse checkout of `.github/actions/pypi-mint`, the
 * mint step right before publib, publib fed through `TWINE_USERNAME=__token__` / `TWINE_PASSWORD` from the mint
 * output, `PYPI_TRUSTED_PUBLISHER` dropped, `id-token: write` kept on that job, and an environment.
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
    super(project, `PypiPublishRetrofit#${jobId}`);
    this.environment = environment;
    this.jobId = jobId;
    this.distributionName = distributionName;
    this.indexUrl = options.indexUrl;
    PypiMintAction.ensure(project);
  }

  public preSynthesize(): void {
    const gh = github.GitHub.of(this.project.root);
    const workflows = (gh?.workflows ?? []).filter((w) => w.getJob(this.jobId) !== undefined);
    if (workflows.length === 0) {
      throw new PypiPublishRetrofitConfigError(`no workflow has a "${this.jobId}" job; the retrofit needs projen's Release with publishToPypi (e.g. cdk.JsiiProject({ publishToPypi: {...} }))`);
    }
    for (const workflow of workflows) {
      workflow.updateJob(this.jobId, this.rewire(workflow.getJob(this.jobId) as Job, workflow.name));
    }
  }

  private rewire(job: Job, workflowName: string): Job {
    const steps = [...job.steps];
    const publishAt = steps.findIndex((s) => s.run?.includes('publib-pypi'));
    if (publishAt < 0) {
      throw new PypiPublishRetrofitConfigError(`the "${this.jobId}" job of workflow "${workflowName}" has no publib-pypi step to feed`);
    }
    const publish = steps[publishAt];
    const indexUrl = this.indexUrl ?? stringEnv(publish, 'TWINE_REPOSITORY_URL') ?? stringEnv(job, 'TWINE_REPOSITORY_URL') ?? DEFAULT_UPLOAD_URL;
    steps[publishAt] = {
      ...publish,
      env: { ...withoutPublibOidc(publish.env), TWINE_USERNAME: '__token__', TWINE_PASSWORD: MINTED_TOKEN },
    };
    // the mint runs right before publib: the token's 15 minutes start as late as possible
    steps.splice(publishAt, 0, mintStep(indexUrl));
    const hardened = steps.map(withoutPersistedCredentials);
    return {
      ...job,
      env: job.env ? withoutPublibOidc(job.env) : undefined,
      permissions: { ...job.permissions, idToken: github.workflows.JobPermission.WRITE, contents: github.workflows.JobPermission.READ },
      environment: { name: this.environment, url: projectPageUrl(webRootForUploadUrl(indexUrl), this.distributionName) },
      // the action is checked out first: actions/checkout would empty a workspace holding the downloaded artifacts
      steps: [checkoutMintActionStep(), ...hardened],
    };
  }
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

/** Every checkout in the job stops leaving the GITHUB_TOKEN in .git/config. */
function withoutPersistedCredentials(step: JobStep): JobStep {
  if (!step.uses?.startsWith('actions/checkout@')) return step;
  return { ...step, with: { ...step.with, 'persist-credentials': false } };
}
