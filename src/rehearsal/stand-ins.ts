/**
 * Documented stand-ins for the steps a runner would fetch from the network. Each one does what the real step would
 * leave behind on this machine, says in the step log that it is a stand-in, and fails the step where the real thing
 * would not have worked here. A `uses:` that none of them recognises makes the harness throw.
 *
 * - actions/checkout: copies the repository files (or the sparse selection) into the workspace, with git's modes (644,
 *   or 755 for an executable). Like the real action,
 *   it first deletes the contents of a target directory it did not check out itself (dist/ downloaded before a
 *   checkout into the workspace root is gone afterwards, exactly as on GitHub).
 * - actions/download-artifact: copies the dists the test built (or a previous job uploaded) into `path`.
 * - actions/upload-artifact: keeps `path`'s files under the artifact name, for a later job of the same run.
 * - actions/setup-python: the Python of .tools/ (the installer's interpreter, with the pinned pip).
 * - astral-sh/setup-uv: the real uv of .tools/, at exactly the version the step asks for.
 * Every `run:` step runs for real, tool installs from PyPI included.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { listRepositoryFiles, selectCone, selectPatterns } from './repository-files';
import { tempDir } from './temp-dirs';
import type { Toolbox } from './toolbox';
import type { WorkflowStep } from './types';

export interface StandInContext {
  readonly step: WorkflowStep;
  /** `with:` after expressions, URL substitution and action defaults. */
  readonly inputs: Record<string, string>;
  readonly workspace: string;
  readonly repoDir: string;
  /** The run's artifacts by name: download-artifact reads them, upload-artifact adds to them. */
  readonly artifacts: Record<string, string>;
  /** The run's artifact ids (what upload-artifact outputs as `artifact-id`) -> artifact name. */
  readonly artifactIds: Record<string, string>;
  readonly tools: Toolbox;
  /** Directories the harness has checked out in this job (checkout cleans them instead of wiping). */
  readonly checkedOut: Set<string>;
  /**
   * Set when the checkout is a git clone of repoDir (a rehearsal of a tag push): the run's ref and commit. Unset:
   * repoDir's files are copied (no `.git`).
   */
  readonly checkoutFrom?: {
    readonly ref: string;
    readonly sha: string;
    /**
     * A clone made for the run the way this stand-in makes one (fetch-depth 1 at the run's ref): a checkout with the
     * default depth and no sparse rules copies it instead of cloning again.
     */
    readonly pristine?: { readonly dir: string; readonly files: number };
    /**
     * Sparse clones made for the run the same way (fetch-depth 1 at the run's ref, then the sparse rules), by
     * `sparseKey`: a checkout with those rules and the default depth copies one instead of cloning again.
     */
    readonly sparse?: ReadonlyMap<string, { readonly dir: string; readonly files: number }>;
  };
  /** Demo mode: a missing tool is a warning here and the step that runs it fails instead. @default false */
  readonly tolerateMissingTools?: boolean;
  log(line: string): void;
  /** Sets one of the step's outputs (as a `GITHUB_OUTPUT` line would). */
  setOutput(name: string, value: string): void;
}

export interface StandIn {
  readonly describe: string;
  matches(step: WorkflowStep): boolean;
  /** true: the step succeeded; false: it failed (the log says why). */
  run(ctx: StandInContext): boolean;
}

function actionName(uses: string | undefined): string | undefined {
  return uses?.split('@')[0].toLowerCase();
}

function refuseUnknownInputs(ctx: StandInContext, known: string[]): void {
  const unknown = Object.keys(ctx.inputs).filter((k) => !known.includes(k));
  if (unknown.length) throw new Error(`${ctx.step.uses}: inputs ${unknown.join(', ')} are beyond what the harness emulates`);
}

/** Whether the owner may execute the file (git's one mode bit). */
function isExecutable(path: string): boolean {
  return (statSync(path).mode & 0o100) !== 0; // eslint-disable-line no-bitwise
}

