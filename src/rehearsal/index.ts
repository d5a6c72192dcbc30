/**
 * Runs one job of a synthesized workflow on this machine, step by step, the way a GitHub-hosted runner would:
 * a runner-like environment (GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY per step,
 * GITHUB_EVENT_PATH, GITHUB_WORKSPACE, RUNNER_TEMP, the GITHUB_* context), the OIDC request variables only when the
 * job has `id-token: write`, `${{ }}` expressions, `if:` conditions, workflow commands and masking.
 *
 * The job's upload URLs (the literal `https://upload.pypi.org/legacy/` the component writes into `with:`/`env:`) are
 * repointed at the emulator through `urlMap`. `run:` steps run for real (tool installs from PyPI included); the
 * actions that would need GitHub (checkout, artifacts, setup-python, setup-uv) are replaced by the documented
 * stand-ins of `stand-ins.ts`; anything the harness cannot execute faithfully throws, so a test fails
 * instead of passing quietly. Every secret it makes and every output it captures go to the caller's leak scanner (`scan`).
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { parseFileCommand, parsePathFile, StepOutputProcessor } from './commands';
import { executeStep, refuseUrls } from './execute-step';
import { ExpressionContext, ExpressionError, StrictContext, Value, condition, interpolate } from './expressions';
import { BASE_PATH, mapValues, oidcGranted, renderStepLog, scalarRecord, stepIds } from './job-parts';
import { selfReference } from './local-action';
import { RunContextOptions, createRunContext, githubContext, githubEnv, oidcClaims } from './run-context';
import { DEFAULT_STAND_INS, StandIn } from './stand-ins';
import { Toolbox, ToolboxOptions } from './toolbox';
import { whyNotTriggered } from './triggers';
import type { JobResult, StepResult, Workflow, WorkflowStep } from './types';

export type { JobResult, StepResult, Workflow } from './types';

/** The GitHub OIDC side of an emulator: where the job asks for tokens, and the claims it signs. */
export interface OidcIssuerHandle {
  readonly oidc: { readonly requestUrl: string; readonly requestToken: string };
  setRunnerClaims(patch: Record<string, unknown>): void;
}

