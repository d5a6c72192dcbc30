/**
 * The whole action, in protocol order: inputs -> audience -> OIDC token -> mint -> hand-over. One `Context` carries
 * what every step shares (the environment, the clock, the redactor, the printer, the HTTP client). Output goes to
 * `io` and to the files the environment names, never to process.stdout directly, so tests and fuzzers can run it
 * in-process. This is the one place where failures become annotations and an exit code.
 */
import { readFileSync, statSync } from 'node:fs';
import { audienceFor } from './audience';
import { diagnose, distProjects, runWarnings } from './diagnose';
import { mintToken } from './exchange';
import { appendSummary, handOver, prepareHandOver, requireOutputFile } from './export';
import { createHttp, HttpSend } from './http';
import { ActionInputs, readInputs, resolveIndexUrl } from './inputs';
import { ActionFailure, failures, logs } from './messages';
import { Claims, claimText, oidcRequestConfig, requestOidcToken } from './oidc';
import { Redactor } from './redact';
import { isGitlabCi } from '../kit/gitlab-ci';
import { GITLAB_ID_TOKEN_VARIABLES, GITLAB_MINT_OUTPUT_VARIABLE, pipelineFilepath } from '../pypi';
import { createGitlabPrinter, gitlabExportedNames, gitlabHandOver, gitlabIdToken, gitlabOutputPath } from './gitlab';
import { Printer, createPrinter, renderAnnotation, renderSuccessSummary, renderSummary } from './report';

type Env = Record<string, string | undefined>;

/** What every step of a run shares. */
export interface Context {
  readonly env: Env;
  readonly now: () => number;
  /** Cuts every credential seen so far out of text the action did not write itself. */
  readonly redactor: Redactor;
  readonly print: Printer;
  readonly send: HttpSend;
}

/** Response bodies above this are refused: PyPI's answers are a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export async function runAction(env: Env, io: { write(line: string): void }, timing?: Partial<Timing>): Promise<number> {
  const t: Timing = { ...DEFAULT_TIMING, ...timing };
  const now = Date.now;
  const deadline = now() + t.totalTimeoutMs;
  const redactor = new Redactor();
  const gitlab = isGitlabCi(env);
  const print = gitlab ? createGitlabPrinter(io, redactor) : createPrinter(io, redactor);
  const ctx: Context = {
    env,
    now,
    redactor,
    print,
    send: createHttp({ env, now, redactor }, { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES }),
  };
  const runner = readRunner(env);

  let inputs: ActionInputs | undefined;
  let claims: Claims | undefined;
  let missingOidcVars: string[] | undefined;
  const warned = new Set<string>();
  const warn = (claimsNow: Claims | undefined) => {
    for (const w of runWarnings(claimsNow, runner).filter((x) => !warned.has(x.id))) {
      warned.add(w.id);
      print.warning(w.title, w.text.join('\n'));
    }
  };
  const retry = {
    now,
    sleep: realSleep,
    random: Math.random,
    onRetry: (f: ActionFailure, attempt: number, delayMs: number) => print.log(logs.retrying(f, attempt, delayMs)),
  };

  try {
    if (gitlab) {
      const outputPath = gitlabOutputPath(env);
      inputs = readInputs(env);
      const index = inputs.index;
      const targets = inputs.exportEnv;
      const audience = await withRetries(() => audienceFor(ctx, index, inputs!.audience), t, deadline, retry);
      const idToken = gitlabIdToken(env, redactor, audience);
      claims = idToken.claims;
      print.log(logs.gotGitlabIdToken(claimText(claims, 'project_path') ?? '?', pipelineFilepath(claimText(claims, 'ci_config_ref_uri')) ?? '?',
        GITLAB_ID_TOKEN_VARIABLES.index, index.mintUrl.href));
      // the job's one token: a retry resends it, and a reuse answer ends the run (no fresh token inside the job)
      const minted = await withRetries(() => mintToken(ctx, index, idToken.jwt).catch((err: unknown) => {
        throw err instanceof ActionFailure && err.indexErrors.some((e) => e.code === 'invalid-reuse-token')
          ? err.withSuffix('', { retryable: false }) : err;
      }), t, deadline, { ...retry, onRetry: (f, attempt, delayMs) => print.log(logs.retryingSameToken(f, attempt, delayMs)) });
      const expiresIso = new Date(minted.expires * 1000).toISOString();
      const done = logs.mintedToFile(index.displayName, expiresIso, gitlabExportedNames(targets, index.uploadUrl), GITLAB_MINT_OUTPUT_VARIABLE);
      gitlabHandOver(outputPath, minted, targets, index.uploadUrl);
      print.log(done);
      return 0;
    }
    const outputPath = requireOutputFile(env);
    inputs = readInputs(env);
    const index = inputs.index;
    const oidc = oidcRequestConfig(env);
    if (!oidc) {
      missingOidcVars = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter((n) => !env[n]?.trim());
      throw failures.missingIdToken(missingOidcVars);
    }
    redactor.add(oidc.requestToken);
    // every destination is checked before the first request: a token is minted only when it has somewhere to go
    const destinations = prepareHandOver(env, outputPath, inputs.exportEnv);
    warn(undefined);

    const audience = await withRetries(() => audienceFor(ctx, index, inputs!.audience), t, deadline, retry);
    const minted = await withRetries(async () => {
      const oidcToken = await requestOidcToken(ctx, oidc, audience);
      claims = oidcToken.claims;
      warn(claims);
      print.log(logs.gotOidcToken(claimText(claims, 'repository') ?? '?', claimText(claims, 'job_workflow_ref') ?? '?', index.mintUrl.href));
      return mintToken(ctx, index, oidcToken.jwt);
    }, t, deadline, retry);

    // everything is validated and every message rendered before the one write; nothing can fail after it
    const expiresIso = new Date(minted.expires * 1000).toISOString();
    const exported = destinations.exportedNames(index.uploadUrl);
    const done = logs.minted(index.displayName, expiresIso, exported);
    const summary = renderSuccessSummary(index.displayName, audience, expiresIso, exported);
    handOver(destinations, minted, index.uploadUrl);
    print.log(done);
    appendSummary(env, summary);
    return 0;
  } catch (err) {
    const failure = asFailure(err);
    const index = inputs?.index ?? safeIndex(env);
    const diagnoses = diagnose({
      failure,
      claims,
      runner,
      index,
      audienceInput: inputs?.audience,
      missingOidcVars,
      gitlab,
      projects: distProjects([process.cwd(), ...(env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE] : [])]),
    });
    const warnings = gitlab ? [] : runWarnings(claims, runner);
    const report = { failure, claims, indexName: index.displayName };
    print.error(failure.title, renderAnnotation({ ...report, diagnoses: [...diagnoses, ...warnings.filter((w) => !warned.has(w.id))] }));
    appendSummary(env, redactor.redact(renderSummary({ ...report, diagnoses: [...diagnoses, ...warnings] }), 60_000));
    return 1;
  }
}

/** Anything thrown that is not an ActionFailure is a bug: report it without its stack (it could hold request data). */
function asFailure(err: unknown): ActionFailure {
  if (err instanceof ActionFailure) return err;
  return failures.internal(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}

/** For a failure before the inputs were read: fall back to the default index for the messages. */
function safeIndex(env: Env) {
  try {
    return resolveIndexUrl(env['INPUT_INDEX-URL'] ?? env.INPUT_INDEX_URL ?? '');
  } catch {
    return resolveIndexUrl('');
  }
}

// --- the run, as the runner describes it (only used to explain failures) -----------------------------------------

export interface RunnerContext {
  readonly eventName?: string;
  /** `pull_request.head.repo.fork` of the event payload. */
  readonly fromFork: boolean;
  readonly actor?: string;
  /** `GITHUB_SERVER_URL`; github.com unless the run is on GitHub Enterprise Server. */
  readonly serverUrl?: string;
  readonly repository?: string;
  readonly repositoryOwner?: string;
  readonly workflowRef?: string;
}

const MAX_EVENT_BYTES = 4 * 1024 * 1024;

function readForkFlag(path: string | undefined): boolean {
  if (!path) return false;
  try {
    if (statSync(path).size > MAX_EVENT_BYTES) return false;
    const event = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: { head?: { repo?: { fork?: unknown } } } };
    return event?.pull_request?.head?.repo?.fork === true;
  } catch {
    return false;
  }
}

