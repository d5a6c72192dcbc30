/**
 * The run a job belongs to: which repository, which event (a tag push by default), which workflow file. From it the
 * harness derives what GitHub would give the job: the event JSON at GITHUB_EVENT_PATH, the `GITHUB_*` variables,
 * the `github` expression context, and the claims of the job's OIDC tokens (repository, ref, sha, workflow_ref,
 * job_workflow_ref naming the workflow FILE, event_name, environment), which is what PyPI matches publishers on.
 */
import type { Value } from './expressions';
import { defaultRunnerClaims } from '../emulator/github-oidc/runner-claims';

/** The run's defaults are the emulator's: a job run with no options mints for the emulator's default publisher. */
const DEFAULTS = defaultRunnerClaims();

export interface RunEvent {
  /** `push` (default), `release`, `workflow_dispatch`, ... */
  readonly name: string;
  /** The ref the run is for. @default the emulator's default ref (a push event) or the default branch (dispatch). */
  readonly ref?: string;
  readonly sha?: string;
  /** Extra payload fields merged over the generated event JSON. */
  readonly payload?: Record<string, unknown>;
}

export interface RunContextOptions {
  /** `owner/name`. @default the emulator's default runner claims, as every default here */
  readonly repository?: string;
  readonly repositoryOwnerId?: string;
  readonly repositoryId?: string;
  /** The workflow's file name under `.github/workflows/` (what PyPI's publisher is keyed on). */
  readonly workflowFile: string;
  /** The workflow's `name:`. @default the file name */
  readonly workflowName?: string;
  /** @default a push of the default ref */
  readonly event?: RunEvent;
  readonly actor?: string;
}

export interface RunContext {
  readonly repository: string;
  readonly owner: string;
  readonly repoName: string;
  readonly ownerId: string;
  readonly repositoryId: string;
  readonly eventName: string;
  readonly ref: string;
  readonly refName: string;
  readonly refType: 'tag' | 'branch';
  readonly sha: string;
  readonly actor: string;
  readonly actorId: string;
  readonly runId: string;
  readonly runNumber: string;
  readonly workflowFile: string;
  readonly workflowName: string;
  readonly workflowRef: string;
  readonly payload: Record<string, unknown>;
}

