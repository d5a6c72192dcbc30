/**
 * The bundled action against a hostile index, a hostile environment and an intercepting TLS server (see
 * docs/security.md, "Guarantees"): the audience is PyPI's own for PyPI's hosts and no other host may claim it; the
 * token is handed over once, at the end of a run that succeeded; server text stays text in the step summary; only
 * credentials are masked; TLS verification cannot be switched off from the environment; no line printed carries a
 * workflow command a server wrote. Under Node 24 (GitHub's
 * runtime); every case also fails against a bundle without the guard it names.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { errorMessage, failureProblems, liveServerText, maskedValues, runChild, type Endpoints } from '../harness';
import { makeTestCertificate, type TestCertificate } from './tls';
import { startHostileServer, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { NODE24 } from '../../support/node';
import { startProxy, type TestProxy } from '../../support/proxy';

let cert: TestCertificate;
/** https on loopback; its certificate is trusted only through NODE_EXTRA_CA_CERTS */
let tlsServer: HostileServer;
/** plain http on loopback, the emulator's way */
let plain: HostileServer;
let proxy: TestProxy;

beforeAll(async () => {
  cert = makeTestCertificate(['upload.pypi.org', 'index.example', '127.0.0.1']);
  tlsServer = await startHostileServer({ tls: cert, onSecret: registerSecret });
  plain = await startHostileServer({ onSecret: registerSecret });
  // the names only this proxy resolves: PyPI's upload host and a custom index, both served by tlsServer
  const at = `127.0.0.1:${tlsServer.port}`;
  proxy = await startProxy({ 'upload.pypi.org:443': at, 'index.example:443': at });
});
afterAll(async () => {
  await proxy.close();
  await tlsServer.close();
  await plain.close();
});
beforeEach(() => {
  tlsServer.clear();
  plain.clear();
  proxy.seen.length = 0;
});

/** The index behind the proxy under `host`; GitHub's OIDC endpoint on the plain loopback server. */
const behindProxy = (host: string): Endpoints => ({ indexUrl: `https://${host}/legacy/`, oidcRequestUrl: plain.oidcRequestUrl, requestToken: plain.requestToken });
/** Through the proxy, trusting the test certificate; GitHub's OIDC endpoint (loopback) direct. */
const proxyEnv = () => ({ HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: cert.caFile, NO_PROXY: '127.0.0.1' });
const plainIndex = (): Endpoints => ({ indexUrl: `${plain.url}/legacy/`, oidcRequestUrl: plain.oidcRequestUrl, requestToken: plain.requestToken });

describe('the audience, per host', () => {
  test('upload.pypi.org: `pypi` without asking, so one round trip fewer to the index', async () => {
    const r = await runChild(NODE24, behindProxy('upload.pypi.org'), { env: proxyEnv(), label: 'hardening: pypi audience' });
    expect({ code: r.code, error: errorMessage(r.stdout) }).toEqual({ code: 0, error: '' });
    expect(tlsServer.requests().map((q) => q.route)).toEqual(['mint-token']);
    expect(new URL(plain.requests('oidc-token')[0].url, 'http://x').searchParams.get('audience')).toBe('pypi');
  });

  test.each(['pypi', 'testpypi'])('another host announcing %s is refused, naming the host and the audience; no OIDC token is requested', async (aud) => {
    tlsServer.inject('audience', { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ audience: aud }) });
    const r = await runChild(NODE24, behindProxy('index.example'), { env: proxyEnv(), label: `hardening: ${aud} from another host` });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toContain(`index.example announced the audience \`${aud}\``);
    expect(errorMessage(r.stdout)).toContain(`audience: ${aud}`);
    expect(plain.requests('oidc-token')).toEqual([]);
  });

  test('... unless the audience input says so explicitly', async () => {
    const r = await runChild(NODE24, behindProxy('index.example'), { env: proxyEnv(), inputs: { audience: 'pypi' }, label: 'hardening: explicit audience' });
    expect({ code: r.code, error: errorMessage(r.stdout) }).toEqual({ code: 0, error: '' });
    expect(tlsServer.requests('audience')).toEqual([]);
  });

  test('a custom host may announce its own audience; a loopback host may announce `pypi` (the emulator)', async () => {
    tlsServer.inject('audience', { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ audience: 'example-index' }) });
    const custom = await runChild(NODE24, behindProxy('index.example'), { env: proxyEnv(), label: 'hardening: custom audience' });
    expect(custom.code).toBe(0);
    const loopback = await runChild(NODE24, plainIndex(), { label: 'hardening: loopback pypi' });
    expect(loopback.code).toBe(0);
    expect(plain.requests('audience')).toHaveLength(1);
  });
});

