/**
 * Executing one step once its environment and inputs are known: a local action (`uses: ./...` or `$/...`: a node
 * action, or a composite action's `run` steps), a stand-in for an action or install step that needs the network, or a
 * `run:` script in the runner's default bash.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseFileCommand, parsePathFile } from './commands';
import {
  CompositeAction, inputVariable, loadLocalAction, missingActionMessage, missingSelfActionMessage, selfReference,
} from './local-action';
import type { StandIn, StandInContext } from './stand-ins';
import type { StepResult, WorkflowStep } from './types';

export interface StepExecution {
  readonly kind: StepResult['kind'];
  /** null when the step was killed at its timeout. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time of the step's process (0 for a stand-in). */
  readonly processMs: number;
}

export interface StepSetup {
  readonly id: string;
  readonly index: number;
  readonly step: WorkflowStep;
  readonly env: Record<string, string>;
  /** `with:` values after expressions and URL substitution. */
  readonly inputs: Record<string, string>;
  readonly workspace: string;
  readonly tempDir: string;
  /** The `run:` script after expressions. */
  readonly script?: string;
  readonly shell: string;
  readonly workingDirectory: string;
  readonly timeoutMs: number;
  readonly standIn?: StandIn;
  /** The running commit's tree and sha: where `uses: $/path` actions come from. */
  readonly selfRepository: { readonly dir: string; readonly sha: string };
  /** The loopback rule of a rehearsal (see RunJobOptions.refuseUrl), for the inputs an action gets by default. */
  readonly refuseUrl?: (url: string) => string | undefined;
  readonly standInContext: Omit<StandInContext, 'step' | 'inputs' | 'log'>;
  /** Evaluates an action input's default (it may hold expressions). */
  evaluateDefault(value: string): string;
  /**
   * Evaluates a text of a composite action's step: the job's contexts, with `inputs` the action's inputs,
   * `github.action_path` its directory, `steps` its own steps and `env` the given environment.
   */
  evaluateInAction(text: string, scope: ActionScope): string;
}

/** What expressions inside a composite action see besides the job's contexts. */
export interface ActionScope {
  readonly inputs: Record<string, string>;
  readonly actionPath: string;
  readonly steps: Record<string, { outputs: Record<string, string>; outcome: string | null; conclusion: string | null }>;
  readonly env: Record<string, string>;
}

export async function executeStep(s: StepSetup): Promise<StepExecution> {
  const { step, id } = s;
  const self = selfReference(step.uses);
  if (self !== undefined && step.uses !== undefined) {
    const root = self.kind === 'workspace' ? s.workspace : s.selfRepository.dir;
    const action = loadLocalAction(root, self.path, step.uses);
    if (action === undefined) {
      const message = self.kind === 'workspace' ? missingActionMessage(s.workspace, step.uses) : missingSelfActionMessage(step.uses, s.selfRepository.sha);
      return { kind: 'local-action', exitCode: 1, stdout: `::error::${message}\n`, stderr: '', processMs: 0 };
    }
    const unknown = Object.keys(s.inputs).filter((k) => !(k in action.inputs));
    if (unknown.length) {
      throw new Error(`step '${id}': unexpected input(s) ${unknown.join(', ')}; valid inputs are ${Object.keys(action.inputs).join(', ')}`);
    }
    const env = { ...s.env };
    const inputs: Record<string, string> = {};
    for (const [name, def] of Object.entries(action.inputs)) {
      const value = s.inputs[name] ?? (def === undefined ? undefined : s.evaluateDefault(def));
      if (value !== undefined) inputs[name] = value;
      if (value !== undefined && s.inputs[name] === undefined) refuseUrls(s.refuseUrl, `step '${id}' input '${name}' (the action's default)`, value);
    }
    // a composite action's steps read inputs through `inputs.*` only: the runner sets no INPUT_ variables for them
    if (action.kind === 'composite') return { kind: 'local-action', ...await runComposite(s, action, inputs) };
    for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
    return { kind: 'local-action', ...await spawnStep(action.node, [action.main], env, s.workspace, s.timeoutMs) };
  }
  if (s.standIn !== undefined) {
    const lines: string[] = [];
    const ok = s.standIn.run({ ...s.standInContext, step, inputs: s.inputs, log: (l) => lines.push(l) });
    // a stand-in's `##[error]` lines become error annotations, as a real action's core.error() would
    const stdout = lines.map((l) => (l.startsWith('##[error]') ? `::error::${l.slice('##[error]'.length)}` : l)).join('\n') + '\n';
    return { kind: 'stand-in', exitCode: ok ? 0 : 1, stdout, stderr: '', processMs: 0 };
  }
  if (s.script !== undefined) {
    const scriptFile = join(s.tempDir, `step_${s.index}_${id}.sh`);
    writeFileSync(scriptFile, s.script);
    const argv = shellArgv(s.shell, scriptFile);
    if (argv === undefined) throw new Error(`step '${id}': shell '${s.shell}' is beyond the harness`);
    const cwd = resolve(s.workspace, s.workingDirectory);
    return { kind: 'run', ...await spawnStep(argv[0], argv.slice(1), s.env, cwd, s.timeoutMs) };
  }
  throw new Error(`step '${id}' uses '${step.uses}', which the harness cannot run and has no stand-in for`);
}

interface Spawned { exitCode: number | null; stdout: string; stderr: string; processMs: number }