const checkout: StandIn = {
  describe: 'actions/checkout -> copy the repository files (sparse rules applied)',
  matches: (s) => actionName(s.uses) === 'actions/checkout',
  run(ctx) {
    refuseUnknownInputs(ctx, ['path', 'sparse-checkout', 'sparse-checkout-cone-mode', 'persist-credentials', 'fetch-depth', 'ref', 'clean', 'show-progress', 'repository']);
    const repo = ctx.inputs.repository;
    if (repo && repo !== '' && !/^\$\{\{/.test(repo)) throw new Error(`checkout of another repository (${repo}) is beyond the harness`);
    const target = resolve(ctx.workspace, ctx.inputs.path ?? '.');
    mkdirSync(target, { recursive: true });
    const wipe = !ctx.checkedOut.has(target) || ctx.inputs.clean !== 'false';
    if (wipe && readdirSync(target).length > 0) {
      ctx.log(ctx.checkedOut.has(target) ? `Cleaning the repository (git clean -ffdx) in '${target}'` : `Deleting the contents of '${target}'`);
      for (const entry of readdirSync(target)) rmSync(join(target, entry), { recursive: true, force: true });
    }
    const sparse = (ctx.inputs['sparse-checkout'] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (ctx.checkoutFrom !== undefined) return gitCheckout(ctx, target, sparse);
    let files = listRepositoryFiles(ctx.repoDir);
    if (sparse.length > 0) {
      files = ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? selectPatterns(files, sparse) : selectCone(files, sparse);
      ctx.log(`Sparse checkout (${ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? 'patterns' : 'cone mode'}): ${sparse.join(', ')}`);
    }
    for (const f of files) {
      mkdirSync(dirname(join(target, f)), { recursive: true });
      cpSync(join(ctx.repoDir, f), join(target, f));
      // git knows two modes, 644 and 755: projen's read-only generated files are writable in a checkout
      chmodSync(join(target, f), isExecutable(join(ctx.repoDir, f)) ? 0o755 : 0o644);
    }
    ctx.checkedOut.add(target);
    ctx.log(`[stand-in for ${ctx.step.uses}] ${files.length} file(s) of the repository placed in '${target}'`);
    if (ctx.inputs['persist-credentials'] !== 'false') ctx.log('persist-credentials is not false: the real action would keep the GITHUB_TOKEN in .git/config');
    return true;
  },
};

/**
 * The checkout as actions/checkout makes it on GitHub: a git repository at the run's commit, `fetch-depth` commits
 * deep (1 by default, 0 for all history), the run's tag fetched with it, HEAD detached at the commit; sparse rules
 * applied by git itself.
 */
function gitCheckout(ctx: StandInContext, target: string, sparse: string[]): boolean {
  const from = ctx.checkoutFrom!;
  const git = (args: string[], cwd?: string) => execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ADVICE: '0' },
  });
  const depth = ctx.inputs['fetch-depth'] ?? '1';
  if (!/^\d+$/.test(depth)) throw new Error(`${ctx.step.uses}: fetch-depth '${depth}' is not a number`);
  const refName = from.ref.replace(/^refs\/(tags|heads)\//, '');
  const ref = ctx.inputs.ref && ctx.inputs.ref !== '' ? ctx.inputs.ref : refName;
  if (from.pristine !== undefined && depth === '1' && ref === refName && sparse.length === 0) {
    cpSync(from.pristine.dir, target, { recursive: true, verbatimSymlinks: true });
    ctx.checkedOut.add(target);
    ctx.log(`[stand-in for ${ctx.step.uses}] git clone of ${ref} at ${from.sha.slice(0, 12)} (fetch-depth 1), ` +
      `${from.pristine.files} file(s) in '${target}', .git included`);
    if (ctx.inputs['persist-credentials'] !== 'false') ctx.log('persist-credentials is not false: the real action would keep the GITHUB_TOKEN in .git/config');
    return true;
  }
  const cone = ctx.inputs['sparse-checkout-cone-mode'] !== 'false';
  const prepared = from.sparse?.get(sparseKey(sparse, cone));
  if (prepared !== undefined && depth === '1' && ref === refName && sparse.length > 0) {
    cpSync(prepared.dir, target, { recursive: true, verbatimSymlinks: true });
    ctx.checkedOut.add(target);
    ctx.log(`Sparse checkout (${cone ? 'cone mode' : 'patterns'}): ${sparse.join(', ')}`);
    ctx.log(`[stand-in for ${ctx.step.uses}] git clone of ${ref} at ${from.sha.slice(0, 12)} (fetch-depth 1), ` +
      `${prepared.files} file(s) in '${target}', .git included`);
    if (ctx.inputs['persist-credentials'] !== 'false') ctx.log('persist-credentials is not false: the real action would keep the GITHUB_TOKEN in .git/config');
    return true;
  }
  try {
    git(['clone', '--quiet', '-c', 'advice.detachedHead=false', ...(depth === '0' ? [] : ['--depth', depth]),
      ...(sparse.length > 0 ? ['--no-checkout'] : []), '--branch', ref, `file://${ctx.repoDir}`, target]);
    if (sparse.length > 0) {
      git(['sparse-checkout', 'set', ...(ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? ['--no-cone'] : []), ...sparse], target);
      git(['checkout', '--quiet', '--detach', 'HEAD'], target);
      ctx.log(`Sparse checkout (${ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? 'patterns' : 'cone mode'}): ${sparse.join(', ')}`);
    }
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    ctx.log(`##[error]The process '/usr/bin/git' failed: ${(err.stderr ?? err.message).trim().split('\n').join(' ')}`);
    return false;
  }
  const head = git(['rev-parse', 'HEAD'], target).trim();
  if (ctx.inputs.ref === undefined && head !== from.sha) {
    ctx.log(`##[error][stand-in for ${ctx.step.uses}] ${ref} is at ${head}, but the run is for commit ${from.sha}`);
    return false;
  }
  const count = git(['ls-files'], target).split('\n').filter((l) => l !== '').length;
  ctx.checkedOut.add(target);
  ctx.log(`[stand-in for ${ctx.step.uses}] git clone of ${ref} at ${head.slice(0, 12)}` +
    `${depth === '0' ? ' (all history)' : ` (fetch-depth ${depth})`}, ${count} file(s) in '${target}', .git included`);
  if (ctx.inputs['persist-credentials'] !== 'false') ctx.log('persist-credentials is not false: the real action would keep the GITHUB_TOKEN in .git/config');
  return true;
}

/** The key of a prepared sparse clone: its rules and whether they are cone mode. */
export function sparseKey(sparse: readonly string[], cone: boolean): string {
  return JSON.stringify([cone, ...sparse]);
}

/**
 * A sparse clone as the checkout stand-in makes one (fetch-depth 1 at `ref`, the rules applied by git), made
 * beforehand and without blocking (the rehearsal prepares the ones its workflow names while the machine is set up);
 * checked to be at `sha`. undefined when it fails: the checkout then clones for itself and says what went wrong.
 */
export async function prepareSparseClone(repoDir: string, ref: string, sha: string, sparse: readonly string[], cone: boolean, dir: string):
Promise<{ dir: string; files: number } | undefined> {
  const git = (args: string[], cwd?: string) => run('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ADVICE: '0' },
  });
  try {
    await git(['clone', '--quiet', '-c', 'advice.detachedHead=false', '--depth', '1', '--no-checkout', '--branch', ref, `file://${repoDir}`, dir]);
    await git(['sparse-checkout', 'set', ...(cone ? [] : ['--no-cone']), ...sparse], dir);
    await git(['checkout', '--quiet', '--detach', 'HEAD'], dir);
    if ((await git(['rev-parse', 'HEAD'], dir)).stdout.trim() !== sha) return undefined;
    return { dir, files: (await git(['ls-files'], dir)).stdout.split('\n').filter((l) => l !== '').length };
  } catch {
    return undefined;
  }
}

