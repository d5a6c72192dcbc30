/** Spawning a command and timing it (wall clock, first stdout byte, peak RSS), plus the statistics the bench uses. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface Timed {
  readonly ms: number;
  readonly code: number | null;
  /** when the first stdout byte arrived: Node start-up plus loading the bundle, before any request */
  readonly firstOutputMs?: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstOutputMs: number | undefined;
    child.stdout.on('data', (c: Buffer) => {
      firstOutputMs ??= elapsed();
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: elapsed(), code, stdout, stderr, firstOutputMs }));
  });
}

/** Peak resident set size (KiB) of one run: GNU time when present, else the child's own resourceUsage on exit. */
export async function runPeakRss(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<{ kb: number; how: string }> {
  if (existsSync('/usr/bin/time')) {
    const r = await run('/usr/bin/time', ['-f', 'MAXRSS=%M', cmd, ...argv], env);
    const m = /MAXRSS=(\d+)/.exec(r.stderr);
    if (m) return { kb: Number(m[1]), how: '/usr/bin/time -f %M' };
  }
  const r = await run(cmd, ['-r', join(__dirname, 'report-rss.cjs'), ...argv], env);
  const m = /MAXRSS=(\d+)/.exec(r.stderr);
  return { kb: m ? Number(m[1]) : NaN, how: 'process.resourceUsage().maxRSS' };
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.ceil(pos)] - s[lo]) * (pos - lo);
}

export const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
