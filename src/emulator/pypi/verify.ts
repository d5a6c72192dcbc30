/**
 * Verifies a GitHub-kind OIDC token the way PyPI does (warehouse `oidc/services.py`): keys found through
 * `<iss>/.well-known/openid-configuration` -> `jwks_uri`, RS256 only, `iss`/`iat`/`exp`/`aud` required, `aud`
 * a single string equal to the index's audience, 30 s leeway on every time claim, `nbf` checked.
 */
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';

const LEEWAY_SECONDS = 30;
const DISCOVERY_TIMEOUT_MS = 5_000;
const DISCOVERY_MAX_BYTES = 64 * 1024;

export type VerifyFailure =
  | { code: 'invalid-payload'; description: 'malformed JWT' | 'unknown trusted publishing issuer' }
  | { code: 'invalid-token'; description: 'malformed or invalid token' };

/** The issuer named by an unverified token, or the `invalid-payload` failure PyPI answers first. */
export function peekIssuer(jwt: string, known: (iss: string) => boolean): { issuer: string } | VerifyFailure {
  let iss: unknown;
  try {
    iss = decodeJwt(jwt).iss;
  } catch {
    return { code: 'invalid-payload', description: 'malformed JWT' };
  }
  if (typeof iss !== 'string' || iss === '') return { code: 'invalid-payload', description: 'malformed JWT' };
  if (!known(iss)) return { code: 'invalid-payload', description: 'unknown trusted publishing issuer' };
  return { issuer: iss };
}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** Key sets per issuer, found through OIDC discovery once and then refreshed by jose on an unknown `kid`. */
export class IssuerKeyRing {
  private readonly sets = new Map<string, KeySet>();

  async keySetFor(issuer: string): Promise<KeySet> {
    const cached = this.sets.get(issuer);
    if (cached) return cached;
    const jwksUri = await discoverJwksUri(issuer);
    const set = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: DISCOVERY_TIMEOUT_MS,
      // An unknown kid triggers a refetch at most this often (PyPI: 60 s cooldown; short here so tests can rotate).
      cooldownDuration: 1_000,
    });
    this.sets.set(issuer, set);
    return set;
  }
}

async function discoverJwksUri(issuer: string): Promise<string> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    redirect: 'error',
    signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
  });
  const text = await res.text();
  if (!res.ok || text.length > DISCOVERY_MAX_BYTES) throw new Error(`discovery failed for ${issuer}: HTTP ${res.status}`);
  const doc = JSON.parse(text) as { jwks_uri?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`discovery document of ${issuer} has no jwks_uri`);
  return doc.jwks_uri;
}

export interface VerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly nowMs: number;
  readonly keys: IssuerKeyRing;
}

/** Verified claims, or `invalid-token` (PyPI does not say which check failed; `reason` is for the emulator's tests). */
export async function verifySignedToken(jwt: string, opts: VerifyOptions):
Promise<{ claims: JWTPayload } | (VerifyFailure & { reason: string })> {
  const fail = (reason: string) => ({ code: 'invalid-token' as const, description: 'malformed or invalid token' as const, reason });
  try {
    const header = decodeProtectedHeader(jwt);
    if (header.alg !== 'RS256') return fail(`algorithm ${String(header.alg)} is not RS256`);
    if (typeof header.kid !== 'string') return fail('no kid in the token header');
    const keySet = await opts.keys.keySetFor(opts.issuer);
    const { payload } = await jwtVerify(jwt, keySet, {
      algorithms: ['RS256'],
      issuer: opts.issuer,
      audience: opts.audience,
      requiredClaims: ['iss', 'iat', 'exp', 'aud'],
      clockTolerance: LEEWAY_SECONDS,
      currentDate: new Date(opts.nowMs),
    });
    // PyJWT's strict_aud: a list holding the audience is not good enough.
    if (typeof payload.aud !== 'string') return fail('aud is not a single string');
    // PyJWT refuses an iat in the future (beyond leeway); jose does not check it.
    if (typeof payload.iat !== 'number' || payload.iat > Math.floor(opts.nowMs / 1000) + LEEWAY_SECONDS) {
      return fail('iat is in the future');
    }
    return { claims: payload };
  } catch (err) {
    if (err instanceof errors.JOSEError) return fail(`${err.code}: ${err.message}`);
    return fail(err instanceof Error ? err.message : 'verification failed');
  }
}
