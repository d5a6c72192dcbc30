/**
 * The transparency log: each signed envelope goes to Rekor v1 (`POST /api/v1/log/entries`) as a `dsse` 0.0.1
 * entry, through the kit's transport like every other request (TLS verified, body capped, no redirects, timers
 * clamped to the deadline). A 409 means the entry exists (an earlier answer was lost): it is fetched by the UUID
 * Rekor names. The answer must be one entry for *our* envelope (its body holds our signature) with a signed entry
 * timestamp and an inclusion proof with a checkpoint, since PyPI verifies both; whether they are *true* is checked
 * against the trusted root before anything is written (verify.ts). Rekor v2 and RFC 3161 timestamps are not used:
 * PEP 740's attestation object has no field for the latter.
 * API: https://github.com/sigstore/rekor/blob/main/openapi.yaml
 */
import { failures } from './messages';
import { envelopeJson, type LogEntryJson, type SignedStatement } from './pep740';
import { isTransientStatus, parseJsonBody, retryAfterMs, serverSaid, type HttpResponse, type HttpSend } from '../kit/http';
import { Redactor } from '../kit/redact';

const HEX = /^[0-9a-f]+$/i;
const DIGITS = /^\d+$/;
const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

export async function logEntryFor(rekorUrl: string, signed: SignedStatement, certificatePem: string, send: HttpSend,
  redactor: Redactor): Promise<LogEntryJson> {
  const proposed = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: { proposedContent: { envelope: JSON.stringify(envelopeJson(signed)), verifiers: [Buffer.from(certificatePem).toString('base64')] } },
  };
  let res = await send({
    method: 'POST',
    url: new URL(`${rekorUrl}/api/v1/log/entries`),
    target: 'Rekor',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(proposed),
  });
  if (res.status === 409) {
    const uuid = (res.headers.location ?? '').split('/').pop() ?? '';
    if (!HEX.test(uuid) || uuid.length > 128) throw failures.rekorGarbage(failures.rekorWhy.conflict);
    res = await send({ method: 'GET', url: new URL(`${rekorUrl}/api/v1/log/entries/${uuid}`), target: 'Rekor' });
    if (res.status !== 200) throw statusFailure(res, redactor);
  } else if (res.status !== 201) {
    throw statusFailure(res, redactor);
  }
  return checkedEntry(res, signed);
}

const statusFailure = (res: HttpResponse, redactor: Redactor) =>
  failures.rekorStatus(res.status, serverSaid(res, redactor), isTransientStatus(res.status), retryAfterMs(res.headers));

interface RekorEntry {
  body?: unknown;
  integratedTime?: unknown;
  logID?: unknown;
  logIndex?: unknown;
  verification?: {
    signedEntryTimestamp?: unknown;
    inclusionProof?: { checkpoint?: unknown; hashes?: unknown; logIndex?: unknown; rootHash?: unknown; treeSize?: unknown };
  };
}

/** `{uuid: entry}` -> the protobuf JSON entry, refusing anything that cannot go into an attestation. */
function checkedEntry(res: HttpResponse, signed: SignedStatement): LogEntryJson {
  const why = failures.rekorWhy;
  const garbage = failures.rekorGarbage;
  const data = parseJsonBody(res.body);
  if (data === undefined) throw garbage(why.notJson);
  const entries = typeof data === 'object' && data !== null && !Array.isArray(data) ? Object.values(data) : [];
  if (entries.length !== 1) throw garbage(why.entries(entries.length));
  const e = entries[0] as RekorEntry;
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : DIGITS.test(String(v)) ? String(v) : undefined);
  if (typeof e?.body !== 'string' || typeof e.logID !== 'string' || !HEX.test(e.logID) || int(e.logIndex) === undefined ||
    int(e.integratedTime) === undefined) {
    throw garbage(why.fields);
  }
  const bodyText = Buffer.from(e.body, 'base64').toString('utf8');
  let body: { kind?: unknown; apiVersion?: unknown };
  try {
    body = JSON.parse(bodyText);
  } catch {
    throw garbage(why.body);
  }
  if (body?.kind !== 'dsse' || body.apiVersion !== '0.0.1') throw garbage(why.kind(String(body?.kind ?? '?'), String(body?.apiVersion ?? '?')));
  // Rekor's body records the envelope's signature
  if (!bodyText.includes(signed.signature.toString('base64'))) throw garbage(why.body);
  const set = e.verification?.signedEntryTimestamp;
  if (typeof set !== 'string' || set === '') throw garbage(why.promise);
  const p = e.verification?.inclusionProof;
  const hashes = p?.hashes;
  if (!p || typeof p.rootHash !== 'string' || !/^[0-9a-f]{64}$/i.test(p.rootHash) || typeof p.checkpoint !== 'string' ||
    p.checkpoint === '' || int(p.treeSize) === undefined || int(p.logIndex) === undefined || !Array.isArray(hashes) ||
    !hashes.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/i.test(h))) {
    throw garbage(why.proof);
  }
  return {
    logIndex: int(e.logIndex)!,
    logId: { keyId: hexToBase64(e.logID) },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: int(e.integratedTime)!,
    inclusionPromise: { signedEntryTimestamp: set },
    inclusionProof: {
      logIndex: int(p.logIndex)!,
      rootHash: hexToBase64(p.rootHash),
      treeSize: int(p.treeSize)!,
      hashes: (hashes as string[]).map(hexToBase64),
      checkpoint: { envelope: p.checkpoint },
    },
    canonicalizedBody: e.body,
  };
}
