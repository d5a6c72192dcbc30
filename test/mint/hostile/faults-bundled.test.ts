/**
 * The fault matrix against the BUNDLED action (action/index.cjs) as a child process with production timing,
 * served by the emulator (real JWTs, real verification, real minting) with its fault injection:
 * - every (endpoint, fault) once under Node 24: a stopping fault fails cleanly with its reason; a transient one is
 *   retried and the run mints;
 * - faults that never clear, under Node 24: the retries are bounded and the whole run ends within the documented
 *   60 s (slow headers on the mint endpoint is the case that runs into that bound);
 * - a representative subset under the machine's Node.
 * Runs concurrently (most of the time is spent waiting on timers), a handful at a time.
 */
import { FAULTS, matrix, type Endpoint, type FaultCase } from './fault-catalogue';
import type { Emulator } from '../../../src/emulator';
import { startTestEmulator, defaultPublisher } from '../../support/emulator';
import { startHostileServer, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { MACHINE_NODE, NODE24 } from '../../support/node';
import { PRODUCTION_TOTAL_MS, STARTUP_SLACK_MS, errorMessage, failureProblems, runChild, type Endpoints } from '../harness';

/** Past the action's 10 s request timeout. */
const SLOW_MS = 12_000;
const ATTEMPTS = 5;

/**
 * The emulator the faults come from, and the recorder redirects point at ("the other host"). Each concurrent test
 * gets its own, so injected faults and request logs do not mix.
 */
interface Backend {
  readonly ep: Endpoints;
  readonly emu: Emulator;
  readonly other: HostileServer;
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  const other = await startHostileServer({ onSecret: registerSecret });
  const emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  return {
    ep: { indexUrl: emu.uploadUrl, oidcRequestUrl: emu.oidc.requestUrl, requestToken: emu.oidc.requestToken },
    emu,
    other,
    close: () => other.close(),
  };
}

async function once(node: string, route: Endpoint, fault: FaultCase, label: string) {
  const b = await startBackend();
  try {
    b.emu.faults.inject(route, fault.build({ otherHost: b.other.url, slowMs: SLOW_MS }));
    const r = await runChild(node, b.ep, { label });
    expect(r.durationMs).toBeLessThan(PRODUCTION_TOTAL_MS + STARTUP_SLACK_MS);
    if (fault.retryable) {
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(b.emu.issuedSecrets()).toContain(r.outputs['api-token']);
      expect(b.emu.requests(route)).toHaveLength(2);
      expect(r.stdout).toMatch(/retrying in \d+\.\d s with a fresh OIDC token/);
    } else {
      expect(failureProblems(r)).toEqual([]);
      expect(errorMessage(r.stdout)).toMatch(fault.reason);
      expect(b.emu.requests(route)).toHaveLength(1);
    }
    if (fault.redirect) expect(b.other.requests()).toEqual([]);
    if (route === 'oidc-token' && !fault.retryable) expect(b.emu.requests('mint-token')).toEqual([]);
  } finally {
    await b.close();
  }
}

describe('bundled action under Node 24, each fault once', () => {
  test.concurrent.each(matrix())('%s answers with %s', async (route, name, fault) => {
    await once(NODE24, route, fault, `node24 ${route} ${name}`);
  }, PRODUCTION_TOTAL_MS + 30_000);
});

const byName = (name: string) => FAULTS.find((f) => f.name === name)!;

describe('bundled action under Node 24, faults that never clear', () => {
  // quick failures use up the retries; 10 s timeouts run into the time limit (the 5th attempt's timer is clamped to it)
  const limit = 'gave up after 5 attempts: retry limit reached';
  const deadline = 'the next attempt would pass the 60 s time limit';
  const persistent: Array<[Endpoint, string, string]> = [
    ['audience', '503 with an HTML body', limit],
    ['oidc-token', '502 with an HTML body', limit],
    ['mint-token', '429 with Retry-After', limit],
    ['mint-token', 'connection reset mid-body', limit],
    ['mint-token', 'slow headers', `gave up after 5 attempts: ${deadline}`],
  ];
  test.concurrent.each(persistent)('%s: %s, every time', async (route, name, gaveUp) => {
    const fault = byName(name);
    const b = await startBackend();
    try {
      b.emu.faults.inject(route, ...Array.from({ length: ATTEMPTS + 1 }, () => fault.build({ otherHost: b.other.url, slowMs: SLOW_MS })));
      const r = await runChild(NODE24, b.ep, { label: `node24 persistent ${route} ${name}` });
      expect(failureProblems(r)).toEqual([]);
      expect(errorMessage(r.stdout)).toMatch(fault.reason);
      // a line of the error of its own says what ended the retries
      expect(errorMessage(r.stdout).split('\n')).toContain(`(${gaveUp})`);
      expect(b.emu.requests(route).length).toBeLessThanOrEqual(ATTEMPTS);
      expect(r.durationMs).toBeLessThan(PRODUCTION_TOTAL_MS + STARTUP_SLACK_MS);
    } finally {
      await b.close();
    }
  }, PRODUCTION_TOTAL_MS + 30_000);
});

describe(`bundled action under the machine's Node (${MACHINE_NODE}), a representative subset`, () => {
  const subset: Array<[Endpoint, string]> = [
    ['audience', '503 with an HTML body'],
    ['audience', '302 redirect to another host'],
    ['oidc-token', 'an OIDC token whose aud differs'],
    ['oidc-token', 'malformed HTTP (bad Content-Length)'],
    ['mint-token', 'a token not starting with pypi-'],
    ['mint-token', '307 redirect to another host'],
    ['mint-token', 'connection reset mid-body'],
    ['mint-token', 'a huge body (5 MiB)'],
  ];
  test.concurrent.each(subset)('%s answers with %s', async (route, name) => {
    await once(MACHINE_NODE, route, byName(name), `machine ${route} ${name}`);
  }, PRODUCTION_TOTAL_MS + 30_000);
});
