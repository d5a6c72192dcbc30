import { github } from 'projen';
import { ATTESTED, ATTEST_ACTION_DIR, attestStep } from './attest-action';
import { DIST_ARTIFACT, JobPlacement, distDir, setupUvStep } from './build-job';
import { PypiIndex } from './indexes';
import { MINTED_TOKEN, MINT_ACTION_DIR, mintStep, vendoredRequirementsPath } from './mint-action';
import { publishedSummaryStep } from './release-checks';
import { UploaderSpec, uploaderInstallCommand } from './uploader';
import { VendoredStepsReference, sparseCheckoutStep } from './vendored-steps';
import { SIMPLE_API_PATH } from '../pypi';

const { JobPermission } = github.workflows;

/** Job id of an index's publish job. */
export function publishJobId(index: PypiIndex): string {
  return `publish_${index.name.replace(/-/g, '_')}`;
}

/** How a publish job attests what it downloaded (undefined: it does not). */
export interface AttestationSettings {
  /** Sigstore failing lets the upload go on without attestations (with a warning) instead of stopping the job. */
  readonly continueWithoutAttestations: boolean;
}

/**
 * The repository files a publish job reads, as sparse-checkout patterns: the vendored steps' directories when they
 * are run as `./` (with `$/` the runner fetches them itself), the uploader's locked set when it installs one, and the
 * project's metadata when the uploader reads it. None: the job checks nothing out.
 */
export function publishJobRepositoryFiles(
  spec: UploaderSpec, projectDir: string, attest: AttestationSettings | undefined, form: VendoredStepsReference,
): string[] {
  const prefix = projectDir ? `/${projectDir}` : '';
  return [
    ...(form === VendoredStepsReference.CHECKOUT ? [`/${MINT_ACTION_DIR}/`, ...(attest ? [`/${ATTEST_ACTION_DIR}/`] : [])] : []),
    ...(form === VendoredStepsReference.SELF_REPOSITORY && spec.tool ? [`/${vendoredRequirementsPath(spec.tool)}`] : []),
    ...(spec.needsPyproject ? [`${prefix}/pyproject.toml`, `${prefix}/README*`] : []),
  ];
}

/**
 * A publish job's first step when it reads repository files (a sparse checkout of exactly those, no credentials
 * kept) and the permissions that go with it: `id-token: write`, and `contents: read` only for a checkout.
 */
export function publishJobCheckout(files: string[]): { permissions: github.workflows.JobPermissions; steps: github.workflows.JobStep[] } {
  if (files.length === 0) return { permissions: { idToken: JobPermission.WRITE }, steps: [] };
  return {
    permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
    steps: [sparseCheckoutStep('Check out what this job reads', files)],
  };
}

/**
 * One publish job per index: the only job with `id-token: write`. It never builds and never installs project
 * dependencies: it downloads `dist/`, signs it (PEP 740 attestations, when on) with the vendored attest step,
 * installs the pinned uploader, mints with the vendored mint step, uploads. The vendored steps are run as
 * `$/.github/actions/...` (nothing checked out for them) unless `form` is CHECKOUT. Each job signs its own download,
 * so TestPyPI's and PyPI's jobs never meet an attestation they did not write.
 */
export function publishJob(
  index: PypiIndex, spec: UploaderSpec, distributionName: string, needs: string[], where: JobPlacement,
  attest: AttestationSettings | undefined, form: VendoredStepsReference,
): github.workflows.Job {
  const install = uploaderInstallCommand(spec);
  const checkout = publishJobCheckout(publishJobRepositoryFiles(spec, where.projectDir, attest, form));
  return {
    name: `Publish to ${index.displayName}`,
    needs,
    runsOn: where.runsOn,
    permissions: checkout.permissions,
    environment: { name: index.environment, url: index.projectUrl(distributionName) },
    steps: [
      ...checkout.steps,
      {
        name: 'Download distributions',
        id: 'download_distributions',
        uses: github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT,
        with: { name: DIST_ARTIFACT, path: distDir(where) },
      },
      // signed before any tool is installed: the attestations are for exactly what was downloaded
      ...(attest ? [attestStep(distDir(where), attest.continueWithoutAttestations, form)] : []),
      setupUvStep(),
      ...(install ? [{ name: `Install ${spec.tool}`, id: 'install_uploader', run: install }] : []),
      mintStep(index.uploadUrl, index.audience, form),
      uploadStep(index, spec, where, attest),
    ],
  };
}

function uploadStep(index: PypiIndex, spec: UploaderSpec, where: JobPlacement, attest?: AttestationSettings): github.workflows.JobStep {
  return {
    name: `Upload to ${index.displayName}`,
    id: 'upload',
    workingDirectory: where.projectDir || undefined,
    ...uploadCommand(spec, spec.env(MINTED_TOKEN, index.uploadUrl, `${index.webUrl}${SIMPLE_API_PATH}`), attest),
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

/** Job id of the job that lists what an index's publish job published. */
export function summaryJobId(index: PypiIndex): string {
  return `summary_${index.name.replace(/-/g, '_')}`;
}

/**
 * After a successful publish job: the files it uploaded (the artifact it uploaded from), with size and sha256, and
 * the project's page, in the run's summary. A job of its own, without `id-token`, so that nothing but the upload
 * runs after the mint step.
 */
export function summaryJob(index: PypiIndex, distributionName: string, where: JobPlacement): github.workflows.Job {
  return {
    name: `Published to ${index.displayName}`,
    needs: [publishJobId(index)],
    runsOn: where.runsOn,
    permissions: { contents: JobPermission.READ },
    steps: [
      {
        name: 'Download distributions',
        id: 'download_distributions',
        uses: github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT,
        with: { name: DIST_ARTIFACT, path: distDir(where) },
      },
      publishedSummaryStep(index.displayName, index.projectUrl(distributionName), where),
    ],
  };
}