const run = promisify(execFile);

const downloadArtifact: StandIn = {
  describe: 'actions/download-artifact -> copy the dists the test built (by name, or by the id upload-artifact output)',
  matches: (s) => actionName(s.uses) === 'actions/download-artifact',
  run(ctx) {
    refuseUnknownInputs(ctx, ['name', 'path', 'artifact-ids']);
    const ids = (ctx.inputs['artifact-ids'] ?? '').split(',').map((id) => id.trim()).filter((id) => id !== '');
    if (ctx.inputs.name && ids.length > 0) {
      ctx.log("##[error]Inputs 'name' and 'artifact-ids' cannot be used together. Please specify only one.");
      return false;
    }
    if (ctx.inputs['artifact-ids'] !== undefined && ids.length === 0) {
      // an empty expression (e.g. a needed job's output that was never set) asks for every artifact of the run
      throw new Error(`${ctx.step.uses} with an empty 'artifact-ids' (download all artifacts) is beyond the harness`);
    }
    if (ids.length > 1) throw new Error(`${ctx.step.uses}: several artifact ids (one folder each) are beyond the harness`);
    if (ids.length === 1 && !/^\d+$/.test(ids[0])) {
      ctx.log(`##[error]Invalid artifact ID: ${ids[0]}. Must be a number.`);
      return false;
    }
    const name = ids.length === 1 ? ctx.artifactIds[ids[0]] : ctx.inputs.name;
    if (ids.length === 1 && name === undefined) {
      ctx.log(`##[error]Unable to download artifact(s): None of the provided artifact IDs were found: ${ids[0]}`);
      return false;
    }
    if (!name) throw new Error(`${ctx.step.uses} without 'name' (download all artifacts) is beyond the harness`);
    const source = ctx.artifacts[name];
    if (source === undefined) {
      ctx.log(`##[error]Unable to download artifact(s): Artifact not found for name: ${name}`);
      return false;
    }
    const target = resolve(ctx.workspace, ctx.inputs.path ?? '.');
    mkdirSync(target, { recursive: true });
    const entries = readdirSync(source);
    for (const e of entries) cpSync(join(source, e), join(target, e), { recursive: true });
    ctx.log(`[stand-in for ${ctx.step.uses}] artifact '${name}' (${entries.join(', ') || 'empty'}) downloaded to '${target}'`);
    return true;
  },
};

