/**
 * Step 3: trade the JWT for a short-lived `pypi-` token at `/_/oidc/mint-token`. The answer is checked strictly: 200
 * with a JSON body whose `token` is a single-line string starting `pypi-` (tschm/token-mint-action exported the
 * literal `null` when it was not), and an `expires` that is a unix time (now + 900 s, PyPI's token lifetime, when
 * the index sends none). Only a token that passes is masked: masking a short string a server chose would blank it
 * in the rest of the job's log. Every refusal is a 422 carrying PyPI's own `errors[]` (warehouse:
 * `warehouse/oidc/views.py`); `invalid-reuse-token` is the one worth another attempt.
 */
import type { Context } from './context';
import { IndexEndpoints } from './inputs';
import { IndexError, failures } from './messages';
import { parseJsonBody, unexpectedStatus } from '../kit/http';
import { Redactor } from '../kit/redact';

export interface MintedToken {
  readonly token: string;
  /** Unix seconds. */
  readonly expires: number;
}

/** PyPI's tokens live 900 s; used only when the index leaves `expires` out. */
const DEFAULT_LIFETIME_SECONDS = 900;
/** At most this many of a 422's reasons are shown. */
export const MAX_ERRORS_SHOWN = 20;
/** `pypi-` and a macaroon in base64url (warehouse: `warehouse/macaroons/services.py`), padding allowed. */
const TOKEN_SHAPE = /^pypi-[A-Za-z0-9_=-]+$/;
const MAX_TOKEN_LENGTH = 8192;
/** The latest unix second a Date can show (8.64e15 ms). */
const LATEST_UNIX_SECONDS = 8.64e12;

/** The `errors[]` of a 422 body, each cleaned for display; empty when the body is not PyPI's shape. */
export function parseIndexErrors(body: unknown, redactor: Redactor): IndexError[] {
  const list = (body as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ERRORS_SHOWN).map((e: unknown) => {
    const { code, description } = (e ?? {}) as { code?: unknown; description?: unknown };
    return {
      code: redactor.redact(typeof code === 'string' ? code : 'unknown', 60),
      description: redactor.redact(typeof description === 'string' ? description : '', 500),
    };
  });
}

export async function mintToken(ctx: Context, index: IndexEndpoints, jwt: string): Promise<MintedToken> {
  const target = `the token endpoint of ${index.displayName} (${index.mintUrl.href})`;
  const res = await ctx.send({
    method: 'POST',
    url: index.mintUrl,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jwt }),
    target,
  });
  const body = parseJsonBody(res.body);
  if (res.status === 422) throw failures.mintRejected(index.displayName, parseIndexErrors(body, ctx.redactor));
  if (res.status !== 200) {
    throw unexpectedStatus(res, (retryable, details) => failures.mintStatus(target, res.status, index.kind === 'custom', retryable, details));
  }

  const token = (body as { token?: unknown } | null)?.token;
  // whatever it is, it may be a credential: keep it out of every message before judging it
  if (typeof token === 'string') ctx.redactor.add(token);
  const why = failures.mintWhy;
  if (body === undefined) throw failures.mintInvalid(target, why.notJson);
  if (typeof token !== 'string') throw failures.mintInvalid(target, why.tokenType(token === null ? 'null' : typeof token));
  if (!TOKEN_SHAPE.test(token) || token.length > MAX_TOKEN_LENGTH) throw failures.mintInvalid(target, why.tokenShape);
  ctx.print.mask(token);

  const expiresRaw = (body as { expires?: unknown }).expires;
  if (expiresRaw === undefined || expiresRaw === null) {
    return { token, expires: Math.floor(ctx.now() / 1000) + DEFAULT_LIFETIME_SECONDS };
  }
  if (typeof expiresRaw !== 'number' || !(expiresRaw > 0 && expiresRaw <= LATEST_UNIX_SECONDS)) {
    throw failures.mintInvalid(target, why.expires);
  }
  return { token, expires: Math.floor(expiresRaw) };
}
