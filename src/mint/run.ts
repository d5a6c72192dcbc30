/**
 * The whole action, in protocol order: inputs -> audience -> OIDC token -> mint -> hand-over. One `Context` carries
 * what every step shares (the environment, the clock, the redactor, the printer, the HTTP client). Output goes to
 * `io` and to the files the environment names, never to process.stdout directly, so tests and fuzzers can run it
 * in-process. This is the one place where failures become annotations and an exit code.
 */
import { audienceFor } from './audience';
import { readRunner, type Context } from './context';
import { diagnose, distProjects, runWarnings } from './diagnose';
import { mintToken } from './exchange';
import { handOver, prepareHandOver, requireOutputFile } from './export';
import { checkGitlabIssuer, checkGitlabServerHost, gitlabExportedNames, gitlabHandOver, gitlabIdTokenSource, gitlabOutputPath } from './gitlab';
import { ActionInputs, readInputs, resolveIndexUrl } from './inputs';
import { ActionFailure, failures, httpWords, logs, oidcWords } from './messages';
import { Claims, claimText } from './oidc';
import { renderAnnotation, renderSuccessSummary, renderSummary } from './report';
import { createPrinter, type Io } from '../kit/commands';
import type { Env } from '../kit/failure';
import { appendSummary } from '../kit/files';
import { createGitlabPrinter, isGitlabCi } from '../kit/gitlab-ci';
import { createHttp } from '../kit/http';
import { githubOidcRequest, githubOidcSource, missingGithubOidcVariables, requestOidcToken } from '../kit/oidc';
import { Redactor } from '../kit/redact';
import { gaveUpNote, realSleep, retryDelayMs, withRetries as withRetriesOf, type RetryHooks as KitRetryHooks, type Timing } from '../kit/retry';
import { GITLAB_MINT_OUTPUT_VARIABLE, pipelineFilepath } from '../pypi';

export { retryDelayMs, type Timing };

/** Response bodies above this are refused: PyPI's answers are a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
export const USER_AGENT = 'projen-pypi-mint (trusted publishing mint action)';

export async function runAction(env: Env, io: Io, timing?: Partial<Timing>): Promise<number> {
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
    send: createHttp({ env, now, redactor, words: httpWords },
      { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES, userAgent: USER_AGENT }),
  };
  const runner = readRunner(env);

  let inputs: ActionInputs | undefined;
  let claims: Claims | undefined;
  let missingOidcVars: readonly string[] | undefined;
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
      checkGitlabServerHost(env, index);
      const audience = await withRetries(() => audienceFor(ctx, index, inputs!.audience), t, deadline, retry);
      const { source, words } = gitlabIdTokenSource(env, audience);
      const idToken = await requestOidcToken(source, audience, { redactor, print, words });
      claims = idToken.claims;
      checkGitlabIssuer(claims, index);
      print.log(logs.gotGitlabIdToken(claimText(claims, 'project_path') ?? '?', pipelineFilepath(claimText(claims, 'ci_config_ref_uri')) ?? '?',
        source.name, index.mintUrl.href));
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
    const oidcRequest = githubOidcRequest(env, oidcWords);
    if (!oidcRequest) {
      missingOidcVars = missingGithubOidcVariables(env);
      throw failures.missingIdToken(missingOidcVars);
    }
    const oidc = githubOidcSource(oidcRequest, ctx.send, redactor, oidcWords);
    // every destination is checked before the first request: a token is minted only when it has somewhere to go
    const destinations = prepareHandOver(env, outputPath, inputs.exportEnv);
    warn(undefined);

    const audience = await withRetries(() => audienceFor(ctx, index, inputs!.audience), t, deadline, retry);
    const minted = await withRetries(async () => {
      const oidcToken = await requestOidcToken(oidc, audience, { redactor, print, words: oidcWords });
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
    appendSummary(env.GITHUB_STEP_SUMMARY, summary);
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
    appendSummary(env.GITHUB_STEP_SUMMARY, redactor.redact(renderSummary({ ...report, diagnoses: [...diagnoses, ...warnings] }), 60_000));
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


// --- retries -------------------------------------------------------------------------------------------------------
// Transient failures (5xx, 429, timeouts, connection resets, and PyPI's `invalid-reuse-token`, which happens when an
// earlier answer was lost after the index had used the JWT) are retried with exponential backoff and jitter; every
// other failure ends the run at once. Each attempt is built from scratch, so every mint attempt gets a fresh JWT.
// Nothing runs past the overall deadline.

/** Production defaults: 5 attempts, 10 s per request, everything over within 60 s. */
export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
  backoffMs: [1_000, 2_000, 4_000, 8_000],
  maxRetryAfterMs: 20_000,
};

export type RetryHooks = Omit<KitRetryHooks<ActionFailure>, 'isFailure' | 'gaveUp'>;

/** The kit's retries with the mint step's failures: a final failure says why the retries stopped. */
export function withRetries<T>(attempt: (n: number) => Promise<T>, timing: Timing, deadline: number, hooks: RetryHooks): Promise<T> {
  return withRetriesOf(attempt, timing, deadline, {
    ...hooks,
    isFailure: (err): err is ActionFailure => err instanceof ActionFailure,
    gaveUp: (f, attempts, why) => {
      const note = gaveUpNote(attempts, why, timing.totalTimeoutMs);
      return f.withSuffix(`\n${note}`, { retryable: false, retryNote: note });
    },
  });
}
