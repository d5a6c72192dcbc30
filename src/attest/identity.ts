/**
 * The job's identity for Fulcio: a GitHub OIDC token with audience `sigstore`, from the same endpoint the mint step
 * uses (ACTIONS_ID_TOKEN_REQUEST_URL, set only for jobs with `permissions: id-token: write`). The JWT is masked the
 * moment it arrives, checked locally (a JWT, audience `sigstore`, a subject, not expired) and only ever sent to
 * Fulcio. Its claims decide what the certificate says: repository, workflow file, ref (the publisher PyPI checks).
 */
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import type { JWTPayload } from 'jose';
// eslint-disable-next-line import/no-extraneous-dependencies
import { decodeJwt } from 'jose/jwt/decode';
import { addMask } from './commands';
import { AttestFailure, setupFailure } from './failure';
import type { Secrets } from './secrets';
import { jsonBody, statusFailure, type Send } from './transport';
import { idTokenFrom } from '../kit/gitlab-ci';
import { GITLAB_ID_TOKEN_VARIABLES } from '../pypi/gitlab';

export const SIGSTORE_AUDIENCE = 'sigstore';
const SERVICE = 'GitHub\'s OIDC token endpoint';

export interface IdentityToken {
  readonly jwt: string;
  readonly claims: JWTPayload;
}

export interface OidcRequest {
  readonly url: URL;
  readonly token: string;
}

type Env = Record<string, string | undefined>;

export function oidcRequest(env: Env, secrets: Secrets): OidcRequest {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) {
    throw setupFailure('No OIDC token available',
      'GitHub gave this job no way to request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL or ' +
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set). Signing needs `permissions: id-token: write` on the job; ' +
      'fork pull requests never get it.');
  }
  secrets.add(token);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw setupFailure('No OIDC token available', 'ACTIONS_ID_TOKEN_REQUEST_URL is not a URL.');
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && /^(127\.|localhost$|\[::1\]$)/.test(parsed.hostname))) {
    throw setupFailure('No OIDC token available', 'ACTIONS_ID_TOKEN_REQUEST_URL is not an https URL.');
  }
  return { url: parsed, token };
}

export async function requestIdentityToken(request: OidcRequest, send: Send, secrets: Secrets,
  emit: (line: string) => void): Promise<IdentityToken> {
  const url = new URL(request.url.href);
  url.searchParams.set('audience', SIGSTORE_AUDIENCE); // the URL already has ?api-version=...: add, never append '?'
  const reply = await send({
    service: SERVICE, method: 'GET', url: url.href, headers: { authorization: `bearer ${request.token}`, accept: 'application/json' },
  });
  if (reply.status !== 200) {
    throw statusFailure(reply, SERVICE, 'OIDC token request failed', 'No identity token for Sigstore was issued.');
  }
  const value = (jsonBody(reply, SERVICE) as { value?: unknown } | null)?.value;
  if (typeof value !== 'string' || value === '') {
    throw new AttestFailure('sigstore', 'OIDC token request failed', `${SERVICE} answered without a token.`);
  }
  emit(addMask(value));
  secrets.add(value);
  let claims: JWTPayload;
  try {
    claims = decodeJwt(value);
  } catch {
    throw new AttestFailure('sigstore', 'OIDC token request failed', `${SERVICE} answered with a value that is not a JWT.`);
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(SIGSTORE_AUDIENCE)) {
    throw new AttestFailure('sigstore', 'OIDC token has the wrong audience',
      `GitHub issued a token for audience ${JSON.stringify(claims.aud ?? null).slice(0, 80)} instead of 'sigstore'; ` +
      'it was not sent to Fulcio. A proxy or wrapper around ACTIONS_ID_TOKEN_REQUEST_URL dropped the audience.');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new AttestFailure('sigstore', 'OIDC token request failed', 'The OIDC token has no subject (sub) to prove possession of.');
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw new AttestFailure('sigstore', 'OIDC token request failed', 'GitHub issued an OIDC token that has already expired.', true);
  }
  return { jwt: value, claims };
}

/**
 * In a GitLab CI/CD job the token is already there: the `id_tokens` entry SIGSTORE_ID_TOKEN (`aud: sigstore`), signed
 * by GitLab when the job started. Checked like GitHub's; never printed (GitLab has no runtime masking, so no
 * `::add-mask::` either). Its claims put the project, the pipeline file and the ref in the certificate.
 */
export function gitlabIdentityToken(env: Env, secrets: Secrets): IdentityToken {
  const variable = GITLAB_ID_TOKEN_VARIABLES.sigstore;
  const value = idTokenFrom(env, variable);
  if (!value) {
    throw setupFailure('No ID token for Sigstore',
      `The job has no ${variable} variable. Signing needs an \`id_tokens\` entry with the audience sigstore on the ` +
      `publishing job:\n  id_tokens:\n    ${variable}:\n      aud: sigstore`);
  }
  secrets.add(value);
  let claims: JWTPayload;
  try {
    claims = decodeJwt(value);
  } catch {
    throw setupFailure('No ID token for Sigstore', `${variable} does not hold a JWT; it was not sent to Fulcio.`);
  }
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(SIGSTORE_AUDIENCE)) {
    throw setupFailure('ID token has the wrong audience',
      `${variable} is a token for audience ${JSON.stringify(claims.aud ?? null).slice(0, 80)}; it was not sent to Fulcio. ` +
      'Set `aud: sigstore` on that entry of the job\'s `id_tokens`.');
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw setupFailure('No ID token for Sigstore', `${variable} has no subject (sub) to prove possession of.`);
  }
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) {
    throw setupFailure('ID token expired', `${variable} expired before signing started (GitLab's ID tokens live as long as the job's timeout).`);
  }
  return { jwt: value, claims };
}

/** The workflow that will be named in the certificate, for the log: `owner/repo/.github/workflows/x.yml@ref`. */
export function signerIdentity(claims: JWTPayload): string {
  const ref = claims.job_workflow_ref;
  if (typeof claims.ci_config_ref_uri === 'string') return claims.ci_config_ref_uri;
  return typeof ref === 'string' ? ref : typeof claims.repository === 'string' ? claims.repository : claims.sub ?? '?';
}
