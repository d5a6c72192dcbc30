/**
 * The emulated GitLab OIDC issuer (gitlab.com), under `/gitlab` on the OIDC listener: discovery, its key set
 * (`/oauth/discovery/keys`, as gitlab.com publishes it), and `GET /gitlab/id_token?aud=...`, which stands in for
 * the runner: GitLab has no request endpoint, it signs one JWT per `id_tokens` entry when the job starts and puts
 * it in the job's variables. The rehearsal and the tests call it once per entry (bearer: the request token).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gitlabSubjectOf } from './job-claims';
import { epochSeconds } from '../clock';
import { sendJson } from '../http';
import { hasRequestToken, sendJwks, signIdToken, type ClaimSet, type IssuerState } from '../oidc/issuer-core';
import type { Route } from '../types';

/** Path prefix of the GitLab issuer on the OIDC listener. */
export const GITLAB_PREFIX = '/gitlab';
/** gitlab.com's ID tokens live as long as the job may run (default timeout 1 h) and are back-dated 5 s. */
const ID_TOKEN_LIFETIME_SECONDS = 3600;

export function gitlabRouteOf(method: string, path: string): Route | undefined {
  if (method !== 'GET' || !path.startsWith(`${GITLAB_PREFIX}/`)) return undefined;
  const rest = path.slice(GITLAB_PREFIX.length);
  if (rest === '/.well-known/openid-configuration') return 'oidc-discovery';
  if (rest === '/oauth/discovery/keys') return 'jwks';
  if (rest === '/id_token') return 'gitlab-id-token';
  return undefined;
}

/** The GitLab issuer's state: the shared issuer core's (its own key, the same request token). */
export type GitlabIssuerState = IssuerState;

/** One `id_tokens` entry: a JWT for `audience` with the job's claims, as the runner receives it. */
export async function issueGitlabIdToken(state: GitlabIssuerState, audience: string): Promise<string> {
  const now = epochSeconds(state.clock);
  const standard: ClaimSet = {
    jti: randomUUID(),
    iss: state.issuer,
    iat: now,
    nbf: now - 5,
    exp: now + ID_TOKEN_LIFETIME_SECONDS,
    sub: gitlabSubjectOf(state.claims()),
    aud: audience,
  };
  return signIdToken(state, standard);
}

export async function handleGitlabOidc(state: GitlabIssuerState, route: Route, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  req.resume();
  if (route === 'oidc-discovery') {
    sendJson(res, 200, {
      issuer: state.issuer,
      jwks_uri: `${state.issuer}/oauth/discovery/keys`,
      response_types_supported: ['code', 'token', 'id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'namespace_id', 'namespace_path', 'project_id',
        'project_path', 'user_id', 'user_login', 'user_email', 'pipeline_id', 'pipeline_source', 'job_id', 'ref',
        'ref_type', 'ref_path', 'ref_protected', 'environment', 'environment_protected', 'deployment_tier',
        'runner_id', 'runner_environment', 'sha', 'project_visibility', 'ci_config_ref_uri', 'ci_config_sha'],
    });
    return;
  }
  if (route === 'jwks') {
    sendJwks(state, res);
    return;
  }
  if (!hasRequestToken(state, req)) {
    sendJson(res, 401, { message: '401 Unauthorized: the emulator\'s request token is required' });
    return;
  }
  const audience = url.searchParams.get('aud');
  if (!audience) {
    sendJson(res, 400, { message: 'aud query parameter is required (the id_tokens entry\'s aud)' });
    return;
  }
  sendJson(res, 200, { value: await issueGitlabIdToken(state, audience) });
}
