/**
 * The whole action, in-process: inputs -> audience -> OIDC token -> mint -> mask -> outputs. Output goes to `io`
 * (workflow commands and log lines) and to the files the environment names, never to process.stdout directly, so
 * tests and fuzzers can drive it. This is the one place where failures become annotations and an exit code.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { discoverAudience } from './audience';
import { Claims, claimText } from './claims';
import { Diagnosis, diagnose, runWarnings } from './diagnose';
import { distProjects } from './dist-projects';
import { ActionFailure, asFailure } from './errors';
import { mintToken } from './exchange';
import { requireOutputFile, writeOutputs, writeUploaderEnv } from './export';
import { createHttp } from './http';
import { resolveIndexUrl } from './index-url';
import { ActionInputs, readInputs } from './inputs';
import { oidcRequestConfig, requestOidcToken } from './oidc';
import { Redactor } from './redact';
import { renderAnnotation, renderSuccessSummary, renderSummary } from './report';
import { DEFAULT_TIMING, Timing, realSleep, withRetries } from './retry';
import { readRunContext } from './run-context';
import { errorAnnotation, logLine, warningAnnotation } from './workflow-commands';

export type { Timing } from './retry';
export { DEFAULT_TIMING } from './retry';

type Env = Record<string, string | undefined>;

/** Response bodies above this are refused: PyPI's answers are a few hundred bytes. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export async function runAction(env: Env, io: { write(line: string): void }, timing?: Partial<Timing>): Promise<number> {
  const t: Timing = { ...DEFAULT_TIMING, ...timing };
  const deadline = Date.now() + t.totalTimeoutMs;
  const redactor = new Redactor();
  const emit = (line: string) => io.write(line);
  const log = (text: string) => io.write(logLine(redactor.redact(text, 4000)));
  const ctx = readRunContext(env);

  let inputs: ActionInputs | undefined;
  let claims: Claims | undefined;
  let missingOidcVars: string[] | undefined;
  const warned = new Set<string>();
  const warn = (ws: Diagnosis[]) => {
    for (const w of ws.filter((x) => !warned.has(x.title))) {
      warned.add(w.title);
      emit(warningAnnotation(w.title, redactor.redact(w.text.join('\n'), 4000)));
    }
  };

  try {
    const outputPath = requireOutputFile(env);
    inputs = readInputs(env);
    const index = inputs.index;
    if (inputs.exportEnv.length > 0 && !(env.GITHUB_ENV && existsSync(env.GITHUB_ENV))) {
      throw new ActionFailure('invalid-input', 'export-env without GITHUB_ENV',
        'export-env asks for environment variables, but GITHUB_ENV is not set or names no file: nothing was requested.');
    }
    const oidc = oidcRequestConfig(env);
    if (!oidc) {
      missingOidcVars = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter((n) => !env[n]?.trim());
      throw new ActionFailure('missing-id-token-permission', 'No OIDC token available',
        `GitHub gave this job no way to request an OIDC token (${missingOidcVars.join(' and ')} not set).`);
    }
    redactor.add(oidc.requestToken);
    warn(runWarnings(undefined, ctx));

    const send = createHttp(env, { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES }, redactor);
    const hooks = {
      now: Date.now,
      sleep: realSleep,
      random: Math.random,
      onRetry: (f: ActionFailure, attempt: number, delayMs: number) =>
        log(`Attempt ${attempt} failed (${f.code}: ${f.message.split('\n')[0].replace(/\.$/, '')}); retrying in ${(delayMs / 1000).toFixed(1)} s` +
          ' with a fresh OIDC token.'),
    };

    let audience = inputs.audience;
    if (audience === undefined) {
      log(`Asking ${index.displayName} for its trusted-publishing audience (${index.audienceUrl.href})`);
      audience = await withRetries(() => discoverAudience(index, send), t, deadline, hooks);
    }
    log(`Index ${index.displayName}, audience '${audience}'${inputs.audience ? ' (from the audience input)' : ''}`);

    const aud = audience;
    const minted = await withRetries(async () => {
      const oidcToken = await requestOidcToken(oidc, aud, send, emit, redactor);
      claims = oidcToken.claims;
      warn(runWarnings(claims, ctx));
      log(`Got an OIDC token for ${claimText(claims, 'repository') ?? '?'} (${claimText(claims, 'job_workflow_ref') ?? '?'}); ` +
        `exchanging it at ${index.mintUrl.href}`);
      return mintToken(index, oidcToken.jwt, send, emit, redactor);
    }, t, deadline, hooks);

    writeOutputs(outputPath, minted.token, minted.expires);
    const exported = writeUploaderEnv(env, inputs.exportEnv, minted.token, index.uploadUrl);
    log(`Minted a PyPI token for ${index.displayName}, valid until ${new Date(minted.expires * 1000).toISOString()}; ` +
      `it is in the step output api-token${exported.length ? ` and in ${exported.join(', ')}` : ''}.`);
    appendSummary(env, renderSuccessSummary(index.displayName, aud, minted.expires, exported));
    return 0;
  } catch (err) {
    const failure = asFailure(err);
    const index = inputs?.index ?? safeIndex(env);
    const diagnoses = diagnose({
      failure,
      claims,
      ctx,
      index,
      audienceInput: inputs?.audience,
      missingOidcVars,
      projects: distProjects([process.cwd(), ...(env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE] : [])]),
    });
    const warnings = runWarnings(claims, ctx);
    const report = { failure, claims, indexName: index.displayName };
    emit(errorAnnotation(failure.title, redactor.redact(
      renderAnnotation({ ...report, diagnoses: [...diagnoses, ...warnings.filter((w) => !warned.has(w.title))] }), 20_000)));
    appendSummary(env, redactor.redact(renderSummary({ ...report, diagnoses: [...diagnoses, ...warnings] }), 60_000));
    return 1;
  }
}

/** For a failure before the inputs were read: fall back to the default index for the messages. */
function safeIndex(env: Env) {
  try {
    return resolveIndexUrl(env['INPUT_INDEX-URL'] ?? env.INPUT_INDEX_URL ?? '');
  } catch {
    return resolveIndexUrl('');
  }
}

function appendSummary(env: Env, markdown: string): void {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    appendFileSync(path, `${markdown}\n`, { encoding: 'utf8' });
  } catch {
    // the summary is a courtesy; the annotation already carries the message
  }
}
