/**
 * The attest step, in-process: inputs -> the distributions -> one OIDC token (audience `sigstore`) -> one Fulcio
 * certificate -> per distribution a signed DSSE envelope over its PEP 740 statement, logged in Rekor in parallel
 * -> `<file>.publish.attestation` files, written only when every distribution has one (fail closed: no partial
 * set). Output goes to `io` and the files the environment names, never to process.stdout directly, so tests can
 * drive it. This is the one place where failures become annotations and an exit code.
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import { DSSEBundleBuilder } from '@sigstore/sign';
import { errorLine, logLine, warningLine } from './commands';
import { findDistributions, sha256File } from './distributions';
import { AttestFailure, setupFailure } from './failure';
import { certificateIdentity, certificateSigner, ephemeralKey, requestCertificate } from './fulcio';
import { gitlabIdentityToken, oidcRequest, requestIdentityToken } from './identity';
import { AttestInputs, DEFAULT_REKOR_URL, readInputs } from './inputs';
import { appendSummary, AttestedFile, failureSummary, successSummary, writeOutputs } from './outputs';
import { IN_TOTO_PAYLOAD_TYPE, publishStatement, toAttestation, type PublishAttestation } from './pep740';
import { logEntryFor, rekorWitness } from './rekor';
import { Secrets } from './secrets';
import { DEFAULT_TIMING, Timing, withAttempts } from './timing';
import { createTransport } from './transport';
import { gitlabLogLine, isGitlabCi } from '../kit/gitlab-ci';

export { DEFAULT_TIMING } from './timing';
export type { Timing } from './timing';

type Env = Record<string, string | undefined>;

export interface Io {
  write(line: string): void;
}

/** Rekor entries are requested this many at a time (a release rarely has more wheels than this). */
const REKOR_PARALLEL = 8;

export async function runAttest(env: Env, io: Io, timing?: Partial<Timing>, cwd = process.cwd()): Promise<number> {
  const t: Timing = { ...DEFAULT_TIMING, ...timing };
  const secrets = new Secrets();
  const gitlab = isGitlabCi(env);
  const say = (text: string) => io.write(gitlab ? gitlabLogLine(secrets.redact(text)) : logLine(secrets.redact(text)));
  // GitLab shows workflow commands as text: plain ERROR/WARNING lines there
  const warning = (title: string, text: string) => (gitlab ? say(`WARNING: ${title}\n${text}`) : io.write(warningLine(title, text)));
  const error = (title: string, text: string) => (gitlab ? say(`ERROR: ${title}\n${text}`) : io.write(errorLine(title, text)));
  let inputs: AttestInputs | undefined;
  try {
    inputs = readInputs(env);
    const found = inputs;
    const deadline = Date.now() + t.totalTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AttestFailure('sigstore', 'Time limit reached',
        `Signing did not finish within ${t.totalTimeoutMs / 1000} s.`)), t.totalTimeoutMs);
    });
    try {
      return await Promise.race([attest(found, env, io, say, secrets, t, deadline, cwd), outOfTime]);
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    const failure = err instanceof AttestFailure ? err
      : new AttestFailure('sigstore', 'Unexpected error in the attest step', 'Signing failed unexpectedly; no attestation was written.');
    const message = secrets.redact(failure.message);
    const title = secrets.redact(failure.title);
    if (failure.kind === 'sigstore' && inputs?.continueWithoutAttestations) {
      warning(`Publishing without attestations: ${title}`,
        `${message}\ncontinue-without-attestations is on: the distributions are uploaded without PEP 740 attestations.`);
      writeOutputs(env, { attestations: '', attested: 'false' });
      appendSummary(env, secrets.redact(failureSummary(title, message, true)));
      return 0;
    }
    error(title, `${message}\nNo attestation was written; the upload must not run.`);
    appendSummary(env, secrets.redact(failureSummary(title, message, false)));
    return 1;
  }
}

async function attest(inputs: AttestInputs, env: Env, io: Io, say: (text: string) => void, secrets: Secrets,
  t: Timing, deadline: number, cwd: string): Promise<number> {
  const { distributions: dists, hidden } = findDistributions(resolve(cwd, inputs.packagesDir), inputs.packagesDir);
  if (hidden.length > 0) say(`Not signed: ${hidden.join(', ')} (hidden files, which the upload's dist/* does not match either)`);
  const gitlab = isGitlabCi(env);
  const oidc = gitlab ? undefined : oidcRequest(env, secrets);
  const send = createTransport(t.requestTimeoutMs, deadline);
  const onRetry = (f: AttestFailure, n: number, pauseMs: number) =>
    say(`Attempt ${n} failed (${f.title}: ${f.message}); trying again in ${(pauseMs / 1000).toFixed(1)} s.`);

  const digests = await Promise.all(dists.map((d) => sha256File(d.path)));
  say(`Attesting ${dists.length} distribution${dists.length === 1 ? '' : 's'} in ${inputs.packagesDir}: ${dists.map((d) => d.name).join(', ')}`);

  const key = ephemeralKey();
  const cert = await withAttempts(async () => {
    const identity = oidc ? await requestIdentityToken(oidc, send, secrets, (line) => io.write(line)) : gitlabIdentityToken(env, secrets);
    return requestCertificate(inputs.fulcioUrl, identity, key, send);
  }, t, deadline, onRetry);
  const signer = certificateIdentity(cert);
  say(`Fulcio (${inputs.fulcioUrl}) certified an ephemeral key for ${signer}, valid until ${new Date(cert.certificate.validTo).toISOString()}`);

  const builder = new DSSEBundleBuilder({ signer: certificateSigner(key.privateKey, cert), witnesses: [] });
  const witness = rekorWitness(inputs.rekorUrl, t.requestTimeoutMs);
  const signed = await inParallel(dists.map((d, i) => async () => {
    const bundle = await builder.create({ data: publishStatement(d.name, digests[i]), type: IN_TOTO_PAYLOAD_TYPE });
    const entry = await withAttempts(() => logEntryFor(witness, bundle, cert.pem, t.requestTimeoutMs), t, deadline, onRetry);
    bundle.verificationMaterial.tlogEntries = [entry];
    say(`${d.name}: sha256 ${digests[i]}, Rekor log index ${entry.logIndex}`);
    return { attestation: toAttestation(bundle), logIndex: entry.logIndex };
  }), REKOR_PARALLEL);

  writeAll(dists.map((d, i) => ({ path: d.attestationPath, attestation: signed[i].attestation })));
  const written = dists.map((d) => `${inputs.packagesDir.replace(/\/+$/, '')}/${d.name}.publish.attestation`);
  say(`Wrote ${written.join(', ')}`);
  writeOutputs(env, { attestations: written.join('\n'), attested: 'true' });
  const files: AttestedFile[] = dists.map((d, i) => ({ name: d.name, sha256: digests[i], logIndex: signed[i].logIndex }));
  appendSummary(env, successSummary(signer, files,
    inputs.rekorUrl === DEFAULT_REKOR_URL ? (i) => `https://search.sigstore.dev/?logIndex=${i}` : undefined));
  return 0;
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
    const code = (err as { code?: string }).code ?? 'error';
    throw setupFailure('Could not write the attestations',
      code === 'EEXIST' ? 'An attestation file appeared while signing; none was written (nothing is overwritten).'
        : `Writing an attestation failed (${code}); none was written.`);
  }
}
