/**
 * The PyPI side of trusted publishing: `GET /_/oidc/audience` and `POST /_/oidc/mint-token` (plus the legacy
 * alias `/_/oidc/github/mint-token`), with warehouse's checks in warehouse's order and its 422 bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { epochSeconds, type Clock } from '../clock';
import { BodyTooLargeError, readBody, sendJson } from '../http';
import { normalizeProjectName } from '../names';
import { matchGitlabPublisher } from './gitlab-publishers';
import { newTokenValue, type IndexStore } from './index-store';
import { matchPublisher, type PublisherRegistry } from './publishers';
import { peekIssuer, verifySignedToken, type IssuerKeyRing } from './verify';
import type { ClaimSet } from '../github-oidc/runner-claims';

const MAX_MINT_BODY_BYTES = 64 * 1024;

export interface MintContext {
  readonly clock: Clock;
  readonly store: IndexStore;
  readonly registry: PublisherRegistry;
  readonly keys: IssuerKeyRing;
  readonly tokenLifetimeSeconds: number;
  audience(): string;
  trustedPublishing(): boolean;
  isKnownIssuer(iss: string): boolean;
  /** The emulator's GitLab issuer: its tokens go to the GitLab publishers. */
  isGitlabIssuer(iss: string): boolean;
  onIssued(secret: string): void;
}

export type MintOutcome =
  | { ok: true; token: string; expires: number; projects: string[] }
  | { ok: false; code: string; description: string };

export function handleAudience(ctx: MintContext, req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  if (!ctx.trustedPublishing()) {
    sendJson(res, 403, { message: 'Trusted publishing functionality not enabled' });
    return;
  }
  sendJson(res, 200, { audience: ctx.audience() });
}

export async function handleMint(ctx: MintContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_MINT_BODY_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return refuse(res, { code: 'invalid-payload', description: 'payload too large' });
    throw err;
  }
  const outcome = await mintFromBody(ctx, body.toString('utf8'));
  if (!outcome.ok) return refuse(res, outcome);
  sendJson(res, 200, { success: true, token: outcome.token, expires: outcome.expires });
}

function refuse(res: ServerResponse, failure: { code: string; description: string }): void {
  sendJson(res, 422, { message: 'Token request failed', errors: [{ code: failure.code, description: failure.description }] });
}

/** The body PyPI validates with pydantic: `{"token": <str>}`. The message imitates pydantic's, never quoting input. */
function tokenFromBody(body: string): string | { description: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { description: '1 validation error for TokenPayload\n  Invalid JSON [type=json_invalid]' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { description: '1 validation error for TokenPayload\n  Input should be an object [type=model_type]' };
  }
  const token = (parsed as Record<string, unknown>).token;
  if (token === undefined) return { description: '1 validation error for TokenPayload\ntoken\n  Field required [type=missing]' };
  if (typeof token !== 'string') return { description: '1 validation error for TokenPayload\ntoken\n  Input should be a valid string [type=string_type]' };
  return token;
}

