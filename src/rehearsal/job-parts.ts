/**
 * Small pure parts of the job runner: who gets an OIDC token, the runner's step ids, how a step is listed in the
 * job log, and the PATH every step starts from.
 */
import type { Scalar, StepResult, Workflow, WorkflowJob, WorkflowStep } from './types';

export const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Whether GitHub would give the job an OIDC token: `id-token: write` (job level, else workflow level), never a fork's PR. */
export function oidcGranted(job: WorkflowJob, workflow: Workflow, eventName: string, payload: Record<string, unknown>): boolean {
  return hasIdTokenWrite(job, workflow) && !isForkPullRequest(eventName, payload);
}

function hasIdTokenWrite(job: WorkflowJob, workflow: Workflow): boolean {
  const perms = job.permissions ?? workflow.permissions;
  if (perms === undefined) return false; // GitHub's default token permissions never include id-token
  if (perms === 'write-all') return true;
  return typeof perms === 'object' && perms['id-token'] === 'write';
}

/** GitHub never gives a pull request from a fork (or from Dependabot) an OIDC token. */
function isForkPullRequest(eventName: string, payload: Record<string, unknown>): boolean {
  const pr = payload.pull_request as { head?: { repo?: { fork?: boolean } } } | undefined;
  return eventName.startsWith('pull_request') && pr?.head?.repo?.fork === true;
}

/** Step ids, with the runner's generated ones (`__run`, `__run_2`, `__actions_checkout`) for steps without an id. */
export function stepIds(steps: WorkflowStep[]): string[] {
  const taken = new Set<string>();
  return steps.map((step) => {
    let id = step.id;
    if (id === undefined) {
      const base = step.uses ? `__${step.uses.split('@')[0].replace(/^(\.|\$)\//, 'self_').replace(/[^A-Za-z0-9]+/g, '_')}` : '__run';
      id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    }
    if (taken.has(id)) throw new Error(`duplicate step id '${id}'`);
    taken.add(id);
    return id;
  });
}

export function mapValues(values: Record<string, string>, fn: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fn(v)]));
}

export function scalarRecord(values: Record<string, Scalar> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, String(v)]));
}

/** A step as the run page lists it: a header line, then its shown log. */
export function renderStepLog(r: StepResult): string {
  const marker = r.outcome === 'skipped' ? ' (skipped)' : r.outcome === 'failure' ? ' (failed)' : '';
  return [`── ${r.displayName}${marker}`, r.log].filter((l) => l !== '').join('\n');
}
