/**
 * The attest step, in-process: inputs -> the distributions -> one OIDC token (audience `sigstore`) -> one Fulcio
 * certificate, its identity compared with the token's -> per distribution a signed DSSE envelope over its PEP 740
 * statement, logged in Rekor (in parallel) -> every attestation verified against the trusted root -> only then
 * `<file>.publish.attestation` files, the step outputs and the summary, all written here, after the work finished
 * within the time limit (fail closed: no partial set, and work abandoned at the limit neither writes nor prints).
 * Output goes to `io` and the files the environment names, never to process.stdout directly, so tests can drive
 * it. This is the one place where failures become annotations and an exit code.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { findDistributions, sha256File } from './distributions';
import { ephemeralKey, requestCertificate, requireCertifiedIdentity } from './fulcio';
import { AttestInputs, DEFAULT_REKOR_URL, readInputs } from './inputs';
import { AttestFailure, failures, gitlabIdTokenWords, httpWords, logs, oidcWords } from './messages';
import { publishStatement, signStatement, toAttestation, type PublishAttestation } from './pep740';
import { logEntryFor } from './rekor';
import { AttestedFile, failureSummary, successSummary } from './summary';
import { productionTrust, standInTrust, verifyAttestation, type Trust } from './verify';
import { createPrinter, type Io, type Printer } from '../kit/commands';
import type { Env } from '../kit/failure';
import { appendAll, appendSummary, renderKeyValues } from '../kit/files';
import { createGitlabPrinter, isGitlabCi } from '../kit/gitlab-ci';
import { createHttp, type HttpSend } from '../kit/http';
import { githubOidcRequest, githubOidcSource, requestOidcToken, variableOidcSource, type OidcSource, type OidcWords } from '../kit/oidc';
import { Redactor } from '../kit/redact';
import { Deadline, gaveUpNote, realSleep, withRetries, type Timing } from '../kit/retry';
import { GITLAB_ID_TOKEN_VARIABLES, GITLAB_ISSUER } from '../pypi/gitlab';

export type { Timing } from '../kit/retry';

/** Sigstore's public services answer in well under a second; 15 s per answer and 2 min in all are generous. */
export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 15_000, totalTimeoutMs: 120_000, backoffMs: [1_000, 3_000, 6_000], maxRetryAfterMs: 20_000,
};
export const SIGSTORE_AUDIENCE = 'sigstore';
/** Fulcio's and Rekor's answers are a few kilobytes (a trusted root some tens): a megabyte is garbage. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const USER_AGENT = 'projen-pypi-mint (PEP 740 attest step)';
/** Rekor entries are requested this many at a time (a release rarely has more wheels than this). */
const REKOR_PARALLEL = 8;

export async function runAttest(env: Env, io: Io, timing?: Partial<Timing>, cwd = process.cwd()): Promise<number> {
  const t: Timing = { ...DEFAULT_TIMING, ...timing };
  const redactor = new Redactor();
  const print = isGitlabCi(env) ? createGitlabPrinter(io, redactor) : createPrinter(io, redactor);
  const deadline = new Deadline(t.totalTimeoutMs);
  let inputs: AttestInputs | undefined;
  try {
    inputs = readInputs(env);
    const found = inputs;
    // abandoned at the limit, the work may still run a moment: it prints nothing more, and it writes nothing ever
    const workPrint = gated(print, () => deadline.expired);
    const signed = await deadline.race(() => attest(found, env, workPrint, redactor, t, deadline.at, cwd),
      () => failures.outOfTime(t.totalTimeoutMs));
    writeAll(signed.files.map((f, i) => ({ path: f.attestationPath, attestation: signed.attestations[i] })));
    const written = signed.files.map((f) => `${found.packagesDir.replace(/\/+$/, '')}/${f.name}.publish.attestation`);
    print.log(logs.wrote(written));
    writeOutputs(env, [['attestations', written.join('\n')], ['attested', 'true']]);
    appendSummary(env.GITHUB_STEP_SUMMARY, redactor.redact(successSummary(signed.identity, signed.files,
      found.rekorUrl === DEFAULT_REKOR_URL ? (i) => `https://search.sigstore.dev/?logIndex=${i}` : undefined), 60_000));
    return 0;
  } catch (err) {
    const failure = err instanceof AttestFailure ? err : failures.internal();
    if (failure.kind === 'sigstore' && inputs?.continueWithoutAttestations) {
      print.warning(logs.continuing(failure.title), `${failure.message}\n${logs.continuingText}`);
      writeOutputs(env, [['attestations', ''], ['attested', 'false']]);
      appendSummary(env.GITHUB_STEP_SUMMARY, redactor.redact(failureSummary(failure.title, failure.message, true), 60_000));
      return 0;
    }
    print.error(failure.title, `${failure.message}\n${logs.stopping}`);
    appendSummary(env.GITHUB_STEP_SUMMARY, redactor.redact(failureSummary(failure.title, failure.message, false), 60_000));
    return 1;
  }
}

interface Signed {
  readonly identity: string;
  readonly files: Array<AttestedFile & { attestationPath: string }>;
  readonly attestations: PublishAttestation[];
}