export interface RunJobOptions extends RunContextOptions {
  /** The workflow, parsed or as YAML text. */
  readonly workflow: Workflow | string;
  readonly jobId: string;
  readonly issuer: OidcIssuerHandle;
  /** Literal URL -> replacement, applied to `with:` and `env:` values (e.g. the PyPI upload URL -> the emulator's). */
  readonly urlMap?: Record<string, string>;
  /** The repository's files (what actions/checkout places). */
  readonly repoDir: string;
  /**
   * The tree of the running commit, where `uses: $/path` actions are read from (GitHub's self-repository form: no
   * checkout needed). @default repoDir
   */
  readonly selfRepository?: string;
  /**
   * Where actions/checkout's stand-in gets the repository: `copy` copies repoDir's files (no `.git`); `git` clones
   * repoDir (a git repository) at `ref` with its history and tags, as actions/checkout fetches a tag push.
   * @default copy
   */
  readonly checkoutFrom?: 'copy' | 'git';
  /** With `checkoutFrom: 'git'`: a depth-1 clone at the run's ref made beforehand, copied by default checkouts. */
  readonly pristineClone?: { readonly dir: string; readonly files: number };
  /** With `checkoutFrom: 'git'`: sparse clones made beforehand (`prepareSparseClone`), by `sparseKey`. */
  readonly sparseClones?: ReadonlyMap<string, { readonly dir: string; readonly files: number }>;
  /**
   * Refuses a URL a step of a job with an OIDC token would reach (the rehearsal's loopback rule): returns why, or
   * undefined to allow it. Checked on every `with:` input (action defaults included), `env:` value and `run:` script
   * after expressions, before the step runs; a refusal stops the job.
   */
  readonly refuseUrl?: (url: string) => string | undefined;
  /**
   * The run's artifacts, name -> directory: what actions/download-artifact places. actions/upload-artifact adds to
   * this same object, so passing it to the next job hands the build job's `dist/` to the publish job.
   */
  readonly artifacts?: Record<string, string>;
  /**
   * The run's artifact ids -> artifact name: download-artifact's `artifact-ids` reads them, upload-artifact adds to
   * them (its `artifact-id` output). Share one object across the jobs of a run. @default none
   */
  readonly artifactIds?: Record<string, string>;
  /** The machine's tools a runner would have (python) or an action would install (uv); see toolbox.ts. */
  readonly tools?: ToolboxOptions['tools'];
  /**
   * uv's cache for the job (UV_CACHE_DIR, unless the job sets one; setup-uv's stand-in uses it too): a run-wide one
   * saves downloads, every file still checked against its lock. @default the job's temp dir
   */
  readonly uvCacheDir?: string;
  /** Variables of this machine every step needs to reach the network (proxy, CA bundle). @default none */
  readonly machineEnv?: Record<string, string>;
  /** Extra stand-ins, tried before the default ones. */
  readonly standIns?: StandIn[];
  /** Results and outputs of the jobs this one `needs`. @default every needed job succeeded, no outputs */
  readonly needs?: Record<string, { result?: string; outputs?: Record<string, string> }>;
  readonly secrets?: Record<string, string>;
  /** @default 120_000 */
  readonly stepTimeoutMs?: number;
  /** Keep the job's temp directory (workspace, files) for inspection. @default false */
  readonly keepTemp?: boolean;
  /**
   * Remove the job's temp directory after the job without waiting for it (a job that installed tools leaves
   * thousands of files): the removal goes on while the next job runs; `removalsDone()` waits for every one. @default
   * false: removed before runJob returns
   */
  readonly removeInBackground?: boolean;
  /**
   * Demo mode for a machine without the Python tools: the setup-uv stand-in, and a composite action's step that fails
   * with `command not found` (exit 127: the tools action without python3), only warn, so the job goes on (the mint
   * runs) and the step that calls uv fails with `command not found`. Tests of the runner never set it.
   * @default false
   */
  readonly tolerateMissingTools?: boolean;
  /** Where every secret the run creates and every output it captures go: the caller's leak scanner. */
  readonly scan: OutputScan;
  /**
   * Called before each step that will run (e.g. to advance the emulator's clock between mint and upload, or to change
   * a file in the job's workspace between two steps).
   */
  beforeStep?(step: WorkflowStep, index: number, done: readonly StepResult[], workspace: string): void | Promise<void>;
}

/**
 * A leak scanner's two hooks. `allowMaskCommands` is true for a step's stdout, where `::add-mask::<secret>` is the one
 * place a secret may appear.
 */
export interface OutputScan {
  registerSecret(secret: string): void;
  recordOutput(label: string, text: string, allowMaskCommands: boolean): void;
}