describe('one write, at the end', () => {
  test('a valid token with `expires: 1e300` leaves GITHUB_OUTPUT and GITHUB_ENV empty', async () => {
    plain.script('mint-token', () => ({
      status: 200, headers: { 'content-type': 'application/json' }, body: `{"success":true,"token":"pypi-${'A'.repeat(150)}","expires":1e300}`,
    }));
    const r = await runChild(NODE24, plainIndex(), { inputs: { 'export-env': 'uv' }, label: 'hardening: expires 1e300' });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toContain('`expires` is not a unix time');
  });

  test('GITHUB_ENV naming a directory: refused before any request, nothing in GITHUB_OUTPUT', async () => {
    const dir = mkdtempSync(`${tmpdir()}/github-env-dir-`);
    const r = await runChild(NODE24, plainIndex(), { inputs: { 'export-env': 'uv' }, env: { GITHUB_ENV: dir }, label: 'hardening: GITHUB_ENV dir' });
    expect(failureProblems(r)).toEqual([]);
    expect(plain.requests()).toEqual([]);
  });
});

describe('the step summary shows server text as text', () => {
  test('a 422 with a link, an image, emphasis, a mention and HTML renders none of them', async () => {
    const evil = '[Re-register here](https://evil.example/MARK) ![x](https://evil.example/MARK.png) **MARK** @MARK <img src=MARK> https://MARK.example';
    plain.script('mint-token', () => ({
      status: 422,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-publisher', description: evil }] }),
    }));
    const r = await runChild(NODE24, plainIndex(), { label: 'hardening: summary' });
    expect(failureProblems(r)).toEqual([]);
    expect(r.summary).toContain('MARK');
    expect(liveServerText(r.summary, 'MARK')).toEqual([]);
  });
});

describe('no workflow command from server text', () => {
  test('`##[` anywhere in a line and `::` after leading whitespace are broken up in every line printed', async () => {
    const description = 'see ##[set-output name=api-token;]owned\n  ::warning::owned\n\t::error::owned';
    plain.script('mint-token', () => ({
      status: 422,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-publisher', description }] }),
    }));
    const r = await runChild(NODE24, plainIndex(), { label: 'hardening: commands' });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toContain('owned');
    const lines = r.stdout.split(/\r?\n/);
    expect(lines.filter((l) => l.includes('##['))).toEqual([]);
    expect(lines.filter((l) => /^\s+::/.test(l))).toEqual([]);
  });
});

describe('only credentials are masked', () => {
  test.each([
    ['a one-letter token', 'mint-token', { success: true, token: 'e' }],
    ['a token of another shape', 'mint-token', { success: true, token: 'pypi-a b' }],
    ['an OIDC value that is no JWT', 'oidc-token', { value: 'e' }],
  ])('%s is not masked (it would blank that text in the rest of the log)', async (_name, route, body) => {
    plain.script(route as 'mint-token', () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    const r = await runChild(NODE24, plainIndex(), { label: `hardening: mask ${_name}` });
    expect(failureProblems(r)).toEqual([]);
    const secret = route === 'mint-token' ? (body as { token: string }).token : (body as { value: string }).value;
    expect(maskedValues(r.stdout)).not.toContain(secret);
  });

  test('the JWT and the token are', async () => {
    const before = plain.issued().length;
    const r = await runChild(NODE24, plainIndex(), { label: 'hardening: masks' });
    expect(r.code).toBe(0);
    expect(maskedValues(r.stdout)).toEqual(plain.issued().slice(before));
  });
});

describe('TLS cannot be switched off from the environment', () => {
  const insecure = { NODE_TLS_REJECT_UNAUTHORIZED: '0' };

  test('direct: with NODE_TLS_REJECT_UNAUTHORIZED=0, an untrusted certificate still ends the run and the bearer token is never sent', async () => {
    // the OIDC request (it carries the bearer request token) is the first request: the audience is given
    const ep: Endpoints = { indexUrl: `${tlsServer.url}/legacy/`, oidcRequestUrl: tlsServer.oidcRequestUrl, requestToken: tlsServer.requestToken };
    const r = await runChild(NODE24, ep, { env: insecure, inputs: { audience: 'pypi' }, label: 'hardening: tls direct' });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toMatch(/TLS connection .* failed/);
    expect(tlsServer.requests()).toEqual([]);
  });

  test('tunnelled: the same through a CONNECT proxy', async () => {
    const r = await runChild(NODE24, behindProxy('upload.pypi.org'), {
      env: { ...insecure, HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, label: 'hardening: tls tunnelled',
    });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toMatch(/TLS connection .* failed/);
    expect(proxy.seen.map((t) => `${t.kind} ${t.target}`)).toEqual(['connect upload.pypi.org:443']);
    expect(tlsServer.requests()).toEqual([]);
  });

  test('NODE_EXTRA_CA_CERTS still adds a CA (direct and tunnelled)', async () => {
    const ep: Endpoints = { indexUrl: `${tlsServer.url}/legacy/`, oidcRequestUrl: tlsServer.oidcRequestUrl, requestToken: tlsServer.requestToken };
    const direct = await runChild(NODE24, ep, { env: { ...insecure, NODE_EXTRA_CA_CERTS: cert.caFile }, label: 'hardening: extra CA direct' });
    expect({ code: direct.code, error: errorMessage(direct.stdout) }).toEqual({ code: 0, error: '' });
    const tunnelled = await runChild(NODE24, behindProxy('upload.pypi.org'), { env: { ...insecure, ...proxyEnv() }, label: 'hardening: extra CA tunnelled' });
    expect({ code: tunnelled.code, error: errorMessage(tunnelled.stdout) }).toEqual({ code: 0, error: '' });
  });
});
