/**
 * The same fuzzing through the BUNDLED action as a child process (production timing): at least 200 generated
 * cases per run under Node 24, and 50 more under the machine's Node. To keep a run within minutes, a case's generated answer is served once (the
 * next request of that endpoint gets the normal answer) and Retry-After stays small; retryable answers therefore
 * end in a retry that mints, the others in a refusal. Cases run a few at a time, each against its own server.
 * `FUZZ_SEED` replays a run; a failure names the case's label and the seed.
 */
import * as fc from 'fast-check';
import { caseArbitrary } from './arbitraries';
import { propertyProblems } from './fuzz-property';
import { startHostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { MACHINE_NODE, NODE24 } from '../../support/node';
import { runChild } from '../harness';

const CASES = Number(process.env.FUZZ_CHILD_RUNS ?? 200);
const MACHINE_CASES = Math.ceil(CASES / 4);
const CONCURRENCY = 4;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Date.now() % 2 ** 31;

test.each([['Node 24', NODE24, CASES, SEED], ['the machine\'s Node', MACHINE_NODE, MACHINE_CASES, SEED + 1]] as const)(
  'generated server answers through the bundled action under %s (%s): %s cases, seed %s', async (runtime, node, cases, seed) => {
    const started = Date.now();
    const samples = fc.sample(caseArbitrary({ maxDelayMs: 0, maxRetryAfterSeconds: 2 }), { numRuns: cases, seed });
    const failures: string[] = [];
    const outcome = { minted: 0, refused: 0 };
    let next = 0;
    const worker = async () => {
      while (next < samples.length) {
        const i = next++;
        const { route, answer } = samples[i];
        const server = await startHostileServer({ onSecret: registerSecret });
        try {
          const secrets: string[] = [];
          // the generated answer (which may echo the request) for the first request of the route, then normal service
          let served = false;
          server.script(route, (req) => {
            if (served) return undefined;
            served = true;
            return answer.build(req, secrets);
          });
          const ep = { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken };
          const r = await runChild(node, ep, { label: `fuzz child ${runtime} #${i} ${route}`, timeoutMs: 90_000 });
          secrets.forEach(registerSecret);
          outcome[r.code === 0 ? 'minted' : 'refused']++;
          const problems = propertyProblems(r, { canonical: answer.canonical, secrets: [...secrets, ...server.issued()] });
          if (problems.length > 0) failures.push(`#${i} ${route} ${answer.label}: ${problems.join(' | ')}`);
        } finally {
          await server.close();
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    process.stdout.write(`child fuzz, ${runtime} (seed ${seed}): ${cases} cases, ${JSON.stringify(outcome)}, ${Math.round((Date.now() - started) / 1000)} s\n`);
    expect(failures).toEqual([]);
    expect(outcome.minted).toBeGreaterThan(cases / 20);
    expect(outcome.refused).toBeGreaterThan(cases / 5);
  }, 900_000);

