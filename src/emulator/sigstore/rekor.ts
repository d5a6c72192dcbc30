/**
 * The Rekor v1 stand-in: an append-only RFC 6962 Merkle log that takes `dsse` 0.0.1 entries at
 * `POST /api/v1/log/entries` and answers like rekor.sigstore.dev: the canonicalized body Rekor stores, a signed
 * entry timestamp (SET) and an inclusion proof whose checkpoint is a signed note.
 *
 * The body is canonicalized the way Rekor's `pkg/types/dsse/v0.0.1` does it (envelope hash, payload hash, and
 * each signature with the PEM of the certificate that verifies it), because verifiers (sigstore-python, which
 * pypi-attestations uses, and @sigstore/verify) compare that body with the attestation.
 */
import { createHash, createPublicKey, generateKeyPairSync, randomInt, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import canonicalize from 'canonicalize';
import { epochSeconds, type Clock } from '../clock';
import { BodyTooLargeError, readBody, sendJson } from '../http';

const MAX_ENTRY_BYTES = 1024 * 1024;
const DSSE_PAYLOAD_TYPE_PREFIX = 'DSSEv1';

export interface LoggedEntry {
  readonly uuid: string;
  readonly body: Buffer;
  readonly integratedTime: number;
  readonly logIndex: number;
}

/** What a `POST /api/v1/log/entries` answers, keyed by the entry's UUID (Rekor's `LogEntry`). */
export interface RekorLogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    inclusionProof: { checkpoint: string; hashes: string[]; logIndex: number; rootHash: string; treeSize: number };
    signedEntryTimestamp: string;
  };
}

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest();
};
const leafHash = (data: Buffer): Buffer => sha256(Buffer.from([0x00]), data);
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(Buffer.from([0x01]), left, right);

/** Largest power of two strictly smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 section 2.1: the Merkle tree hash of leaves[lo, hi). */
function treeHash(leaves: Buffer[], lo: number, hi: number): Buffer {
  if (hi - lo === 1) return leaves[lo];
  const k = split(hi - lo);
  return nodeHash(treeHash(leaves, lo, lo + k), treeHash(leaves, lo + k, hi));
}

/** RFC 6962 section 2.1.1: the audit path of leaf m in leaves[lo, hi), leaf side first. */
function auditPath(leaves: Buffer[], m: number, lo: number, hi: number): Buffer[] {
  if (hi - lo === 1) return [];
  const k = split(hi - lo);
  if (m < k) return [...auditPath(leaves, m, lo, lo + k), treeHash(leaves, lo + k, hi)];
  return [...auditPath(leaves, m - k, lo + k, hi), treeHash(leaves, lo, lo + k)];
}

/** A transparency log with its own P-256 key (Rekor's production key type). */
export class TransparencyLog {
  readonly publicKeyDer: Buffer;
  /** sha256 of the DER public key: Rekor's log ID, and the first 4 bytes are the checkpoint key hint. */
  readonly logId: Buffer;
  private readonly privateKey: KeyObject;
  private readonly treeId = randomInt(2 ** 47, 2 ** 48 - 1);
  private readonly leaves: Buffer[] = [];
  private readonly entries: LoggedEntry[] = [];

  constructor(private readonly clock: Clock, private origin: string = 'rekor.emulator') {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = privateKey;
    this.publicKeyDer = publicKey.export({ format: 'der', type: 'spki' });
    this.logId = sha256(this.publicKeyDer);
    // The log opens with one marker leaf, so a client's first entry has log index 1 and a non-empty audit path:
    // protobuf JSON drops a 0 and an empty list, and sigstore-python (pypi-attestations) requires both fields.
    this.leaves.push(leafHash(Buffer.from(`genesis of the emulated Rekor log ${this.treeId}`)));
  }

  /** The checkpoint's origin names the log's host (verifiers match it against the log's URL). */
  setOrigin(origin: string): void {
    this.origin = origin;
  }

  get size(): number {
    return this.leaves.length;
  }

  /** Append a canonicalized body; returns the v1 API answer for it. */
  append(body: Buffer): Record<string, RekorLogEntry> {
    const logIndex = this.leaves.length;
    const leaf = leafHash(body);
    this.leaves.push(leaf);
    const integratedTime = epochSeconds(this.clock);
    const uuid = `${this.treeId.toString(16).padStart(16, '0')}${leaf.toString('hex')}`;
    const entry = { uuid, body, integratedTime, logIndex };
    this.entries.push(entry);
    return { [uuid]: this.answer(entry) };
  }

  /** Every entry clients logged so far, in log order. */
  logged(): readonly LoggedEntry[] {
    return this.entries;
  }

