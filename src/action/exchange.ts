/**
 * Step 3 of the exchange: trade the JWT for a short-lived `pypi-` token at `/_/oidc/mint-token`. The answer is
 * checked strictly: 200 with a JSON body whose `token` is a single-line string starting `pypi-` (the seed action
 * exported the literal `null` when it was not). The token is masked before any other check can mention it.
 * Every refusal is a 422 carrying PyPI's own `errors[]`; `invalid-reuse-token` is the one worth another attempt.
 */
import { ActionFailure, IndexError } from './errors';
import { HttpSend } from './http';
import { IndexEndpoints } from './index-url';
import { Redactor } from './redact';
import { parseJsonBody, unexpectedStatus } from './response';
import { addMask } from './workflow-commands';

export interface MintedToken {
  readonly token: string;
  /** Unix seconds. */
  readonly expires: number;
}

/** PyPI's tokens live 900 s; used only when the index leaves `expires` out. */
const DEFAULT_LIFETIME_SECONDS = 900;
const MAX_ERRORS_SHOWN = 20;

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

export async function mintToken(index: IndexEndpoints, jwt: string, send: HttpSend, emit: (line: string) => void,
  redactor: Redactor, now: () => number = Date.now): Promise<MintedToken> {
  const target = `the token endpoint of ${index.displayName} (${index.mintUrl.href})`;
  const res = await send({
    method: 'POST',
    url: index.mintUrl,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jwt }),
    target,
  });
  const body = parseJsonBody(res.body);

  if (res.status === 422) {
    const errors = parseIndexErrors(body, redactor);
    const reuse = errors.some((e) => e.code === 'invalid-reuse-token');
    throw new ActionFailure('mint-rejected', 'PyPI refused the token exchange',
      errors.length > 0
        ? `${index.displayName} refused to mint a token:\n${errors.map((e) => `  * ${e.code}: ${e.description}`).join('\n')}`
        : `${index.displayName} answered 422 without PyPI's \`errors\` list.`,
      { status: 422, indexErrors: errors, retryable: reuse });
  }
  if (res.status !== 200) {
    const what = res.status >= 500 ? ' This is a problem on the index side; wait a few minutes and try again' +
      (index.kind === 'custom' ? '.' : ' (status: https://status.python.org/).') : '';
    throw unexpectedStatus(res, 'mint-unexpected-status', 'Unexpected answer from the index',
      () => `${target} answered HTTP ${res.status}.${what}`);
  }

  const token = (body as { token?: unknown } | null)?.token;
  if (typeof token === 'string' && token !== '') {
    // whatever it is, it may be a credential: mask it and keep it out of messages before judging it
    emit(addMask(token));
    redactor.add(token);
  }
  if (body === undefined || typeof token !== 'string' || !/^pypi-[\x21-\x7e]+$/.test(token) || token.length > 8192) {
    const why = body === undefined ? 'the body is not JSON'
      : typeof token !== 'string' ? `\`token\` is ${token === null ? 'null' : typeof token}`
        : 'the token is not a single-line string starting with `pypi-`';
    throw new ActionFailure('mint-invalid-response', 'Invalid token response',
      `${target} answered 200 but ${why}. No token was exported. This suggests a misconfigured index or a proxy in ` +
      'the way.', { status: 200 });
  }
  const expiresRaw = (body as { expires?: unknown }).expires;
  const expires = typeof expiresRaw === 'number' && Number.isFinite(expiresRaw) && expiresRaw > 0
    ? Math.floor(expiresRaw)
    : Math.floor(now() / 1000) + DEFAULT_LIFETIME_SECONDS;
  return { token, expires };
}
