/**
 * The job's OIDC token (a JWT), from a pluggable source: GitHub's token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL,
 * set only for jobs with `permissions: id-token: write`), or any other source a CI system offers (an `id_token`
 * variable, say). Whatever the source, the value is kept out of every message at once, masked in the log only once
 * it decodes as a JWT (masking any string a server chose, `e` say, would blank that text in the rest of the job's
 * log), and its `aud` is checked locally before it is sent anywhere.
 *
 * Its claims are decoded without a signature check: the receiving service verifies it; a step only reads it to
 * check `aud`, to compare what a service certified with what was asked for, and to explain failures.
 */
// bundled by esbuild: a devDependency on purpose, never a runtime dependency of the package
// eslint-disable-next-line import/no-extraneous-dependencies
import { decodeJwt } from 'jose/jwt/decode';
import type { Printer } from './commands';
import type { Env, StepFailure } from './failure';
import { jsonMember, unexpectedStatus, type HttpSend } from './http';
import { requireSecureUrl, type UrlWords } from './inputs';
import { Redactor } from './redact';

export type Claims = Readonly<Record<string, unknown>>;

/** GitHub Actions' OIDC issuer: what PyPI's GitHub publisher and Fulcio's GitHub mapping name. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** Where a step gets its OIDC token from. `token` returns the raw value, not yet trusted. */
export interface OidcSource {
  /** Names the source in messages. */
  readonly name: string;
  /** The issuer this CI system's tokens are certified under (Fulcio's OIDC issuer extension). */
  readonly issuer: string;
  token(audience: string): Promise<string>;
}

/** How a step words each way getting the token can fail. */
export interface OidcWords<F extends StepFailure> {
  readonly url: UrlWords;
  status(target: string, status: number, retryable: boolean, details: { retryAfterMs?: number }): F;
  noValue(target: string): F;
  notAJwt(target: string): F;
  wrongAudience(got: string | undefined, wanted: string): F;
  unusableUrl(message: string): F;
}

export const GITHUB_OIDC_ENDPOINT = 'GitHub\'s OIDC token endpoint';
export const GITHUB_OIDC_VARIABLES = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'] as const;

export interface GitHubOidcRequest {
  readonly requestUrl: URL;
  readonly requestToken: string;
}

/** The runner sets both variables only when the job has `id-token: write` (and never for fork pull requests). */
export function githubOidcRequest<F extends StepFailure>(env: Env, words: OidcWords<F>): GitHubOidcRequest | undefined {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) return undefined;
  return { requestUrl: requireSecureUrl(url, 'ACTIONS_ID_TOKEN_REQUEST_URL', words.unusableUrl, words.url), requestToken: token };
}

/** The variables of GitHub's OIDC request that are not set (both, one, or none). */
export const missingGithubOidcVariables = (env: Env) => GITHUB_OIDC_VARIABLES.filter((n) => !env[n]?.trim());

/**
 * `audience` is added to the query ACTIONS_ID_TOKEN_REQUEST_URL already has (it carries `?api-version=2.0`;
 * appending a second `?` is the bug that gave `id` 1.6.0 tokens with the wrong `aud`).
 */
export function audienceRequestUrl(base: URL, audience: string): URL {
  const url = new URL(base.href);
  url.searchParams.set('audience', audience);
  return url;
}

/** GitHub's token endpoint as a source; the request token goes to the redactor before anything is sent. */
export function githubOidcSource<F extends StepFailure>(request: GitHubOidcRequest, send: HttpSend, redactor: Redactor,
  words: OidcWords<F>): OidcSource {
  redactor.add(request.requestToken);
  return {
    name: GITHUB_OIDC_ENDPOINT,
    issuer: GITHUB_ISSUER,
    token: async (audience) => {
      const res = await send({
        method: 'GET',
        url: audienceRequestUrl(request.requestUrl, audience),
        headers: { authorization: `bearer ${request.requestToken}` },
        target: GITHUB_OIDC_ENDPOINT,
      });
      if (res.status !== 200) {
        throw unexpectedStatus(res, (retryable, details) => words.status(GITHUB_OIDC_ENDPOINT, res.status, retryable, details));
      }
      const value = jsonMember(res.body, 'value');
      if (typeof value !== 'string' || value === '') throw words.noValue(GITHUB_OIDC_ENDPOINT);
      return value;
    },
  };
}

/** A token handed to the job in an environment variable (GitLab's `id_tokens:`); its audience is the job's choice. */
export function variableOidcSource(env: Env, name: string, issuer: string): OidcSource {
  return { name, issuer, token: async () => env[name]?.trim() ?? '' };
}

export interface OidcToken {
  readonly jwt: string;
  readonly claims: Claims;
}

/** The token for `audience`: redacted at once, masked once it decodes, its `aud` checked before it goes anywhere. */
export async function requestOidcToken<F extends StepFailure>(source: OidcSource, audience: string,
  deps: { redactor: Redactor; print: Printer; words: OidcWords<F> }): Promise<OidcToken> {
  const value = await source.token(audience);
  if (value === '') throw deps.words.noValue(source.name);
  deps.redactor.add(value);
  const claims = decodeClaims(value);
  if (!claims) throw deps.words.notAJwt(source.name);
  deps.print.mask(value);
  if (claims.aud !== audience) throw deps.words.wrongAudience(claimText(claims, 'aud'), audience);
  return { jwt: value, claims };
}

/** The payload of a compact JWS, or undefined when it is not one. */
export function decodeClaims(jwt: string): Claims | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** A claim as a display string: strings as-is, other JSON values serialised, absent ones undefined. */
export function claimText(claims: Claims | undefined, name: string): string | undefined {
  const v = claims?.[name];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  // a claim is server-chosen text: keep it on one line and short
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
