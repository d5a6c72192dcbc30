import { github } from 'projen';
import { PypiIndex } from './indexes';
import { JobPlacement, distDir, distDownloadStep } from './placement';
import { BUILD_JOB_ID, publishJobId } from './publish-job';
import { TOOLS_ACTION_DIR, installToolsStep } from './tools-action';
import { VendoredStepsReference } from './vendored-steps';
import { VERIFY_DIR, VERIFY_REQUIREMENTS, VERIFY_SCRIPT } from './verify-files';
import { SIMPLE_API_PATH } from '../pypi';

const { JobPermission } = github.workflows;

/** The public Sigstore instance the attest step signs with (a rehearsal repoints it at its loopback stand-in). */
const SIGSTORE_URL = 'https://fulcio.sigstore.dev';
/** How long the job waits for the index to serve a new release (PyPI's CDN usually takes seconds to a few minutes). */
export const VERIFY_WAIT_SECONDS = 600;
/** The verifier's own environment in the job (a fresh one, filled from the hash-locked set). */
const VERIFIER_ENV = '"$RUNNER_TEMP/pypi-mint-verify"';

/** The trusted publisher the provenance must name. */
export interface ExpectedPublisher {
  /** owner/name */
  readonly repository: string;
  readonly workflowFileName: string;
  readonly environment: string;
}

/** Job id of the job that checks what an index's publish job published. */
export function verifyJobId(index: PypiIndex): string {
  return `summary_${index.name.replace(/-/g, '_')}`;
}

/**
 * After a successful publish job: wait until the index serves every built file with its sha256 (PEP 691 JSON,
 * bounded backoff), verify each file's PEP 740 provenance for the expected publisher with the pinned
 * pypi-attestations (when the publish job attests), and write the summary. No token and `contents: read` only: the
 * job reads the repository's vendored script and the public index. The distributions come by the artifact id the
 * build job output, as in the publish jobs (never by name: another job could upload under it). A file missing after
 * the bound, another sha256 or a provenance that does not verify fails the job, so the run is red and says why.
 */
export function verifyJob(index: PypiIndex, distributionName: string, where: JobPlacement, publisher: ExpectedPublisher,
  attested: boolean, form: VendoredStepsReference): github.workflows.Job {
  // uv from the tools action (only when it installs the verifier): in the checkout form, checked out with the script
  const sparse = [`/${VERIFY_DIR}/`, ...(attested && form === VendoredStepsReference.CHECKOUT ? [`/${TOOLS_ACTION_DIR}/`] : [])];
  const python = attested ? `${VERIFIER_ENV}/bin/python` : 'python3';
  return {
    name: `Verify the release on ${index.displayName}`,
    // the build job too: its outputs name the artifact to download (a job sees the outputs of the jobs it needs only)
    needs: [BUILD_JOB_ID, publishJobId(index)],
    runsOn: where.runsOn,
    permissions: { contents: JobPermission.READ },
    steps: [
      {
        name: 'Check out the verify script',
        id: 'checkout_verify',
        uses: github.ActionRefs.ACTIONS_CHECKOUT,
        with: { 'persist-credentials': false, 'sparse-checkout': sparse.join('\n'), 'sparse-checkout-cone-mode': false },
      },
      distDownloadStep(BUILD_JOB_ID, distDir(where)),
      ...(attested ? [
        installToolsStep([], form),
        {
          name: 'Install pypi-attestations',
          id: 'install_verifier',
          run: [
            `uv venv --no-config --quiet ${VERIFIER_ENV}`,
            `uv pip install --no-config --python ${VERIFIER_ENV}/bin/python --require-hashes --only-binary :all: --requirement ${VERIFY_REQUIREMENTS}`,
          ].join('\n'),
        },
      ] : []),
      {
        name: 'Wait until installable, verify provenance',
        id: 'verify',
        env: {
          DIST_DIR: distDir(where),
          PROJECT: distributionName,
          SIMPLE_URL: `${index.webUrl}${SIMPLE_API_PATH}`,
          PROJECT_URL: index.projectUrl(distributionName),
          INDEX_NAME: index.displayName,
          ATTESTATIONS: String(attested),
          PUBLISHER_REPOSITORY: publisher.repository,
          PUBLISHER_WORKFLOW: publisher.workflowFileName,
          PUBLISHER_ENVIRONMENT: publisher.environment,
          SIGSTORE_URL,
          WAIT_SECONDS: String(VERIFY_WAIT_SECONDS),
        },
        run: `${python} ${VERIFY_SCRIPT}`,
      },
    ],
  };
}
