import { github } from 'projen';
import { BuildToolSpec } from './build-tool';
import { DIST_ARTIFACT, DIST_UPLOAD_STEP_ID, JobPlacement, distDir, distJobOutputs, distSha256Step } from './placement';
import { SdistCheckSettings, metadataCheckSteps, sdistCheckStep } from './release-checks';
import { installToolsStep } from './tools-action';
import { VendoredStepsReference } from './vendored-steps';
import { VersionStamp, stampVersionStep, versionCheckStep } from './version-from-tag';

const { JobPermission } = github.workflows;

/** uv, the build tool and twine (the metadata check), from their locked sets, before anything of the project runs. */
function buildToolsStep(spec: BuildToolSpec, form: VendoredStepsReference): github.workflows.JobStep {
  return installToolsStep([...(spec.tool ? [spec.tool] : []), 'twine'], form);
}

/**
 * The build job: read-only, no OIDC. Checks out without persisting credentials, builds with the pinned tool, checks
 * the version against the tag and the metadata as PyPI would, and hands `dist/` (only) to the publish jobs as an
 * artifact. The tools come from the vendored tools action, in the form the publish jobs use (`form`). With `stamp`, the version is taken from the tag and written into the project before the build. With
 * `sdist`, the sdist is checked for files that are not the package's (projen's, npm's, the release workflow's).
 */
export function buildJob(spec: BuildToolSpec, where: JobPlacement, form: VendoredStepsReference, stamp?: VersionStamp,
  sdist?: SdistCheckSettings): github.workflows.Job {
  const workingDirectory = where.projectDir || undefined;
  return {
    name: 'Build distributions',
    runsOn: where.runsOn,
    permissions: { contents: JobPermission.READ },
    // what the publish jobs download (by id) and check the files against (by sha256)
    outputs: distJobOutputs(),
    steps: [
      {
        name: 'Checkout',
        id: 'checkout',
        uses: github.ActionRefs.ACTIONS_CHECKOUT,
        with: { 'persist-credentials': false },
      },
      buildToolsStep(spec, form),
      ...(stamp ? [stampVersionStep(stamp, where)] : []),
      { name: 'Build sdist and wheel', id: 'build', workingDirectory, run: spec.run },
      // before anything leaves this job: the version the tag promises, and metadata PyPI accepts
      versionCheckStep(where),
      ...(sdist ? [sdistCheckStep(where, sdist)] : []),
      ...metadataCheckSteps(where),
      distSha256Step(distDir(where)),
      {
        name: 'Upload distributions',
        id: DIST_UPLOAD_STEP_ID,
        uses: github.ActionRefs.ACTIONS_UPLOAD_ARTIFACT,
        with: { 'name': DIST_ARTIFACT, 'path': distDir(where), 'if-no-files-found': 'error' },
      },
    ],
  };
}

/**
 * The pull-request job: the build job's build and checks of what PyPI's upload would refuse (not the tag's version:
 * a pull request has no tag), `contents: read` only, nothing uploaded anywhere.
 */
export function pullRequestChecksJob(spec: BuildToolSpec, where: JobPlacement, form: VendoredStepsReference,
  sdist?: SdistCheckSettings): github.workflows.Job {
  return {
    name: "Build and check PyPI's upload rules",
    runsOn: where.runsOn,
    permissions: { contents: JobPermission.READ },
    steps: [
      { name: 'Checkout', id: 'checkout', uses: github.ActionRefs.ACTIONS_CHECKOUT, with: { 'persist-credentials': false } },
      buildToolsStep(spec, form),
      { name: 'Build sdist and wheel', id: 'build', workingDirectory: where.projectDir || undefined, run: spec.run },
      ...(sdist ? [sdistCheckStep(where, sdist)] : []),
      ...metadataCheckSteps(where),
    ],
  };
}