export async function runJob(opts: RunJobOptions): Promise<JobResult> {
  const started = Date.now();
  const workflow = (typeof opts.workflow === 'string' ? parse(opts.workflow) : opts.workflow) as Workflow;
  const job = workflow.jobs?.[opts.jobId];
  if (!job) throw new Error(`workflow has no job '${opts.jobId}' (jobs: ${Object.keys(workflow.jobs ?? {}).join(', ')})`);
  if (job.uses) throw new Error(`job '${opts.jobId}' calls a reusable workflow; the harness runs steps only`);
  // a malformed `uses: $/...` stops the job before any step runs, as GitHub refuses the workflow file
  for (const step of job.steps ?? []) selfReference(step.uses);
  const ctx = createRunContext({ ...opts, workflowName: opts.workflowName ?? workflow.name });
  const notTriggered = whyNotTriggered(workflow.on, ctx);
  if (notTriggered) throw new Error(`GitHub would not run this workflow: ${notTriggered}`);
  const record = opts.scan.recordOutput;
  const urlMap = opts.urlMap ?? {};
  const repoint = (v: string) => Object.entries(urlMap).reduce((s, [from, to]) => s.split(from).join(to), v);

  const root = mkdtempSync(join(tmpdir(), 'wf-job-'));
  const dirs = {
    workspace: join(root, 'work'),
    temp: join(root, 'temp'),
    toolCache: join(root, 'tool-cache'),
    home: join(root, 'home'),
    files: join(root, 'files'),
    eventPath: join(root, 'event.json'),
  };
  for (const d of [dirs.workspace, dirs.temp, dirs.toolCache, dirs.home, dirs.files]) mkdirSync(d, { recursive: true });
  writeFileSync(dirs.eventPath, JSON.stringify(ctx.payload, null, 2));
  try {
    const uvCacheDir = opts.uvCacheDir ?? join(root, 'uv-cache');
    const tools = new Toolbox(join(root, 'bin'), { tools: opts.tools, uvCacheDir });
    const githubToken = `ghs_${randomBytes(18).toString('base64url')}`; // stands in for GITHUB_TOKEN; the runner masks it
    opts.scan.registerSecret(githubToken);

    const idTokenGranted = oidcGranted(job, workflow, ctx.eventName, ctx.payload);
    const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
    const claims = oidcClaims(ctx, environment);
    opts.issuer.setRunnerClaims(claims);
    const oidcRequestEnv = {
      ACTIONS_ID_TOKEN_REQUEST_URL: opts.issuer.oidc.requestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: opts.issuer.oidc.requestToken,
    };

    const masks = new Set<string>([githubToken]);
    const steps = job.steps ?? [];
    const ids = stepIds(steps);
    const stepState: Record<string, { outputs: Record<string, string>; outcome: string | null; conclusion: string | null }> =
      Object.fromEntries(ids.map((id) => [id, { outputs: {}, outcome: null, conclusion: null }]));
    const exported: Record<string, string> = {};
    const extraPath: string[] = [];
    const results: StepResult[] = [];
    const checkedOut = new Set<string>();
    let jobFailed = false;

    const exprContext = (env: Record<string, string>): ExpressionContext => ({
      jobFailed,
      contexts: {
        github: githubContext(ctx, opts.jobId, dirs.workspace, githubToken),
        env: env as Value,
        steps: new StrictContext(`job '${opts.jobId}' steps`, stepState as unknown as Record<string, Value>),
        secrets: { GITHUB_TOKEN: githubToken, ...(opts.secrets ?? {}) },
        needs: new StrictContext(`job '${opts.jobId}' needs`, Object.fromEntries([job.needs ?? []].flat().map((n) => [n, {
          result: opts.needs?.[n]?.result ?? 'success',
          outputs: opts.needs?.[n]?.outputs ?? {},
        }]))),
        runner: { os: 'Linux', arch: 'X64', temp: dirs.temp, tool_cache: dirs.toolCache, name: 'GitHub Actions 2', environment: 'github-hosted' },
        job: { status: jobFailed ? 'failure' : 'success' },
        inputs: ((ctx.payload.inputs ?? {}) as Value),
        vars: {},
      },
    });

    // workflow env, then job env (each may use expressions over what came before)
    const levelEnv: Record<string, string> = {};
    for (const level of [workflow.env, job.env]) {
      for (const [k, v] of Object.entries(scalarRecord(level))) levelEnv[k] = interpolate(repoint(v), exprContext(levelEnv));
    }
    if (job.if !== undefined && !condition(job.if, exprContext(levelEnv))) {
      throw new Error(`job '${opts.jobId}' would be skipped by its if: ${job.if}`);
    }

    for (const [index, step] of steps.entries()) {
      const id = ids[index];
      const stepStarted = Date.now();
      const envBefore = { ...levelEnv, ...exported };
      const displayName = step.name ?? (step.uses ? `Run ${step.uses}` : `Run ${(step.run ?? '').trim().split('\n')[0]}`);
      const kindOf = (): StepResult['kind'] => (selfReference(step.uses) !== undefined ? 'local-action' : step.run !== undefined ? 'run' : 'stand-in');
      if (!condition(step.if, exprContext(envBefore))) {
        stepState[id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        results.push({
          index,
          id,
          displayName,
          kind: kindOf(),
          outcome: 'skipped',
          conclusion: 'skipped',
          exitCode: null,
          stdout: '',
          stderr: '',
          log: '',
          outputs: {},
          annotations: [],
          summary: '',
          durationMs: 0,
          processMs: 0,
        });
        continue;
      }
      await opts.beforeStep?.(step, index, results, dirs.workspace);

      const ctxNow = exprContext(envBefore);
      const evaluate = (v: string) => interpolate(repoint(v), ctxNow);
      const files = Object.fromEntries(['output', 'env', 'path', 'summary', 'state'].map((f) => [f, join(dirs.files, `${f}_${index}`)]));
      for (const f of Object.values(files)) writeFileSync(f, '');
      const env: Record<string, string> = {
        ...githubEnv(ctx, opts.jobId, dirs),
        HOME: dirs.home,
        LANG: 'C.UTF-8',
        // ~/.local/bin is on a GitHub-hosted runner's PATH: where `uv tool install` and pipx put commands
        // what steps added through GITHUB_PATH comes first, as on the runner (it is prepended to the runner's PATH)
        PATH: [...extraPath, tools.binDir, join(dirs.home, '.local', 'bin'), dirname(process.execPath), BASE_PATH].join(':'),
        // the runner's cache for uv (run-wide, unless the job sets its own): files are still checked against each lock
        UV_CACHE_DIR: uvCacheDir,
        // this machine's way to PyPI (proxy, CA bundle), which a job's real tool installs need
        ...opts.machineEnv,
        ...(idTokenGranted ? oidcRequestEnv : {}),
        ...envBefore,
        ...mapValues(scalarRecord(step.env), evaluate),
        GITHUB_ACTION: id,
        GITHUB_OUTPUT: files.output,
        GITHUB_ENV: files.env,
        GITHUB_PATH: files.path,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_STATE: files.state,
      };
      const standIn = [...(opts.standIns ?? []), ...DEFAULT_STAND_INS].find((s) => s.matches(step));
      if (step.run !== undefined && standIn === undefined) {
        for (const url of Object.keys(urlMap)) {
          if (step.run.includes(url)) throw new Error(`step '${id}' has ${url} inside run:; the harness repoints URLs only in with:/env:`);
        }
      }
      if (idTokenGranted && opts.refuseUrl !== undefined) {
        const where = `job '${opts.jobId}' step '${id}'`;
        for (const [k, v] of Object.entries(envBefore)) refuseUrls(opts.refuseUrl, `${where} env ${k}`, v);
        for (const [k, v] of Object.entries(scalarRecord(step.env))) refuseUrls(opts.refuseUrl, `${where} env ${k}`, env[k] ?? v);
        for (const [k, v] of Object.entries(scalarRecord(step.with))) refuseUrls(opts.refuseUrl, `${where} input '${k}'`, evaluate(v));
        if (step.run !== undefined) refuseUrls(opts.refuseUrl, `${where} run:`, interpolate(step.run, ctxNow));
      }
      const timeoutMs = step['timeout-minutes'] !== undefined ? step['timeout-minutes'] * 60_000 : opts.stepTimeoutMs ?? 120_000;
      const { kind, exitCode, stdout, stderr, processMs } = await executeStep({
        id,
        index,
        step,
        env,
        timeoutMs,
        standIn,
        selfRepository: { dir: opts.selfRepository ?? opts.repoDir, sha: ctx.sha },
        refuseUrl: idTokenGranted ? opts.refuseUrl : undefined,
        inputs: mapValues(scalarRecord(step.with), evaluate),
        evaluateDefault: evaluate,
        evaluateInAction: (text, scope) => {
          const base = exprContext(scope.env);
          return interpolate(text, {
            ...base,
            contexts: {
              ...base.contexts,
              github: { ...(base.contexts.github as Record<string, Value>), action_path: scope.actionPath },
              inputs: scope.inputs,
              steps: new StrictContext(`action ${step.uses} steps`, scope.steps as unknown as Record<string, Value>),
            },
          });
        },
        workspace: dirs.workspace,
        tempDir: dirs.temp,
        script: step.run === undefined ? undefined : interpolate(step.run, ctxNow),
        shell: step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? 'bash',
        workingDirectory: step['working-directory'] ?? job.defaults?.run?.['working-directory'] ?? '.',
        standInContext: {
          workspace: dirs.workspace,
          repoDir: opts.repoDir,
          artifacts: opts.artifacts ?? {},
          artifactIds: opts.artifactIds ?? {},
          setOutput: (name: string, value: string) => appendFileSync(files.output, `${name}=${value}\n`),
          tools,
          checkedOut,
          checkoutFrom: opts.checkoutFrom === 'git' ? { ref: ctx.ref, sha: ctx.sha, pristine: opts.pristineClone, sparse: opts.sparseClones } : undefined,
          tolerateMissingTools: opts.tolerateMissingTools,
        },
      });

      const processor = new StepOutputProcessor(masks, id);
      processor.feed(stdout);
      processor.feed(stderr);
      if (exitCode === null) processor.feed(`::error::The step timed out after ${timeoutMs} ms.\n`);
      const outputs = parseFileCommand(readFileSync(files.output, 'utf8'), 'GITHUB_OUTPUT');
      Object.assign(exported, parseFileCommand(readFileSync(files.env, 'utf8'), 'GITHUB_ENV'));
      extraPath.unshift(...parsePathFile(readFileSync(files.path, 'utf8')));
      const summary = readFileSync(files.summary, 'utf8');
      const log = processor.shown.join('\n');
      const label = `${opts.jobId}/${id}`;
      record(`${label} stdout`, stdout, true);
      record(`${label} stderr`, stderr, false);
      record(`${label} shown log`, log, false);
      record(`${label} step summary`, summary, false);

      const outcome = exitCode === 0 && processor.disabledCommand === undefined ? 'success' : 'failure';
      const conclusion = outcome === 'failure' && step['continue-on-error'] === true ? 'success' : outcome;
      if (conclusion === 'failure') jobFailed = true;
      stepState[id] = { outputs, outcome, conclusion };
      results.push({
        index,
        id,
        displayName,
        kind,
        outcome,
        conclusion,
        exitCode,
        stdout,
        stderr,
        log,
        outputs,
        annotations: processor.annotations,
        summary,
        durationMs: Date.now() - stepStarted,
        processMs,
      });
    }

    // the job's `outputs:`, evaluated once every step has run (as the runner does), for the jobs that need this one;
    // one that names a step the job does not have is empty, as on GitHub (a test may run a job cut short)
    const jobOutputs = Object.fromEntries(Object.entries(scalarRecord(job.outputs)).map(([name, expression]) => {
      try {
        return [name, interpolate(expression, exprContext(levelEnv))];
      } catch (e) {
        if (e instanceof ExpressionError) return [name, ''];
        throw e;
      }
    }));
    return {
      jobId: opts.jobId,
      conclusion: jobFailed ? 'failure' : 'success',
      outputs: jobOutputs,
      steps: results,
      log: results.map(renderStepLog).join('\n'),
      annotations: results.flatMap((r) => r.annotations),
      summary: results.map((r) => r.summary).join(''),
      idTokenGranted,
      claims,
      workspace: dirs.workspace,
      durationMs: Date.now() - started,
      step(stepId: string): StepResult {
        const found = results.find((r) => r.id === stepId);
        if (!found) throw new Error(`job '${opts.jobId}' has no step '${stepId}' (steps: ${results.map((r) => r.id).join(', ')})`);
        return found;
      },
    };
  } finally {
    // the workspace, tools and step files; a refusal half-way through cleans up too
    if (opts.keepTemp) {
      // kept for inspection
    } else if (opts.removeInBackground) {
      pendingRemovals.push(rm(root, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined));
    } else {
      rmSync(root, { recursive: true, force: true });
    }
  }
}

/** Job directories being removed in the background (RunJobOptions.removeInBackground). */
const pendingRemovals: Array<Promise<void>> = [];

/** Waits until every job directory removed in the background is gone. */
export async function removalsDone(): Promise<void> {
  while (pendingRemovals.length > 0) await Promise.all(pendingRemovals.splice(0));
}
