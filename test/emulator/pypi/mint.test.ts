import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';
import type { Emulator } from '../../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { registerSecret } from '../../support/leaks';
import { exchange, mint, mintRaw, refusal, requestJwt } from '../client';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ publishers: [defaultPublisher(['demo-package', 'Other_Package'])] });
});
afterEach(() => {
  em.clock.reset();
  em.faults.clear();
});

/** Run `fn` with runner claims patched, restoring the defaults afterwards. */
async function withClaims<T>(patch: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
  em.setRunnerClaims(patch);
  try {
    return await fn();
  } finally {
    em.resetRunnerClaims();
  }
}

async function invalidPublisherReason(patch: Record<string, unknown>): Promise<string> {
  return withClaims(patch, async () => {
    const err = refusal(await exchange(em));
    expect(err.code).toBe('invalid-publisher');
    return /^valid token, but no corresponding publisher \((.*)\)$/s.exec(err.description)![1];
  });
}

/** A JWT signed by a key the emulator's issuer never published. */
async function forged(claims: JWTPayload, header: Record<string, unknown>, key?: KeyLike | Uint8Array): Promise<string> {
  const signingKey = key ?? (await generateKeyPair('RS256')).privateKey;
  const jwt = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', ...header }).sign(signingKey);
  registerSecret(jwt);
  return jwt;
}

describe('success', () => {
  test('mints a long pypi- token that expires in 900 s', async () => {
    const answer = await exchange(em);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['expires', 'success', 'token']);
    expect(answer.body.success).toBe(true);
    expect(answer.body.token).toMatch(/^pypi-[A-Za-z0-9_-]{120,}$/);
    expect(Math.abs(answer.body.expires! - (Math.floor(Date.now() / 1000) + 900))).toBeLessThanOrEqual(2);
    expect(em.issuedSecrets()).toContain(answer.body.token);
  });

  test('the legacy alias /_/oidc/github/mint-token is the same view', async () => {
    const answer = await mintRaw(em, JSON.stringify({ token: await requestJwt(em) }), '/_/oidc/github/mint-token');
    expect(answer.status).toBe(200);
    expect(em.requests('mint-token').some((r) => r.url === '/_/oidc/github/mint-token')).toBe(true);
  });

  test('the audience endpoint names the configured audience', async () => {
    const res = await fetch(`${em.pypiUrl}/_/oidc/audience`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ audience: 'pypi' });
  });
});

