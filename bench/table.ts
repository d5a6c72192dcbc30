/** The bench's printed report: one Markdown table, the bundle size, the budget verdict and the profile. */
import type { ModuleTime } from './cpu-profile';

interface Stat { readonly medianMs: number; readonly p90Ms: number; readonly minMs: number }

export interface Row {
  readonly name: string;
  readonly version: string;
  readonly nodeE0: Stat;
  readonly action: Stat;
  readonly loadOnly: Stat;
  readonly actionFirstOutputMedianMs: number;
  readonly ratio: number;
  /** The other bundles (`--compare`) and proxied runs, timed in the same rounds. */
  readonly compared: ReadonlyArray<Stat & { readonly name: string; readonly ratio: number }>;
  readonly peakRssKb: { readonly action: { kb: number; how: string }; readonly nodeE0: { kb: number; how: string } };
}

export interface Report {
  readonly rows: Row[];
  readonly bundle: { bytes: number; gzipBytes: number };
  readonly runs: number;
  readonly quick: boolean;
  readonly budgetRatio: number;
  readonly budgetMet: boolean;
  readonly profile: ModuleTime[];
  readonly backend: string;
  readonly roundTrips: ReadonlyArray<{ readonly bundle: string; readonly pypi: number; readonly customIndex: number }>;
}

const cell = (s: Stat) => `${s.medianMs} ms (${s.p90Ms})`;
const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

export function printTable(r: Report): void {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const out = [
    `mint action vs node -e 0: median (p90) of ${r.runs} interleaved runs each, backend: ${r.backend}` +
      (r.quick ? ' (QUICK: not a measurement to quote)' : ''),
    '',
    line(['runtime', 'node -e 0', 'action (mints)', 'ratio', 'action: load only', 'action: first log line', 'peak RSS action / node -e 0']),
    line(['---', '---', '---', '---', '---', '---', '---']),
    ...r.rows.map((row) => line([`${row.name} ${row.version}`, cell(row.nodeE0), cell(row.action), `${row.ratio}x`,
      cell(row.loadOnly), `${row.actionFirstOutputMedianMs} ms`, `${mib(row.peakRssKb.action.kb)} / ${mib(row.peakRssKb.nodeE0.kb)}`])),
    ...(r.rows.some((row) => row.compared.length > 0) ? [
      '',
      'the same rounds, other bundles and runs through a CONNECT proxy (HTTP_PROXY):',
      '',
      line(['runtime', 'command', 'median (p90)', 'ratio to node -e 0']),
      line(['---', '---', '---', '---']),
      ...r.rows.flatMap((row) => [
        line([`${row.name}`, 'action', cell(row.action), `${row.ratio}x`]),
        ...row.compared.map((c) => line([`${row.name}`, c.name, cell(c), `${c.ratio}x`])),
      ]),
    ] : []),
    '',
    'round trips to the index per run (audience + mint; GitHub\'s OIDC endpoint not counted):',
    ...r.roundTrips.map((t) => `  ${t.bundle}: upload.pypi.org ${t.pypi}, a custom index ${t.customIndex}`),
    '',
    `bundle action/index.cjs: ${r.bundle.bytes} bytes, ${r.bundle.gzipBytes} bytes gzip`,
    `budget (action <= ${r.budgetRatio}x node -e 0 on Node 24): ${r.budgetMet ? 'MET' : 'NOT MET'}`,
    '',
    'where a run spends its CPU time on Node 24 (self time by module; (idle) = waiting for the network):',
    ...r.profile.slice(0, 8).map((p) => `  ${p.ms.toFixed(1).padStart(7)} ms  ${p.module}`),
    '',
    'written: bench/results.json',
  ];
  console.log(out.join('\n'));
}
