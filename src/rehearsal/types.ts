/**
 * The shapes the workflow harness reads (the subset of GitHub's workflow syntax a release workflow uses) and the
 * results it returns. Anything outside this subset makes the harness throw instead of guessing.
 */

export type Scalar = string | number | boolean;

export interface WorkflowStep {
  readonly 'id'?: string;
  readonly 'name'?: string;
  readonly 'uses'?: string;
  readonly 'run'?: string;
  readonly 'with'?: Record<string, Scalar>;
  readonly 'env'?: Record<string, Scalar>;
  readonly 'if'?: string | boolean;
  readonly 'shell'?: string;
  readonly 'working-directory'?: string;
  readonly 'continue-on-error'?: boolean;
  readonly 'timeout-minutes'?: number;
}

export type Permissions = 'read-all' | 'write-all' | Record<string, string>;

export interface WorkflowJob {
  readonly 'name'?: string;
  readonly 'runs-on'?: string | string[];
  readonly 'permissions'?: Permissions;
  readonly 'environment'?: string | { readonly name: string; readonly url?: string };
  readonly 'env'?: Record<string, Scalar>;
  readonly 'defaults'?: { readonly run?: { readonly 'shell'?: string; readonly 'working-directory'?: string } };
  readonly 'needs'?: string | string[];
  readonly 'if'?: string | boolean;
  readonly 'steps'?: WorkflowStep[];
  readonly 'uses'?: string;
  readonly 'timeout-minutes'?: number;
  readonly 'outputs'?: Record<string, string>;
}

export interface Workflow {
  readonly name?: string;
  /** One event, a list of events, or events with their filters (what projen writes). */
  readonly on: string | string[] | Record<string, unknown>;
  readonly permissions?: Permissions;
  /** read by the component's tests; a single job's run does not depend on it */
  readonly concurrency?: unknown;
  readonly env?: Record<string, Scalar>;
  readonly defaults?: WorkflowJob['defaults'];
  readonly jobs: Record<string, WorkflowJob>;
}

/** A `::error::`/`::warning::`/`::notice::` workflow command, as the run page would show it. */
export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly title?: string;
  readonly message: string;
  readonly step: string;
}

export type StepOutcome = 'success' | 'failure' | 'skipped';

export interface StepResult {
  readonly index: number;
  readonly id: string;
  /** What the run page shows as the step's title. */
  readonly displayName: string;
  /** How the harness executed it: a bash script, a local node action, or a documented stand-in. */
  readonly kind: 'run' | 'local-action' | 'stand-in';
  readonly outcome: StepOutcome;
  readonly conclusion: StepOutcome;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The step's log as the run page shows it: workflow commands consumed, masked values replaced by `***`. */
  readonly log: string;
  readonly outputs: Record<string, string>;
  readonly annotations: Annotation[];
  readonly summary: string;
  readonly durationMs: number;
  /** Of that, the time the step's own process ran (0 for stand-ins, which run inside the runner). */
  readonly processMs: number;
}

export interface JobResult {
  readonly jobId: string;
  readonly conclusion: 'success' | 'failure';
  /** The job's `outputs:`, evaluated after its last step (what `needs.<job>.outputs` gives the jobs after it). */
  readonly outputs: Record<string, string>;
  readonly steps: StepResult[];
  /** Every step's shown log, with a header line per step, the way the run page lists them. */
  readonly log: string;
  readonly annotations: Annotation[];
  /** The job summary (every step's GITHUB_STEP_SUMMARY, in order). */
  readonly summary: string;
  /** Whether the job's permissions gave it an OIDC token request URL (`id-token: write`). */
  readonly idTokenGranted: boolean;
  /** The claims the job's OIDC tokens carry (set on the emulator's issuer before the first step). */
  readonly claims: Record<string, string | undefined>;
  readonly workspace: string;
  readonly durationMs: number;
  step(id: string): StepResult;
}
