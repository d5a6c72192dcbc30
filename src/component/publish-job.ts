import { github } from 'projen';
import { ATTESTED, ATTEST_ACTION_DIR, attestStep } from './attest-action';
import { PypiIndex } from './indexes';
import { MINTED_TOKEN, MINT_ACTION_DIR, mintStep } from './mint-action';
import { JobPlacement, distDir, distDownloadStep, distSha256CheckStep } from './placement';
import { TOOLS_ACTION_DIR, installToolsStep } from './tools-action';
import { makeUploadScratch } from './upload-scratch';
import { UploaderSpec } from './uploader';
import { VendoredStepsReference, sparseCheckoutStep } from './vendored-steps';
import { SIMPLE_API_PATH } from '../pypi';

const { JobPermission } = github.workflows;

/** Job id of the build job. */
export const BUILD_JOB_ID = 'build';

/** Job id of an index's publish job. */
export function publishJobId(index: PypiIndex): string {
  return `publish_${index.name.replace(/-/g, '_')}`;
}

/** How a publish job attests what it downloaded (undefined: it does not). */
export interface AttestationSettings {
  /** Sigstore failing lets the upload go on without attestations (with a warning) instead of stopping the job. */
  readonly continueWithoutAttestations: boolean;
}

/** Where a publish job uploads: what the mint step and the uploader are told. */
export interface PublishTarget {
  /** For step names: "PyPI", "TestPyPI", a custom index's display name. */
  readonly displayName: string;
  /** The upload URL (the mint step discovers the audience from it unless `audience` is given). */
  readonly uploadUrl: string;
  /** The OIDC audience, when the mint step must not discover it. */
  readonly audience?: string;
  /** The index's simple API, where uv looks for files already there. */
  readonly simpleUrl: string;
}

/** What publishSteps needs to know about the job around them. */
export interface PublishStepsOptions {
  readonly target: PublishTarget;
  readonly uploader: UploaderSpec;
  /** The distribution (project) name: poetry and pdm upload from a generated project of that name. */
  readonly distributionName: string;
  /** The id of the job that uploaded the distributions and output their artifact id and sha256 list. */
  readonly distJob: string;
  /** The distributions' directory, relative to the repository root (with a trailing slash). */
  readonly distDir: string;
  /** How the vendored mint and attest steps are referenced. */
  readonly form: VendoredStepsReference;
  /** Attest before the upload (undefined: no attestations). */
  readonly attest?: AttestationSettings;
  /** An `if:` for the steps that sign, mint or upload (e.g. a dry-run input); the checkout and download always run. */
  readonly condition?: string;
}

/**
 * The repository files a publish job reads, as sparse-checkout patterns: the vendored steps' directories (the tools
 * action with its locked sets included) when they are run as `./`. With `$/` the runner fetches them itself: nothing.
 * The uploader runs in a scratch directory and reads no project file.
 */
export function publishJobRepositoryFiles(options: PublishStepsOptions): string[] {
  const { attest, form } = options;
  if (form !== VendoredStepsReference.CHECKOUT) return [];
  return [`/${TOOLS_ACTION_DIR}/`, `/${MINT_ACTION_DIR}/`, ...(attest ? [`/${ATTEST_ACTION_DIR}/`] : [])];
}

/** A publish job's permissions: `id-token: write`, and `contents: read` only when it checks something out. */
export function publishPermissions(steps: github.workflows.JobStep[]): github.workflows.JobPermissions {
  const checksOut = steps.some((s) => s.uses === github.ActionRefs.ACTIONS_CHECKOUT);
  return checksOut ? { idToken: JobPermission.WRITE, contents: JobPermission.READ } : { idToken: JobPermission.WRITE };
}

/**
 * The steps of every publish job, PypiRelease's and the retrofit's, in the one order that keeps the token's exposure
 * small: check out only what the job reads, if anything (before the download: checkout empties a workspace that is
 * not a git checkout; with `$/` the vendored steps need none), download the distributions by the artifact id the
 * build job output, check them against its sha256 list, sign them (before any tool is installed: the attestations are
 * for exactly what was built), install the pinned uploader, mint right before the upload (the token's 15 minutes
 * start as late as possible), upload from a scratch directory. Nothing runs after the upload in the job that holds
 * the token.
 */
