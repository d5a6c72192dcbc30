/**
 * What the emulated OIDC issuers (GitHub's and GitLab's) share: an RS256 key and its JWKS entry, the state a
 * handler reads at request time, the request-token check, and signing a JWT from the issuer's standard claims with
 * the job's claims over them. Each issuer keeps only what is its own: routes, discovery document, claim defaults,
 * `sub`, lifetimes and how a job asks for a token.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import type { Clock } from '../clock';
import { sendJson } from '../http';

export type ClaimSet = Record<string, unknown>;

/** Merge `patch` into `claims`; a key whose value is `undefined` is removed. */
export function patchClaims(claims: ClaimSet, patch: Record<string, unknown>): ClaimSet {
  const next: ClaimSet = { ...claims };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  }
  return next;
}

export interface IssuerKeys {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicJwk: JWK;
}

export async function generateIssuerKeys(): Promise<IssuerKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = randomBytes(16).toString('hex');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** One issuer's state; its URL holds the listener's port, so handlers read it at request time. */
export interface IssuerState {
  issuer: string;
  keys: IssuerKeys;
  /** The bearer a job shows to get a token (GitHub's ACTIONS_ID_TOKEN_REQUEST_TOKEN; the rehearsal's for GitLab). */
  requestToken: string;
  clock: Clock;
  /** The job's claims now; a key whose value is undefined removes that claim, even a standard one. */
  claims(): ClaimSet;
  /** Every JWT issued, for the leak scanners. */
  onIssued(jwt: string): void;
}

/** Sign `standard` with the job's claims over them (last, so a test can override or delete even standard ones). */
export async function signIdToken(state: IssuerState, standard: ClaimSet): Promise<string> {
  const payload = patchClaims(standard, state.claims());
  const jwt = await new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid: state.keys.kid, typ: 'JWT' })
    .sign(state.keys.privateKey);
  state.onIssued(jwt);
  return jwt;
}

/** The issuer's key set, as its jwks_uri serves it. */
export function sendJwks(state: IssuerState, res: ServerResponse): void {
  sendJson(res, 200, { keys: [state.keys.publicJwk] });
}

/** Whether the request shows the issuer's request token as its bearer. */
export function hasRequestToken(state: IssuerState, req: IncomingMessage): boolean {
  const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match !== null && match[1].trim() === state.requestToken;
}
