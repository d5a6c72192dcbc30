/**
 * `npx projen bench:rehearsal` (part of `npx projen bench`): what the rehearsal runner and the emulator add to a
 * rehearsal beyond the time the build and upload tools take themselves. A sample project (uv, hatchling, the
 * component's defaults) is committed and tagged in a fresh git repository, then rehearsed as its `pypi:rehearse` task
 * does it: the shipped command (lib/rehearsal/cli.cjs, `node` loading the bundle included) with the task's own
 * arguments, in rounds (a warm-up round first, not counted). Each round, side by side: the command's wall time, from
 * spawn to exit, as the bench measures it; the time during which one of the tools it ran (the processes of every
 * `run:` step and local action, the checks' pypi-attestations, uv and python) was running, as the command reports it
 * (`--timing`); and their difference, the runner's and the emulators' own time. Budget: that difference at most 2 s.
 *
 * Options: `--rounds N` (default 5), `--quick` (2 rounds; the result says so), `--baseline <cli.cjs>`: another
 * build of the command (one that knows `--timing`), rehearsed in the same rounds, alternating with this one, so the
 * two compare under the same load (before/after as ratios from one run). Writes bench/rehearsal-results.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { quantile, round } from './timing';
import { TOOLS_DIR } from '../scripts/tools/catalog';
import { installTools } from '../scripts/tools/install';
import type { RehearsalTiming } from '../src/rehearsal/rehearse';
import { ensureRehearsalBundle } from '../test/support/local-package';
import { synthesizeSampleRelease } from '../test/support/sample-release';

const BUDGET_MS = 2000;
const TAG = 'v1.0.0';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
const ROUNDS = quick ? 2 : Math.max(3, Number(option('--rounds') ?? 5));
const BASELINE = option('--baseline') === undefined ? undefined : resolve(option('--baseline')!);

/** The sample, committed and tagged, and the arguments its pypi:rehearse task passes to pypi-mint-rehearse. */
function taggedSample(): { dir: string; taskArgs: string[] } {
  const sample = synthesizeSampleRelease({ flavour: 'uv', buildBackend: 'hatchling', name: 'bench-widgets' });
  const git = (...a: string[]) => execFileSync('git', ['-C', sample.dir, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', ...a]);
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'bench');
  git('tag', TAG);
  const tasks = JSON.parse(readFileSync(join(sample.dir, '.projen', 'tasks.json'), 'utf8')) as { tasks: Record<string, { steps?: Array<{ exec?: string }> }> };
  const exec = tasks.tasks['pypi:rehearse']?.steps?.[0]?.exec;
  if (exec === undefined) throw new Error('the sample has no pypi:rehearse task');
  const words = execFileSync('bash', ['-c', `printf '%s\\0' ${exec}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
  return { dir: sample.dir, taskArgs: words.slice(words.indexOf('pypi-mint-rehearse') + 1) };
}

interface Round {
  /** The command's wall time, spawn to exit, measured here. */
  readonly wallMs: number;
  readonly toolsMs: number;
  readonly overheadMs: number;
  readonly timing: RehearsalTiming;
}

/** One rehearsal by the command `cli`, timed from spawn to exit. */
function rehearseOnce(cli: string, dir: string, taskArgs: string[]): Promise<Round> {
  const scratch = mkdtempSync(join(tmpdir(), 'bench-rehearsal-'));
  const timingFile = join(scratch, 'timing.json');
  const argv = [cli, ...taskArgs, '--tag', TAG, '--cache-dir', join(TOOLS_DIR, 'rehearse-cache'), '--timing', timingFile];
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, argv, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
      try {
        if (code !== 0) throw new Error(`${cli} exited ${code}:\n${output}`);
        const timing = JSON.parse(readFileSync(timingFile, 'utf8')) as RehearsalTiming;
        resolvePromise({ wallMs, toolsMs: timing.toolsMs, overheadMs: wallMs - timing.toolsMs, timing });
      } catch (e) {
        reject(e);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    });
  });
}

const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
const spread = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0]}–${s[s.length - 1]} ms (IQR ${round(quantile(s, 0.75) - quantile(s, 0.25), 0)} ms)`;
};
const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

function table(label: string, rounds: Round[]): string[] {
  const col = (f: (r: Round) => number) => rounds.map(f);
  const wall = col((r) => r.wallMs);
  const tools = col((r) => r.toolsMs);
  const overhead = col((r) => r.overheadMs);
  const cpu = col((r) => r.timing.ownCpuMs);
  const phases = Object.keys(rounds[0].timing.overheadByPhase);
  return [
    `${label}:`,
    '',
    line(['round', 'rehearsal (wall)', 'tools\' own (wall)', 'runner + emulator (wall)', 'rehearsal / tools', 'runner + emulator CPU']),
    line(['---', '---:', '---:', '---:', '---:', '---:']),
    ...rounds.map((r, i) => line([i + 1, `${r.wallMs} ms`, `${r.toolsMs} ms`, `${r.overheadMs} ms`, `${round(r.wallMs / r.toolsMs, 2)}x`, `${r.timing.ownCpuMs} ms`])),
    line(['median', `${median(wall)} ms`, `${median(tools)} ms`, `${median(overhead)} ms`, `${round(median(wall) / median(tools), 2)}x`, `${median(cpu)} ms`]),
    line(['spread', spread(wall), spread(tools), spread(overhead), '', spread(cpu)]),
    '',
    `Runner + emulator by phase (median ms; the rest of the difference is Node starting and loading the bundle, and the exit): ${
      phases.map((p) => `${p} ${median(rounds.map((r) => r.timing.overheadByPhase[p] ?? 0))}`).join(', ')}; ` +
      `Node + bundle + exit ${median(rounds.map((r) => r.wallMs - r.timing.totalMs))}`,
    '',
  ];
}

async function main(): Promise<number> {
  installTools(() => undefined);
  const cli = ensureRehearsalBundle();
  const { dir, taskArgs } = taggedSample();
  const current: Round[] = [];
  const baseline: Round[] = [];
  await rehearseOnce(cli, dir, taskArgs); // warm-up: uv's cache (the build backend's download), the page cache
  if (BASELINE) await rehearseOnce(BASELINE, dir, taskArgs);
  for (let i = 0; i < ROUNDS; i++) {
    // alternate which goes first, so neither always follows the other
    const order: Array<[string, Round[]]> = BASELINE === undefined ? [[cli, current]]
      : i % 2 === 0 ? [[BASELINE, baseline], [cli, current]] : [[cli, current], [BASELINE, baseline]];
    for (const [command, into] of order) into.push(await rehearseOnce(command, dir, taskArgs));
  }
  const overhead = current.map((r) => r.overheadMs);
  const met = median(overhead) <= BUDGET_MS;
  const out = [
    `rehearsal of a tag push as \`npx projen pypi:rehearse --tag ${TAG}\` runs it (build, sign, mint, upload, summary, then sha256 + provenance + ` +
      `install checks), ${ROUNDS} rounds after a warm-up${quick ? ' (QUICK: not a measurement to quote)' : ''}`,
    '',
    ...(BASELINE === undefined ? [] : table(`baseline ${BASELINE}`, baseline)),
    ...table(`this build (${cli})`, current),
    ...(BASELINE === undefined ? [] : [
      `This build against the baseline, same rounds: runner + emulator ${round(median(overhead) / median(baseline.map((r) => r.overheadMs)), 2)}x, ` +
        `rehearsal wall ${round(median(current.map((r) => r.wallMs)) / median(baseline.map((r) => r.wallMs)), 2)}x, ` +
        `tools' own ${round(median(current.map((r) => r.toolsMs)) / median(baseline.map((r) => r.toolsMs)), 2)}x (medians)`,
      '',
    ]),
    `Machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end: ` +
      'wall times include waiting for the CPU; the CPU column does not.',
    '',
    `Budget: runner + emulator at most ${BUDGET_MS} ms beyond the tools: median ${median(overhead)} ms (${spread(overhead)}): ${met ? 'met' : 'NOT MET'}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const summary = (rounds: Round[]) => ({
    medianMs: {
      wall: median(rounds.map((r) => r.wallMs)),
      tools: median(rounds.map((r) => r.toolsMs)),
      overhead: median(rounds.map((r) => r.overheadMs)),
      ownCpu: median(rounds.map((r) => r.timing.ownCpuMs)),
    },
    perRound: rounds,
  });
  writeFileSync(join(__dirname, 'rehearsal-results.json'), `${JSON.stringify({
    rounds: ROUNDS,
    quick,
    budgetMs: BUDGET_MS,
    budgetMet: met,
    loadAverage: loadavg(),
    current: summary(current),
    ...(BASELINE === undefined ? {} : { baseline: { command: BASELINE, ...summary(baseline) } }),
  }, null, 2)}\n`);
  return met ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`bench:rehearsal failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
