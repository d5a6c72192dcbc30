/**
 * Run a sample project's publish job against an emulator: every index's upload URL (the literal the component
 * writes into the job) repointed at the emulator, the build job's artifact name taken from the workflow itself and
 * filled with the dists the test built, the repository checked out from the synthesized directory.
 */
import type { BuiltDists } from './python-dists';
import type { SampleRelease } from './sample-release';
import type { JobResult, Workflow } from './workflow/types';
import { OidcIssuerHandle, RunJobOptions, runJob } from './workflow-runner';

/** The `name:` the build job's actions/upload-artifact step gives `dist/`. */
export function distArtifactName(workflow: Workflow): string {
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps ?? []) {
      if (step.uses?.startsWith('actions/upload-artifact@') && step.with?.name !== undefined) return String(step.with.name);
    }
  }
  throw new Error('the workflow uploads no named artifact');
}

export interface EmulatedIndex extends OidcIssuerHandle {
  readonly uploadUrl: string;
}

export function runPublishJob(
  sample: SampleRelease,
  dists: BuiltDists,
  emulator: EmulatedIndex,
  extra: Partial<RunJobOptions> = {},
): Promise<JobResult> {
  const urlMap = Object.fromEntries(sample.release.indexes.map((i) => [i.uploadUrl, emulator.uploadUrl]));
  return runJob({
    workflow: sample.workflow,
    workflowFile: sample.workflowFile,
    jobId: 'publish_pypi',
    issuer: emulator,
    urlMap,
    repoDir: sample.dir,
    repository: sample.repository,
    artifacts: { [distArtifactName(sample.workflow)]: dists.dir },
    ...extra,
  });
}
