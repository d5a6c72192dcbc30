/**
 * The action's HTTP rules, through the committed bundle under both runtimes against the emulator's fault
 * injection: retries with a fresh JWT (invalid-reuse-token, 503, 429 + Retry-After, connection resets), no retry
 * on other failures, redirects refused without re-sending anything, response size cap, strict success bodies, and
 * HTTP(S)_PROXY / NO_PROXY.
 */
import { maskedValues, oidcEnv, runBundledAction, theError } from './harness';
import type { Emulator } from '../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { startHostileServer } from '../support/hostile-server';
import { registerSecret } from '../support/leaks';
import { runtimes } from '../support/node';
import { startProxy } from '../support/proxy';

const reuse = {
  status: 422,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-reuse-token', description: 'invalid token: already used' }] }),
};
const unavailable = { status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body>Service Unavailable</body></html>' };

describe.each(runtimes())('HTTP behaviour under %s', (runtime, node) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  });
  afterEach(() => emu.faults.clear());

  const run = (env: Record<string, string | undefined> = {}) =>
    runBundledAction({ node, label: runtime, inputs: { 'index-url': emu.uploadUrl }, env: { ...oidcEnv(emu), ...env } });

  /** The JWTs a run asked the issuer for and sent to mint-token: every attempt must use a new one. */
  const jwtsOf = (stdout: string) => maskedValues(stdout).filter((v) => v.startsWith('eyJ'));

  test.each([
    ['invalid-reuse-token', reuse],
    ['503 with an HTML page', unavailable],
    ['a connection reset before the headers', { reset: 'before-headers' as const }],
    ['a connection reset mid-body', { reset: 'mid-body' as const, status: 200, headers: { 'content-type': 'application/json' }, body: '{"success":true,"token":"pypi-' + 'x'.repeat(80) + '"}' }],
  ])('retries after %s with a fresh JWT, then mints', async (_what, fault) => {
    const mintsBefore = emu.requests('mint-token').length;
    const issuedBefore = emu.issuedSecrets().length;
    emu.faults.inject('mint-token', fault);
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.outputs['api-token']).toMatch(/^pypi-/);
    expect(emu.issuedSecrets()).toContain(r.outputs['api-token']);
    expect(emu.requests('mint-token').length - mintsBefore).toBe(2);
    const jwts = jwtsOf(r.stdout);
    expect(jwts).toHaveLength(2);
    expect(new Set(jwts).size).toBe(2);
    // exactly the two JWTs the issuer handed out during this run
    expect(emu.issuedSecrets().slice(issuedBefore).filter((s) => s.startsWith('eyJ'))).toEqual(jwts);
    expect(r.stdout).toMatch(/Attempt 1 failed .*retrying in \d+\.\d s with a fresh OIDC token/);
  });

  test('honours Retry-After on a 429 (within its cap)', async () => {
    emu.faults.inject('audience', { status: 429, headers: { 'retry-after': '2' }, body: 'slow down' });
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/retrying in 2\.\d s/);
    expect(r.durationMs).toBeGreaterThanOrEqual(2000);
  });

  test('retries a 5xx from GitHub\'s token endpoint', async () => {
    emu.faults.inject('oidc-token', { status: 502, body: 'bad gateway' });
    const r = await run();
    expect(r.code).toBe(0);
  });

  test.each([
    ['a 401 from GitHub\'s token endpoint', 'oidc-token' as const, { status: 401, body: '{"message":"bad token"}' }, 'OIDC token request failed'],
    ['a 400 from mint-token', 'mint-token' as const, { status: 400, body: 'bad request' }, 'Unexpected answer from the index'],
    ['malformed HTTP', 'mint-token' as const, { raw: 'HTTP/1.1 200 OK\r\nContent-Length: banana\r\n\r\n{}' }, 'Malformed HTTP response'],
  ])('does not retry %s', async (_what, route, fault, title) => {
    const before = emu.requests(route).length;
    emu.faults.inject(route, fault);
    const r = await run();
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe(title);
    expect(emu.requests(route).length - before).toBe(1);
    expect(r.rawOutputFile).toBe('');
  });

  test.each([
    ['`token: null`', { success: true, token: null, expires: 1 }, '`token` is null'],
    ['a token not starting pypi-', { success: true, token: 'ghp_' + 'a'.repeat(60) }, 'not `pypi-` followed by a macaroon'],
    ['a token with a command in it', { success: true, token: 'pypi-##[set-output name=x;]y' }, 'not `pypi-` followed by a macaroon'],
    ['no token at all', { success: true }, '`token` is undefined'],
  ])('never exports a bad 200 (%s)', async (_what, body, why) => {
    emu.faults.inject('mint-token', { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const r = await run();
    expect(r.code).toBe(1);
    const error = theError(r.stdout);
    expect(error.title).toBe('Invalid token response');
    expect(error.message).toContain(why);
    expect(r.rawOutputFile).toBe('');
    expect(r.stdout).not.toContain('null\n');
  });

  test('a 200 HTML page is not a token', async () => {
    emu.faults.inject('mint-token', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>captive portal</html>' });
    const r = await run();
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toContain('the body is not JSON');
  });

  test.each([['audience' as const], ['oidc-token' as const], ['mint-token' as const]])('refuses a redirect from %s and sends nothing to its target', async (route) => {
    const elsewhere = await startHostileServer({ onSecret: registerSecret });
    try {
      emu.faults.inject(route, { status: 307, headers: { location: `${elsewhere.url}/_/oidc/mint-token` }, body: '' });
      const r = await run();
      expect(r.code).toBe(1);
      const error = theError(r.stdout);
      expect(error.title).toBe('Redirect refused');
      expect(error.message).toContain(`a redirect to ${elsewhere.url}`);
      expect(elsewhere.requests()).toEqual([]);
      expect(r.rawOutputFile).toBe('');
    } finally {
      await elsewhere.close();
    }
  });

  test.each([
    ['announced by Content-Length', { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ audience: 'pypi', pad: 'x'.repeat(70_000) }) }],
    ['unannounced, until the connection closes', {
      raw: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ audience: 'pypi', pad: 'x'.repeat(200_000) })}`,
    }],
  ])('caps response bodies at 64 KiB (%s)', async (_how, fault) => {
    emu.faults.inject('audience', fault);
    const r = await run();
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('Response too large');
  });

  test('goes through HTTP_PROXY for http URLs (a CONNECT tunnel), and around it for NO_PROXY hosts', async () => {
    // 127.0.0.2 has no listener: only the proxy, which routes those ports to the emulator, can reach them
    const pypiPort = Number(new URL(emu.pypiUrl).port);
    const oidcPort = Number(new URL(emu.oidc.issuer).port);
    const proxy = await startProxy({ '127.0.0.2': '127.0.0.1' });
    try {
      const proxied = await runBundledAction({
        node,
        label: runtime,
        inputs: { 'index-url': `http://127.0.0.2:${pypiPort}/legacy/` },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.2:${oidcPort}/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken,
          HTTP_PROXY: proxy.url,
        },
      });
      expect(proxied.code).toBe(0);
      expect(proxied.outputs['api-token']).toMatch(/^pypi-/);
      expect(proxy.seen.map((s) => `${s.kind} ${s.target}`))
        .toEqual([`connect 127.0.0.2:${pypiPort}`, `connect 127.0.0.2:${oidcPort}`, `connect 127.0.0.2:${pypiPort}`]);

      proxy.seen.length = 0;
      const direct = await run({ http_proxy: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
      expect(direct.code).toBe(0);
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
