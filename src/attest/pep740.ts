/**
 * The PEP 740 shapes: the in-toto statement that is signed, its DSSE envelope (signed over DSSE's pre-authentication
 * encoding), and the attestation object PyPI receives, as pypi-attestations' `Attestation.from_bundle` builds it
 * (the DER certificate, the Rekor entry in Sigstore's protobuf JSON, the statement and the one DSSE signature). PEP
 * 740 has no field for an RFC 3161 timestamp, so the Rekor v1 entry (integrated time, signed entry timestamp,
 * inclusion proof) is the only time witness.
 * Spec: https://peps.python.org/pep-0740/, https://docs.pypi.org/attestations/ and
 * https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
 */
import { sign, type KeyObject } from 'node:crypto';

export const PUBLISH_PREDICATE_TYPE = 'https://docs.pypi.org/attestations/publish/v1';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
/** The DSSE payload type of an in-toto statement (what PyPI's verifier expects). */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** One subject, the distribution's file name and sha256; the publish predicate carries no content (`null`). */
export function publishStatement(fileName: string, sha256: string): Buffer {
  return Buffer.from(JSON.stringify({
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: fileName, digest: { sha256 } }],
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: null,
  }), 'utf8');
}

/** DSSE v1 pre-authentication encoding: what is actually signed. */
export function preAuthenticationEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export interface SignedStatement {
  readonly statement: Buffer;
  readonly signature: Buffer;
}

export function signStatement(statement: Buffer, privateKey: KeyObject): SignedStatement {
  return { statement, signature: sign('sha256', preAuthenticationEncoding(IN_TOTO_PAYLOAD_TYPE, statement), privateKey) };
}

/** The envelope as Sigstore's protobuf JSON writes it (an empty keyid is left out). */
export function envelopeJson(s: SignedStatement): { payload: string; payloadType: string; signatures: Array<{ sig: string }> } {
  return { payload: s.statement.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures: [{ sig: s.signature.toString('base64') }] };
}

/** A Rekor v1 entry in Sigstore's protobuf JSON (`TransparencyLogEntry`): 64-bit integers as strings, bytes as base64. */
export interface LogEntryJson {
  readonly logIndex: string;
  readonly logId: { readonly keyId: string };
  readonly kindVersion: { readonly kind: string; readonly version: string };
  readonly integratedTime: string;
  readonly inclusionPromise: { readonly signedEntryTimestamp: string };
  readonly inclusionProof: {
    readonly logIndex: string;
    readonly rootHash: string;
    readonly treeSize: string;
    readonly hashes: readonly string[];
    readonly checkpoint: { readonly envelope: string };
  };
  readonly canonicalizedBody: string;
}

export interface PublishAttestation {
  readonly version: 1;
  readonly verification_material: {
    /** base64 of the leaf certificate's DER */
    readonly certificate: string;
    readonly transparency_entries: readonly LogEntryJson[];
  };
  readonly envelope: {
    /** base64 of the statement's bytes, exactly as signed */
    readonly statement: string;
    /** base64 of the DSSE signature */
    readonly signature: string;
  };
}

export function toAttestation(certificateDer: Buffer, signed: SignedStatement, entry: LogEntryJson): PublishAttestation {
  return {
    version: 1,
    verification_material: { certificate: certificateDer.toString('base64'), transparency_entries: [entry] },
    envelope: { statement: signed.statement.toString('base64'), signature: signed.signature.toString('base64') },
  };
}

/** pypi-attestations `Attestation.to_bundle`: the v0.3 Sigstore bundle PyPI verifies. */
export function toBundleJson(a: PublishAttestation): Record<string, unknown> {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: a.verification_material.certificate },
      tlogEntries: [a.verification_material.transparency_entries[0]],
    },
    dsseEnvelope: {
      payload: a.envelope.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: a.envelope.signature, keyid: '' }],
    },
  };
}
