/**
 * Proxies: the bundled action behind a real CONNECT proxy on loopback, as on a self-hosted runner.
 * The index and the OIDC endpoint are served over https as `pypi.test`, a name only the proxy can resolve: a run
 * that should go through the proxy succeeds only if it did, and a run that NO_PROXY sends direct must fail to
 * resolve the name (and the proxy must have seen nothing). Plain-http loopback targets follow HTTP_PROXY, not
 * HTTPS_PROXY. Node 24 and the machine's Node.
 */
import { errorMessage, failureProblems, runChild, type Endpoints } from '../harness';
import { makeTestCertificate, type TestCertificate } from './tls';
import { startHostileServer, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { MACHINE_NODE, NODE24 } from '../../support/node';
import { startProxy, type TestProxy } from '../../support/proxy';

const PROXY_PASSWORD = 'proxy-password-3f9a1c7e5d';
registerSecret(PROXY_PASSWORD);

let cert: TestCertificate;
let tlsServer: HostileServer;
let plainServer: HostileServer;
beforeAll(async () => {
  cert = makeTestCertificate(['pypi.test', 'localhost', '127.0.0.1']);
  // a custom index announces its own audience (`pypi` is pypi.org's, refused from any other non-loopback host)
  tlsServer = await startHostileServer({ tls: cert, audience: 'pypi-test', onSecret: registerSecret });
  plainServer = await startHostileServer({ onSecret: registerSecret });
});
afterAll(async () => {
  await tlsServer.close();
  await plainServer.close();
});

/** The https index and OIDC endpoint under the name only the proxy resolves. */
const viaName = (): Endpoints => ({
  indexUrl: `https://pypi.test:${tlsServer.port}/legacy/`,
  oidcRequestUrl: `https://pypi.test:${tlsServer.port}/oidc/token?api-version=2.0`,
  requestToken: tlsServer.requestToken,
});
const plainLoopback = (): Endpoints => ({ indexUrl: `${plainServer.url}/legacy/`, oidcRequestUrl: plainServer.oidcRequestUrl, requestToken: plainServer.requestToken });

interface ProxyCase {
  readonly name: string;
  readonly target: () => Endpoints;
  readonly env: (proxyUrl: string) => Record<string, string>;
  /** true: through the proxy, and it mints; false: direct */
  readonly proxied: boolean;
  /** for direct runs to pypi.test: the name cannot resolve without the proxy */
  readonly failsDirect?: boolean;
}

const withAuth = (url: string) => url.replace('http://', `http://mint:${PROXY_PASSWORD}@`);

const CASES: ProxyCase[] = [
  { name: 'HTTPS_PROXY', target: viaName, env: (p) => ({ HTTPS_PROXY: p }), proxied: true },
  { name: 'https_proxy (lower case)', target: viaName, env: (p) => ({ https_proxy: p }), proxied: true },
  { name: 'HTTPS_PROXY with credentials', target: viaName, env: (p) => ({ HTTPS_PROXY: withAuth(p) }), proxied: true },
  { name: 'HTTPS_PROXY, NO_PROXY for another host', target: viaName, env: (p) => ({ HTTPS_PROXY: p, NO_PROXY: 'example.com,10.0.0.0' }), proxied: true },
  { name: 'HTTPS_PROXY, NO_PROXY=pypi.test', target: viaName, env: (p) => ({ HTTPS_PROXY: p, NO_PROXY: 'pypi.test' }), proxied: false, failsDirect: true },
  { name: 'HTTPS_PROXY, no_proxy=.test (suffix)', target: viaName, env: (p) => ({ HTTPS_PROXY: p, no_proxy: '.test' }), proxied: false, failsDirect: true },
  { name: 'HTTPS_PROXY, NO_PROXY=*', target: viaName, env: (p) => ({ HTTPS_PROXY: p, NO_PROXY: '*' }), proxied: false, failsDirect: true },
  { name: 'HTTPS_PROXY, NO_PROXY with the port', target: viaName, env: (p) => ({ HTTPS_PROXY: p, NO_PROXY: `pypi.test:${tlsServer.port}` }), proxied: false, failsDirect: true },
  { name: 'HTTP_PROXY only, https target (not used)', target: viaName, env: (p) => ({ HTTP_PROXY: p }), proxied: false, failsDirect: true },
  { name: 'HTTP_PROXY, http loopback target', target: plainLoopback, env: (p) => ({ HTTP_PROXY: p }), proxied: true },
  { name: 'HTTP_PROXY, NO_PROXY=127.0.0.1', target: plainLoopback, env: (p) => ({ HTTP_PROXY: p, NO_PROXY: '127.0.0.1' }), proxied: false },
  { name: 'HTTPS_PROXY only, http loopback target (not used)', target: plainLoopback, env: (p) => ({ HTTPS_PROXY: p }), proxied: false },
];

describe.each([['node24', NODE24], ['machine node', MACHINE_NODE]])('bundled action under %s', (runtime, node) => {
  test.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const proxy: TestProxy = await startProxy({ 'pypi.test': '127.0.0.1' });
    try {
      const ep = c.target();
      const r = await runChild(node, ep, { env: { NODE_EXTRA_CA_CERTS: cert.caFile, ...c.env(proxy.url) }, label: `${runtime} proxy ${name}`, timeoutMs: 30_000 });
      const host = new URL(ep.indexUrl).host;
      if (c.proxied) {
        expect({ code: r.code, stderr: r.stderr, error: errorMessage(r.stdout) }).toEqual({ code: 0, stderr: '', error: '' });
        // audience, OIDC token and mint each went through the proxy, as a CONNECT tunnel
        expect(proxy.seen.filter((s) => s.target === host).length).toBeGreaterThanOrEqual(3);
        expect(proxy.seen.every((s) => s.target === host)).toBe(true);
        const auth = proxy.seen.map((s) => s.proxyAuthorization);
        expect(new Set(auth)).toEqual(new Set([name.includes('credentials') ? `Basic ${Buffer.from(`mint:${PROXY_PASSWORD}`).toString('base64')}` : undefined]));
      } else {
        expect(proxy.seen).toEqual([]);
        if (c.failsDirect) {
          expect(failureProblems(r)).toEqual([]);
          expect(errorMessage(r.stdout)).toMatch(/pypi\.test does not resolve/);
        } else {
          expect({ code: r.code, stderr: r.stderr, error: errorMessage(r.stdout) }).toEqual({ code: 0, stderr: '', error: '' });
        }
      }
    } finally {
      await proxy.close();
    }
  }, 40_000);
});
