/**
 * Step 2 of the exchange: ask GitHub for an OIDC token (a JWT) for the index's audience. The `audience` parameter
 * is added to the query ACTIONS_ID_TOKEN_REQUEST_URL already has (it carries `?api-version=2.0`; appending a second
 * `?` is the bug that gave `id` 1.6.0 tokens with the wrong `aud`). The JWT is masked the moment it is read and its
 * `aud` is checked locally before it is sent anywhere.
 */
import { Claims, claimText, decodeClaims } from './claims';
import { ActionFailure } from './errors';
import { HttpSend } from './http';
import { requireSecureUrl } from './index-url';
import { Redactor } from './redact';
import { jsonMember, unexpectedStatus } from './response';
import { addMask } from './workflow-commands';

export interface OidcToken {
  readonly jwt: string;
  readonly claims: Claims;
}

export interface OidcRequestConfig {
  readonly requestUrl: URL;
  readonly requestToken: string;
}

type Env = Record<string, string | undefined>;

/** The runner sets both variables only when the job has `id-token: write` (and never for fork pull requests). */
export function oidcRequestConfig(env: Env): OidcRequestConfig | undefined {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) return undefined;
  const fail = (message: string) => new ActionFailure('oidc-request-failed', 'Unusable ACTIONS_ID_TOKEN_REQUEST_URL', message);
  return { requestUrl: requireSecureUrl(url, 'ACTIONS_ID_TOKEN_REQUEST_URL', fail), requestToken: token };
}

export function audienceRequestUrl(base: URL, audience: string): URL {
  const url = new URL(base.href);
  url.searchParams.set('audience', audience);
  return url;
}

export async function requestOidcToken(config: OidcRequestConfig, audience: string, send: HttpSend,
  emit: (line: string) => void, redactor: Redactor): Promise<OidcToken> {
  const target = 'GitHub\'s OIDC token endpoint';
  const res = await send({
    method: 'GET',
    url: audienceRequestUrl(config.requestUrl, audience),
    headers: { authorization: `bearer ${config.requestToken}` },
    target,
  });
  if (res.status !== 200) {
    throw unexpectedStatus(res, 'oidc-request-failed', 'OIDC token request failed',
      (retryable) => `${target} answered HTTP ${res.status}${retryable ? '' : '; the runner refused to issue an OIDC token for this job'}.`);
  }
  const value = jsonMember(res.body, 'value');
  if (typeof value !== 'string' || value === '') {
    throw new ActionFailure('oidc-invalid-response', 'Invalid OIDC token response',
      `${target} answered 200 without a string \`value\` in a JSON body; no OIDC token was issued.`);
  }
  // Mask before anything else can print it, then keep it out of every message we build.
  emit(addMask(value));
  redactor.add(value);
  const claims = decodeClaims(value);
  if (!claims) {
    throw new ActionFailure('oidc-invalid-response', 'Invalid OIDC token response',
      `${target} returned a value that is not a JWT; it was not sent anywhere.`);
  }
  const aud = claims.aud;
  if (aud !== audience) {
    throw new ActionFailure('oidc-wrong-audience', 'OIDC token has the wrong audience',
      `GitHub issued a token for audience ${claimText(claims, 'aud') ?? 'MISSING'} instead of '${audience}'. ` +
      'It was not sent to the index. This happens when ACTIONS_ID_TOKEN_REQUEST_URL is rewritten by a proxy or ' +
      'a wrapper that drops the audience parameter.');
  }
  return { jwt: value, claims };
}
