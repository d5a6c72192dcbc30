/**
 * Step 2: ask GitHub for an OIDC token (a JWT) for the audience. The `audience` parameter is added to the query
 * ACTIONS_ID_TOKEN_REQUEST_URL already has (it carries `?api-version=2.0`; appending a second `?` is the bug that
 * gave `id` 1.6.0 tokens with the wrong `aud`). The JWT is masked the moment it is known to be one, and its `aud` is
 * checked locally before it is sent anywhere.
 *
 * Its claims are decoded locally (no signature check: the index verifies it; we only read it to check `aud` and to
 * explain failures). Only the claims that decide trusted publishing are ever shown, never the JWT itself.
 */
// bundled into action/index.cjs by esbuild: a devDependency on purpose, never a runtime dependency of the package
// eslint-disable-next-line import/no-extraneous-dependencies
import { decodeJwt } from 'jose/jwt/decode';
import { jsonMember, unexpectedStatus } from './http';
import { requireSecureUrl } from './inputs';
import { failures } from './messages';
import { GITLAB_CLAIMS_THAT_MATTER } from '../pypi';
import type { Context } from './run';

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
  return { requestUrl: requireSecureUrl(url, 'ACTIONS_ID_TOKEN_REQUEST_URL', failures.unusableOidcUrl), requestToken: token };
}

export function audienceRequestUrl(base: URL, audience: string): URL {
  const url = new URL(base.href);
  url.searchParams.set('audience', audience);
  return url;
}

export async function requestOidcToken(ctx: Context, config: OidcRequestConfig, audience: string): Promise<{ jwt: string; claims: Claims }> {
  const target = 'GitHub\'s OIDC token endpoint';
  const res = await ctx.send({
    method: 'GET',
    url: audienceRequestUrl(config.requestUrl, audience),
    headers: { authorization: `bearer ${config.requestToken}` },
    target,
  });
  if (res.status !== 200) throw unexpectedStatus(res, (retryable, details) => failures.oidcStatus(target, res.status, retryable, details));
  const value = jsonMember(res.body, 'value');
  if (typeof value !== 'string' || value === '') throw failures.oidcNoValue(target);
  // Kept out of every message we build, whatever it is; masked in the log only when it is a JWT (masking any
  // string a server chose, `e` say, would blank that text in the rest of the job's log).
  ctx.redactor.add(value);
  const claims = decodeClaims(value);
  if (!claims) throw failures.oidcNotAJwt(target);
  ctx.print.mask(value);
  if (claims.aud !== audience) throw failures.oidcWrongAudience(claimText(claims, 'aud'), audience);
  return { jwt: value, claims };
}

// --- claims ------------------------------------------------------------------------------------------------------

export type Claims = Readonly<Record<string, unknown>>;

/** The claims PyPI's GitHub publisher looks at, plus the ones that explain a mismatch. */
export const CLAIMS_THAT_MATTER = [
  'repository',
  'repository_owner',
  'repository_owner_id',
  'job_workflow_ref',
  'workflow_ref',
  'ref',
  'environment',
  'event_name',
] as const;

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** GitLab's claims when the token is one of GitLab's ID tokens, else GitHub's. */
export function claimsThatMatter(claims: Claims | undefined): readonly string[] {
  return claims?.project_path !== undefined || claims?.ci_config_ref_uri !== undefined ? GITLAB_CLAIMS_THAT_MATTER : CLAIMS_THAT_MATTER;
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

/** The workflow file PyPI matches on: the `<file>.yml` of `job_workflow_ref` (`owner/repo/.github/workflows/<file>@ref`). */
export function workflowFilename(jobWorkflowRef: string | undefined): string | undefined {
  const m = jobWorkflowRef ? /([^/]+\.(?:yml|yaml))(?=@)/.exec(jobWorkflowRef) : null;
  return m ? m[1] : undefined;
}
