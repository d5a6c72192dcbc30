/**
 * Property-based fuzzing of server answers (status x headers x body), in-process: `runAction` (the action's own
 * modules) against a real loopback server that answers one endpoint with a generated response, every time it is
 * asked (so retryable answers exhaust the retries). Timing is shortened in-process; the code paths are production's.
 * At least 10,000 cases per run: FUZZ_RUNS per endpoint, three endpoints. `FUZZ_SEED` replays a run.
 */
import * as fc from 'fast-check';
import { answerFor } from './arbitraries';
import { propertyProblems } from './fuzz-property';
import { startHostileServer, type HostileRoute, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { runInProcess, type Endpoints } from '../harness';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 3_400);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;
/**
 * Short enough that a retried case costs milliseconds; the stalls generated below exceed the request timeout. One
 * retry instead of production's four: the fuzzer explores answers, the fault matrix covers the retry schedule.
 */
const TIMING = { requestTimeoutMs: 100, totalTimeoutMs: 1_500, backoffMs: [1], maxRetryAfterMs: 5 };

let server: HostileServer;
let ep: Endpoints;
const counts: Record<string, number> = {};

beforeAll(async () => {
  server = await startHostileServer({ onSecret: registerSecret });
  ep = { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken };
});
afterAll(async () => {
  await server.close();
  // the run's figures, for the closing note and docs/security.md
  process.stdout.write(`in-process fuzz (seed ${SEED}): ${JSON.stringify(counts)}\n`);
});

describe.each<HostileRoute>(['audience', 'oidc-token', 'mint-token'])('fuzzed answers from %s', (route) => {
  test(`${FUZZ_RUNS} cases: a valid token it was given, or a clean failure; no stack, no leak`, async () => {
    const started = Date.now();
    let minted = 0;
    let failed = 0;
    await fc.assert(
      fc.asyncProperty(answerFor(route, { maxDelayMs: Number(process.env.FUZZ_MAX_DELAY ?? 150), maxRetryAfterSeconds: 100_000 }), async (answer) => {
        server.clear();
        const secrets: string[] = [];
        server.script(route, (req) => answer.build(req, secrets));
        const r = await runInProcess(ep, { timing: TIMING, label: `fuzz ${route} ${answer.label}` });
        secrets.forEach(registerSecret);
        if (r.code === 0) minted++;
        else failed++;
        const problems = propertyProblems(r, { canonical: answer.canonical, secrets: [...secrets, ...server.issued()] });
        if (problems.length > 0) {
          throw new Error(`${answer.label}: ${problems.join(' | ')}\nfirst error line: ${r.stdout.split('\n').find((l) => l.startsWith('::error'))?.slice(0, 300)}`);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED, endOnFailure: false },
    );
    counts[route] = FUZZ_RUNS;
    counts[`${route} minted`] = minted;
    counts[`${route} refused`] = failed;
    counts[`${route} seconds`] = Math.round((Date.now() - started) / 100) / 10;
    // a fuzzer that never reaches success (or never failure) is not exploring
    expect(minted).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(failed).toBeGreaterThan(FUZZ_RUNS / 2);
  }, 600_000);
});