function shellArgv(shell: string, scriptFile: string): string[] | undefined {
  return shell === 'bash' ? ['bash', '--noprofile', '--norc', '-eo', 'pipefail', scriptFile]
    : shell === 'sh' ? ['sh', '-e', scriptFile]
      : undefined;
}

/**
 * A composite action's `run` steps in order, as the runner runs them: each with the step's environment plus
 * GITHUB_ACTION_PATH and its own `env:`, its own file-command files (what a step adds to PATH or the environment
 * reaches the steps after it inside the action, and the job's steps after the action), stopping at the first that
 * fails. The action's outputs are evaluated over its steps' outputs once all succeeded.
 */
async function runComposite(s: StepSetup, action: CompositeAction, inputs: Record<string, string>): Promise<Spawned> {
  const steps: ActionScope['steps'] = Object.fromEntries(action.steps.filter((c) => c.id !== undefined)
    .map((c) => [c.id as string, { outputs: {}, outcome: null, conclusion: null }]));
  let env: Record<string, string> = { ...s.env, GITHUB_ACTION_PATH: action.dir };
  const stdout: string[] = [];
  const stderr: string[] = [];
  let processMs = 0;
  for (const [i, c] of action.steps.entries()) {
    const scope = (e: Record<string, string>): ActionScope => ({ inputs, actionPath: action.dir, steps, env: e });
    const files = Object.fromEntries(['output', 'env', 'path'].map((f) => [f, join(s.tempDir, `step_${s.index}_${s.id}_composite_${i}_${f}`)]));
    for (const f of Object.values(files)) writeFileSync(f, '');
    const stepEnv: Record<string, string> = { ...env };
    for (const [k, v] of Object.entries(c.env)) stepEnv[k] = s.evaluateInAction(v, scope(env));
    Object.assign(stepEnv, { GITHUB_OUTPUT: files.output, GITHUB_ENV: files.env, GITHUB_PATH: files.path });
    const scriptFile = join(s.tempDir, `step_${s.index}_${s.id}_composite_${i}.sh`);
    writeFileSync(scriptFile, s.evaluateInAction(c.run, scope(stepEnv)));
    const argv = shellArgv(c.shell, scriptFile) as string[];
    const cwd = resolve(s.workspace, c.workingDirectory ?? '.');
    const ran = await spawnStep(argv[0], argv.slice(1), stepEnv, cwd, s.timeoutMs);
    stdout.push(ran.stdout);
    stderr.push(ran.stderr);
    processMs += ran.processMs;
    const ok = ran.exitCode === 0;
    if (c.id !== undefined) {
      steps[c.id] = { outputs: parseFileCommand(readFileSync(files.output, 'utf8'), 'GITHUB_OUTPUT'), outcome: ok ? 'success' : 'failure', conclusion: ok ? 'success' : 'failure' };
    }
    // the environment and PATH a step adds hold for the rest of the action and, through the outer step's files, the job
    const envText = readFileSync(files.env, 'utf8');
    const pathText = readFileSync(files.path, 'utf8');
    env = { ...env, ...parseFileCommand(envText, 'GITHUB_ENV') };
    const added = parsePathFile(pathText);
    if (added.length > 0) env.PATH = [...added, env.PATH].join(':');
    if (envText !== '') appendFileSync(s.env.GITHUB_ENV, envText.endsWith('\n') ? envText : `${envText}\n`);
    if (pathText !== '') appendFileSync(s.env.GITHUB_PATH, pathText.endsWith('\n') ? pathText : `${pathText}\n`);
    if (!ok && ran.exitCode === 127 && s.standInContext.tolerateMissingTools) {
      // demo mode (RunJobOptions.tolerateMissingTools): a command this machine lacks is a warning, as for setup-uv's
      // stand-in; the action stops here and the steps that run what it would have installed fail instead
      stdout.push(`::warning::[demo] ${s.step.uses}: a command is missing on this machine (npx projen tools:install); the steps that use what it installs will fail\n`);
      return { exitCode: 0, stdout: stdout.join(''), stderr: stderr.join(''), processMs };
    }
    if (!ok) return { exitCode: ran.exitCode, stdout: stdout.join(''), stderr: stderr.join(''), processMs };
  }
  for (const [name, expression] of Object.entries(action.outputs)) {
    const value = s.evaluateInAction(expression, { inputs, actionPath: action.dir, steps, env });
    const delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}`;
    appendFileSync(s.env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  }
  return { exitCode: 0, stdout: stdout.join(''), stderr: stderr.join(''), processMs };
}

/** Asynchronous: the emulator the step talks to usually runs in this same process. */
function spawnStep(command: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs: number): Promise<Spawned> {
  return new Promise((resolvePromise, reject) => {
    mkdirSync(cwd, { recursive: true });
    const started = Date.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode: timedOut ? null : code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        processMs: Date.now() - started,
      });
    });
  });
}

/** Every http(s) URL in a text. */
export function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s'"`<>()\\]+/gi)].map((m) => m[0]);
}

/** Thrown when a step would reach a URL the run refuses: the job stops there. */
export class RefusedUrlError extends Error {}

/** Applies a refuseUrl rule to every URL in `value`; throws RefusedUrlError naming `where` and the URL. */
export function refuseUrls(rule: ((url: string) => string | undefined) | undefined, where: string, value: string): void {
  if (rule === undefined) return;
  for (const url of urlsIn(value)) {
    const why = rule(url);
    if (why !== undefined) throw new RefusedUrlError(`${where}: ${url} ${why}`);
  }
}