export function createRunContext(opts: RunContextOptions): RunContext {
  const repository = opts.repository ?? DEFAULTS.repository;
  const [owner, repoName] = repository.split('/');
  if (!owner || !repoName) throw new Error(`repository must be owner/name, got '${repository}'`);
  const eventName = opts.event?.name ?? 'push';
  const ref = opts.event?.ref ?? (eventName === 'workflow_dispatch' ? 'refs/heads/main' : DEFAULTS.ref);
  const refType = ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const refName = ref.replace(/^refs\/(tags|heads)\//, '');
  const sha = opts.event?.sha ?? DEFAULTS.sha;
  const actor = opts.actor ?? DEFAULTS.actor;
  const ownerId = opts.repositoryOwnerId ?? DEFAULTS.repository_owner_id;
  const repositoryId = opts.repositoryId ?? DEFAULTS.repository_id;
  const workflowRef = `${repository}/.github/workflows/${opts.workflowFile}@${ref}`;
  const repo = {
    id: Number(repositoryId),
    name: repoName,
    full_name: repository,
    private: false,
    fork: false,
    owner: { login: owner, id: Number(ownerId), type: 'Organization' },
    default_branch: 'main',
    html_url: `https://github.com/${repository}`,
  };
  const sender = { login: actor, id: Number(DEFAULTS.actor_id), type: 'User' };
  const base: Record<string, unknown> = eventName === 'release'
    ? { action: 'published', release: { tag_name: refName, name: refName, draft: false, prerelease: false, target_commitish: 'main' } }
    : eventName === 'workflow_dispatch'
      ? { ref, inputs: {}, workflow: `.github/workflows/${opts.workflowFile}` }
      : { ref, before: '0'.repeat(40), after: sha, created: true, deleted: false, forced: false, base_ref: null, commits: [], head_commit: { id: sha } };
  return {
    repository,
    owner,
    repoName,
    ownerId,
    repositoryId,
    eventName,
    ref,
    refName,
    refType,
    sha,
    actor,
    actorId: DEFAULTS.actor_id,
    runId: DEFAULTS.run_id,
    runNumber: DEFAULTS.run_number,
    workflowFile: opts.workflowFile,
    workflowName: opts.workflowName ?? opts.workflowFile,
    workflowRef,
    payload: { ...base, repository: repo, sender, ...(opts.event?.payload ?? {}) },
  };
}

/** The `GITHUB_*` / `RUNNER_*` variables every step of the job sees. */
export interface RunnerDirs {
  readonly workspace: string;
  readonly temp: string;
  readonly eventPath: string;
  readonly toolCache: string;
}

export function githubEnv(ctx: RunContext, jobId: string, dirs: RunnerDirs): Record<string, string> {
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: ctx.actor,
    GITHUB_ACTOR_ID: ctx.actorId,
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_EVENT_NAME: ctx.eventName,
    GITHUB_EVENT_PATH: dirs.eventPath,
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_JOB: jobId,
    GITHUB_REF: ctx.ref,
    GITHUB_REF_NAME: ctx.refName,
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_REF_TYPE: ctx.refType,
    GITHUB_REPOSITORY: ctx.repository,
    GITHUB_REPOSITORY_ID: ctx.repositoryId,
    GITHUB_REPOSITORY_OWNER: ctx.owner,
    GITHUB_REPOSITORY_OWNER_ID: ctx.ownerId,
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RUN_ID: ctx.runId,
    GITHUB_RUN_NUMBER: ctx.runNumber,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: ctx.sha,
    GITHUB_WORKFLOW: ctx.workflowName,
    GITHUB_WORKFLOW_REF: ctx.workflowRef,
    GITHUB_WORKFLOW_SHA: ctx.sha,
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_ARCH: 'X64',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_NAME: 'GitHub Actions 2',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
  };
}

/** The `github` expression context. */
export function githubContext(ctx: RunContext, jobId: string, workspace: string, token: string): Value {
  return {
    action: '',
    actor: ctx.actor,
    actor_id: ctx.actorId,
    api_url: 'https://api.github.com',
    event: ctx.payload as Value,
    event_name: ctx.eventName,
    job: jobId,
    ref: ctx.ref,
    ref_name: ctx.refName,
    ref_type: ctx.refType,
    ref_protected: false,
    repository: ctx.repository,
    repository_id: ctx.repositoryId,
    repository_owner: ctx.owner,
    repository_owner_id: ctx.ownerId,
    run_attempt: '1',
    run_id: ctx.runId,
    run_number: ctx.runNumber,
    server_url: 'https://github.com',
    sha: ctx.sha,
    token,
    workflow: ctx.workflowName,
    workflow_ref: ctx.workflowRef,
    workflow_sha: ctx.sha,
    workspace,
    retention_days: '90',
  };
}

/**
 * The claims GitHub puts in this job's OIDC tokens: the run's, over the emulator's defaults for the rest
 * (visibility, run attempt, runner environment, ...). `environment` is the job's environment, absent when it has
 * none (so the emulator forgets any default). `job_workflow_ref` names the file that runs the job: for a top-level
 * workflow, the same file as `workflow_ref`.
 */
export function oidcClaims(ctx: RunContext, environment: string | undefined): Record<string, string | undefined> {
  return {
    ...DEFAULTS,
    repository: ctx.repository,
    repository_owner: ctx.owner,
    repository_owner_id: ctx.ownerId,
    repository_id: ctx.repositoryId,
    ref: ctx.ref,
    ref_type: ctx.refType,
    sha: ctx.sha,
    workflow: ctx.workflowName,
    workflow_ref: ctx.workflowRef,
    workflow_sha: ctx.sha,
    job_workflow_ref: ctx.workflowRef,
    job_workflow_sha: ctx.sha,
    event_name: ctx.eventName,
    environment,
    actor: ctx.actor,
    actor_id: ctx.actorId,
    run_id: ctx.runId,
    run_number: ctx.runNumber,
  };
}