/** A fresh numeric artifact id for the run (GitHub's are numbers too). */
export function newArtifactId(taken: Record<string, string>): string {
  let id = 4_200_000_001;
  while (taken[String(id)] !== undefined) id++;
  return String(id);
}

const uploadArtifact: StandIn = {
  describe: 'actions/upload-artifact -> keep the files under the artifact name, for a later job of the run',
  matches: (s) => actionName(s.uses) === 'actions/upload-artifact',
  run(ctx) {
    refuseUnknownInputs(ctx, ['name', 'path', 'if-no-files-found', 'retention-days', 'compression-level', 'overwrite', 'include-hidden-files']);
    const name = ctx.inputs.name || 'artifact';
    const paths = (ctx.inputs.path ?? '').split('\n').map((p) => p.trim()).filter((p) => p !== '');
    if (paths.length !== 1 || /[*?!]/.test(paths[0])) throw new Error(`${ctx.step.uses}: only one plain path is emulated, got ${JSON.stringify(paths)}`);
    if (ctx.artifacts[name] !== undefined && ctx.inputs.overwrite !== 'true') {
      ctx.log(`##[error]Failed to CreateArtifact: an artifact with this name already exists on the workflow run: ${name}`);
      return false;
    }
    const source = resolve(ctx.workspace, paths[0]);
    const files = existsSync(source) ? readdirSync(source).filter((f) => ctx.inputs['include-hidden-files'] === 'true' || !f.startsWith('.')) : [];
    if (files.length === 0) {
      const level = ctx.inputs['if-no-files-found'] ?? 'warn';
      ctx.log(`${level === 'error' ? '##[error]' : '::warning::'}No files were found with the provided path: ${paths[0]}. No artifacts will be uploaded.`);
      return level !== 'error';
    }
    const store = tempDir(`artifact-${name}-`);
    for (const f of files) cpSync(join(source, f), join(store, f), { recursive: true });
    ctx.artifacts[name] = store;
    // overwrite deletes the old artifact (its id no longer downloads) and creates a new one with a new id
    for (const [id, named] of Object.entries(ctx.artifactIds)) if (named === name) delete ctx.artifactIds[id];
    const id = newArtifactId(ctx.artifactIds);
    ctx.artifactIds[id] = name;
    ctx.setOutput('artifact-id', id);
    ctx.log(`[stand-in for ${ctx.step.uses}] artifact '${name}' (id ${id}) kept for later jobs: ${files.join(', ')}`);
    return true;
  },
};

/** actions/setup-python: GitHub's own action (it downloads a CPython build); the runner's Python is the pinned pip's. */
const setupPython: StandIn = {
  describe: 'actions/setup-python -> the Python of .tools/',
  matches: (s) => actionName(s.uses) === 'actions/setup-python',
  run(ctx) {
    const found = ctx.tools.describe('python');
    if (found === undefined) {
      ctx.log(`##[error][stand-in for ${ctx.step.uses}] this machine has no Python for the job (npx projen tools:install)`);
      return false;
    }
    ctx.log(`[stand-in for ${ctx.step.uses}] Python ${ctx.inputs['python-version'] ?? '(default)'} requested; using ${found}`);
    return true;
  },
};

/**
 * astral-sh/setup-uv downloads uv from GitHub's release assets, which this machine cannot reach: the stand-in puts the
 * real uv of .tools/ on PATH instead, and only when it is exactly the version the step asks for.
 */
const setupUv: StandIn = {
  describe: 'astral-sh/setup-uv -> the pinned uv of .tools/ (same version or the step fails)',
  matches: (s) => actionName(s.uses) === 'astral-sh/setup-uv',
  run(ctx) {
    const requested = ctx.inputs.version;
    const found = ctx.tools.describe('uv');
    if (found === undefined) {
      if (ctx.tolerateMissingTools) {
        ctx.log(`::warning::[stand-in for ${ctx.step.uses}] this machine has no uv (npx projen tools:install); the steps that run it will fail`);
        return true;
      }
      ctx.log(`##[error][stand-in for ${ctx.step.uses}] this machine has no uv: run npx projen tools:install`);
      return false;
    }
    const have = ctx.tools.version('uv');
    if (requested !== undefined && requested !== have) {
      ctx.log(`##[error][stand-in for ${ctx.step.uses}] the step asks for uv ${requested}; .tools/ has ${have}: run npx projen tools:install`);
      return false;
    }
    ctx.tools.provideUv();
    ctx.log(`[stand-in for ${ctx.step.uses}] uv ${requested ?? '(default)'}: ${found} on PATH`);
    return true;
  },
};

export const DEFAULT_STAND_INS: readonly StandIn[] = [
  checkout,
  downloadArtifact,
  uploadArtifact,
  setupPython,
  setupUv,
];
