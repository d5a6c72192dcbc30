/**
 * PEP 740 attestations as PyPI checks them (pypi-attestations `Attestation.verify`, called by warehouse
 * `attestations/services.py`): the object's shape, its conversion to a Sigstore bundle, the Sigstore
 * verification (certificate chain and SCT, transparency-log inclusion, DSSE signature; @sigstore/verify against a
 * trusted root), the Trusted Publisher identity policy, and the in-toto statement against the distribution.
 * Messages follow pypi-attestations' wording; the Sigstore part reports @sigstore/verify's reasons.
 */
/* eslint-disable import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild */
import { eq as sameVersion, valid as validVersion } from '@renovatebot/pep440';
import { bundleFromJSON } from '@sigstore/bundle';
import { ASN1Obj, X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial } from '@sigstore/verify';
/* eslint-enable import/no-extraneous-dependencies */
import { normalizeProjectName } from '../names';
import { FULCIO_OID, GITHUB_ISSUER } from './fulcio';
import { GITLAB_ISSUER } from '../gitlab-oidc/job-claims';

export const PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** pypi-attestations `AttestationType`: the predicate types PyPI knows. */
export const ATTESTATION_TYPES: readonly string[] = [SLSA_PROVENANCE_V1, PUBLISH_V1];
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

/** The PEP 740 attestation object. */
export interface Attestation {
  version: 1;
  verification_material: { certificate: string; transparency_entries: Array<Record<string, unknown>> };
  envelope: { statement: string; signature: string };
}

/** PEP 740 provenance: what the Integrity API serves for a file. */
export interface Provenance {
  version: 1;
  attestation_bundles: Array<{ publisher: ProvenancePublisher; attestations: Attestation[] }>;
}

/** The publisher of a provenance bundle, as pypi-attestations serialises it (`kind` and the identity's fields). */
export type ProvenancePublisher = (GitHubPublisherIdentity & { kind: 'GitHub' }) | (GitLabPublisherIdentity & { kind: 'GitLab' });

/** A trusted publisher's attestation identity (warehouse `attestation_identity`), tagged with its kind. */
export type AttestationPublisher =
  | { readonly kind: 'GitHub'; readonly identity: GitHubPublisherIdentity }
  | { readonly kind: 'GitLab'; readonly identity: GitLabPublisherIdentity };

/** A publisher as the index stores it, as a provenance bundle names it, or a bare GitHub identity. */
function asAttestationPublisher(p: AttestationPublisher | ProvenancePublisher | GitHubPublisherIdentity): AttestationPublisher {
  if ('identity' in p) return p;
  if ('kind' in p && p.kind === 'GitLab') return { kind: 'GitLab', identity: p };
  return { kind: 'GitHub', identity: p as GitHubPublisherIdentity };
}

/** pypi-attestations `GitLabPublisher`: the identity warehouse's GitLab publisher attests as. */
export interface GitLabPublisherIdentity {
  /** `namespace/project` (subgroups included). */
  readonly repository: string;
  /** The top-level pipeline file's path, e.g. `.gitlab-ci.yml`. */
  readonly workflow_filepath: string;
  readonly environment: string | null;
}

/** pypi-attestations `GitHubPublisher`: the identity warehouse's GitHub publisher attests as. */
export interface GitHubPublisherIdentity {
  /** `owner/name`. */
  readonly repository: string;
  /** The workflow file name, e.g. `release.yml`. */
  readonly workflow: string;
  readonly environment: string | null;
}

/** A refusal of the list or of one attestation, in pypi-attestations'/warehouse's words. */
export class AttestationError extends Error {}
/** pypi-attestations `VerificationError`: the message starts `Verification failed: `. */
export class VerificationFailed extends AttestationError {
  constructor(message: string) {
    super(`Verification failed: ${message}`);
  }
}
/** pypi-attestations `ConversionError`: the attestation does not make a Sigstore bundle. */
export class ConversionFailed extends AttestationError {}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64Field(value: unknown, at: string): string {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw new AttestationError(`Malformed attestations: ${at}: expected base64 data`);
  }
  return value;
}

