/**
 * The emulated GitHub Actions OIDC issuer (token.actions.githubusercontent.com) on its own listener:
 * discovery, JWKS and the token endpoint a job reaches through ACTIONS_ID_TOKEN_REQUEST_URL.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { subjectOf } from './runner-claims';
import { epochSeconds } from '../clock';
import { sendJson } from '../http';
import { hasRequestToken, sendJwks, signIdToken, type ClaimSet, type IssuerState } from '../oidc/issuer-core';
import type { Route } from '../types';

export { generateIssuerKeys, type IssuerKeys, type IssuerState } from '../oidc/issuer-core';

/** GitHub's tokens live 5 minutes and are back-dated 5 minutes (nbf = iat - 300). */
const JWT_LIFETIME_SECONDS = 300;

export function oidcRouteOf(method: string, path: string): Route | undefined {
  if (method !== 'GET') return undefined;
  if (path === '/.well-known/openid-configuration') return 'oidc-discovery';
  if (path === '/.well-known/jwks') return 'jwks';
  if (path === '/token') return 'oidc-token';
  return undefined;
}

/** Sign a JWT for `audience` with the current runner claims, as GitHub would for this job. */
export async function issueJwt(state: IssuerState, audience: string): Promise<string> {
  const now = epochSeconds(state.clock);
  const standard: ClaimSet = {
    jti: randomUUID(),
    sub: subjectOf(state.claims()),
    aud: audience,
    iss: state.issuer,
    iat: now,
    nbf: now - JWT_LIFETIME_SECONDS,
    exp: now + JWT_LIFETIME_SECONDS,
  };
  return signIdToken(state, standard);
}

export async function handleOidc(state: IssuerState, route: Route, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  req.resume();
  if (route === 'oidc-discovery') {
    sendJson(res, 200, {
      issuer: state.issuer,
      jwks_uri: `${state.issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository', 'repository_id',
        'repository_owner', 'repository_owner_id', 'run_id', 'run_number', 'run_attempt', 'actor', 'actor_id',
        'workflow', 'workflow_ref', 'workflow_sha', 'head_ref', 'base_ref', 'event_name', 'ref_type', 'environment',
        'job_workflow_ref', 'job_workflow_sha', 'repository_visibility', 'runner_environment'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid'],
    });
    return;
  }
  if (route === 'jwks') {
    sendJwks(state, res);
    return;
  }
  if (!hasRequestToken(state, req)) {
    sendJson(res, 401, { message: 'Bad credentials: a valid ACTIONS_ID_TOKEN_REQUEST_TOKEN is required' });
    return;
  }
  const audience = url.searchParams.get('audience');
  if (!audience) {
    sendJson(res, 400, { message: 'audience query parameter is required' });
    return;
  }
  const value = await issueJwt(state, audience);
  sendJson(res, 200, { count: value.length, value });
}
