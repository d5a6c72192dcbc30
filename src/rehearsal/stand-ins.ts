/**
 * Documented stand-ins for the steps a runner would fetch from the network. Each one does what the real step would
 * leave behind on this machine, says in the step log that it is a stand-in, and fails the step where the real thing
 * would not have worked here. A `uses:` that none of them recognises makes the harness throw.
 *
 * - actions/checkout: copies the repository files (or the sparse selection) into the workspace. Like the real action,
 *   it first deletes the contents of a target directory it did not check out itself (dist/ downloaded before a
 *   checkout into the workspace root is gone afterwards, exactly as on GitHub).
 * - actions/download-artifact: copies the dists the test built (or a previous job uploaded) into `path`.
 * - actions/upload-artifact: keeps `path`'s files under the artifact name, for a later job of the same run.
 * - actions/setup-python, astral-sh/setup-uv: check that the machine has the tool (python -> Debian's python3).
 * - `run:` steps that only install publishing tools (pip/pipx/uv tool install ...): cannot run offline; the stand-in
 *   checks each requested tool exists on the machine and says which version will be used instead.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
  readonly tools: Toolbox;
  /** Directories the harness has checked out in this job (checkout cleans them instead of wiping). */
  readonly checkedOut: Set<string>;
  /** The steps after this one (setup-uv needs uv only if one of them runs it). */
  readonly laterSteps: readonly WorkflowStep[];
  /** Demo mode: a missing tool is a warning here and the step that runs it fails instead. @default false */
  readonly tolerateMissingTools?: boolean;
  log(line: string): void;
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
    let files = listRepositoryFiles(ctx.repoDir);
    const sparse = (ctx.inputs['sparse-checkout'] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (sparse.length > 0) {
      files = ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? selectPatterns(files, sparse) : selectCone(files, sparse);
      ctx.log(`Sparse checkout (${ctx.inputs['sparse-checkout-cone-mode'] === 'false' ? 'patterns' : 'cone mode'}): ${sparse.join(', ')}`);
    }
    for (const f of files) {
      mkdirSync(dirname(join(target, f)), { recursive: true });
      cpSync(join(ctx.repoDir, f), join(target, f));
    }
    ctx.checkedOut.add(target);
    ctx.log(`[stand-in for ${ctx.step.uses}] ${files.length} file(s) of the repository placed in '${target}'`);
    if (ctx.inputs['persist-credentials'] !== 'false') ctx.log('persist-credentials is not false: the real action would keep the GITHUB_TOKEN in .git/config');
    return true;
  },
};

const downloadArtifact: StandIn = {
  describe: 'actions/download-artifact -> copy the dists the test built',
  matches: (s) => actionName(s.uses) === 'actions/download-artifact',
  run(ctx) {
    refuseUnknownInputs(ctx, ['name', 'path']);
    const name = ctx.inputs.name;
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
    ctx.log(`[stand-in for ${ctx.step.uses}] artifact '${name}' kept for later jobs: ${files.join(', ')}`);
    return true;
  },
};

function toolSetup(action: string, tool: string, versionInput: string): StandIn {
  return {
    describe: `${action} -> use the machine's ${tool}`,
    matches: (s) => actionName(s.uses) === action,
    run(ctx) {
      const requested = ctx.inputs[versionInput] ?? '(default)';
      const found = ctx.tools.describe(tool);
      if (found) {
        ctx.log(`[stand-in for ${ctx.step.uses}] ${tool} ${requested} requested; using the machine's ${found}`);
        return true;
      }
      // uv is not in Debian and PyPI is unreachable. When the job uses uv only to install the uploader, that install
      // step's stand-in checks the uploader itself, so the job can still run; a step that runs uv still fails.
      const runsTool = ctx.laterSteps.some((s) => typeof s.run === 'string' && !toolInstall.matches(s) && new RegExp(`(^|[\\s;&|(])${tool}\\s`).test(s.run));
      if (runsTool && ctx.tolerateMissingTools) {
        ctx.log(`::warning::[stand-in for ${ctx.step.uses}] this machine has no ${tool}; the steps that run it will fail`);
        return true;
      }
      if (runsTool) {
        ctx.log(`##[error][stand-in for ${ctx.step.uses}] ${tool} ${requested} cannot be installed offline, this machine has no ${tool}, and a later step runs it`);
        return false;
      }
      ctx.log(`::warning::[stand-in for ${ctx.step.uses}] ${tool} ${requested} cannot be installed offline and this machine has none; ` +
        'the job uses it only to install tools, which the install step\'s stand-in checks instead');
      return true;
    },
  };
}

