/**
 * The Fulcio stand-in: `POST /api/v2/signingCert` turns an OIDC token of the emulated GitHub issuer (audience
 * `sigstore`) or of the emulated GitLab issuer, and a proof of possession of a P-256 key into a short-lived code-signing certificate carrying
 * GitHub's (or GitLab's) Fulcio extensions (sigstore/fulcio docs/oid-info.md), with an embedded SCT from its own CT log.
 * Certificates and SCTs are made by @sigstore/mock's CA and CT log; the token checks, the claim mapping and the
 * errors (gRPC-gateway `{code, message}` bodies, as Fulcio answers) are the emulator's.
 */
import { createPublicKey, generateKeyPairSync, verify as verifySignature } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import { initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio';
import type { Clock } from '../clock';
import type { ClaimSet } from '../github-oidc/runner-claims';
import { GITLAB_ISSUER } from '../gitlab-oidc/job-claims';
import { BodyTooLargeError, readBody, sendJson } from '../http';
import { peekIssuer, verifySignedToken, type IssuerKeyRing } from '../pypi/verify';

const MAX_REQUEST_BYTES = 64 * 1024;

/** The audience sigstore clients ask GitHub for. */
export const SIGSTORE_AUDIENCE = 'sigstore';

/**
 * The issuer the certificates name. The emulator plays GitHub, so its Fulcio certifies its issuer's tokens under
 * GitHub's issuer URL, as real Fulcio certifies GitHub's: PyPI's and pypi-attestations' policies require it.
 */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const GITHUB = 'https://github.com';

type Ca = Awaited<ReturnType<typeof initializeCA>>;
type CtLog = Awaited<ReturnType<typeof initializeCTLog>>;

/** Fulcio's OIDs for a GitHub Actions token (1.3.6.1.4.1.57264.1.*), in OID order. */
export const FULCIO_OID = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  githubWorkflowTrigger: '1.3.6.1.4.1.57264.1.2',
  githubWorkflowSha: '1.3.6.1.4.1.57264.1.3',
  githubWorkflowName: '1.3.6.1.4.1.57264.1.4',
  githubWorkflowRepository: '1.3.6.1.4.1.57264.1.5',
  githubWorkflowRef: '1.3.6.1.4.1.57264.1.6',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  buildSignerDigest: '1.3.6.1.4.1.57264.1.10',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryIdentifier: '1.3.6.1.4.1.57264.1.15',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  sourceRepositoryOwnerIdentifier: '1.3.6.1.4.1.57264.1.17',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  buildConfigDigest: '1.3.6.1.4.1.57264.1.19',
  buildTrigger: '1.3.6.1.4.1.57264.1.20',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
  sourceRepositoryVisibility: '1.3.6.1.4.1.57264.1.22',
  deploymentEnvironment: '1.3.6.1.4.1.57264.1.23',
} as const;

interface Extension { oid: string; value: string; legacy?: boolean }

/** Fulcio's `github-workflow` mapping of claims to extensions; the SAN is the Build Signer URI. */
export function githubExtensions(claims: ClaimSet): { san: string; extensions: Extension[] } {
  const c = (name: string): string | undefined => (typeof claims[name] === 'string' && claims[name] !== '' ? claims[name] as string : undefined);
  const required = ['job_workflow_ref', 'repository', 'sha', 'ref', 'workflow_ref', 'event_name'];
  const missing = required.filter((name) => c(name) === undefined);
  if (missing.length > 0) throw new FulcioError(400, 3, `The identity token is missing required claims: ${missing.join(', ')}`);
  const ext: Extension[] = [];
  const add = (oid: string, value: string | undefined, legacy = false) => {
    if (value !== undefined) ext.push({ oid, value, legacy });
  };
  // Deprecated v1 extensions hold raw bytes; the rest are DER UTF8Strings.
  add(FULCIO_OID.issuerV1, GITHUB_ISSUER, true);
  add(FULCIO_OID.githubWorkflowTrigger, c('event_name'), true);
  add(FULCIO_OID.githubWorkflowSha, c('sha'), true);
  add(FULCIO_OID.githubWorkflowName, c('workflow'), true);
  add(FULCIO_OID.githubWorkflowRepository, c('repository'), true);
  add(FULCIO_OID.githubWorkflowRef, c('ref'), true);
  add(FULCIO_OID.issuer, GITHUB_ISSUER);
  const san = `${GITHUB}/${c('job_workflow_ref')}`;
  add(FULCIO_OID.buildSignerUri, san);
  add(FULCIO_OID.buildSignerDigest, c('job_workflow_sha'));
  add(FULCIO_OID.runnerEnvironment, c('runner_environment'));
  add(FULCIO_OID.sourceRepositoryUri, `${GITHUB}/${c('repository')}`);
  add(FULCIO_OID.sourceRepositoryDigest, c('sha'));
  add(FULCIO_OID.sourceRepositoryRef, c('ref'));
  add(FULCIO_OID.sourceRepositoryIdentifier, c('repository_id'));
  add(FULCIO_OID.sourceRepositoryOwnerUri, c('repository_owner') && `${GITHUB}/${c('repository_owner')}`);
  add(FULCIO_OID.sourceRepositoryOwnerIdentifier, c('repository_owner_id'));
  add(FULCIO_OID.buildConfigUri, `${GITHUB}/${c('workflow_ref')}`);
  add(FULCIO_OID.buildConfigDigest, c('workflow_sha'));
  add(FULCIO_OID.buildTrigger, c('event_name'));
  if (c('run_id') && c('run_attempt')) {
    add(FULCIO_OID.runInvocationUri, `${GITHUB}/${c('repository')}/actions/runs/${c('run_id')}/attempts/${c('run_attempt')}`);
  }
  add(FULCIO_OID.sourceRepositoryVisibility, c('repository_visibility'));
  return { san, extensions: ext };
}

