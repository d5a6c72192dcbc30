/** Plain HTTP calls a client of the emulator makes (the tests speak the wire protocol, not the emulator's API). */
import type { Emulator } from '../../src/emulator';

export interface MintAnswer {
  status: number;
  body: { success?: boolean; token?: string; expires?: number; message?: string; errors?: Array<{ code: string; description: string }> };
}

/** A JWT from the emulated GitHub issuer, as a job with `id-token: write` gets it. */
export async function requestJwt(em: Emulator, audience = 'pypi'): Promise<string> {
  const res = await fetch(`${em.oidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `bearer ${em.oidc.requestToken}` },
  });
  if (res.status !== 200) throw new Error(`OIDC token endpoint answered ${res.status}`);
  return ((await res.json()) as { value: string }).value;
}

/** POST /_/oidc/mint-token with a raw body. */
export async function mintRaw(em: Emulator, body: string, path = '/_/oidc/mint-token'): Promise<MintAnswer> {
  const res = await fetch(`${em.pypiUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as MintAnswer['body'] };
}

export function mint(em: Emulator, jwt: string): Promise<MintAnswer> {
  return mintRaw(em, JSON.stringify({ token: jwt }));
}

/** The single error of a 422, asserting the exact PyPI envelope. */
export function refusal(answer: MintAnswer): { code: string; description: string } {
  expect(answer.status).toBe(422);
  expect(answer.body.message).toBe('Token request failed');
  expect(answer.body.errors).toHaveLength(1);
  expect(Object.keys(answer.body).sort()).toEqual(['errors', 'message']);
  return answer.body.errors![0];
}

/** Fresh JWT, then mint: the whole exchange. */
export async function exchange(em: Emulator, audience = 'pypi'): Promise<MintAnswer> {
  return mint(em, await requestJwt(em, audience));
}
