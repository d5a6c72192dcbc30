/**
 * One Fulcio certificate per run. An ephemeral P-256 key is created in memory; Fulcio's `POST /api/v2/signingCert`
 * binds it to the job's identity after a proof of possession (the token's `sub` signed with the key). The
 * certificate lives ten minutes and every distribution of the run is signed with the same key under it, so N
 * distributions cost one OIDC token and one Fulcio request. Before anything is signed, the certificate must be
 * for our key, valid now, and name the identity the job's token claims (`certifiedIdentity`): a Fulcio that
 * certifies another repository or workflow is refused, not quoted.
 * API: https://github.com/sigstore/fulcio/blob/main/fulcio.proto (CreateSigningCertificate, v2 REST mapping).
 */
import { X509Certificate as NodeCertificate, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import { ASN1Obj, X509Certificate } from '@sigstore/core';
import { failures } from './messages';
import { parseJsonBody, retryAfterMs, isTransientStatus, serverSaid, type HttpSend } from '../kit/http';
import { claimText, type OidcToken } from '../kit/oidc';
import { Redactor } from '../kit/redact';
import { GITLAB_ISSUER } from '../pypi/gitlab';

export interface SigningCertificate {
  /** The leaf, PEM: what goes into the Rekor entry. */
  readonly pem: string;
  /** The leaf, DER: what goes into the attestation. */
  readonly der: Buffer;
  readonly validTo: Date;
  /** The identity it certifies (its SAN URI), checked against the token's claims. */
  readonly identity: string;
}

export interface EphemeralKey {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** The run's key pair: never leaves this process. */
export function ephemeralKey(): EphemeralKey {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export async function requestCertificate(fulcioUrl: string, token: OidcToken, key: EphemeralKey, send: HttpSend,
  redactor: Redactor): Promise<SigningCertificate> {
  const publicPem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const proof = sign('sha256', Buffer.from(String(token.claims.sub), 'utf8'), key.privateKey);
  const res = await send({
    method: 'POST',
    url: new URL(`${fulcioUrl}/api/v2/signingCert`),
    target: 'Fulcio',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      credentials: { oidcIdentityToken: token.jwt },
      publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: publicPem }, proofOfPossession: proof.toString('base64') },
    }),
  });
  if (res.status !== 200 && res.status !== 201) {
    throw failures.fulcioStatus(res.status, serverSaid(res, redactor), isTransientStatus(res.status), retryAfterMs(res.headers));
  }
  const body = parseJsonBody(res.body);
  if (body === undefined) throw failures.fulcioGarbage(failures.fulcioWhy.notJson);
  return leafOf(body, key.publicKey);
}

/** The first certificate of the chain (embedded or detached SCT), which must certify our own public key, now. */
function leafOf(body: unknown, publicKey: KeyObject): SigningCertificate {
  const why = failures.fulcioWhy;
  const b = body as { signedCertificateEmbeddedSct?: Chain; signedCertificateDetachedSct?: Chain } | null;
  const pem = (b?.signedCertificateEmbeddedSct ?? b?.signedCertificateDetachedSct)?.chain?.certificates?.[0];
  if (typeof pem !== 'string') throw failures.fulcioGarbage(why.noChain);
  let certificate: NodeCertificate;
  try {
    certificate = new NodeCertificate(pem);
  } catch {
    throw failures.fulcioGarbage(why.unparseable);
  }
  const ours = publicKey.export({ format: 'der', type: 'spki' });
  const theirs = certificate.publicKey.export({ format: 'der', type: 'spki' });
  if (!ours.equals(theirs)) throw failures.fulcioGarbage(why.otherKey);
  const now = Date.now();
  const from = Date.parse(certificate.validFrom);
  const to = Date.parse(certificate.validTo);
  if (from > now + 60_000 || to < now) throw failures.fulcioGarbage(why.notValidNow(certificate.validFrom, certificate.validTo));
  const identity = (certificate.subjectAltName ?? '').replace(/^URI:/, '');
  return { pem: certificate.toString(), der: certificate.raw, validTo: new Date(to), identity };
}

interface Chain {
  chain?: { certificates?: unknown[] };
}

export const FULCIO_OID = {
  issuer: '1.3.6.1.4.1.57264.1.8',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
} as const;

const GITHUB = 'https://github.com';

/**
 * What Fulcio must certify for this token (its GitHub mapping, or its GitLab one for GitLab's issuer): the SAN and the four extensions PyPI's policy reads,
 * the issuer being the one the token's source names (GitHub's, which the emulator also plays from a loopback URL).
 */
export function expectedIdentity(claims: OidcToken['claims'], issuer: string): Array<{ field: keyof typeof failures.identityFields; oid?: string; value: string }> {
  const c = (name: string) => claimText(claims, name) ?? '';
  if (issuer === GITLAB_ISSUER) {
    // Fulcio's gitlab-pipeline mapping: SAN and Build Config URI are https://<ci_config_ref_uri>
    const config = `https://${c('ci_config_ref_uri')}`;
    return [
      { field: 'san', value: config },
      { field: 'issuer', oid: FULCIO_OID.issuer, value: issuer },
      { field: 'repository', oid: FULCIO_OID.sourceRepositoryUri, value: `${issuer}/${c('project_path')}` },
      { field: 'ref', oid: FULCIO_OID.sourceRepositoryRef, value: `refs/${c('ref_type') === 'branch' ? 'heads' : 'tags'}/${c('ref')}` },
      { field: 'workflow', oid: FULCIO_OID.buildConfigUri, value: config },
    ];
  }
  return [
    { field: 'san', value: `${GITHUB}/${c('job_workflow_ref')}` },
    { field: 'issuer', oid: FULCIO_OID.issuer, value: issuer },
    { field: 'repository', oid: FULCIO_OID.sourceRepositoryUri, value: `${GITHUB}/${c('repository')}` },
    { field: 'ref', oid: FULCIO_OID.sourceRepositoryRef, value: c('ref') },
    { field: 'workflow', oid: FULCIO_OID.buildConfigUri, value: `${GITHUB}/${c('workflow_ref')}` },
  ];
}

/** Refuses a certificate whose identity is not the one the job's token claims; returns the certified SAN. */
export function requireCertifiedIdentity(cert: SigningCertificate, claims: OidcToken['claims'], issuer: string): string {
  const parsed = X509Certificate.parse(Buffer.from(cert.der));
  for (const want of expectedIdentity(claims, issuer)) {
    const got = want.oid === undefined ? cert.identity : utf8Extension(parsed, want.oid);
    if (got !== want.value) throw failures.identityMismatch(failures.identityFields[want.field], got, want.value);
  }
  return cert.identity;
}

/** The text of a Fulcio extension whose value is a DER UTF8String (every one from 1.3.6.1.4.1.57264.1.8 on). */
function utf8Extension(certificate: X509Certificate, oid: string): string | undefined {
  const ext = certificate.extension(oid);
  if (!ext) return undefined;
  try {
    const inner = ASN1Obj.parseBuffer(Buffer.from(ext.valueObj.value));
    return inner.tag.number === 0x0c ? inner.value.toString('utf8') : undefined;
  } catch {
    return undefined;
  }
}