/**
 * Fulcio's `gitlab-pipeline` mapping (config/identity/config.yaml), with `url` https://gitlab.com: the SAN, Build
 * Signer URI and Build Config URI are `https://<ci_config_ref_uri>`. Every claim a template names must be present
 * (Fulcio refuses the token otherwise); `environment` defaults to empty, and an empty extension is left out.
 */
export function gitlabExtensions(claims: ClaimSet): { san: string; extensions: Extension[] } {
  const c = (name: string): string | undefined => {
    const v = claims[name];
    if (typeof v === 'number') return String(v);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const required = ['ci_config_ref_uri', 'ci_config_sha', 'runner_environment', 'project_path', 'sha', 'ref_type', 'ref',
    'project_id', 'namespace_path', 'namespace_id', 'pipeline_source', 'job_id', 'project_visibility'];
  const missing = required.filter((name) => c(name) === undefined);
  if (missing.length > 0) throw new FulcioError(400, 3, `The identity token is missing required claims: ${missing.join(', ')}`);
  const ext: Extension[] = [];
  const add = (oid: string, value: string | undefined, legacy = false) => {
    if (value !== undefined && value !== '') ext.push({ oid, value, legacy });
  };
  const san = `https://${c('ci_config_ref_uri')}`;
  add(FULCIO_OID.issuerV1, GITLAB_ISSUER, true);
  add(FULCIO_OID.issuer, GITLAB_ISSUER);
  add(FULCIO_OID.buildSignerUri, san);
  add(FULCIO_OID.buildSignerDigest, c('ci_config_sha'));
  add(FULCIO_OID.runnerEnvironment, c('runner_environment'));
  add(FULCIO_OID.sourceRepositoryUri, `${GITLAB_ISSUER}/${c('project_path')}`);
  add(FULCIO_OID.sourceRepositoryDigest, c('sha'));
  add(FULCIO_OID.sourceRepositoryRef, `refs/${c('ref_type') === 'branch' ? 'heads/' : 'tags/'}${c('ref')}`);
  add(FULCIO_OID.sourceRepositoryIdentifier, c('project_id'));
  add(FULCIO_OID.sourceRepositoryOwnerUri, `${GITLAB_ISSUER}/${c('namespace_path')}`);
  add(FULCIO_OID.sourceRepositoryOwnerIdentifier, c('namespace_id'));
  add(FULCIO_OID.buildConfigUri, san);
  add(FULCIO_OID.buildConfigDigest, c('ci_config_sha'));
  add(FULCIO_OID.buildTrigger, c('pipeline_source'));
  add(FULCIO_OID.runInvocationUri, `${GITLAB_ISSUER}/${c('project_path')}/-/jobs/${c('job_id')}`);
  add(FULCIO_OID.sourceRepositoryVisibility, c('project_visibility'));
  add(FULCIO_OID.deploymentEnvironment, c('environment'));
  return { san, extensions: ext };
}

/** A Fulcio refusal: HTTP status and the gRPC code/message of its JSON body. */
export class FulcioError extends Error {
  constructor(readonly status: number, readonly code: number, message: string) {
    super(message);
  }
}

export interface FulcioContext {
  readonly clock: Clock;
  readonly keys: IssuerKeyRing;
  isKnownIssuer(iss: string): boolean;
  /** The emulator's GitLab issuer (its tokens are certified as gitlab.com's). */
  isGitlabIssuer(iss: string): boolean;
}

/** The CA: a self-signed root (the whole chain a verifier needs) and a CT log for the SCTs. */
export class CertificateAuthority {
  static async create(clock: Clock): Promise<CertificateAuthority> {
    // The mock CA and CT log read the time from this Date; it is set to the emulator clock before each issue.
    const now = new Date(clock.now());
    const ctLog = await initializeCTLog(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), now);
    const ca = await initializeCA(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), ctLog, now);
    return new CertificateAuthority(ca, ctLog, now);
  }

  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly ca: Ca, readonly ctLog: CtLog, private readonly now: Date) {}

  get rootDer(): Buffer {
    return Buffer.from(this.ca.rootCertificate.buffer, this.ca.rootCertificate.byteOffset, this.ca.rootCertificate.byteLength);
  }

  /** Issue one certificate at emulator time `atMs` (one at a time: the shared Date is the mock's clock). */
  issue(publicKeyDer: Buffer, san: string, extensions: Extension[], atMs: number): Promise<Buffer> {
    const run = this.queue.then(async () => {
      this.now.setTime(atMs);
      const cert = await this.ca.issueCertificate({ publicKey: new Uint8Array(publicKeyDer), subjectAltName: san, extensions });
      return Buffer.from(cert.buffer, cert.byteOffset, cert.byteLength);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

interface SigningCertRequest {
  credentials?: { oidcIdentityToken?: unknown };
  publicKeyRequest?: { publicKey?: { algorithm?: unknown; content?: unknown }; proofOfPossession?: unknown };
}

/** Fulcio's checks: token (signature, issuer, audience `sigstore`, time), public key, proof of possession of `sub`. */
async function certificateFor(ctx: FulcioContext, ca: CertificateAuthority, request: SigningCertRequest): Promise<Buffer> {
  const jwt = request.credentials?.oidcIdentityToken;
  if (typeof jwt !== 'string' || jwt === '') throw new FulcioError(400, 3, 'The request must include an identity token');
  const peeked = peekIssuer(jwt, (iss) => ctx.isKnownIssuer(iss));
  if (!('issuer' in peeked)) throw new FulcioError(401, 16, 'There was an error processing the identity token');
  const verified = await verifySignedToken(jwt, { issuer: peeked.issuer, audience: SIGSTORE_AUDIENCE, nowMs: ctx.clock.now(), keys: ctx.keys });
  if (!('claims' in verified)) throw new FulcioError(401, 16, 'There was an error processing the identity token');
  const claims = verified.claims as ClaimSet;

  const pem = request.publicKeyRequest?.publicKey?.content;
  if (typeof pem !== 'string') throw new FulcioError(400, 3, 'The public key supplied in the request could not be parsed');
  let publicKeyDer: Buffer;
  let key;
  try {
    key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('not P-256');
    publicKeyDer = key.export({ format: 'der', type: 'spki' });
  } catch {
    throw new FulcioError(400, 3, 'The public key supplied in the request could not be parsed');
  }
  // The proof of possession is the key's signature over the token's subject (Fulcio: `sub` for CI issuers).
  const pop = request.publicKeyRequest?.proofOfPossession;
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (typeof pop !== 'string' || !verifySignature('sha256', Buffer.from(subject), key, Buffer.from(pop, 'base64'))) {
    throw new FulcioError(400, 3, 'The signature supplied in the request could not be verified');
  }
  const { san, extensions } = ctx.isGitlabIssuer(peeked.issuer) ? gitlabExtensions(claims) : githubExtensions(claims);
  return ca.issue(publicKeyDer, san, extensions, ctx.clock.now());
}

/** `POST /api/v2/signingCert`: 201 with the leaf and the root, both PEM, the SCT embedded in the leaf. */
export async function handleSigningCert(ctx: FulcioContext, ca: CertificateAuthority, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    let raw: Buffer;
    try {
      raw = await readBody(req, MAX_REQUEST_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new FulcioError(413, 3, 'request too large');
      throw err;
    }
    let request: SigningCertRequest;
    try {
      request = JSON.parse(raw.toString('utf8')) as SigningCertRequest;
    } catch {
      throw new FulcioError(400, 3, 'The request body is not valid JSON');
    }
    if (typeof request !== 'object' || request === null) throw new FulcioError(400, 3, 'The request body is not valid JSON');
    const leaf = await certificateFor(ctx, ca, request);
    sendJson(res, 201, { signedCertificateEmbeddedSct: { chain: { certificates: [toPem(leaf), toPem(ca.rootDer)] } } }, 'Created');
  } catch (err) {
    if (err instanceof FulcioError) return sendJson(res, err.status, { code: err.code, message: err.message, details: [] });
    throw err;
  }
}

/** `GET /api/v2/trustBundle`: the chains this CA issues under. */
export function handleTrustBundle(ca: CertificateAuthority, res: ServerResponse): void {
  sendJson(res, 200, { chains: [{ certificates: [toPem(ca.rootDer)] }] });
}
