import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { Emulator } from '../../../src/emulator';
import { startTestEmulator } from '../../support/emulator';
import { requestJwt } from '../client';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ runner: { environment: 'Release' } });
});

test('discovery points at a JWKS holding the RS256 key that signs the tokens', async () => {
  const discovery = (await (await fetch(`${em.oidc.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  expect(discovery.issuer).toBe(em.oidc.issuer);
  expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
  const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Array<Record<string, string>> };
  expect(jwks.keys).toHaveLength(1);
  expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  expect(jwks.keys[0].d).toBeUndefined();
  const header = decodeProtectedHeader(await requestJwt(em));
  expect(header).toMatchObject({ alg: 'RS256', kid: jwks.keys[0].kid, typ: 'JWT' });
});

test('the request URL already carries api-version=2.0, as ACTIONS_ID_TOKEN_REQUEST_URL does', () => {
  expect(new URL(em.oidc.requestUrl).searchParams.get('api-version')).toBe('2.0');
  expect(em.oidc.requestToken.length).toBeGreaterThanOrEqual(16);
});

test('a token carries the runner claims with real iat/nbf/exp/jti, the asked audience and a GitHub-style sub', async () => {
  const before = Math.floor(em.clock.now() / 1000);
  const claims = decodeJwt(await requestJwt(em, 'testpypi'));
  expect(claims).toMatchObject({
    iss: em.oidc.issuer,
    aud: 'testpypi',
    sub: 'repo:octo-org/demo:environment:Release',
    repository: 'octo-org/demo',
    repository_owner: 'octo-org',
    repository_owner_id: '4242',
    job_workflow_ref: 'octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0',
    ref: 'refs/tags/v1.0.0',
    event_name: 'push',
  });
  expect(claims.iat).toBeGreaterThanOrEqual(before);
  expect(claims.exp! - claims.iat!).toBe(300);
  expect(claims.iat! - claims.nbf!).toBe(300);
  const other = decodeJwt(await requestJwt(em));
  expect(other.jti).not.toBe(claims.jti);
});

test('sub falls back to the ref without an environment; the clock sets iat', async () => {
  em.setRunnerClaims({ environment: undefined });
  em.clock.set(Date.UTC(2030, 0, 1));
  try {
    const claims = decodeJwt(await requestJwt(em));
    expect(claims.sub).toBe('repo:octo-org/demo:ref:refs/tags/v1.0.0');
    expect('environment' in claims).toBe(false);
    expect(Math.abs(claims.iat! - Date.UTC(2030, 0, 1) / 1000)).toBeLessThan(60);
  } finally {
    em.clock.reset();
    em.setRunnerClaims({ environment: 'Release' });
  }
});

test('the token endpoint requires the bearer request token and an audience', async () => {
  const noAuth = await fetch(`${em.oidc.requestUrl}&audience=pypi`);
  expect(noAuth.status).toBe(401);
  const wrong = await fetch(`${em.oidc.requestUrl}&audience=pypi`, { headers: { authorization: 'bearer nope' } });
  expect(wrong.status).toBe(401);
  const noAudience = await fetch(em.oidc.requestUrl, { headers: { authorization: `Bearer ${em.oidc.requestToken}` } });
  expect(noAudience.status).toBe(400);
  // The known client bug: a second `?` leaves no `audience` parameter at all.
  const doubled = await fetch(`${em.oidc.requestUrl}?audience=pypi`, { headers: { authorization: `Bearer ${em.oidc.requestToken}` } });
  expect(doubled.status).toBe(400);
  expect(em.requests('oidc-token').length).toBeGreaterThanOrEqual(4);
});

test('every issued JWT is reported as a secret', async () => {
  const jwt = await requestJwt(em);
  expect(em.issuedSecrets()).toContain(jwt);
});

test('config runner claims keep a consistent identity: owner, ref_type and workflow refs follow repository and ref', async () => {
  const own = await startTestEmulator({ runner: { repository: 'acme/widgets', ref: 'refs/heads/main', workflow_ref: 'acme/widgets/.github/workflows/publish.yaml@refs/heads/main' } });
  const claims = decodeJwt(await requestJwt(own));
  expect(claims).toMatchObject({
    repository: 'acme/widgets',
    repository_owner: 'acme',
    ref: 'refs/heads/main',
    ref_type: 'branch',
    workflow_ref: 'acme/widgets/.github/workflows/publish.yaml@refs/heads/main',
    job_workflow_ref: 'acme/widgets/.github/workflows/publish.yaml@refs/heads/main',
  });
  own.setRunnerClaims({ ref: 'refs/tags/v9' }); // at run time, a patch changes exactly what it names
  expect(decodeJwt(await requestJwt(own)).job_workflow_ref).toBe('acme/widgets/.github/workflows/publish.yaml@refs/heads/main');
});