/** pydantic's `list[Attestation]` validation, reduced to the fields that matter (extra fields are ignored, as there). */
export function parseAttestations(json: string): Attestation[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AttestationError('Malformed attestations: invalid JSON');
  }
  if (!Array.isArray(value)) throw new AttestationError('Malformed attestations: expected a list of attestation objects');
  return value.map((item, i) => {
    const a = item as Partial<Record<keyof Attestation, unknown>> | null;
    if (typeof a !== 'object' || a === null || Array.isArray(a)) throw new AttestationError(`Malformed attestations: ${i}: expected an object`);
    if (a.version !== 1) throw new AttestationError(`Malformed attestations: ${i}.version: input should be 1`);
    const vm = a.verification_material as Record<string, unknown> | undefined;
    const env = a.envelope as Record<string, unknown> | undefined;
    if (typeof vm !== 'object' || vm === null) throw new AttestationError(`Malformed attestations: ${i}.verification_material: field required`);
    if (typeof env !== 'object' || env === null) throw new AttestationError(`Malformed attestations: ${i}.envelope: field required`);
    const entries = vm.transparency_entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.some((e) => typeof e !== 'object' || e === null || Array.isArray(e))) {
      throw new AttestationError(`Malformed attestations: ${i}.verification_material.transparency_entries: expected at least one entry object`);
    }
    return {
      version: 1,
      verification_material: {
        certificate: base64Field(vm.certificate, `${i}.verification_material.certificate`),
        transparency_entries: entries as Array<Record<string, unknown>>,
      },
      envelope: {
        statement: base64Field(env.statement, `${i}.envelope.statement`),
        signature: base64Field(env.signature, `${i}.envelope.signature`),
      },
    };
  });
}

/** pypi-attestations `Attestation.to_bundle`: a v0.3 Sigstore bundle with one DSSE signature and the first entry. */
export function toBundleJson(attestation: Attestation): Record<string, unknown> {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: { rawBytes: attestation.verification_material.certificate },
      tlogEntries: [attestation.verification_material.transparency_entries[0]],
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: attestation.envelope.signature, keyid: '' }],
    },
  };
}

/** A verifier for one trusted root (the emulator's own, or Sigstore's production root for real artifacts). */
export class AttestationVerifier {
  private readonly trust: TrustMaterial;

  constructor(trustedRoot: unknown) {
    this.trust = toTrustMaterial(TrustedRoot.fromJSON(trustedRoot));
  }

  /**
   * Verify one attestation for a distribution (file name and sha256) and a (GitHub or GitLab) Trusted Publisher; returns the
   * predicate type. Throws VerificationFailed (pypi-attestations' `Verification failed: ...`) or ConversionFailed.
   */
  verify(attestation: Attestation, trustedPublisher: AttestationPublisher | ProvenancePublisher | GitHubPublisherIdentity,
    distribution: { name: string; sha256: string }): string {
    const publisher = asAttestationPublisher(trustedPublisher);
    const fail = (message: string) => new VerificationFailed(message);
    let entity;
    let certificate: X509Certificate;
    try {
      entity = toSignedEntity(bundleFromJSON(toBundleJson(attestation)));
      certificate = X509Certificate.parse(Buffer.from(attestation.verification_material.certificate, 'base64'));
    } catch (err) {
      throw new ConversionFailed(`invalid attestation: ${(err as Error).message}`);
    }
    try {
      new Verifier(this.trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 }).verify(entity);
    } catch (err) {
      throw fail((err as Error).message);
    }
    checkProofRootHash(attestation.verification_material.transparency_entries[0], fail);
    if (publisher.kind === 'GitLab') checkGitLabPolicy(certificate, publisher.identity, fail);
    else checkGitHubPolicy(certificate, publisher.identity, fail);

    let statement: { _type?: unknown; subject?: unknown; predicateType?: unknown };
    try {
      statement = JSON.parse(Buffer.from(attestation.envelope.statement, 'base64').toString('utf8'));
      if (statement?._type !== IN_TOTO_STATEMENT_V1 || !Array.isArray(statement.subject) || typeof statement.predicateType !== 'string') {
        throw new Error('not an in-toto v1 statement');
      }
    } catch (err) {
      throw fail(`invalid statement: ${(err as Error).message}`);
    }
    const subjects = statement.subject as Array<{ name?: unknown; digest?: Record<string, unknown> }>;
    if (subjects.length !== 1) throw fail('too many subjects in statement (must be exactly one)');
    const subject = subjects[0];
    if (typeof subject?.name !== 'string' || subject.name === '') throw fail('invalid subject: missing name');
    const parsedSubject = parseDistFilename(subject.name);
    if (parsedSubject === undefined) throw fail(`invalid subject: unknown distribution format: ${subject.name}`);
    const parsedDist = parseDistFilename(distribution.name);
    if (parsedDist === undefined || !sameDistribution(parsedSubject, parsedDist)) {
      throw fail(`subject does not match distribution name: ${subject.name} != ${distribution.name}`);
    }
    if (subject.digest?.sha256 !== distribution.sha256) throw fail('subject does not match distribution digest');
    if (!ATTESTATION_TYPES.includes(statement.predicateType as string)) {
      throw fail(`unknown attestation type: ${String(statement.predicateType)}`);
    }
    return statement.predicateType as string;
  }
}

