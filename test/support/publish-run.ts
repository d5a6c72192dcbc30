/**
 * Run a sample project's publish job against an emulator: every index's upload URL (the literal the component
 * writes into the job) repointed at the emulator, the build job's artifact name taken from the workflow itself and
 * filled with the dists the test built, the repository checked out from the synthesized directory.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as leaks from './leaks';
import type { BuiltDists } from './python-dists';
import type { SampleRelease } from './sample-release';
import { rehearsalMachine } from './tools';
import { SIMPLE_API_PATH } from '../../src/pypi';
import { OidcIssuerHandle, RunJobOptions, runJob } from '../../src/rehearsal';
import { newArtifactId } from '../../src/rehearsal/stand-ins';
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

/** The job that hands `dist/` to the publish jobs (the build or packaging job): the one that records its sha256 list. */
export function distUploadingJob(workflow: Workflow): string {
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if ((job.steps ?? []).some((s) => s.id === 'dist_sha256')) return id;
  }
  throw new Error('no job of the workflow records the sha256 list of dist/');
}

/**
 * What a run's uploading job would have output for `dir` as its artifact: the artifact's id (registered in
 * `artifactIds`) and the sha256 list of its files, computed as that job's step computes it (`sha256sum`, sorted by
 * name), keyed by the job's output names.
 */
export function distJobOutputs(workflow: Workflow, dir: string, artifactIds: Record<string, string>): Record<string, string> {
  const job = workflow.jobs[distUploadingJob(workflow)];
  const upload = (job.steps ?? []).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  const id = newArtifactId(artifactIds);
  artifactIds[id] = String(upload?.with?.name);
  const outputs = job.outputs ?? {};
  const name = (expression: RegExp) => {
    const found = Object.entries(outputs).find(([, v]) => expression.test(String(v)));
    if (!found) throw new Error(`the uploading job has no output matching ${expression}`);
    return found[0];
  };
  return {
    [name(/outputs\.artifact-id\b/)]: id,
    [name(/outputs\.sha256\b/)]: distSha256List(dir),
  };
}

/** `sha256sum -- *` in `dir`, sorted by file name in the C locale: the list the uploading job outputs. */
export function distSha256List(dir: string): string {
  return readdirSync(dir).sort().map((f) => `${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}  ${f}`).join('\n');
}

export function runPublishJob(
  sample: SampleRelease,
  dists: BuiltDists,
  emulator: EmulatedIndex,
  extra: Partial<RunJobOptions> = {},
): Promise<JobResult> {
  const urlMap = { ...Object.fromEntries(sample.release.indexes.flatMap((i) => repoint(i, emulator))), ...sigstoreUrlMap(emulator) };
  const artifactIds: Record<string, string> = {};
  const outputs = distJobOutputs(sample.workflow, dists.dir, artifactIds);
  return runJob({
    workflow: sample.workflow,
    workflowFile: sample.workflowFile,
    jobId: 'publish_pypi',
    issuer: emulator,
    urlMap,
    repoDir: sample.dir,
    repository: sample.repository,
    artifacts: { [distArtifactName(sample.workflow)]: dists.dir },
    artifactIds,
    needs: { [distUploadingJob(sample.workflow)]: { result: 'success', outputs } },
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
  const artifactIds: Record<string, string> = {};
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
      artifactIds,
      needs: Object.fromEntries(needs.map((n) => [n, { result: 'success', outputs: jobs.get(n)!.outputs }])),
      scan: leaks,
      ...rehearsalMachine(),
      ...extra,
    });
    jobs.set(ready, result);
  }
  return { jobs, skipped, artifacts };
}
