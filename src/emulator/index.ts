/**
 * The loopback emulator of PyPI (audience, mint-token, /legacy/ upload, /simple/, the Integrity API), of GitHub's
 * OIDC issuer, and of the Sigstore services a publish job signs with (Fulcio, Rekor), on three listeners. `startEmulator()` is the programmatic API; `cli.ts` wraps it for the command line.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createClock, epochSeconds, type Clock } from './clock';
import { validateConfig } from './config';
import { FaultQueue } from './faults';
import { generateIssuerKeys, handleOidc, oidcRouteOf, type IssuerState } from './github-oidc/issuer';
import { runnerClaimsFrom, type ClaimSet } from './github-oidc/runner-claims';
import { GITLAB_PREFIX, gitlabRouteOf, handleGitlabOidc, issueGitlabIdToken, type GitlabIssuerState } from './gitlab-oidc/issuer';
import { gitlabJobClaimsFrom } from './gitlab-oidc/job-claims';
import { closeServer, createRoutedServer, listen, sendText } from './http';
import { normalizeProjectName } from './names';
import { IndexStore, newTokenValue } from './pypi/index-store';
import { handleIntegrity } from './pypi/integrity';
import { handleAudience, handleMint, type MintContext } from './pypi/mint';
import { PublisherRegistry } from './pypi/publishers';
import { handleSimple } from './pypi/simple';
import { handleUpload, type UploadContext } from './pypi/upload';
import { IssuerKeyRing } from './pypi/verify';
import { createSigstore, handleSigstore, sigstoreRouteOf, type TrustedRootJson } from './sigstore';
import { AttestationVerifier } from './sigstore/attestation';
import type {
  EmulatorConfig, Fault, GitlabJobClaims, GitlabPublisherConfig, PendingGitlabPublisherConfig, PendingPublisherConfig, PublisherConfig,
  RequestRecord, Route, RunnerClaims, UploadRecord,
} from './types';

export * from './types';
export { EmulatorConfigError, validateConfig } from './config';
export { normalizeProjectName } from './names';

export interface Emulator {
  /** Index root, e.g. http://127.0.0.1:P (serves /_/oidc/audience, /_/oidc/mint-token, /legacy/, /simple/). */
  readonly pypiUrl: string;
  readonly uploadUrl: string;
  readonly simpleUrl: string;
  readonly oidc: { readonly issuer: string; readonly requestUrl: string; readonly requestToken: string };
  /**
   * The GitLab issuer (it stands for https://gitlab.com): `idTokenUrl?aud=X` with `authorization: bearer
   * <oidc.requestToken>` answers `{"value": <jwt>}`, the JWT a GitLab runner would put in an `id_tokens` variable.
   */
  readonly gitlab: { readonly issuer: string; readonly idTokenUrl: string };
  /** The Sigstore stand-ins: Fulcio and Rekor base URLs (one listener) and the trusted root that verifies them. */
  readonly sigstore: { readonly fulcioUrl: string; readonly rekorUrl: string; readonly trustedRootUrl: string; trustedRoot(): TrustedRootJson };
  readonly clock: Clock;
  readonly faults: { inject(route: Route, ...faults: Fault[]): void; clear(): void };
  /** One `id_tokens` entry for `audience`, signed with the current GitLab job claims. */
  issueGitlabIdToken(audience: string): Promise<string>;
  /** Patch the GitLab job claims of the ID tokens issued from now on (undefined removes a claim), until reset. */
  setGitlabJobClaims(patch: Partial<GitlabJobClaims> & Record<string, unknown>): void;
  resetGitlabJobClaims(): void;
  addGitlabPublisher(p: GitlabPublisherConfig): void;
  addPendingGitlabPublisher(p: PendingGitlabPublisherConfig): void;
  /**
   * Patch the claims of the JWTs issued from now on; a key set to undefined removes that claim (standard ones
   * like `iat` or `aud` included). Patches accumulate until `resetRunnerClaims()`.
   */
  setRunnerClaims(patch: Partial<RunnerClaims> & Record<string, unknown>): void;
  /** Back to the claims of the config (defaults merged with `config.runner`). */
  resetRunnerClaims(): void;
  addPublisher(p: PublisherConfig): void;
  addPendingPublisher(p: PendingPublisherConfig): void;
  addProject(name: string): void;
  /** A project-scoped API token, as a maintainer makes one on PyPI: it uploads, but not through trusted publishing. */
  addApiToken(projects: string[]): string;
  /**
   * Serve each file accepted from now on `seconds` after its upload (simple index, file route, Integrity API), as
   * PyPI's CDN does with a new release; 0 serves at once. Files already accepted follow the new delay too.
   */
  setVisibilityDelay(seconds: number): void;
  /** Switch trusted publishing on or off at run time. */
  setTrustedPublishing(enabled: boolean): void;
  issuedSecrets(): string[];
  uploads(): UploadRecord[];
  requests(route?: Route): RequestRecord[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Called with every JWT and `pypi-` token the emulator issues (tests register them with the leak scanner). */
  onSecret?(secret: string): void;
}