/**
 * sigstore-python's `_verify_inclusion_proof`: the root hash the inclusion proof states must be the one its Merkle
 * path leads to. @sigstore/verify compares the path with the checkpoint's root hash only and never reads the proof's
 * own `rootHash`, so an entry whose proof names another root passes it; pypi-attestations refuses it. The path's
 * root equals the checkpoint's once @sigstore/verify has passed, so the checkpoint's stands for it here.
 */
function checkProofRootHash(entry: Record<string, unknown>, fail: (m: string) => Error): void {
  const proof = entry.inclusionProof as { rootHash?: unknown; checkpoint?: { envelope?: unknown } } | undefined;
  const stated = typeof proof?.rootHash === 'string' ? Buffer.from(proof.rootHash, 'base64').toString('hex') : '';
  const envelope = typeof proof?.checkpoint?.envelope === 'string' ? proof.checkpoint.envelope : '';
  const calculated = Buffer.from(envelope.split('\n')[2] ?? '', 'base64').toString('hex');
  if (stated !== calculated) throw fail(`inclusion proof contains invalid root hash: expected ${stated}, calculated ${calculated}`);
}

/** The text of a Fulcio extension whose value is a DER UTF8String (every one from 1.3.6.1.4.1.57264.1.8 on). */
export function utf8Extension(certificate: X509Certificate, oid: string): string | undefined {
  const ext = certificate.extension(oid);
  if (!ext) return undefined;
  try {
    const inner = ASN1Obj.parseBuffer(Buffer.from(ext.valueObj.value));
    return inner.tag.number === 0x0c ? inner.value.toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * pypi-attestations `_GitHubTrustedPublisherPolicy`: issuer GitHub, Source Repository URI the publisher's
 * repository, and Build Config URI `https://github.com/<repository>/.github/workflows/<workflow>@<ref or sha>`
 * with the ref or sha the certificate itself names.
 */
function checkGitHubPolicy(certificate: X509Certificate, publisher: GitHubPublisherIdentity, fail: (m: string) => Error): void {
  // sigstore-python's policy classes name themselves in their messages: OIDCIssuerV2, OIDCSourceRepositoryURI.
  const single = (name: string, oid: string, expected: string) => {
    const value = utf8Extension(certificate, oid);
    if (value === undefined) throw fail(`Certificate does not contain ${name} (${oid}) extension`);
    if (value !== expected) throw fail(`Certificate's ${name} does not match (got ${value}, expected ${expected})`);
  };
  single('OIDCIssuerV2', FULCIO_OID.issuer, GITHUB_ISSUER);
  single('OIDCSourceRepositoryURI', FULCIO_OID.sourceRepositoryUri, `https://github.com/${publisher.repository}`);
  const buildConfigUri = utf8Extension(certificate, FULCIO_OID.buildConfigUri);
  const suffixes = [FULCIO_OID.sourceRepositoryDigest, FULCIO_OID.sourceRepositoryRef]
    .map((oid) => utf8Extension(certificate, oid)).filter((s): s is string => s !== undefined);
  if (suffixes.length === 0) throw fail('Certificate must contain either Source Repository Digest or Source Repository Ref');
  const expected = suffixes.map((s) => `https://github.com/${publisher.repository}/.github/workflows/${publisher.workflow}@${s}`);
  if (buildConfigUri === undefined) throw fail(`Certificate does not contain Build Config URI (${FULCIO_OID.buildConfigUri}) extension`);
  if (!expected.includes(buildConfigUri)) {
    throw fail(`Certificate's Build Config URI (${pythonExtensionRepr(certificate, FULCIO_OID.buildConfigUri)}) does not match expected ` +
      `Trusted Publisher (${publisher.workflow} @ ${publisher.repository})`);
  }
}

/**
 * pypi-attestations `_GitLabTrustedPublisherPolicy`: issuer GitLab, Source Repository URI
 * `https://gitlab.com/<repository>`, and Build Config URI `https://gitlab.com/<repository>//<file>@<sha or ref>` with
 * the certificate's own Source Repository Digest or Ref.
 */
function checkGitLabPolicy(certificate: X509Certificate, publisher: GitLabPublisherIdentity, fail: (m: string) => Error): void {
  const single = (name: string, oid: string, expected: string) => {
    const value = utf8Extension(certificate, oid);
    if (value === undefined) throw fail(`Certificate does not contain ${name} (${oid}) extension`);
    if (value !== expected) throw fail(`Certificate's ${name} does not match (got ${value}, expected ${expected})`);
  };
  single('OIDCIssuerV2', FULCIO_OID.issuer, GITLAB_ISSUER);
  single('OIDCSourceRepositoryURI', FULCIO_OID.sourceRepositoryUri, `${GITLAB_ISSUER}/${publisher.repository}`);
  const need = (oid: string) => {
    const value = utf8Extension(certificate, oid);
    // cryptography's get_extension_for_oid raises ExtensionNotFound
    if (value === undefined) throw fail(`No <ObjectIdentifier(oid=${oid}, name=Unknown OID)> extension was found`);
    return value;
  };
  const buildConfigUri = need(FULCIO_OID.buildConfigUri);
  const suffixes = [need(FULCIO_OID.sourceRepositoryDigest), need(FULCIO_OID.sourceRepositoryRef)];
  if (!suffixes.some((s) => buildConfigUri === `${GITLAB_ISSUER}/${publisher.repository}//${publisher.workflow_filepath}@${s}`)) {
    throw fail(`Certificate's Build Config URI (${pythonExtensionRepr(certificate, FULCIO_OID.buildConfigUri)}) does not match expected ` +
      `Trusted Publisher (${publisher.workflow_filepath} @ ${publisher.repository})`);
  }
}

/**
 * How pypi-attestations prints the extension in that message (Python's repr of cryptography's `Extension`), so the
 * emulator's refusal reads like PyPI's, e.g. `<Extension(oid=<ObjectIdentifier(oid=1.3.6.1.4.1.57264.1.18, ...`.
 */
function pythonExtensionRepr(certificate: X509Certificate, oid: string): string {
  const der = Buffer.from(certificate.extension(oid)!.valueObj.value);
  const bytes = [...der].map((b) => {
    if (b === 0x5c) return '\\\\';
    if (b === 0x27) return "\\'";
    if (b === 0x09) return '\\t';
    if (b === 0x0a) return '\\n';
    if (b === 0x0d) return '\\r';
    return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }).join('');
  const id = `<ObjectIdentifier(oid=${oid}, name=Unknown OID)>`;
  return `<Extension(oid=${id}, critical=False, value=<UnrecognizedExtension(oid=${id}, value=b'${bytes}')>)>`;
}

/** What packaging's `parse_wheel_filename` / `parse_sdist_filename` make of a distribution file name. */
export interface DistName {
  readonly kind: 'wheel' | 'sdist';
  /** canonicalized (PEP 503) */
  readonly name: string;
  readonly version: string;
  /** wheels: the build tag and the tag set, compressed sets expanded (order-free) */
  readonly build?: string;
  readonly tags?: string;
}

/**
 * pypi-attestations `_check_dist_filename`: the distribution a file name stands for, or undefined when it is not a
 * well-formed wheel, `.tar.gz` or `.zip` name (or its version is not PEP 440).
 */
export function parseDistFilename(filename: string): DistName | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    const [name, version] = parts;
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/.test(name) || !validVersion(version)) return undefined;
    const [python, abi, platform] = parts.slice(-3).map((t) => t.split('.'));
    const tags = python.flatMap((p) => abi.flatMap((a) => platform.map((pl) => `${p}-${a}-${pl}`.toLowerCase()))).sort();
    return { kind: 'wheel', name: normalizeProjectName(name), version, build: parts.length === 6 ? parts[2] : '', tags: [...new Set(tags)].join(' ') };
  }
  const ext = ['.tar.gz', '.zip'].find((e) => filename.endsWith(e));
  if (!ext) return undefined;
  const stem = filename.slice(0, -ext.length);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0 || !validVersion(stem.slice(dash + 1))) return undefined;
  return { kind: 'sdist', name: normalizeProjectName(stem.slice(0, dash)), version: stem.slice(dash + 1) };
}

/** Equal as packaging compares the parsed tuples: Version objects compare by PEP 440 (`1.0` == `1.0.0`). */
export function sameDistribution(a: DistName, b: DistName): boolean {
  return a.kind === b.kind && a.name === b.name && sameVersion(a.version, b.version) && a.build === b.build && a.tags === b.tags;
}