/** The whole exchange, in warehouse's order (warehouse/oidc/views.py, mint_token and its helpers). */
export async function mintFromBody(ctx: MintContext, body: string): Promise<MintOutcome> {
  const token = tokenFromBody(body);
  if (typeof token !== 'string') return { ok: false, code: 'invalid-payload', description: token.description };

  const peeked = peekIssuer(token, (iss) => ctx.isKnownIssuer(iss));
  if (!('issuer' in peeked)) return { ok: false, ...peeked };
  const gitlab = ctx.isGitlabIssuer(peeked.issuer);
  if (!ctx.trustedPublishing()) {
    return { ok: false, code: 'not-enabled', description: `${gitlab ? 'gitlab' : 'github'} trusted publishing functionality not enabled` };
  }

  const verified = await verifySignedToken(token, { issuer: peeked.issuer, audience: ctx.audience(), nowMs: ctx.clock.now(), keys: ctx.keys });
  if (!('claims' in verified)) return { ok: false, code: verified.code, description: verified.description };
  const claims = verified.claims as ClaimSet;
  const jti = typeof claims.jti === 'string' ? claims.jti : '';
  if (gitlab) return mintForGitlab(ctx, peeked.issuer, claims, jti);

  // A pending publisher that matches either fails (its project exists) or becomes a normal publisher now.
  const pending = matchPublisher(claims, ctx.registry.pending);
  if ('publisher' in pending && !(jti && ctx.store.isUsedJti(peeked.issuer, jti))) {
    if (ctx.store.hasProject(pending.publisher.project)) {
      return { ok: false, code: 'invalid-pending-publisher', description: 'valid token, but project already exists' };
    }
    ctx.store.addProject(pending.publisher.project);
    ctx.registry.reify(pending.publisher);
  }

  if (jti && ctx.store.isUsedJti(peeked.issuer, jti)) {
    return { ok: false, code: 'invalid-reuse-token', description: 'invalid token: already used' };
  }
  const match = matchPublisher(claims, ctx.registry.publishers);
  if (!('publisher' in match)) {
    return { ok: false, code: 'invalid-publisher', description: `valid token, but no corresponding publisher (${match.reason})` };
  }
  if (!ctx.store.useJti(peeked.issuer, jti, Number(claims.exp))) {
    return { ok: false, code: 'invalid-reuse-token', description: 'invalid token: already used' };
  }

  const projects = ctx.registry.projectsTrusting(match.publisher).map(normalizeProjectName);
  const value = newTokenValue();
  const expires = epochSeconds(ctx.clock) + ctx.tokenLifetimeSeconds;
  const { owner, repository, workflow, environment } = match.publisher;
  ctx.store.tokens.set(value, {
    projects: new Set(projects),
    expiresAt: expires,
    publisher: { kind: 'GitHub', identity: { repository: `${owner}/${repository}`, workflow, environment: environment || null } },
  });
  ctx.onIssued(value);
  return { ok: true, token: value, expires, projects };
}

/** The same exchange for a GitLab token (warehouse `GitLabPublisher`): pending publishers first, then reuse, then the match. */
function mintForGitlab(ctx: MintContext, issuer: string, claims: ClaimSet, jti: string): MintOutcome {
  const used = () => jti !== '' && ctx.store.isUsedJti(issuer, jti);
  const pending = matchGitlabPublisher(claims, ctx.registry.pendingGitlab);
  if ('publisher' in pending && !used()) {
    if (ctx.store.hasProject(pending.publisher.pypiProject)) {
      return { ok: false, code: 'invalid-pending-publisher', description: 'valid token, but project already exists' };
    }
    ctx.store.addProject(pending.publisher.pypiProject);
    ctx.registry.reifyGitlab(pending.publisher);
  }
  if (used()) return { ok: false, code: 'invalid-reuse-token', description: 'invalid token: already used' };
  const match = matchGitlabPublisher(claims, ctx.registry.gitlab);
  if (!('publisher' in match)) {
    return { ok: false, code: 'invalid-publisher', description: `valid token, but no corresponding publisher (${match.reason})` };
  }
  if (!ctx.store.useJti(issuer, jti, Number(claims.exp))) {
    return { ok: false, code: 'invalid-reuse-token', description: 'invalid token: already used' };
  }
  const projects = ctx.registry.projectsTrustingGitlab(match.publisher).map(normalizeProjectName);
  const value = newTokenValue();
  const expires = epochSeconds(ctx.clock) + ctx.tokenLifetimeSeconds;
  const { namespace, project, workflowFilepath, environment } = match.publisher;
  ctx.store.tokens.set(value, {
    projects: new Set(projects),
    expiresAt: expires,
    publisher: { kind: 'GitLab', identity: { repository: `${namespace}/${project}`, workflow_filepath: workflowFilepath, environment: environment || null } },
  });
  ctx.onIssued(value);
  return { ok: true, token: value, expires, projects };
}