async function attest(inputs: AttestInputs, env: Env, print: Printer, redactor: Redactor, t: Timing, deadline: number,
  cwd: string): Promise<Signed> {
  const { distributions: dists, hidden } = findDistributions(resolve(cwd, inputs.packagesDir), inputs.packagesDir);
  if (hidden.length > 0) print.log(logs.hidden(hidden));
  const send = createHttp({ env, now: Date.now, redactor, words: httpWords },
    { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES, userAgent: USER_AGENT });
  const { source: oidc, words } = oidcSource(env, send, redactor);
  const retry = <T>(attempt: () => Promise<T>) => withRetries<T, AttestFailure>(attempt, t, deadline, {
    now: Date.now,
    sleep: realSleep,
    random: Math.random,
    onRetry: (f, n, pauseMs) => print.log(logs.retrying(f, n, pauseMs)),
    isFailure: (e): e is AttestFailure => e instanceof AttestFailure,
    gaveUp: (f, n, why) => {
      const note = gaveUpNote(n, why, t.totalTimeoutMs);
      return why === 'deadline' ? failures.retriesOutOfTime(f, note) : f.withSuffix(`\n${note}`, false);
    },
  });

  const digests = await Promise.all(dists.map((d) => sha256File(d.path)));
  print.log(logs.attesting(inputs.packagesDir, dists.map((d) => d.name)));
  const trust: Trust = inputs.testInstance ? await retry(() => standInTrust(inputs.fulcioUrl, send)) : productionTrust();

  const key = ephemeralKey();
  const { cert, identity, issuer } = await retry(async () => {
    const token = await requestOidcToken(oidc, SIGSTORE_AUDIENCE, { redactor, print, words });
    if (typeof token.claims.sub !== 'string' || token.claims.sub === '') throw failures.oidcNoSubject();
    if (typeof token.claims.exp === 'number' && token.claims.exp * 1000 <= Date.now()) throw failures.oidcExpired();
    const certificate = await requestCertificate(inputs.fulcioUrl, token, key, send, redactor);
    return { cert: certificate, identity: requireCertifiedIdentity(certificate, token.claims, oidc.issuer), issuer: oidc.issuer };
  });
  print.log(logs.certified(inputs.fulcioUrl, identity, cert.validTo.toISOString()));

  const results = await inParallel(dists.map((d, i) => async () => {
    const signed = signStatement(publishStatement(d.name, digests[i]), key.privateKey);
    const entry = await retry(() => logEntryFor(inputs.rekorUrl, signed, cert.pem, send, redactor));
    const attestation = toAttestation(cert.der, signed, entry);
    verifyAttestation(trust, d.name, attestation, identity, issuer);
    print.log(logs.logged(d.name, digests[i], entry.logIndex));
    return { attestation, logIndex: entry.logIndex };
  }), REKOR_PARALLEL);
  print.log(logs.verified(results.length, trust.name));
  return {
    identity,
    files: dists.map((d, i) => ({ name: d.name, sha256: digests[i], logIndex: results[i].logIndex, attestationPath: d.attestationPath })),
    attestations: results.map((r) => r.attestation),
  };
}

/**
 * GitHub's token endpoint, or in a GitLab job the `id_tokens` variable SIGSTORE_ID_TOKEN (GitLab signs it when the
 * job starts; there is nothing to request).
 */
function oidcSource(env: Env, send: HttpSend, redactor: Redactor): { source: OidcSource; words: OidcWords<AttestFailure> } {
  if (isGitlabCi(env)) {
    const variable = GITLAB_ID_TOKEN_VARIABLES.sigstore;
    return {
      source: variableOidcSource(env, variable, GITLAB_ISSUER),
      words: {
        ...oidcWords,
        ...gitlabIdTokenWords(variable),
      },
    };
  }
  const request = githubOidcRequest(env, oidcWords);
  if (!request) throw failures.missingIdToken();
  return { source: githubOidcSource(request, send, redactor, oidcWords), words: oidcWords };
}

/** A printer that goes silent once `closed()` is true (work abandoned at the time limit). */
function gated(print: Printer, closed: () => boolean): Printer {
  return {
    mask: (s) => print.mask(s), // a mask is never withheld: the runner must hide the value whatever comes later
    log: (text) => void (closed() || print.log(text)),
    warning: (title, text) => void (closed() || print.warning(title, text)),
    error: (title, text) => void (closed() || print.error(title, text)),
  };
}

/** Run the tasks at most `limit` at a time; results in task order; the first failure fails the lot. */
async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** All or nothing: `wx` refuses to replace a file that appeared meanwhile, and a failed write removes the others. */
function writeAll(files: Array<{ path: string; attestation: PublishAttestation }>): void {
  const done: string[] = [];
  try {
    for (const f of files) {
      writeFileSync(f.path, JSON.stringify(f.attestation), { encoding: 'utf8', flag: 'wx' });
      done.push(f.path);
    }
  } catch (err) {
    for (const p of done) unlinkSync(p);
    throw failures.writeFailed((err as { code?: string }).code ?? 'error');
  }
}

/** The step outputs (none secret); optional, so a run outside a runner just logs. */
function writeOutputs(env: Env, entries: ReadonlyArray<readonly [string, string]>): void {
  if (!env.GITHUB_OUTPUT) return;
  try {
    appendAll([{ path: env.GITHUB_OUTPUT, text: renderKeyValues(entries), what: 'GITHUB_OUTPUT' }]);
  } catch {
    throw failures.writeFailed('GITHUB_OUTPUT');
  }
}