  private answer({ body, integratedTime, logIndex }: LoggedEntry): RekorLogEntry {
    const treeSize = this.leaves.length;
    const rootHash = treeHash(this.leaves, 0, treeSize);
    const logID = this.logId.toString('hex');
    // Rekor's SET: the log's signature over the canonical JSON of these four fields.
    const set = sign('sha256', Buffer.from(canonicalize({ body: body.toString('base64'), integratedTime, logID, logIndex })!), this.privateKey);
    return {
      body: body.toString('base64'),
      integratedTime,
      logID,
      logIndex,
      verification: {
        inclusionProof: {
          checkpoint: this.checkpoint(treeSize, rootHash),
          hashes: auditPath(this.leaves, logIndex, 0, treeSize).map((h) => h.toString('hex')),
          logIndex,
          rootHash: rootHash.toString('hex'),
          treeSize,
        },
        signedEntryTimestamp: set.toString('base64'),
      },
    };
  }

  /** A signed note (transparency-dev/formats log/README.md): origin, size, base64 root; then `— name hint+sig`. */
  private checkpoint(treeSize: number, rootHash: Buffer): string {
    const note = `${this.origin} - ${this.treeId}\n${treeSize}\n${rootHash.toString('base64')}\n`;
    const signature = sign('sha256', Buffer.from(note), this.privateKey);
    return `${note}\n\u2014 ${this.origin} ${Buffer.concat([this.logId.subarray(0, 4), signature]).toString('base64')}\n`;
  }
}

/** Rekor's answer to a bad entry: `{code, message}` with 400. */
class EntryError extends Error {}

/** DSSE pre-authentication encoding (the bytes a DSSE signature covers). */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`${DSSE_PAYLOAD_TYPE_PREFIX} ${type.length} `), type, Buffer.from(` ${payload.length} `), payload,
  ]);
}

function pemOf(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A proposed `dsse` 0.0.1 entry -> the body Rekor stores. Like Rekor, each signature must verify (over the DSSE
 * PAE) with one of the proposed verifiers, and the stored verifier is that certificate re-encoded as PEM.
 */
export function canonicalDsseBody(proposed: unknown): Buffer {
  const p = proposed as { kind?: unknown; apiVersion?: unknown; spec?: { proposedContent?: { envelope?: unknown; verifiers?: unknown } } };
  if (p?.kind !== 'dsse') throw new EntryError(`unsupported entry kind ${JSON.stringify(p?.kind)}: this log takes dsse entries`);
  if (p.apiVersion !== '0.0.1') throw new EntryError(`unsupported dsse apiVersion ${JSON.stringify(p.apiVersion)}`);
  const content = p.spec?.proposedContent;
  if (typeof content?.envelope !== 'string' || !Array.isArray(content.verifiers) || content.verifiers.length === 0) {
    throw new EntryError('dsse entry needs spec.proposedContent.envelope (a JSON string) and verifiers');
  }
  let envelope: { payload?: unknown; payloadType?: unknown; signatures?: unknown };
  try {
    envelope = JSON.parse(content.envelope);
  } catch {
    throw new EntryError('envelope is not valid JSON');
  }
  if (typeof envelope.payload !== 'string' || typeof envelope.payloadType !== 'string' || !Array.isArray(envelope.signatures) ||
    envelope.signatures.length === 0) {
    throw new EntryError('envelope needs payload, payloadType and at least one signature');
  }
  const certificates = content.verifiers.map((v) => {
    if (typeof v !== 'string') throw new EntryError('verifiers must be base64 strings');
    try {
      return new X509Certificate(Buffer.from(v, 'base64'));
    } catch {
      throw new EntryError('verifier is not a PEM certificate');
    }
  });
  const payload = Buffer.from(envelope.payload, 'base64');
  const pae = preAuthEncoding(envelope.payloadType, payload);
  const signatures = (envelope.signatures as Array<{ sig?: unknown }>).map((s) => {
    if (typeof s?.sig !== 'string') throw new EntryError('signature without sig');
    const sig = Buffer.from(s.sig, 'base64');
    const signer = certificates.find((c) => verify('sha256', pae, createPublicKey(c.publicKey.export({ format: 'pem', type: 'spki' })), sig));
    if (!signer) throw new EntryError('verification failed for signature: no verifier matches it');
    return { signature: sig.toString('base64'), verifier: Buffer.from(pemOf(signer.raw)).toString('base64') };
  });
  signatures.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(Buffer.from(content.envelope)).toString('hex') },
      payloadHash: { algorithm: 'sha256', value: sha256(payload).toString('hex') },
      signatures,
    },
  };
  return Buffer.from(canonicalize(body)!);
}

/** `POST /api/v1/log/entries`: 201 with the entry, 400 `{code, message}` for an entry Rekor would refuse. */
export async function handleRekorEntries(log: TransparencyLog, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_ENTRY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { code: 413, message: 'entry too large' });
    throw err;
  }
  let body: Buffer;
  try {
    let proposed: unknown;
    try {
      proposed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new EntryError('request body is not valid JSON');
    }
    body = canonicalDsseBody(proposed);
  } catch (err) {
    if (err instanceof EntryError) return sendJson(res, 400, { code: 400, message: err.message });
    throw err;
  }
  sendJson(res, 201, log.append(body), 'Created');
}
