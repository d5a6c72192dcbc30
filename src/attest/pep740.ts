/**
 * The PEP 740 shapes: the in-toto statement that is signed, and the attestation object PyPI receives, built from
 * a Sigstore bundle the way pypi-attestations' `Attestation.from_bundle` builds it (the DER certificate, the Rekor
 * entry in Sigstore's protobuf JSON, the statement and the one DSSE signature). PEP 740 has no field for an RFC 3161
 * timestamp, so the Rekor v1 entry (integrated time, promise, inclusion proof) is the only time witness.
 * Spec: https://peps.python.org/pep-0740/ and https://docs.pypi.org/attestations/
 */
// bundled into attest/index.cjs by esbuild: devDependencies on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import { Bundle } from '@sigstore/protobuf-specs';
// eslint-disable-next-line import/no-extraneous-dependencies
import type { DSSEBundleBuilder } from '@sigstore/sign';

/** The bundle @sigstore/sign's DSSE builder makes (its own @sigstore/bundle major, named through the builder). */
export type DsseBundle = Awaited<ReturnType<DSSEBundleBuilder['create']>>;
export type LogEntry = DsseBundle['verificationMaterial']['tlogEntries'][number];

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

export interface PublishAttestation {
  readonly version: 1;
  readonly verification_material: {
    /** base64 of the leaf certificate's DER */
    readonly certificate: string;
    /** one Rekor v1 entry, Sigstore protobuf JSON (logIndex, logId, kindVersion, integratedTime, inclusionPromise, inclusionProof, canonicalizedBody) */
    readonly transparency_entries: unknown[];
  };
  readonly envelope: {
    /** base64 of the statement's bytes, exactly as signed */
    readonly statement: string;
    /** base64 of the DSSE signature */
    readonly signature: string;
  };
}

export function toAttestation(bundle: DsseBundle): PublishAttestation {
  // Sigstore's protobuf JSON: bytes as base64, 64-bit integers as strings (what the `bundleToJSON` of @sigstore/bundle does)
  const json = Bundle.toJSON(bundle) as {
    verificationMaterial: { certificate?: { rawBytes: string }; tlogEntries: unknown[] };
    dsseEnvelope?: { payload: string; signatures: Array<{ sig: string }> };
  };
  const certificate = json.verificationMaterial.certificate?.rawBytes;
  const entries = json.verificationMaterial.tlogEntries;
  const envelope = json.dsseEnvelope;
  if (!certificate || entries.length !== 1 || !envelope || envelope.signatures.length !== 1) {
    // our own bundle, built with one certificate, one signature and one witness: this is a programming error
    throw new Error('bundle is not a single-certificate, single-signature, single-entry DSSE bundle');
  }
  return {
    version: 1,
    verification_material: { certificate, transparency_entries: [entries[0]] },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig },
  };
}
