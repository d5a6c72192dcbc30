/**
 * The transparency log: each signed envelope goes to Rekor v1 as a `dsse` 0.0.1 entry through @sigstore/sign's
 * RekorWitness, all entries of a run in parallel. The answer must be an entry for *our* envelope (its body holds
 * our signature) with a signed entry timestamp (inclusion promise) and an inclusion proof with a checkpoint, since
 * PyPI verifies both and PEP 740 has nowhere else to put a time witness. Rekor v2 and RFC 3161 timestamps are not
 * used: PEP 740's attestation object has no field for the latter.
 */
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import { RekorWitness } from '@sigstore/sign';
import { AttestFailure } from './failure';
import type { DsseBundle, LogEntry } from './pep740';

const SERVICE = 'Rekor';

export function rekorWitness(rekorUrl: string, requestTimeoutMs: number): RekorWitness {
  // retries are the step's own (bounded by its deadline); a 409 after a lost answer fetches the existing entry
  return new RekorWitness({
    rekorBaseURL: rekorUrl,
    entryType: 'dsse',
    majorApiVersion: 1,
    fetchOnConflict: true,
    retry: false,
    timeout: requestTimeoutMs,
  });
}

export async function logEntryFor(witness: RekorWitness, bundle: DsseBundle, certificatePem: string,
  requestTimeoutMs: number): Promise<LogEntry> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttestFailure('sigstore', 'Rekor did not answer',
      `Rekor did not answer within ${(requestTimeoutMs / 1000).toFixed(1)} s.`, true)), requestTimeoutMs);
  });
  const testimony = witness.testify(bundle.content, certificatePem);
  let entries: LogEntry[];
  try {
    entries = (await Promise.race([testimony, timeout])).tlogEntries;
  } catch (err) {
    throw asRekorFailure(err);
  } finally {
    clearTimeout(timer);
    testimony.catch(() => undefined);
  }
  return checkedEntry(entries, bundle);
}

function checkedEntry(entries: LogEntry[], bundle: DsseBundle): LogEntry {
  const garbage = (what: string) => new AttestFailure('sigstore', 'Unusable answer from Rekor',
    `Rekor answered with a log entry that cannot go into an attestation: ${what}.`);
  if (entries.length !== 1) throw garbage(`${entries.length} entries instead of one`);
  const e = entries[0];
  if (e.kindVersion?.kind !== 'dsse' || e.kindVersion.version !== '0.0.1') {
    throw garbage(`kind ${e.kindVersion?.kind ?? '?'} ${e.kindVersion?.version ?? '?'} instead of dsse 0.0.1`);
  }
  if (!/^\d+$/.test(e.logIndex) || !/^\d+$/.test(e.integratedTime) || !e.logId?.keyId?.length) {
    throw garbage('no log index, integrated time or log id');
  }
  if (!e.inclusionPromise?.signedEntryTimestamp?.length) throw garbage('no signed entry timestamp (inclusion promise)');
  const proof = e.inclusionProof;
  if (!proof || proof.rootHash.length !== 32 || !proof.checkpoint?.envelope || !/^\d+$/.test(proof.treeSize) ||
    proof.hashes.some((h) => h.length !== 32)) {
    throw garbage('no inclusion proof with a checkpoint');
  }
  const signature = bundle.content.dsseEnvelope.signatures[0].sig.toString('base64');
  let body: { kind?: unknown };
  try {
    body = JSON.parse(e.canonicalizedBody.toString('utf8'));
  } catch {
    throw garbage('its body is not JSON');
  }
  // Rekor's body records the envelope's signature (the stand-ins keep the proposed envelope, which holds it too)
  if (body.kind !== 'dsse' || !e.canonicalizedBody.toString('utf8').includes(signature)) {
    throw garbage('its body is not the envelope that was sent');
  }
  return e;
}

/** RekorWitness's errors: an InternalError whose cause is an HTTPError (statusCode) or a FetchError (code, type). */
function asRekorFailure(err: unknown): AttestFailure {
  if (err instanceof AttestFailure) return err;
  const cause = (err as { cause?: { statusCode?: unknown; code?: unknown; type?: unknown; message?: unknown } })?.cause;
  if (typeof cause?.statusCode === 'number') {
    const status = cause.statusCode;
    const said = typeof cause.message === 'string' ? cause.message.replace(/^\(\d+\)\s*/, '') : '';
    // eslint-disable-next-line no-control-regex
    const line = said.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
    return new AttestFailure('sigstore', 'Rekor refused the log entry',
      `${SERVICE} answered HTTP ${status}${line ? `: ${line}` : ''}.`, status === 408 || status === 429 || status >= 500);
  }
  if (cause?.type === 'invalid-json' || cause === undefined) {
    return new AttestFailure('sigstore', 'Unusable answer from Rekor', `${SERVICE} answered with something that is not a log entry.`);
  }
  const code = typeof cause.code === 'string' ? cause.code : typeof cause.type === 'string' ? cause.type : 'unknown error';
  const timedOut = /timeout|TIMEDOUT/i.test(code);
  return new AttestFailure('sigstore', timedOut ? 'Rekor did not answer' : 'Could not reach Rekor',
    timedOut ? `${SERVICE} did not answer in time (${code}).` : `The connection to ${SERVICE} failed (${code}).`, true);
}
