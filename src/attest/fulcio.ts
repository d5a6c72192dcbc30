/**
 * One Fulcio certificate per run. An ephemeral P-256 key is created in memory; Fulcio's `POST /api/v2/signingCert`
 * binds it to the job's identity after a proof of possession (the token's `sub` signed with the key). The
 * certificate lives ten minutes and every distribution of the run is signed with the same key under it, so N
 * distributions cost one OIDC token and one Fulcio request.
 *
 * Why not @sigstore/sign's FulcioSigner: it asks for a new token and certificate on every `sign()` (one per
 * distribution), and its transport re-posts the request body (which holds the JWT) on a 307/308 redirect. This
 * signer implements the same `Signer` interface, so @sigstore/sign's DSSE bundle builder uses it as it would its own.
 * API: https://github.com/sigstore/fulcio/blob/main/fulcio.proto (CreateSigningCertificate, v2 REST mapping).
 */
import { X509Certificate, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import type { Signature, Signer } from '@sigstore/sign';
import { AttestFailure } from './failure';
import type { IdentityToken } from './identity';
import { jsonBody, statusFailure, type Send } from './transport';

const SERVICE = 'Fulcio';

export interface SigningCertificate {
  /** The leaf, PEM: what goes into the bundle and the attestation. */
  readonly pem: string;
  readonly certificate: X509Certificate;
}

/** The run's key pair: never leaves this process. */
export function ephemeralKey(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export async function requestCertificate(fulcioUrl: string, identity: IdentityToken,
  key: { publicKey: KeyObject; privateKey: KeyObject }, send: Send): Promise<SigningCertificate> {
  const publicPem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const proof = sign('sha256', Buffer.from(String(identity.claims.sub), 'utf8'), key.privateKey);
  const reply = await send({
    service: SERVICE,
    method: 'POST',
    url: `${fulcioUrl}/api/v2/signingCert`,
    headers: { 'content-type': 'application/json', 'accept': 'application/json' },
    body: JSON.stringify({
      credentials: { oidcIdentityToken: identity.jwt },
      publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content: publicPem }, proofOfPossession: proof.toString('base64') },
    }),
  });
  if (reply.status !== 200 && reply.status !== 201) {
    throw statusFailure(reply, SERVICE, 'Fulcio refused a signing certificate',
      reply.status === 400 || reply.status === 401 || reply.status === 403
        ? 'Fulcio did not accept the job\'s identity token (is the OIDC issuer one Fulcio trusts?).'
        : 'No signing certificate was issued.');
  }
  return leafOf(jsonBody(reply, SERVICE), key.publicKey);
}

/** The first certificate of the chain (embedded or detached SCT), which must certify our own public key. */
function leafOf(body: unknown, publicKey: KeyObject): SigningCertificate {
  const garbage = (what: string) => new AttestFailure('sigstore', 'Unusable answer from Fulcio',
    `Fulcio answered without a usable signing certificate (${what}).`);
  const b = body as { signedCertificateEmbeddedSct?: Chain; signedCertificateDetachedSct?: Chain } | null;
  const pem = (b?.signedCertificateEmbeddedSct ?? b?.signedCertificateDetachedSct)?.chain?.certificates?.[0];
  if (typeof pem !== 'string') throw garbage('no certificate chain');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw garbage('the first certificate does not parse');
  }
  const ours = publicKey.export({ format: 'der', type: 'spki' });
  const theirs = certificate.publicKey.export({ format: 'der', type: 'spki' });
  if (!ours.equals(theirs)) throw garbage('the certificate is for another key');
  const now = Date.now();
  if (Date.parse(certificate.validFrom) > now + 60_000 || Date.parse(certificate.validTo) < now) {
    throw garbage(`the certificate is not valid now (${certificate.validFrom} to ${certificate.validTo})`);
  }
  return { pem: certificate.toString(), certificate };
}

interface Chain {
  chain?: { certificates?: unknown[] };
}

/** @sigstore/sign's `Signer`: sign with the run's key, present the run's certificate. */
export function certificateSigner(privateKey: KeyObject, cert: SigningCertificate): Signer {
  return {
    sign: async (data: Buffer): Promise<Signature> => ({
      signature: sign('sha256', data, privateKey),
      key: { $case: 'x509Certificate', certificate: cert.pem },
    }),
  };
}

/** The certificate's subject alternative name: the workflow that signed (`https://github.com/o/r/.github/workflows/x.yml@ref`). */
export function certificateIdentity(cert: SigningCertificate): string {
  return cert.certificate.subjectAltName?.replace(/^URI:/, '') ?? '?';
}
