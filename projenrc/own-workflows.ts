/**
 * This repository's own workflows: every action pinned by commit, no job keeps the GITHUB_TOKEN in .git/config unless
 * it pushes with it, and zizmor (regular and pedantic) has nothing to say about them: `permissions: {}` at the top,
 * a reason next to every write permission, each job named, a concurrency group per workflow, no `${{ }}` inside
 * `run:`, and an inline ignore with its reason where projen's design is kept on purpose.
 */
import { Component, JsonPatch, Project, cdk, github } from 'projen';
import { SETUP_NODE_ACTION, SETUP_PYTHON_ACTION } from '../src/component/pins';
import { WorkflowYamlEdit, annotatePins, documentPermissions, editRenderedWorkflow, permissionsFirst } from '../src/component/workflow-file';

/** Jobs that push with the checkout's credentials (projen's self-mutation commit), workflow -> job ids. */
const PUSHING_JOBS: Record<string, string[]> = {
  'build': ['self-mutation'],
  // peter-evans/create-pull-request pushes the upgrade branch
  'upgrade-main': ['pr'],
};

/** Why each job holds a write permission, workflow -> job -> permission. */
const WRITE_PERMISSIONS: Record<string, Record<string, Record<string, string>>> = {
  'build': {
    'build': { contents: 'projen\'s build job (its self-mutation check); the checkout keeps no credentials' },
    'self-mutation': { contents: 'pushes the self-mutation commit to the pull request branch' },
  },
  'pull-request-lint': { validate: { 'pull-requests': 'the title check reports on the pull request' } },
  'upgrade-main': { upgrade: { contents: 'projen\'s upgrade job; the checkout keeps no credentials' } },
};

/** One concurrency group per workflow and ref: a newer run of the same ref waits instead of racing (never cancelled). */
const CONCURRENCY = { 'group': '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': false };

/** What zizmor's inline ignore is put on: a line (in one job, or anywhere), and the reason it carries. */
interface Ignore {
  readonly job?: string;
  readonly line: RegExp;
  readonly audit: string;
  readonly reason: string;
}

const CHECKOUT_LINE = /^ {8}uses: actions\/checkout@/;

/** Kept on purpose, workflow -> ignores. */
const IGNORES: Record<string, Ignore[]> = {
  'build': [{ job: 'self-mutation', line: CHECKOUT_LINE, audit: 'artipacked', reason: 'it pushes the self-mutation commit with these credentials' }],
  'pull-request-lint': [{ line: /^ {2}pull_request_target:$/, audit: 'dangerous-triggers', reason: 'lints the pull request title only: no checkout, no code of the pull request runs' }],
  'upgrade-main': [
    { job: 'pr', line: CHECKOUT_LINE, audit: 'artipacked', reason: 'create-pull-request pushes the upgrade branch with these credentials' },
    { job: 'pr', line: /^ {8}uses: peter-evans\/create-pull-request@/, audit: 'superfluous-actions', reason: 'it also updates an existing upgrade pull request, which gh pr create does not' },
  ],
};

/**
 * Pins projen's tag-pinned setup actions through `github.actions` (every workflow, every job), and after every other
 * component has added its jobs (preSynthesize, created last), hardens each workflow the retrofit does not own.
 */
export class OwnWorkflows extends Component {
  public constructor(project: Project) {
    super(project, 'OwnWorkflows');
    const gh = github.GitHub.of(project)!;
    gh.actions.set('actions/setup-node', SETUP_NODE_ACTION);
    gh.actions.set('actions/setup-python', SETUP_PYTHON_ACTION);
    // upgrade-main's pull request: v8.1.1 by commit
    gh.actions.set('peter-evans/create-pull-request', 'peter-evans/create-pull-request@5f6978faf089d4d20b00c7766989d076bb2fc7f1');
  }

  public preSynthesize(): void {
    for (const workflow of github.GitHub.of(this.project)!.workflows) {
      // release.yml is the retrofit's: it hardens projen's jobs there itself
      if (workflow.name === 'release') continue;
      const pushing = PUSHING_JOBS[workflow.name] ?? [];
      for (const [id, job] of Object.entries(workflow.jobs)) {
        if (!('steps' in job)) continue;
        const harden = (step: github.workflows.JobStep) => withoutTemplateInRun(pushing.includes(id) ? step : withoutPersistedCredentials(step));
        // projen's build job renders its steps lazily (a function in place of the array)
        const original = job.steps as github.workflows.JobStep[] | (() => github.workflows.JobStep[]);
        const steps = typeof original === 'function' ? () => original().map(harden) : original.map(harden);
        workflow.updateJob(id, { ...job, name: job.name ?? id, steps: steps as github.workflows.JobStep[] });
      }
      workflow.file?.patch(JsonPatch.add('/permissions', {}));
      if (workflow.concurrency === undefined) workflow.file?.patch(JsonPatch.add('/concurrency', CONCURRENCY));
      editRenderedWorkflow(workflow, permissionsFirst, documentPermissions(WRITE_PERMISSIONS[workflow.name] ?? {}), annotatePins,
        ...(IGNORES[workflow.name] ?? []).map(zizmorIgnore));
    }
  }
}

function withoutPersistedCredentials(step: github.workflows.JobStep): github.workflows.JobStep {
  if (!step.uses?.startsWith('actions/checkout@') || step.with?.['persist-credentials'] !== undefined) return step;
  return { ...step, with: { ...step.with, 'persist-credentials': false } };
}

/** projen's patch steps name `${{ runner.temp }}` inside `run:`; the runner's RUNNER_TEMP is the same directory. */
function withoutTemplateInRun(step: github.workflows.JobStep): github.workflows.JobStep {
  if (step.run === undefined || !step.run.includes('${{ runner.temp }}')) return step;
  return { ...step, run: step.run.split('${{ runner.temp }}').join('"$RUNNER_TEMP"') };
}

/** Appends zizmor's inline ignore, with its reason, to every line the pattern matches (in the job, when one is named). */
function zizmorIgnore(ignore: Ignore): WorkflowYamlEdit {
  return (yamlText) => {
    let job: string | undefined;
    return yamlText.split('\n').map((l) => {
      const header = /^ {2}([A-Za-z0-9_-]+):/.exec(l);
      if (header) job = header[1];
      if (/^\S/.test(l)) job = undefined;
      const inScope = ignore.job === undefined || ignore.job === job;
      return inScope && ignore.line.test(l) ? `${l} # zizmor: ignore[${ignore.audit}] ${ignore.reason}` : l;
    }).join('\n');
  };
}

/** Adds OwnWorkflows last, after every component that adds jobs. */
export function setupOwnWorkflows(project: cdk.JsiiProject): void {
  new OwnWorkflows(project);
}
