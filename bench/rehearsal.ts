/**
 * `npx projen bench:rehearsal` (part of `npx projen bench`): what the rehearsal runner and the emulator add to a
 * rehearsal beyond the time the build and upload tools take themselves. A sample project (uv, hatchling, the
 * component's defaults) is committed and tagged in a fresh git repository; `rehearse()` runs it in rounds (the first
 * round warms uv's cache and is not counted). Each round splits its wall time into the tools' own (the processes of
 * every `run:` step and local action, and of the checks: pypi-attestations, uv, python) and the rest: the runner's
 * and the emulator's (start, checkouts, stand-ins, orchestration, the report). Budget: overhead at most 2 s.
 * Options: `--rounds N` (default 5), `--quick` (2 rounds; the result says so). Writes bench/rehearsal-results.json.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { quantile, round } from './timing';
import { TOOLS_DIR } from '../scripts/tools/catalog';
import { installTools } from '../scripts/tools/install';
import { rehearse, type RehearsalResult } from '../src/rehearsal/rehearse';
import { synthesizeSampleRelease } from '../test/support/sample-release';

const BUDGET_MS = 2000;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const roundsArg = args.indexOf('--rounds');
const ROUNDS = quick ? 2 : Math.max(3, roundsArg >= 0 ? Number(args[roundsArg + 1]) : 5);

function taggedSample(): { dir: string; release: ReturnType<typeof synthesizeSampleRelease> } {
  const sample = synthesizeSampleRelease({ flavour: 'uv', buildBackend: 'hatchling', name: 'bench-widgets' });
  const git = (...a: string[]) => execFileSync('git', ['-C', sample.dir, '-c', 'user.name=Bench', '-c', 'user.email=bench@example.invalid', ...a]);
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '--message', 'bench');
  git('tag', 'v1.0.0');
  return { dir: sample.dir, release: sample };
}

async function main(): Promise<number> {
  installTools(() => undefined);
  const { dir, release } = taggedSample();
  const results: RehearsalResult[] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    const lines: string[] = [];
    const result = await rehearse({
      tag: 'v1.0.0',
      cwd: dir,
      workflowFile: release.workflowFile,
      repository: release.repository,
      project: release.name,
      indexes: release.release.indexes.map((ix) => ({
        name: ix.name, displayName: ix.displayName, uploadUrl: ix.uploadUrl, webUrl: ix.webUrl, environment: ix.environment,
      })),
      cacheDir: join(TOOLS_DIR, 'rehearse-cache'),
      out: (l) => lines.push(l),
    });
    if (!result.ok || result.timing === undefined) {
      process.stderr.write(`${lines.join('\n')}\nbench:rehearsal: the rehearsal did not pass; nothing to measure\n`);
      return 1;
    }
    if (i > 0) results.push(result); // round 0 warms uv's cache (the build backend's download)
  }
  const col = (f: (t: NonNullable<RehearsalResult['timing']>) => number) => results.map((r) => f(r.timing!)).sort((a, b) => a - b);
  const total = col((t) => t.totalMs);
  const tools = col((t) => t.toolsMs);
  const overhead = col((t) => t.overheadMs);
  const ratio = col((t) => t.totalMs / t.toolsMs);
  const cpu = col((t) => t.ownCpuMs);
  const median = (xs: number[]) => quantile(xs, 0.5);
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  const out = [
    `rehearsal of a tag push (build, sign, mint, upload, summary, then sha256 + provenance + install checks): ${results.length} rounds after a warm-up` +
      (quick ? ' (QUICK: not a measurement to quote)' : ''),
    '',
    line(['round', 'total (wall)', 'tools\' own (wall)', 'runner + emulator (wall)', 'total / tools', 'runner + emulator CPU']),
    line(['---', '---:', '---:', '---:', '---:', '---:']),
    ...results.map((r, i) => line([i + 1, `${r.timing!.totalMs} ms`, `${r.timing!.toolsMs} ms`, `${r.timing!.overheadMs} ms`,
      `${round(r.timing!.totalMs / r.timing!.toolsMs, 2)}x`, `${r.timing!.ownCpuMs} ms`])),
    line(['median', `${median(total)} ms`, `${median(tools)} ms`, `${median(overhead)} ms`, `${round(median(ratio), 2)}x`, `${median(cpu)} ms`]),
    '',
    `Machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min) at the end: ` +
      'wall times include waiting for the CPU; the CPU column does not.',
    `Where the wall time of the median round went, by phase (tools included): ${Object.entries(results[Math.floor(results.length / 2)].timing!.phases)
      .map(([k, v]) => `${k} ${v} ms`).join(', ')}`,
    '',
    `Budget: runner + emulator at most ${BUDGET_MS} ms beyond the tools: median ${median(overhead)} ms, max ${overhead[overhead.length - 1]} ms: ` +
      `${median(overhead) <= BUDGET_MS ? 'met' : 'NOT MET'}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  writeFileSync(join(__dirname, 'rehearsal-results.json'), `${JSON.stringify({
    rounds: results.length,
    quick,
    budgetMs: BUDGET_MS,
    medianMs: { total: median(total), tools: median(tools), overhead: median(overhead), ownCpu: median(cpu) },
    loadAverage: loadavg(),
    medianRatio: round(median(ratio), 3),
    budgetMet: median(overhead) <= BUDGET_MS,
    perRound: results.map((r) => r.timing),
  }, null, 2)}\n`);
  return median(overhead) <= BUDGET_MS ? 0 : 1;
}

main().then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  process.stderr.write(`bench:rehearsal failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