/** Publishing tools an install line may name, by package name. */
const PACKAGE_COMMANDS: Record<string, string> = {
  twine: 'twine', poetry: 'poetry', uv: 'uv', hatch: 'hatch', pdm: 'pdm', flit: 'flit', maturin: 'maturin', build: 'pyproject-build',
};
const INSTALL_LINE = /^(?:(?:python3?|py) -m )?(?:pip3?|pipx|uv (?:tool|pip)) install\b(.*)$/;

/** The packages an install command line asks for (`-r file` read from the workspace). */
function requestedPackages(args: string, workspace: string): string[] {
  const words = args.trim().split(/\s+/).filter((w) => w !== '' && w !== '\\');
  const specs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i].replace(/^["']|["']$/g, '');
    if (w === '-r' || w === '--requirement') {
      const file = resolve(workspace, words[++i] ?? '');
      if (!existsSync(file)) throw new Error(`install step reads ${file}, which the workspace does not have`);
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const spec = line.replace(/\\$/, '').trim();
        if (spec !== '' && !spec.startsWith('#') && !spec.startsWith('--')) specs.push(spec.split(/\s/)[0]);
      }
    } else if (!w.startsWith('-')) {
      specs.push(w);
    } else if (/^--(index-url|extra-index-url|python|constraint|target|prefix)$/.test(w) || w === '-c') {
      i++;
    }
  }
  return specs;
}

const toolInstall: StandIn = {
  describe: 'a run: step that only installs publishing tools -> check the machine has them',
  matches: (s) => typeof s.run === 'string' && s.run.split('\n').some((l) => INSTALL_LINE.test(l.trim())),
  run(ctx) {
    const lines = (ctx.step.run ?? '').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const other = lines.filter((l) => !INSTALL_LINE.test(l) && !/^set -[a-z]+$/.test(l));
    if (other.length) throw new Error(`run: step mixes tool installs with other commands (${other[0]}); the harness cannot run it offline`);
    let ok = true;
    for (const line of lines.filter((l) => INSTALL_LINE.test(l))) {
      ctx.log(`[stand-in: not run offline] ${line}`);
      for (const spec of requestedPackages(INSTALL_LINE.exec(line)![1], ctx.workspace)) {
        const name = spec.split(/[=<>!~;[ ]/)[0].toLowerCase();
        const command = PACKAGE_COMMANDS[name];
        if (command === undefined) {
          ctx.log(`  ${spec}: a dependency, not checked`);
          continue;
        }
        const found = ctx.tools.describe(command);
        if (found) {
          ctx.log(`  ${spec}: using the machine's ${found}`);
        } else if (ctx.tolerateMissingTools) {
          ctx.log(`::warning::${spec}: this machine has no ${command}, and it cannot be installed offline; the step that runs it will fail`);
        } else {
          ctx.log(`##[error]  ${spec}: this machine has no ${command}, and it cannot be installed offline`);
          ok = false;
        }
      }
    }
    return ok;
  },
};

export const DEFAULT_STAND_INS: readonly StandIn[] = [
  checkout,
  downloadArtifact,
  uploadArtifact,
  toolSetup('actions/setup-python', 'python', 'python-version'),
  toolSetup('astral-sh/setup-uv', 'uv', 'version'),
  toolInstall,
];
