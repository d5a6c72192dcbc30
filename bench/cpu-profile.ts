/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and sums self time per module, so the bench can say
 * where a run's time goes: Node's own bootstrap, the bundle, or the idle wait for the network.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface ModuleTime {
  /** `(idle)`, `(program)`, `(garbage collector)`, `node:internal/...`, or a path relative to the project */
  readonly module: string;
  readonly ms: number;
}

export function summariseCpuProfile(json: string, root: string): ModuleTime[] {
  const profile = JSON.parse(json) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const url = frame?.url ?? '';
    const name = url === ''
      ? frame?.functionName || '(unknown)'
      : url.replace(/^file:\/\//, '').replace(root + '/', '').replace(/^node:internal\/([^/]+).*$/, 'node:internal/$1');
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([module, ms]) => ({ module, ms })).sort((a, b) => b.ms - a.ms);
}