export function publishSteps(options: PublishStepsOptions): github.workflows.JobStep[] {
  const { target, uploader: spec, attest, form } = options;
  const when = options.condition ? { if: options.condition } : {};
  const upload = uploadCommand(spec, spec.env(MINTED_TOKEN, target.uploadUrl, target.simpleUrl), attest);
  const files = publishJobRepositoryFiles(options);
  return [
    ...(files.length > 0 ? [sparseCheckoutStep(form === VendoredStepsReference.CHECKOUT ? 'Check out the vendored steps' : 'Check out what this job reads', files)] : []),
    distDownloadStep(options.distJob, options.distDir),
    distSha256CheckStep(options.distJob, options.distDir),
    ...(attest ? [{ ...attestStep(options.distDir, attest.continueWithoutAttestations, form), ...when }] : []),
    installToolsStep(spec.tool ? [spec.tool] : [], form),
    { ...mintStep(target.uploadUrl, target.audience, form), ...when },
    {
      name: `Upload to ${target.displayName}`,
      id: 'upload',
      ...when,
      env: upload.env,
      run: [...scratchDirectory(options.distDir, spec.needsProject ? options.distributionName : undefined), upload.run].join('\n'),
    },
  ];
}

/** Where the upload step runs its uploader: a directory of its own under the runner's temp, outside the checkout. */
export const UPLOAD_SCRATCH_DIR = '"$RUNNER_TEMP/pypi-mint-upload"';

/** The upload step's first lines: make the scratch directory (upload-scratch.ts) and enter it. */
function scratchDirectory(dir: string, projectName: string | undefined): string[] {
  return [
    ...makeUploadScratch({ dir: UPLOAD_SCRATCH_DIR, dist: `"$GITHUB_WORKSPACE/${dir.replace(/\/$/, '')}"`, projectName }),
    `cd ${UPLOAD_SCRATCH_DIR}`,
  ];
}

/**
 * One publish job per index: the only job with `id-token: write`. It never builds and never installs project
 * dependencies: publishSteps. Each job signs its own download, so TestPyPI's and PyPI's jobs never meet an
 * attestation they did not write.
 */
export function publishJob(
  index: PypiIndex, spec: UploaderSpec, distributionName: string, needs: string[], where: JobPlacement,
  attest: AttestationSettings | undefined, form: VendoredStepsReference,
): github.workflows.Job {
  const steps = publishSteps({
    target: { displayName: index.displayName, uploadUrl: index.uploadUrl, audience: index.audience, simpleUrl: `${index.webUrl}${SIMPLE_API_PATH}` },
    uploader: spec,
    distributionName,
    distJob: BUILD_JOB_ID,
    distDir: distDir(where),
    attest,
    form,
  });
  return {
    name: `Publish to ${index.displayName}`,
    needs,
    runsOn: where.runsOn,
    permissions: publishPermissions(steps),
    environment: { name: index.environment, url: index.projectUrl(distributionName) },
    steps,
  };
}

/**
 * The upload step's `run:` and `env:`: with attestations, the uploader's attested command; an uploader that must be
 * told (twine) is told only when the attest step wrote every attestation (it may have been allowed to skip them).
 */
export function uploadCommand(
  spec: UploaderSpec, env: Record<string, string>, attest?: AttestationSettings,
): { env: Record<string, string>; run: string } {
  if (!attest || !spec.attestedRun) return { env, run: spec.run };
  if (attest.continueWithoutAttestations && spec.attestedRun !== spec.run) {
    return {
      env: { ...env, ATTESTED },
      run: `if [ "$ATTESTED" = true ]; then\n  ${spec.attestedRun}\nelse\n  ${spec.run}\nfi`,
    };
  }
  return { env, run: spec.attestedRun };
}