const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

function pypiRouteOf(_method: string, path: string): Route | undefined {
  if (path === '/_/oidc/audience') return 'audience';
  if (path === '/_/oidc/mint-token' || path === '/_/oidc/github/mint-token') return 'mint-token';
  if (path === '/legacy/' || path === '/legacy') return 'upload';
  if (path.startsWith('/simple/') || path === '/simple' || path.startsWith('/files/')) return 'simple';
  if (path.startsWith('/integrity/')) return 'integrity';
  return undefined;
}

export async function startEmulator(config?: EmulatorConfig, options: StartOptions = {}): Promise<Emulator> {
  const cfg = validateConfig(config ?? {});
  const host = cfg.host ?? '127.0.0.1';
  const clock = createClock();
  const faults = new FaultQueue();
  const log: RequestRecord[] = [];
  const secrets: string[] = [];
  const onIssued = (secret: string) => {
    secrets.push(secret);
    options.onSecret?.(secret);
  };
  const store = new IndexStore(() => epochSeconds(clock));
  store.visibilityDelaySeconds = cfg.visibilityDelaySeconds ?? 0;
  const registry = new PublisherRegistry(() => epochSeconds(clock));
  (cfg.projects ?? []).forEach((p) => store.addProject(p));
  (cfg.publishers ?? []).forEach((p) => registry.add(p));
  (cfg.pendingPublishers ?? []).forEach((p) => registry.addPending(p));
  (cfg.gitlabPublishers ?? []).forEach((p) => registry.addGitlab(p));
  (cfg.pendingGitlabPublishers ?? []).forEach((p) => registry.addPendingGitlab(p));
  const configuredJob = gitlabJobClaimsFrom(cfg.gitlabJob ?? {}) as unknown as ClaimSet;
  let job: ClaimSet = configuredJob;
  const configuredClaims = runnerClaimsFrom(cfg.runner ?? {}) as unknown as ClaimSet;
  // Keys whose value is undefined stay in the set: they remove that claim (even a standard one) at issue time.
  let claims: ClaimSet = configuredClaims;
  let trustedPublishing = cfg.trustedPublishing ?? true;
  const ctx = { clock, faults, log };

  // The issuer's URL holds its port, known only once it listens; handlers read `issuerState` at request time.
  const issuerState: IssuerState = {
    issuer: '',
    keys: await generateIssuerKeys(),
    requestToken: cfg.requestToken ?? randomBytes(24).toString('base64url'),
    clock,
    claims: () => claims,
    onIssued,
  };
  const gitlabState: GitlabIssuerState = {
    issuer: '',
    keys: await generateIssuerKeys(),
    requestToken: issuerState.requestToken,
    clock,
    claims: () => job,
    onIssued,
  };
  const oidcServer = createRoutedServer(ctx, (method, path) => gitlabRouteOf(method, path) ?? oidcRouteOf(method, path),
    (route, req, res, url) => (url.pathname.startsWith(`${GITLAB_PREFIX}/`)
      ? handleGitlabOidc(gitlabState, route, req, res, url) : handleOidc(issuerState, route, req, res, url)));
  const oidcPort = await listen(oidcServer, host, cfg.oidcPort ?? 0);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  issuerState.issuer = `http://${hostInUrl}:${oidcPort}`;
  gitlabState.issuer = `${issuerState.issuer}${GITLAB_PREFIX}`;
  const extraIssuers = new Set((cfg.extraIssuers ?? []).map((u) => u.replace(/\/$/, '')));

  const mintCtx: MintContext = {
    clock,
    store,
    registry,
    keys: new IssuerKeyRing(),
    audience: () => cfg.audience ?? 'pypi',
    trustedPublishing: () => trustedPublishing,
    isKnownIssuer: (iss) => iss === issuerState.issuer || iss === gitlabState.issuer || extraIssuers.has(iss),
    isGitlabIssuer: (iss) => iss === gitlabState.issuer,
    tokenLifetimeSeconds: cfg.tokenLifetimeSeconds ?? 900,
    onIssued,
  };
  const sigstore = await createSigstore(clock);
  const fulcioCtx = { clock, keys: mintCtx.keys, isKnownIssuer: mintCtx.isKnownIssuer, isGitlabIssuer: mintCtx.isGitlabIssuer };
  const sigstoreServer = createRoutedServer(ctx, sigstoreRouteOf, (route, req, res) => handleSigstore(sigstore, fulcioCtx, route, req, res));
  let sigstorePort: number;
  try {
    sigstorePort = await listen(sigstoreServer, host, cfg.sigstorePort ?? 0);
  } catch (err) {
    await closeServer(oidcServer);
    throw err;
  }
  const sigstoreUrl = `http://${hostInUrl}:${sigstorePort}`;
  sigstore.setBaseUrl(sigstoreUrl);

  const uploadCtx: UploadContext = {
    clock,
    store,
    maxUploadBytes: cfg.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    attestations: new AttestationVerifier(sigstore.trustedRoot()),
  };

  const pypiServer = createRoutedServer(ctx, pypiRouteOf, async (route: Route, req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (route === 'audience') return handleAudience(mintCtx, req, res);
    if (route === 'mint-token') {
      if (req.method !== 'POST') return methodNotAllowed(req, res);
      return handleMint(mintCtx, req, res);
    }
    if (route === 'upload') return handleUpload(uploadCtx, req, res, url);
    if (route === 'integrity') return handleIntegrity(store, req, res, url);
    return handleSimple(store, req, res, url);
  });
  let pypiPort: number;
  try {
    pypiPort = await listen(pypiServer, host, cfg.pypiPort ?? 0);
  } catch (err) {
    await Promise.all([closeServer(oidcServer), closeServer(sigstoreServer)]);
    throw err;
  }
  const pypiUrl = `http://${hostInUrl}:${pypiPort}`;

  return {
    pypiUrl,
    uploadUrl: `${pypiUrl}/legacy/`,
    simpleUrl: `${pypiUrl}/simple/`,
    oidc: {
      issuer: issuerState.issuer,
      requestUrl: `${issuerState.issuer}/token?api-version=2.0`,
      requestToken: issuerState.requestToken,
    },
    gitlab: { issuer: gitlabState.issuer, idTokenUrl: `${gitlabState.issuer}/id_token` },
    issueGitlabIdToken: (audience) => issueGitlabIdToken(gitlabState, audience),
    setGitlabJobClaims: (patch) => {
      job = { ...job, ...patch };
    },
    resetGitlabJobClaims: () => {
      job = configuredJob;
    },
    addGitlabPublisher: (p) => registry.addGitlab(validateConfig({ gitlabPublishers: [p] }).gitlabPublishers![0]),
    addPendingGitlabPublisher: (p) => registry.addPendingGitlab(validateConfig({ pendingGitlabPublishers: [p] }).pendingGitlabPublishers![0]),
    sigstore: {
      fulcioUrl: sigstoreUrl,
      rekorUrl: sigstoreUrl,
      trustedRootUrl: `${sigstoreUrl}/trusted_root.json`,
      trustedRoot: () => sigstore.trustedRoot(),
    },
    clock,
    faults: { inject: (route, ...f) => faults.inject(route, ...f), clear: () => faults.clear() },
    setRunnerClaims: (patch) => {
      claims = { ...claims, ...patch };
    },
    resetRunnerClaims: () => {
      claims = configuredClaims;
    },
    addPublisher: (p) => registry.add(validateConfig({ publishers: [p] }).publishers![0]),
    addPendingPublisher: (p) => registry.addPending(validateConfig({ pendingPublishers: [p] }).pendingPublishers![0]),
    addProject: (name) => {
      store.addProject(name);
    },
    addApiToken: (projects) => {
      const value = newTokenValue();
      store.tokens.set(value, { projects: new Set(projects.map(normalizeProjectName)), expiresAt: Number.MAX_SAFE_INTEGER });
      onIssued(value);
      return value;
    },
    setVisibilityDelay: (seconds) => {
      if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`visibility delay: expected an integer >= 0, got ${seconds}`);
      store.visibilityDelaySeconds = seconds;
    },
    setTrustedPublishing: (enabled) => {
      trustedPublishing = enabled;
    },
    issuedSecrets: () => [...secrets],
    uploads: () => store.uploadLog.map((f) => ({
      project: f.project,
      version: f.version,
      filename: f.filename,
      sha256: f.sha256,
      size: f.content.length,
      ...(f.provenance ? { provenance: f.provenance } : {}),
    })),
    requests: (route) => log.filter((r) => route === undefined || r.route === route).map((r) => ({ ...r })),
    close: async () => {
      await Promise.all([closeServer(pypiServer), closeServer(oidcServer), closeServer(sigstoreServer)]);
    },
  };
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendText(res, 405, 'Method Not Allowed', '405 Method Not Allowed');
}