export function readRunner(env: Env): RunnerContext {
  return {
    eventName: env.GITHUB_EVENT_NAME || undefined,
    fromFork: readForkFlag(env.GITHUB_EVENT_PATH),
    actor: env.GITHUB_ACTOR || env.GITHUB_TRIGGERING_ACTOR || undefined,
    serverUrl: env.GITHUB_SERVER_URL || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    repositoryOwner: env.GITHUB_REPOSITORY_OWNER || undefined,
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
  };
}

// --- retries -------------------------------------------------------------------------------------------------------
// Transient failures (5xx, 429, timeouts, connection resets, and PyPI's `invalid-reuse-token`, which happens when an
// earlier answer was lost after the index had used the JWT) are retried with exponential backoff and jitter; every
// other failure ends the run at once. Each attempt is built from scratch, so every mint attempt gets a fresh JWT.
// Nothing runs past the overall deadline.

export interface Timing {
  /** Longest wait for one HTTP request, headers and body included. */
  readonly requestTimeoutMs: number;
  /** Hard bound on the whole action, retries included. */
  readonly totalTimeoutMs: number;
  /** Base delay before retry 1, 2, ...; its length is the number of retries. Jitter adds -25%..+25%. */
  readonly backoffMs: readonly number[];
  /** A server's Retry-After is honoured up to this much. */
  readonly maxRetryAfterMs: number;
}

/** Production defaults: 5 attempts, 10 s per request, everything over within 60 s. */
export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
  backoffMs: [1_000, 2_000, 4_000, 8_000],
  maxRetryAfterMs: 20_000,
};

export interface RetryHooks {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Called before each retry, to log what failed and when the next attempt starts. */
  readonly onRetry: (failure: ActionFailure, attempt: number, delayMs: number) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryDelayMs(failure: ActionFailure, retryIndex: number, timing: Timing, random: () => number): number {
  const base = timing.backoffMs[Math.min(retryIndex, timing.backoffMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (0.75 + 0.5 * random()));
  const asked = failure.retryAfterMs === undefined ? 0 : Math.min(failure.retryAfterMs, timing.maxRetryAfterMs);
  return Math.max(jittered, asked);
}

export async function withRetries<T>(attempt: (n: number) => Promise<T>, timing: Timing, deadline: number,
  hooks: RetryHooks): Promise<T> {
  const gaveUp = (f: ActionFailure, attempts: number, reason: string) => {
    const note = failures.gaveUp(attempts, reason);
    return f.withSuffix(`\n${note}`, { retryable: false, retryNote: note });
  };
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ActionFailure) || !err.retryable) throw err;
      if (n > timing.backoffMs.length) throw gaveUp(err, n, failures.retryLimit);
      const delay = retryDelayMs(err, n - 1, timing, hooks.random);
      if (hooks.now() + delay >= deadline) throw gaveUp(err, n, failures.pastDeadline(timing.totalTimeoutMs));
      hooks.onRetry(err, n, delay);
      await hooks.sleep(delay);
    }
  }
}
