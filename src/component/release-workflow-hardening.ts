import { github } from 'projen';
import { ACTION_COMMIT_PINS } from './pins';

type JobStep = github.workflows.JobStep;
type Job = github.workflows.Job;

/** A step that pushes to the repository with the checkout's credentials (projen's self-mutation, a release push). */
const PUSHES = /\bgit\s+push\b/;
/** A step that reads the remote (projen's release job: "is the tag there yet?", "did the branch move?"). */
const READS_REMOTE = /\bgit\s+(ls-remote|fetch|pull)\b/;

/**
 * Git credentials for one step, from the environment, never written to `.git/config`: a credential helper given as
 * configuration through the environment (git >= 2.31 reads `GIT_CONFIG_COUNT`), answering with the job's token.
 */
const STEP_GIT_CREDENTIALS: Record<string, string> = {
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'credential.helper',
  GIT_CONFIG_VALUE_0: '!f() { test "$1" = get && echo username=x-access-token && echo "password=$GIT_REMOTE_TOKEN"; }; f',
  GIT_REMOTE_TOKEN: '${{ github.token }}',
};

/** What the hardening changed, in the words of the synth log. */
export interface HardeningReport {
  /** `owner/action` -> the commit pin set through `github.actions` (projen named it by tag). */
  readonly pinned: Record<string, string>;
  /** Actions of the workflow named by tag that no verified commit is known for: the user pins them. */
  readonly unpinned: string[];
  /** `job: step` checkouts that no longer keep the GITHUB_TOKEN in .git/config. */
  readonly unpersisted: string[];
  /** `job: step` steps that read the remote and get the token for that step only. */
  readonly credentialedSteps: string[];
  /** Jobs that push, left with the checkout's credentials. */
  readonly pushingJobs: string[];
  /** Jobs without a name that now carry their id as one. */
  readonly named: string[];
}

/**
 * Hardens the jobs of a workflow the retrofit does not own (projen's release, release_github, release_npm, ...):
 * every action named by tag is pinned by commit through projen's `github.actions` overrides (so the same pin applies
 * wherever projen renders that action, and the user can re-pin it the same way), and every checkout of a job that does
 * not push stops keeping the GITHUB_TOKEN in `.git/config` (a step of such a job that reads the remote gets the token
 * for that step only). `skip` lists the jobs left alone (the retrofit's own).
 */
export function hardenWorkflowJobs(gh: github.GitHub, workflow: github.GithubWorkflow, skip: string[]): HardeningReport {
  const report: HardeningReport = { pinned: {}, unpinned: [], unpersisted: [], credentialedSteps: [], pushingJobs: [], named: [] };
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (skip.includes(id) || !('steps' in job)) continue;
    const original = job.steps as JobStep[] | (() => JobStep[]);
    const steps = typeof original === 'function' ? original() : original;
    for (const uses of [...toolActions(job), ...steps.map((s) => s.uses)]) {
      if (uses !== undefined) pinByCommit(gh, uses, report);
    }
    if (steps.some((s) => PUSHES.test(s.run ?? ''))) {
      report.pushingJobs.push(id);
      continue;
    }
    const hardened = steps.map((step) => hardenStep(id, step, report));
    // a job whose steps projen renders late (a function) stays late, hardened the same way
    const quiet = { ...report, unpersisted: [], credentialedSteps: [] };
    const updated = typeof original === 'function' ? () => original().map((step) => hardenStep(id, step, quiet)) : hardened;
    // GitHub shows an unnamed job by its id: the same name, spelled out (zizmor's anonymous-definition)
    if (job.name === undefined) report.named.push(id);
    workflow.updateJob(id, { ...(job as Job), name: job.name ?? id, steps: updated as JobStep[] });
  }
  return report;
}

/** projen renders a job's `tools` as setup actions named by tag (ActionRefs). */
function toolActions(job: Job): string[] {
  const refs: Record<string, string> = {
    java: github.ActionRefs.ACTIONS_SETUP_JAVA,
    node: github.ActionRefs.ACTIONS_SETUP_NODE,
    python: github.ActionRefs.ACTIONS_SETUP_PYTHON,
    go: github.ActionRefs.ACTIONS_SETUP_GO,
    dotnet: github.ActionRefs.ACTIONS_SETUP_DOTNET,
  };
  return Object.keys(job.tools ?? {}).map((tool) => refs[tool]).filter((ref): ref is string => ref !== undefined);
}

function pinByCommit(gh: github.GitHub, uses: string, report: HardeningReport): void {
  if (uses.startsWith('./') || uses.startsWith('$/') || uses.startsWith('docker://')) return;
  const resolved = gh.actions.get(uses);
  if (/@[0-9a-f]{40}$/.test(resolved)) return;
  const pin = ACTION_COMMIT_PINS[resolved];
  if (pin === undefined) {
    if (!report.unpinned.includes(resolved)) report.unpinned.push(resolved);
    return;
  }
  // this exact tag only: another version projen may name later is not silently swapped for this one
  gh.actions.set(resolved, pin);
  report.pinned[resolved] = pin;
}

function hardenStep(jobId: string, step: JobStep, report: HardeningReport): JobStep {
  if (step.uses?.startsWith('actions/checkout@') && step.with?.['persist-credentials'] !== false) {
    report.unpersisted.push(`${jobId}: ${step.name ?? step.id ?? step.uses}`);
    return { ...step, with: { ...step.with, 'persist-credentials': false } };
  }
  if (step.run !== undefined && READS_REMOTE.test(step.run)) {
    report.credentialedSteps.push(`${jobId}: ${step.name ?? step.id}`);
    return { ...step, env: { ...step.env, ...STEP_GIT_CREDENTIALS } };
  }
  return step;
}

/** The synth log's account of what changed outside the PyPI jobs. */
export function hardeningLog(workflowName: string, report: HardeningReport, optionName: string): string[] {
  const lines: string[] = [];
  for (const [tag, pin] of Object.entries(report.pinned)) lines.push(`  pinned ${tag} by commit: ${pin} (github.actions override)`);
  for (const checkout of report.unpersisted) lines.push(`  ${checkout}: persist-credentials: false`);
  for (const step of report.credentialedSteps) lines.push(`  ${step}: the job's token for this step only (git credential helper from the environment)`);
  for (const job of report.named) lines.push(`  ${job}: name: ${job} (the name GitHub showed for it already)`);
  for (const job of report.pushingJobs) lines.push(`  ${job}: pushes, so its checkouts keep their credentials`);
  for (const tag of report.unpinned) {
    lines.push(`  ${tag} is named by tag and no verified commit is known here: pin it with project.github.actions.set('${tag.split('@')[0]}', '<owner/name>@<commit sha>')`);
  }
  if (lines.length === 0) return [];
  return [`PypiPublishRetrofit changed projen's other jobs of workflow "${workflowName}" (${optionName}: false leaves them as they are):`, ...lines];
}
