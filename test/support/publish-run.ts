/**
 * Run a sample project's publish job against an emulator: every index's upload URL (the literal the component
 * writes into the job) repointed at the emulator, the build job's artifact name taken from the workflow itself and
 * filled with the dists the test built, the repository checked out from the synthesized directory.
 */
import * as leaks from './leaks';
import type { BuiltDists } from './python-dists';
import type { SampleRelease } from './sample-release';
import { rehearsalMachine } from './tools';
import { SIMPLE_API_PATH } from '../../src/pypi';
import { OidcIssuerHandle, RunJobOptions, runJob } from '../../src/rehearsal';
import type { JobResult, Workflow } from '../../src/rehearsal/types';

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
  /** Fulcio and Rekor stand-ins: the attest step's default public-good URLs are repointed at them. */
  readonly sigstore?: { readonly fulcioUrl: string; readonly rekorUrl: string };
  /** The simple API (uv's UV_PUBLISH_CHECK_URL points at the index's). */
  readonly simpleUrl: string;
}

/** Sigstore's public-good instance (the attest action's defaults) -> the emulator's stand-ins. */
function sigstoreUrlMap(index: EmulatedIndex): Record<string, string> {
  if (!index.sigstore) return {};
  return { 'https://fulcio.sigstore.dev': index.sigstore.fulcioUrl, 'https://rekor.sigstore.dev': index.sigstore.rekorUrl };
}

/** An index's literal URLs in the workflow (upload URL, simple API) -> the emulator's. */
function repoint(index: { uploadUrl: string; webUrl: string }, emulated: EmulatedIndex): Array<[string, string]> {
  return [[index.uploadUrl, emulated.uploadUrl], [`${index.webUrl}${SIMPLE_API_PATH}`, emulated.simpleUrl]];
}

export function runPublishJob(
  sample: SampleRelease,
  dists: BuiltDists,
  emulator: EmulatedIndex,
  extra: Partial<RunJobOptions> = {},
): Promise<JobResult> {
  const urlMap = { ...Object.fromEntries(sample.release.indexes.flatMap((i) => repoint(i, emulator))), ...sigstoreUrlMap(emulator) };
  return runJob({
    workflow: sample.workflow,
    workflowFile: sample.workflowFile,
    jobId: 'publish_pypi',
    issuer: emulator,
    urlMap,
    repoDir: sample.dir,
    repository: sample.repository,
    artifacts: { [distArtifactName(sample.workflow)]: dists.dir },
    scan: leaks,
    ...rehearsalMachine(),
    ...extra,
  });
}

/** The emulator standing in for each index the sample publishes to, by index name (`pypi`, `testpypi`, ...). */
export type EmulatedIndexes = Record<string, EmulatedIndex>;

export interface ReleaseRun {
  /** Job id -> result, for the jobs that ran, in the order they ran. */
  readonly jobs: Map<string, JobResult>;
  /** Jobs GitHub would skip because a job they need failed. */
  readonly skipped: string[];
  /** The run's artifacts, name -> directory (the build job's `dist/` under the workflow's artifact name). */
  readonly artifacts: Record<string, string>;
}

/**
 * The whole run of a release workflow for one event: every job in `needs` order (the build job included: its
 * actions/upload-artifact hands `dist/` to the publish jobs), each publish job talking to its own index's emulator,
 * a job skipped when one it needs did not succeed, as GitHub does.
 */
export async function runRelease(sample: SampleRelease, indexes: EmulatedIndexes, extra: Partial<RunJobOptions> = {}): Promise<ReleaseRun> {
  const urlMap = Object.fromEntries(sample.release.indexes.flatMap((i) => {
    const emulated = indexes[i.name];
    if (!emulated) throw new Error(`no emulator given for index '${i.name}'`);
    return repoint(i, emulated);
  }));
  const artifacts: Record<string, string> = {};
  const jobs = new Map<string, JobResult>();
  const skipped: string[] = [];
  const pending = Object.keys(sample.workflow.jobs);
  while (pending.length > 0) {
    const ready = pending.find((id) => [sample.workflow.jobs[id].needs ?? []].flat().every((n) => jobs.has(n) || skipped.includes(n)));
    if (ready === undefined) throw new Error(`jobs ${pending.join(', ')} wait on each other`);
    pending.splice(pending.indexOf(ready), 1);
    const needs = [sample.workflow.jobs[ready].needs ?? []].flat();
    if (needs.some((n) => jobs.get(n)?.conclusion !== 'success')) {
      skipped.push(ready);
      continue;
    }
    const index = sample.release.indexes.find((i) => `publish_${i.name.replace(/-/g, '_')}` === ready);
    const emulated = indexes[index?.name ?? sample.release.indexes[0].name];
    const result = await runJob({
      workflow: sample.workflow,
      workflowFile: sample.workflowFile,
      jobId: ready,
      issuer: emulated,
      urlMap: { ...urlMap, ...sigstoreUrlMap(emulated) },
      repoDir: sample.dir,
      repository: sample.repository,
      artifacts,
      needs: Object.fromEntries(needs.map((n) => [n, { result: 'success' }])),
      scan: leaks,
      ...rehearsalMachine(),
      ...extra,
    });
    jobs.set(ready, result);
  }
  return { jobs, skipped, artifacts };
}
