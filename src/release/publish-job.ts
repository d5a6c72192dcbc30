import { github } from 'projen';
import { DIST_ARTIFACT, JobPlacement, distDir, setupUvStep } from './build-job';
import { PypiIndex } from './indexes';
import { MINTED_TOKEN, checkoutMintActionStep, mintStep } from './mint-action';
import { publishedSummaryStep } from './release-checks';
import { UploaderSpec, uploaderInstallCommand } from './uploader';
import { SIMPLE_API_PATH } from '../pypi';

const { JobPermission } = github.workflows;

/** Job id of an index's publish job. */
export function publishJobId(index: PypiIndex): string {
  return `publish_${index.name.replace(/-/g, '_')}`;
}

/**
 * One publish job per index: the only job with `id-token: write`. It never builds and never installs project
 * dependencies: it checks out the action, downloads `dist/`, installs the pinned uploader, mints, uploads.
 */
export function publishJob(
  index: PypiIndex, spec: UploaderSpec, distributionName: string, needs: string[], where: JobPlacement,
): github.workflows.Job {
  const install = uploaderInstallCommand(spec);
  const prefix = where.projectDir ? `/${where.projectDir}` : '';
  return {
    name: `Publish to ${index.displayName}`,
    needs,
    runsOn: where.runsOn,
    permissions: { idToken: JobPermission.WRITE, contents: JobPermission.READ },
    environment: { name: index.environment, url: index.projectUrl(distributionName) },
    steps: [
      checkoutMintActionStep(spec.needsPyproject ? [`${prefix}/pyproject.toml`, `${prefix}/README*`] : []),
      {
        name: 'Download distributions',
        id: 'download_distributions',
        uses: github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT,
        with: { name: DIST_ARTIFACT, path: distDir(where) },
      },
      setupUvStep(),
      ...(install ? [{ name: `Install ${spec.tool}`, id: 'install_uploader', run: install }] : []),
      mintStep(index.uploadUrl),
      {
        name: `Upload to ${index.displayName}`,
        id: 'upload',
        workingDirectory: where.projectDir || undefined,
        env: spec.env(MINTED_TOKEN, index.uploadUrl, `${index.webUrl}${SIMPLE_API_PATH}`),
        run: spec.run,
      },
    ],
  };
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