describe('invalid-payload (checked first)', () => {
  test.each([
    ['not JSON', 'token=abc'],
    ['no token field', '{"jwt":"x"}'],
    ['token not a string', '{"token":42}'],
    ['a JSON array', '[]'],
  ])('%s', async (_label, body) => {
    const err = refusal(await mintRaw(em, body));
    expect(err.code).toBe('invalid-payload');
    expect(err.description).toMatch(/validation error/);
  });

  test.each([
    ['garbage', 'not-a-jwt'],
    ['no iss', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.sig`],
  ])('malformed JWT: %s', async (_label, jwt) => {
    expect(refusal(await mint(em, jwt))).toEqual({ code: 'invalid-payload', description: 'malformed JWT' });
  });

  test('unknown issuer (e.g. real GitHub, CircleCI) even when everything else is fine', async () => {
    const claims = { ...decodeJwt(await requestJwt(em)), iss: 'https://oidc.circleci.com/org/x' };
    expect(refusal(await mint(em, await forged(claims, { kid: 'k' })))).toEqual({
      code: 'invalid-payload', description: 'unknown trusted publishing issuer',
    });
  });
});

describe('invalid-token: signature and time claims', () => {
  const INVALID = { code: 'invalid-token', description: 'malformed or invalid token' };

  test('wrong aud (a token for testpypi sent to a pypi index)', async () => {
    expect(refusal(await exchange(em, 'testpypi'))).toEqual(INVALID);
  });

  test('aud as a list holding the audience is refused (strict aud)', async () => {
    await withClaims({ aud: ['pypi'] }, async () => expect(refusal(await exchange(em))).toEqual(INVALID));
  });

  test('expired beyond the 30 s leeway', async () => {
    const jwt = await requestJwt(em);
    em.clock.advance(300 + 31);
    expect(refusal(await mint(em, jwt))).toEqual(INVALID);
  });

  test('expired but within the 30 s leeway is accepted', async () => {
    const jwt = await requestJwt(em);
    em.clock.advance(300 + 20);
    expect((await mint(em, jwt)).status).toBe(200);
  });

  test('iat in the future beyond the leeway (not yet valid)', async () => {
    em.clock.advance(120);
    const jwt = await requestJwt(em);
    em.clock.reset();
    expect(refusal(await mint(em, jwt))).toEqual(INVALID);
  });

  test('iat in the future within the leeway is accepted', async () => {
    em.clock.advance(20);
    const jwt = await requestJwt(em);
    em.clock.reset();
    expect((await mint(em, jwt)).status).toBe(200);
  });

  test('nbf in the future beyond the leeway', async () => {
    const nbf = Math.floor(Date.now() / 1000) + 120;
    await withClaims({ nbf }, async () => expect(refusal(await exchange(em))).toEqual(INVALID));
  });

  test.each(['iat', 'exp', 'aud'])('missing %s', async (claim) => {
    await withClaims({ [claim]: undefined }, async () => expect(refusal(await exchange(em))).toEqual(INVALID));
  });

  test('bad signature: the payload of a real token signed by another key under the real kid', async () => {
    const real = await requestJwt(em);
    const jwt = await forged(decodeJwt(real), { kid: (JSON.parse(Buffer.from(real.split('.')[0], 'base64url').toString()) as { kid: string }).kid });
    expect(refusal(await mint(em, jwt))).toEqual(INVALID);
  });

  test('tampered payload under a real signature', async () => {
    const [h, , s] = (await requestJwt(em)).split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(await requestJwt(em)), repository_owner_id: '1' })).toString('base64url');
    expect(refusal(await mint(em, `${h}.${payload}.${s}`))).toEqual(INVALID);
  });

  test('unknown kid', async () => {
    const jwt = await forged(decodeJwt(await requestJwt(em)), { kid: 'not-a-published-kid' });
    expect(refusal(await mint(em, jwt))).toEqual(INVALID);
  });

  test('alg none is refused', async () => {
    const payload = Buffer.from(JSON.stringify(decodeJwt(await requestJwt(em)))).toString('base64url');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(refusal(await mint(em, `${header}.${payload}.`))).toEqual(INVALID);
  });

  test('HS256 (keyed with the public JWK, the classic confusion attack) is refused', async () => {
    const jwks = (await (await fetch(`${em.oidc.issuer}/.well-known/jwks`)).json()) as { keys: Array<{ kid: string; n: string }> };
    const secret = Buffer.from(jwks.keys[0].n);
    const jwt = await new SignJWT(decodeJwt(await requestJwt(em))).setProtectedHeader({ alg: 'HS256', kid: jwks.keys[0].kid }).sign(secret);
    registerSecret(jwt);
    expect(refusal(await mint(em, jwt))).toEqual(INVALID);
  });
});

describe('invalid-reuse-token', () => {
  test('a jti can be exchanged once', async () => {
    const jwt = await requestJwt(em);
    expect((await mint(em, jwt)).status).toBe(200);
    expect(refusal(await mint(em, jwt))).toEqual({ code: 'invalid-reuse-token', description: 'invalid token: already used' });
  });

  test('a refused exchange does not burn the jti (PyPI stores it only after a publisher matched)', async () => {
    let jwt = '';
    await withClaims({ repository_owner_id: '9999' }, async () => {
      jwt = await requestJwt(em);
      expect(refusal(await mint(em, jwt)).code).toBe('invalid-publisher');
    });
    em.addPublisher({ ...defaultPublisher(['late']), ownerId: '9999' });
    expect((await mint(em, jwt)).status).toBe(200);
  });
});

describe('invalid-publisher: claim matching', () => {
  test('repository is compared case-insensitively', async () => {
    await withClaims({ repository: 'Octo-Org/DEMO' }, async () => expect((await exchange(em)).status).toBe(200));
  });

  test('repository_owner is compared exactly', async () => {
    expect(await invalidPublisherReason({ repository_owner: 'Octo-Org' })).toBe('Publisher with matching claims was not found');
  });

  test('repository_owner_id is compared exactly (a resurrected account has a new id)', async () => {
    expect(await invalidPublisherReason({ repository_owner_id: '4243' })).toBe('Publisher with matching claims was not found');
    expect(await invalidPublisherReason({ repository_owner_id: 4242 })).toBe('Publisher with matching claims was not found');
  });

  test('the workflow filename comes from job_workflow_ref, not workflow_ref', async () => {
    // workflow_ref says release.yml, but the job runs in a reusable build.yml: PyPI matches build.yml.
    const jobRef = 'octo-org/demo/.github/workflows/build.yml@refs/tags/v1.0.0';
    expect(await invalidPublisherReason({ job_workflow_ref: jobRef })).toBe('Publisher with matching claims was not found');
    em.addPublisher({ ...defaultPublisher(['reused']), workflow: 'build.yml' });
    await withClaims({ job_workflow_ref: jobRef }, async () => expect((await exchange(em)).status).toBe(200));
    await withClaims({ workflow_ref: 'octo-org/demo/.github/workflows/other.yml@refs/heads/main' }, async () => {
      expect((await exchange(em)).status).toBe(200); // workflow_ref is not checked
    });
  });

  test('a reusable workflow from another repository fails the job_workflow_ref check', async () => {
    const jobRef = 'octo-org/shared/.github/workflows/release.yml@refs/heads/main';
    expect(await invalidPublisherReason({ job_workflow_ref: jobRef })).toBe(
      'The job_workflow_ref claim does not match, expecting one of [' +
      "'octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0', " +
      "'octo-org/demo/.github/workflows/release.yml@8f4b2e1c9d3a7b6e5f4a3c2b1d0e9f8a7b6c5d4e'], got '" + jobRef + "'");
  });

  test('pull_request_target is refused', async () => {
    expect(await invalidPublisherReason({ event_name: 'pull_request_target' })).toBe(
      "Publishing from a workflow invoked via 'pull_request_target' is not supported.");
  });

  test.each(['ref', 'sha', 'repository_owner_id', 'job_workflow_ref', 'event_name'])('missing claim %s', async (claim) => {
    expect(await invalidPublisherReason({ [claim]: undefined })).toBe(`Missing claim '${claim}'`);
  });

  test('environment is compared case-insensitively', async () => {
    await withClaims({ environment: 'PyPI' }, async () => expect((await exchange(em)).status).toBe(200));
  });

  test('a publisher pinned to an environment refuses another environment or none', async () => {
    expect(await invalidPublisherReason({ environment: 'staging' })).toBe("Check failed for optional claim 'environment'");
    expect(await invalidPublisherReason({ environment: undefined })).toBe("Check failed for optional claim 'environment'");
  });
});

test('a publisher without environment accepts any environment, and none', async () => {
  const own = await startTestEmulator({ publishers: [{ ...defaultPublisher(), environment: undefined }] });
  expect((await exchange(own)).status).toBe(200);
  own.setRunnerClaims({ environment: 'whatever' });
  expect((await exchange(own)).status).toBe(200);
  own.setRunnerClaims({ environment: undefined });
  expect((await exchange(own)).status).toBe(200);
});

describe('pending publishers', () => {
  const pending = { project: 'brand-new', owner: 'octo-org', ownerId: '4242', repository: 'demo', workflow: 'release.yml' };

  test('the first exchange creates the project and the publisher becomes a normal one', async () => {
    const own = await startTestEmulator({ pendingPublishers: [pending] });
    expect((await exchange(own)).status).toBe(200);
    expect((await fetch(`${own.simpleUrl}brand-new/`)).status).toBe(200);
    expect((await exchange(own)).status).toBe(200);
  });

  test('a pending publisher whose project already exists is refused', async () => {
    const own = await startTestEmulator({ pendingPublishers: [pending], projects: ['Brand_New'] });
    expect(refusal(await exchange(own))).toEqual({ code: 'invalid-pending-publisher', description: 'valid token, but project already exists' });
  });
});

describe('trusted publishing switched off', () => {
  test('audience answers 403 and mint answers not-enabled', async () => {
    const own = await startTestEmulator({ trustedPublishing: false, audience: 'testpypi', publishers: [defaultPublisher()] });
    const res = await fetch(`${own.pypiUrl}/_/oidc/audience`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: 'Trusted publishing functionality not enabled' });
    expect(refusal(await exchange(own, 'testpypi'))).toEqual({ code: 'not-enabled', description: 'github trusted publishing functionality not enabled' });
    // order: an unknown issuer is reported before not-enabled, not-enabled before a bad signature
    const claims = decodeJwt(await requestJwt(own, 'testpypi'));
    expect(refusal(await mint(own, await forged({ ...claims, iss: 'https://gitlab.example' }, { kid: 'x' }))).code).toBe('invalid-payload');
    expect(refusal(await mint(own, await forged(claims, { kid: 'x' }))).code).toBe('not-enabled');
    own.setTrustedPublishing(true);
    expect((await exchange(own, 'testpypi')).status).toBe(200);
  });
});

describe('an extra issuer brought by the test', () => {
  let issuer: Server;
  let issuerUrl: string;
  let key: KeyLike;
  const kid = 'test-issuer-key-1';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    issuer = createServer((req, res) => {
      const body = req.url === '/.well-known/openid-configuration'
        ? { issuer: issuerUrl, jwks_uri: `${issuerUrl}/keys/jwks.json` }
        : req.url === '/keys/jwks.json' ? { keys: [jwk] } : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => issuer.close(() => resolve())));

  async function tokenFrom(iss: string, signKid = kid): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { ...decodeJwt(await requestJwt(em)), iss, jti: randomUUID(), iat: now, nbf: now - 300, exp: now + 300 };
    return forged(claims, { kid: signKid, typ: 'JWT' }, key);
  }

  test('is trusted through its discovery document and jwks_uri', async () => {
    const own = await startTestEmulator({ extraIssuers: [issuerUrl], publishers: [defaultPublisher()] });
    expect((await mint(own, await tokenFrom(issuerUrl))).status).toBe(200);
    expect(refusal(await mint(own, await tokenFrom(issuerUrl, 'rotated-away'))).code).toBe('invalid-token');
  });

  test('is unknown when not configured', async () => {
    expect(refusal(await mint(em, await tokenFrom(issuerUrl)))).toEqual({ code: 'invalid-payload', description: 'unknown trusted publishing issuer' });
  });
});
