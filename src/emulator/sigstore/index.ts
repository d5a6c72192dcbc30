/**
 * The emulator's Sigstore: Fulcio and Rekor stand-ins on one loopback listener, and the trusted root a verifier
 * needs to check what they sign (the same JSON document sigstore's TUF repository serves as
 * `trusted_root.json`, with this CA, this CT log and this transparency log in it).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock';
import { sendJson, sendText } from '../http';
import type { Route } from '../types';
import { CertificateAuthority, handleSigningCert, handleTrustBundle, type FulcioContext } from './fulcio';
import { handleRekorEntries, TransparencyLog } from './rekor';

export { GITHUB_ISSUER, SIGSTORE_AUDIENCE, FULCIO_OID } from './fulcio';

/** `application/vnd.dev.sigstore.trustedroot+json;version=0.1`, in its protobuf JSON form. */
export type TrustedRootJson = Record<string, unknown>;

export interface SigstoreServices {
  readonly ca: CertificateAuthority;
  readonly log: TransparencyLog;
  /** Set once the listener's URL is known (the log's checkpoints name its host). */
  setBaseUrl(url: string): void;
  trustedRoot(): TrustedRootJson;
}

export async function createSigstore(clock: Clock): Promise<SigstoreServices> {
  const ca = await CertificateAuthority.create(clock);
  const log = new TransparencyLog(clock);
  const start = new Date(clock.now() - 60_000).toISOString();
  let baseUrl = '';
  return {
    ca,
    log,
    setBaseUrl: (url) => {
      baseUrl = url;
      log.setOrigin(new URL(url).host);
    },
    trustedRoot: () => {
      const ctKey = Buffer.from(ca.ctLog.publicKey);
      return {
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [{
          baseUrl,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: log.publicKeyDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: log.logId.toString('base64') },
        }],
        certificateAuthorities: [{
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: baseUrl,
          certChain: { certificates: [{ rawBytes: ca.rootDer.toString('base64') }] },
          validFor: { start },
        }],
        ctlogs: [{
          baseUrl,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: ctKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: createHash('sha256').update(ctKey).digest('base64') },
        }],
        timestampAuthorities: [],
      };
    },
  };
}

export function sigstoreRouteOf(method: string, path: string): Route | undefined {
  if (path === '/api/v2/signingCert' && method === 'POST') return 'fulcio';
  if (path === '/api/v2/trustBundle' && method === 'GET') return 'fulcio';
  if (path === '/api/v1/log/entries' && method === 'POST') return 'rekor';
  if (path === '/api/v1/log/publicKey' && method === 'GET') return 'rekor';
  if (path === '/trusted_root.json' && method === 'GET') return 'trusted-root';
  return undefined;
}

export async function handleSigstore(services: SigstoreServices, fulcio: FulcioContext, route: Route,
  req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (route === 'fulcio') {
    if (req.method === 'GET') {
      req.resume();
      return handleTrustBundle(services.ca, res);
    }
    return handleSigningCert(fulcio, services.ca, req, res);
  }
  if (route === 'rekor') {
    if (req.method === 'GET') {
      req.resume();
      const pem = `-----BEGIN PUBLIC KEY-----\n${(services.log.publicKeyDer.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END PUBLIC KEY-----\n`;
      return sendText(res, 200, 'OK', pem, 'application/x-pem-file');
    }
    return handleRekorEntries(services.log, req, res);
  }
  req.resume();
  sendJson(res, 200, services.trustedRoot());
}
