/**
 * This repository's own workflows: every action pinned by commit, and no job keeps the GITHUB_TOKEN in .git/config
 * unless it pushes with it.
 */
import { Component, Project, cdk, github } from 'projen';
import { SETUP_NODE_ACTION, SETUP_PYTHON_ACTION } from '../src/component/pins';

/** Jobs that push with the checkout's credentials (projen's self-mutation commit), workflow -> job ids. */
const PUSHING_JOBS: Record<string, string[]> = {
  'build': ['self-mutation'],
  // peter-evans/create-pull-request pushes the upgrade branch
  'upgrade-main': ['pr'],
};

/**
 * Pins projen's tag-pinned setup actions through `github.actions` (every workflow, every job), and after every other
 * component has added its jobs (preSynthesize, created last), sets `persist-credentials: false` on each checkout of a
 * job that does not push.
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
      const pushing = PUSHING_JOBS[workflow.name] ?? [];
      for (const [id, job] of Object.entries(workflow.jobs)) {
        if (pushing.includes(id) || !('steps' in job)) continue;
        // projen's build job renders its steps lazily (a function in place of the array)
        const original = job.steps as github.workflows.JobStep[] | (() => github.workflows.JobStep[]);
        const steps = typeof original === 'function' ? () => original().map(withoutPersistedCredentials) : original.map(withoutPersistedCredentials);
        workflow.updateJob(id, { ...job, steps: steps as github.workflows.JobStep[] });
      }
    }
  }
}

function withoutPersistedCredentials(step: github.workflows.JobStep): github.workflows.JobStep {
  if (!step.uses?.startsWith('actions/checkout@') || step.with?.['persist-credentials'] !== undefined) return step;
  return { ...step, with: { ...step.with, 'persist-credentials': false } };
}

/** Adds OwnWorkflows last, after every component that adds jobs. */
export function setupOwnWorkflows(project: cdk.JsiiProject): void {
  new OwnWorkflows(project);
}
