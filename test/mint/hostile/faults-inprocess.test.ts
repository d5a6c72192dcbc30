/**
 * The whole fault matrix, in-process (the action's own modules over real loopback HTTP, short timing): every fault
 * on every endpoint, both persistent (the action gives up with the right reason, within its bound, after the right
 * number of attempts, writing nothing) and, for the transient kinds, once (the action retries and mints, with a
 * fresh JWT for every exchange attempt).
 */
import { matrix } from './fault-catalogue';
import { parseFileCommand } from '../../../src/rehearsal/commands';
import { startHostileServer, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { FAST_TIMING, errorMessage, failureProblems, runInProcess, type Endpoints } from '../harness';

let server: HostileServer;
let other: HostileServer;
let ep: Endpoints;
const SLOW_MS = FAST_TIMING.requestTimeoutMs * 2;
/** attempts the action makes for a fault that never clears: 1 + one per backoff step */
const ATTEMPTS = FAST_TIMING.backoffMs.length + 1;

beforeAll(async () => {
  server = await startHostileServer({ onSecret: registerSecret });
  other = await startHostileServer({ onSecret: registerSecret });
  ep = { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken };
});
afterAll(async () => {
  await server.close();
  await other.close();
});
beforeEach(() => {
  server.clear();
  other.clear();
});

const jwtsSentToMint = () => server.requests('mint-token').map((r) => (JSON.parse(r.body) as { token: string }).token);

describe.each(matrix())('%s answers with %s', (route, _name, fault) => {
  const build = () => fault.build({ otherHost: other.url, slowMs: SLOW_MS });

  test('persistently: a clean failure with the reason, in bounded time, nothing written', async () => {
    server.script(route, build);
    const r = await runInProcess(ep, { label: `${route} ${fault.name}` });
    expect(failureProblems(r)).toEqual([]);
    expect(errorMessage(r.stdout)).toMatch(fault.reason);
    expect(r.durationMs).toBeLessThan(FAST_TIMING.totalTimeoutMs + 1_000);
    expect(server.requests(route)).toHaveLength(fault.retryable ? ATTEMPTS : 1);
    if (fault.redirect) expect(other.requests()).toEqual([]);
    if (route === 'oidc-token' && !fault.retryable) expect(server.requests('mint-token')).toEqual([]);
    if (route !== 'audience') {
      // every exchange attempt used its own JWT, never one sent before
      const jwts = jwtsSentToMint();
      expect(new Set(jwts).size).toBe(jwts.length);
    }
  });

  if (fault.retryable) {
    test('once: retried with a fresh JWT, then minted', async () => {
      server.inject(route, build());
      const r = await runInProcess(ep, { label: `${route} ${fault.name} (transient)` });
      expect(r.code).toBe(0);
      const outputs = parseFileCommand(r.outputFile, 'GITHUB_OUTPUT');
      expect(outputs['api-token']).toBe(server.issued().filter((s) => s.startsWith('pypi-')).pop());
      expect(server.requests(route)).toHaveLength(2);
      expect(r.stdout).toMatch(/retrying in \d+\.\d s with a fresh OIDC token/);
      const jwts = jwtsSentToMint();
      expect(new Set(jwts).size).toBe(jwts.length);
      if (route !== 'audience') expect(server.requests('oidc-token')).toHaveLength(2);
    });
  }
});
