/**
 * `npx projen pypi:rehearse --tag <tag>`: the release a push of <tag> would start, on this machine. In order:
 * the trigger check, the tag and the working tree, the tagged commit's workflow, the machine's tools, one emulator per
 * index (PyPI's upload and trusted-publishing APIs, GitHub's OIDC issuer, Fulcio and Rekor, on loopback) with the
 * publishers the component's settings (or `--publisher`) name, every job in `needs` order through the runner
 * (`runJob`), then the checks a user would make: each index serves every built file with its sha256, each file's
 * provenance verifies with pypi-attestations for the expected identity, and the version installs from the emulator
 * into a fresh environment where each top-level module imports. Everything captured goes to the leak scanner.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { RefusedUrlError } from './execute-step';
import { removalsDone, runJob, type OutputScan } from './index';
import * as leaks from './leaks';
import { selfReference } from './local-action';
import { prepareMachine, isolatedToolEnv, type Machine } from './machine';
import { MESSAGES } from './messages';
import { NODE24_VARIABLE } from './node';
import { renderJob, renderSummary } from './report';
import { createRunContext } from './run-context';
import { prepareSparseClone, sparseKey } from './stand-ins';
import { keepTempDirs, tempDir } from './temp-dirs';
import { whyNotTriggered } from './triggers';
import type { JobResult, Workflow } from './types';
import { startEmulator, type Emulator } from '../emulator';
import { defaultRunnerClaims } from '../emulator/github-oidc/runner-claims';

export interface RehearsalIndex {
  /** The component's index name (`pypi`, `testpypi`, a custom one): the publish job is `publish_<name>`. */
  readonly name: string;
  readonly displayName: string;
  readonly uploadUrl: string;
  /** The index's web root (`https://pypi.org`): its simple API is `<webUrl>/simple/`. */
  readonly webUrl: string;
  readonly environment: string;
}

/** A trusted publisher as registered on an index. */
export interface RehearsalPublisher {
  /** The index it is registered on; undefined: every index. */
  readonly index?: string;
  readonly owner: string;
  readonly repository: string;
  readonly workflow: string;
  /** undefined: any environment (PyPI's publisher form leaves it optional). */
  readonly environment?: string;
}

export interface RehearseOptions {
  readonly tag: string;
  /** The project's directory (the task's working directory); the repository is the git work tree around it. */
  readonly cwd: string;
  readonly workflowFile: string;
  /** `owner/name` the publishers trust. */
  readonly repository: string;
  /** The distribution name on the indexes. */
  readonly project: string;
  readonly indexes: readonly RehearsalIndex[];
  /** The publishers as registered; undefined: the ones the component's settings ask for. */
  readonly publishers?: readonly RehearsalPublisher[];
  readonly allowDirty?: boolean;
  readonly verbose?: boolean;
  readonly keep?: boolean;
  readonly cacheDir: string;
  /** Where the output goes, one line per call. */
  readonly out: (line: string) => void;
}

export interface IndexVerdict {
  readonly index: string;
  readonly files: Array<{ filename: string; served: boolean; sha256Matches: boolean; provenance: 'verified' | 'failed' | 'not attested' | 'not checked' }>;
}

export interface RehearsalResult {
  readonly ok: boolean;
  /** Why it stopped before the jobs ran or during them (refusal, missing tag, ...); undefined when it ran through. */
  readonly stopped?: string;
  readonly jobs: JobResult[];
  readonly skipped: string[];
  readonly indexes: IndexVerdict[];
  readonly installed?: { version: string; modules: string[]; ok: boolean; detail?: string };
  readonly durationMs: number;
  /**
   * Where the time went: `toolsMs` is spent inside the processes of `run:` steps and local actions and of the
   * checks' tools (pypi-attestations, uv, python); `overheadMs`, the rest, is the runner's and the emulator's own
   * (setup, stand-ins, emulator start, orchestration, the report).
   */
  readonly timing?: RehearsalTiming;
}

/**
 * Where a rehearsal's wall time went. `toolsMs` is the time during which a tool's process was running: the processes
 * of `run:` steps and local actions (one at a time, in job and step order) and of the checks (pypi-attestations, uv,
 * python, some side by side, counted once while any of them runs). `overheadMs = totalMs - toolsMs` is the time
 * nothing but the runner and the emulators was working: what they add to the tools' own time.
 */
export interface RehearsalTiming {
  readonly totalMs: number;
  readonly toolsMs: number;
  readonly overheadMs: number;
  /** CPU time of this process (the runner and the emulators), which other load on the machine does not inflate. */
  readonly ownCpuMs: number;
  /** Wall time per phase (tools included). */
  readonly phases: Record<string, number>;
  /** The runner's and the emulators' share of each phase (its wall time minus the tools' time in it). */
  readonly overheadByPhase: Record<string, number>;
}

/** A refusal the user fixes (a missing tag, a trigger that would not fire): printed as is, no stack. */
export class RehearsalRefusal extends Error {}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** Read-only package downloads the jobs' tool installs make (from the hash-locked sets): not a release endpoint. */
const READ_ONLY_HOSTS = new Set(['files.pythonhosted.org']);

/** The loopback rule: why `url` may not be reached from a job that holds an OIDC token, or undefined. */
export function refuseNonLoopback(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined; // not a URL anything could reach
  }
  if (LOOPBACK.has(parsed.hostname) || /^127\./.test(parsed.hostname)) return undefined;
  if (READ_ONLY_HOSTS.has(parsed.hostname)) return undefined;
  if (parsed.hostname === 'pypi.org' && parsed.pathname.startsWith('/simple')) return undefined;
  return MESSAGES.refusedUrl();
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function tryGit(repo: string, args: string[]): string | undefined {
  try {
    return git(repo, args);
  } catch {
    return undefined;
  }
}

interface TagState {
  readonly root: string;
  readonly sha: string;
  readonly workflowText: string;
}

/** The repository around `cwd` (its work tree's root), or a refusal saying `cwd` is in none. */
export function repositoryRoot(cwd: string): string {
  try {
    return git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch (e) {
    throw new RehearsalRefusal(MESSAGES.notGit(cwd, ((e as { stderr?: string }).stderr ?? '').trim().split('\n')[0]));
  }
}

/**
 * The commit of the tag, or a refusal: no such tag (the newest ones named), or uncommitted changes when HEAD is the
 * tagged commit (a push of the tag releases only what is committed; `allowDirty` rehearses it anyway).
 */
export function tagCommit(root: string, opts: { readonly tag: string; readonly allowDirty?: boolean; readonly out: (line: string) => void }): string {
  const sha = tryGit(root, ['rev-parse', '--verify', '--quiet', `refs/tags/${opts.tag}^{commit}`])?.trim();
  if (!sha) {
    const recent = (tryGit(root, ['tag', '--sort=-creatordate']) ?? '').split('\n').filter((t) => t !== '').slice(0, 5);
    throw new RehearsalRefusal(MESSAGES.noTag(opts.tag, recent));
  }
  const head = tryGit(root, ['rev-parse', 'HEAD'])?.trim();
  if (head !== sha) {opts.out(MESSAGES.tagElsewhere(opts.tag, sha, head ?? '(none)'));} else if (!opts.allowDirty) {
    const changes = git(root, ['status', '--porcelain', '--untracked-files=all']).split('\n').filter((l) => l.trim() !== '');
    if (changes.length > 0) throw new RehearsalRefusal(MESSAGES.dirty(opts.tag, changes));
  }
  return sha;
}

/** A file of the commit `sha`, or undefined when it has none. */
export function fileAtCommit(root: string, sha: string, path: string): string | undefined {
  return tryGit(root, ['show', `${sha}:${path}`]);
}

/** The trigger first (from the working tree's workflow), then the tag, the working tree and the tag's workflow. */
function checkRepository(opts: RehearseOptions): TagState {
  const root = repositoryRoot(opts.cwd);
  const workflowPath = `.github/workflows/${opts.workflowFile}`;
  const ctx = createRunContext({ repository: opts.repository, workflowFile: opts.workflowFile, event: { name: 'push', ref: `refs/tags/${opts.tag}` } });
  const triggerCheck = (text: string, where: string) => {
    const reason = whyNotTriggered((parse(text) as Workflow).on, ctx);
    if (reason !== undefined) throw new RehearsalRefusal(MESSAGES.notTriggered(opts.workflowFile, opts.tag, reason, where));
  };
  let working: string | undefined;
  try {
    working = readFileSync(join(root, workflowPath), 'utf8');
  } catch {
    working = undefined;
  }
  if (working !== undefined) triggerCheck(working, 'the workflow in the working tree');

  const sha = tagCommit(root, opts);
  const workflowText = tryGit(root, ['show', `${sha}:${workflowPath}`]);
  if (workflowText === undefined) throw new RehearsalRefusal(MESSAGES.noWorkflow(opts.workflowFile, `the commit of tag '${opts.tag}' (${sha.slice(0, 12)})`));
  triggerCheck(workflowText, `the workflow at tag '${opts.tag}'`);
  if (working !== undefined && working !== workflowText) opts.out(MESSAGES.workflowChanged(opts.workflowFile, opts.tag));
  return { root, sha, workflowText };
}

function publisherFor(index: RehearsalIndex, opts: RehearseOptions): RehearsalPublisher {
  const given = opts.publishers?.find((p) => p.index === index.name) ?? opts.publishers?.find((p) => p.index === undefined);
  if (given) return given;
  const [owner, repository] = opts.repository.split('/');
  return { owner, repository, workflow: opts.workflowFile, environment: index.environment };
}

function describePublisher(p: RehearsalPublisher): string {
  return `${p.owner}/${p.repository}, workflow ${p.workflow}, ${p.environment === undefined ? 'any environment' : `environment ${p.environment}`}`;
}

/** The files under `paths` at commit `sha` into `dir` (`git archive | tar -x`): what `uses: $/path` reads. */
function extractTree(repo: string, sha: string, paths: string[], dir: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const archive = spawn('git', ['-C', repo, 'archive', '--format=tar', sha, '--', ...paths], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(tar.stdin);
    let errors = '';
    archive.stderr.on('data', (b: Buffer) => {
      errors += b.toString();
    });
    tar.on('close', (code) => {
      // a path the commit does not have: git refuses the whole archive; each step then fails with the runner's message
      if (code === 0 || /did not match any files/.test(errors)) resolvePromise();
      else reject(new Error(`git archive ${sha} -- ${paths.join(' ')} failed: ${errors.trim()}`));
    });
    tar.on('error', reject);
    archive.on('error', reject);
  });
}

/** `git clone --depth 1 --branch <tag>` of the repository, checked to be at the tag's commit; undefined if that fails. */
export async function pristineClone(root: string, tag: string, sha: string, dir: string): Promise<{ dir: string; files: number } | undefined> {
  try {
    await run('git', ['clone', '--quiet', '-c', 'advice.detachedHead=false', '--depth', '1', '--branch', tag, `file://${root}`, dir]);
    const head = (await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' })).stdout.trim();
    const files = (await run('git', ['-C', dir, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })).stdout.split('\0').filter((f) => f !== '');
    return head === sha ? { dir, files: files.length } : undefined;
  } catch {
    return undefined; // each checkout then clones for itself, and says what went wrong
  }
}

/**
 * The sparse rules of the workflow's checkouts whose inputs hold no expression and keep the default depth and ref:
 * what the checkout stand-in can copy from a clone made beforehand.
 */
function staticSparseCheckouts(workflow: Workflow): Array<{ sparse: string[]; cone: boolean }> {
  const found = new Map<string, { sparse: string[]; cone: boolean }>();
  for (const step of Object.values(workflow.jobs).flatMap((j) => j.steps ?? [])) {
    if (!step.uses?.toLowerCase().startsWith('actions/checkout@')) continue;
    const withs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)]));
    if (Object.values(withs).some((v) => v.includes('${{')) || withs.ref !== undefined || withs.repository !== undefined) continue;
    if ((withs['fetch-depth'] ?? '1') !== '1') continue;
    const sparse = (withs['sparse-checkout'] ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const cone = withs['sparse-checkout-cone-mode'] !== 'false';
    if (sparse.length > 0) found.set(sparseKey(sparse, cone), { sparse, cone });
  }
  return [...found.values()];
}

/** The `name:` the build job's actions/upload-artifact step gives `dist/`. */
function distArtifactName(workflow: Workflow): string | undefined {
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps ?? []) {
      if (step.uses?.toLowerCase().startsWith('actions/upload-artifact@') && step.with?.name !== undefined) return String(step.with.name);
    }
  }
  return undefined;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const run = promisify(execFile);

function cpuMs(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1000);
}

/**
 * The checks' tool processes as [start, end] wall-clock intervals (part of RehearsalResult.timing): side by side they
 * overlap, and the time any of them runs counts once.
 */
let checkToolIntervals: Array<[number, number]> = [];

/** The length of the union of `intervals`. */
export function coveredMs(intervals: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/** Runs a tool without blocking the event loop (the emulator answers from this same process); output recorded. */
async function tool(command: string, args: string[], env: NodeJS.ProcessEnv, label: string, cwd?: string): Promise<{ ok: boolean; out: string }> {
  const started = Date.now();
  try {
    const r = await run(command, args, { env, cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    leaks.recordOutput(`${label} stdout`, r.stdout, false);
    leaks.recordOutput(`${label} stderr`, r.stderr, false);
    return { ok: true, out: `${r.stdout}${r.stderr}` };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    leaks.recordOutput(`${label} stdout`, err.stdout ?? '', false);
    leaks.recordOutput(`${label} stderr`, err.stderr || err.message, false);
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr || err.message}` };
  } finally {
    checkToolIntervals.push([started, Date.now()]);
  }
}

export interface SimpleLink {
  readonly filename: string;
  readonly sha256?: string;
}

export async function simpleLinks(simpleUrl: string, project: string): Promise<SimpleLink[]> {
  const res = await fetch(new URL(`${project}/`, simpleUrl));
  if (res.status !== 200) return [];
  const html = await res.text();
  return [...html.matchAll(/<a\s+href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({ filename: m[2].trim(), sha256: /#sha256=([0-9a-f]{64})$/.exec(m[1])?.[1] }));
}

/** `pypi-attestations verify pypi --offline` of one file against the provenance the index serves, the emulator's root trusted. */
export async function verifyProvenance(machine: Machine, emulator: Emulator, project: string, version: string, file: string,
  identity: string, work: string): Promise<{ ok: boolean; detail: string }> {
  const filename = file.split('/').pop()!;
  const res = await fetch(`${emulator.pypiUrl}/integrity/${encodeURIComponent(project)}/${encodeURIComponent(version)}/${encodeURIComponent(filename)}/provenance`);
  const body = await res.text();
  leaks.recordOutput(`provenance of ${filename}`, body, false);
  if (res.status !== 200) return { ok: false, detail: `the index serves no provenance for it (HTTP ${res.status})` };
  const provenance = join(work, `${filename}.provenance.json`);
  writeFileSync(provenance, body);
  const cacheHome = join(work, 'sigstore-cache');
  const rootDir = join(cacheHome, 'sigstore-python', 'tuf', encodeURIComponent('https://tuf-repo-cdn.sigstore.dev'));
  mkdirSync(rootDir, { recursive: true });
  writeFileSync(join(rootDir, 'trusted_root.json'), JSON.stringify(emulator.sigstore.trustedRoot()));
  const env = isolatedToolEnv(machine.uvCache, { XDG_CACHE_HOME: cacheHome, XDG_DATA_HOME: join(work, 'sigstore-data') });
  const r = await tool(machine.pypiAttestationsPython, ['-m', 'pypi_attestations', 'verify', 'pypi', '--offline', '--repository', identity, '--provenance-file', provenance, file],
    env, `pypi-attestations verify ${filename}`);
  return { ok: r.ok, detail: r.out.trim().split('\n').slice(-3).join(' ') };
}

/** The top-level importable names a wheel ships (packages, modules, extension modules). */
export async function topLevelModules(machine: Machine, wheel: string): Promise<string[]> {
  const script = [
    'import re, sys, zipfile',
    'names = set()',
    'for n in zipfile.ZipFile(sys.argv[1]).namelist():',
    '    top = n.split("/")[0]',
    '    if top.endswith((".dist-info", ".data")) or top == "__pycache__": continue',
    '    if "/" in n: names.add(top)',
    '    else:',
    '        m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)(\\.[A-Za-z0-9_-]+)*\\.(py|so|pyd)$", n)',
    '        if m: names.add(m.group(1))',
    'print("\\n".join(sorted(x for x in names if x.isidentifier())))',
  ].join('\n');
  const r = await tool(machine.python, ['-c', script, wheel], isolatedToolEnv(machine.uvCache), 'list modules');
  return r.ok ? r.out.split('\n').map((l) => l.trim()).filter((l) => l !== '') : [];
}

/** Installs name==version from the emulator (dependencies from PyPI) into a fresh venv, then imports each module. */
export async function installAndImport(machine: Machine, emulator: Emulator, project: string, version: string, modules: string[], work: string):
Promise<{ ok: boolean; detail?: string }> {
  const venv = join(work, 'venv');
  const env = isolatedToolEnv(machine.uvCache);
  const made = await tool(machine.uv, ['venv', '--quiet', '--no-config', '--python', machine.python, venv], env, 'uv venv');
  if (!made.ok) return { ok: false, detail: made.out.trim() };
  const installed = await tool(machine.uv, ['pip', 'install', '--no-config', '--python', join(venv, 'bin', 'python'),
    '--index', emulator.simpleUrl, '--default-index', 'https://pypi.org/simple', '--reinstall-package', project, `${project}==${version}`], env, 'uv pip install');
  if (!installed.ok) return { ok: false, detail: `uv pip install ${project}==${version} failed: ${installed.out.trim().split('\n').slice(-4).join(' ')}` };
  for (const m of modules) {
    const imported = await tool(join(venv, 'bin', 'python'), ['-c', `import ${m}`], env, `import ${m}`, work);
    if (!imported.ok) return { ok: false, detail: `import ${m} failed: ${imported.out.trim().split('\n').slice(-2).join(' ')}` };
  }
  return { ok: true };
}

/** A file the build job left in its distributions artifact. */
export interface BuiltFile {
  readonly filename: string;
  readonly path: string;
  readonly sha256: string;
}

/** What the checks after the jobs found. */
export interface ReleaseChecks {
  readonly built: BuiltFile[];
  readonly indexes: IndexVerdict[];
  readonly installed?: { version: string; modules: string[]; ok: boolean; detail?: string };
}

/**
 * The checks a user makes after a release, for GitHub and GitLab alike, each printed as it is made: every file the
 * build job left in `distDir` is served by each index with its sha256; where the index's publish job attests, each
 * file's provenance verifies for `identity`; and, when every index serves every file, the version installs from the
 * emulator into a fresh environment where each top-level module of the wheel imports.
 */
export async function checkRelease(o: {
  readonly machine: Machine;
  readonly emulators: ReadonlyMap<string, Emulator>;
  readonly project: string;
  readonly indexes: readonly RehearsalIndex[];
  /** The build job's distributions artifact; undefined or missing: nothing was built. */
  readonly distDir: string | undefined;
  /** A scratch directory for the checks' tools. */
  readonly checkDir: string;
  /** The publisher identity the provenance must name (`https://github.com/owner/repo`, `https://gitlab.com/ns/project`). */
  readonly identity: string;
  /** Whether the index's publish job attests (uploads PEP 740 provenance). */
  readonly attests: (index: RehearsalIndex) => boolean;
  readonly say: (line?: string) => void;
}): Promise<ReleaseChecks> {
  const { machine, emulators, project, say } = o;
  say();
  say('Checks:');
  let built: BuiltFile[] = [];
  try {
    const distDir = o.distDir;
    built = distDir === undefined ? [] : readdirSync(distDir).filter((f) => !f.startsWith('.') && statSync(join(distDir, f)).isFile())
      .map((f) => ({ filename: f, path: join(distDir, f), sha256: sha256(join(distDir, f)) }));
  } catch {
    built = [];
  }
  if (built.length === 0) say('  ✗ no distributions were built (the build job\'s artifact is empty or missing)');
  const wheel = built.find((f) => f.filename.endsWith('.whl'));
  const version = wheel?.filename.split('-')[1] ?? built[0]?.filename.replace(/\.(tar\.gz|zip)$/, '').split('-').pop();
  mkdirSync(o.checkDir, { recursive: true });
  // what each index serves first; then the provenance of every file and the install, side by side (separate
  // processes, each in a directory of its own), reported in order once all are done
  const served = await Promise.all(o.indexes.map(async (index) => ({
    index, attested: o.attests(index), links: await simpleLinks(emulators.get(index.name)!.simpleUrl, project),
  })));
  const verdicts = served.map(({ index, attested, links }) => built.map(async (f) => {
    const link = links.find((l) => l.filename === f.filename);
    const sha256Matches = link?.sha256 === f.sha256;
    if (!attested) return { filename: f.filename, served: link !== undefined, sha256Matches, provenance: 'not attested' as const, detail: '' };
    if (link === undefined || version === undefined) {
      return { filename: f.filename, served: link !== undefined, sha256Matches, provenance: 'not checked' as const, detail: '' };
    }
    const dir = join(o.checkDir, `provenance-${index.name}`);
    mkdirSync(dir, { recursive: true });
    const v = await verifyProvenance(machine, emulators.get(index.name)!, project, version, f.path, o.identity, dir)
      .catch((e: Error) => ({ ok: false, detail: e.message }));
    const provenance = v.ok ? 'verified' as const : 'failed' as const;
    return { filename: f.filename, served: true, sha256Matches, provenance, detail: v.ok ? '' : ` (${v.detail})` };
  }));
  const allServed = built.length > 0
    && served.every(({ links }) => built.every((f) => links.some((l) => l.filename === f.filename && l.sha256 === f.sha256)));
  const installing = allServed && wheel !== undefined && version !== undefined ? (async () => {
    const emulator = emulators.get((o.indexes.find((i) => i.name === 'pypi') ?? o.indexes[0]).name)!;
    const modules = await topLevelModules(machine, wheel.path);
    const r = await installAndImport(machine, emulator, project, version, modules, o.checkDir);
    return { version, modules, ok: r.ok, detail: r.detail };
  })().catch((e: Error) => ({ version: version!, modules: [], ok: false, detail: e.message })) : undefined;

  const indexVerdicts: IndexVerdict[] = [];
  for (const [i, { index }] of served.entries()) {
    const files = await Promise.all(verdicts[i]);
    for (const { filename, served: isServed, sha256Matches, provenance, detail } of files) {
      const ok = isServed && sha256Matches && provenance !== 'failed' && provenance !== 'not checked';
      say(`  ${ok ? '✓' : '✗'} ${index.displayName}: ${filename} ${isServed ? (sha256Matches ? 'served with the built sha256' : 'served with ANOTHER sha256') : 'NOT on the index'}` +
        `; provenance ${provenance === 'verified' ? `verified for ${o.identity}` : provenance}${detail}`);
    }
    indexVerdicts.push({ index: index.name, files: files.map(({ detail: _detail, ...f }) => f) });
  }

  const installed: ReleaseChecks['installed'] = await installing;
  if (installed !== undefined) {
    say(`  ${installed.ok ? '✓' : '✗'} ${project}==${installed.version} installed from the emulator into a fresh environment` +
      `${installed.modules.length ? `; import ${installed.modules.join(', ')}` : ' (the wheel ships no top-level module)'}` +
      `${installed.ok ? ': ok' : `: ${installed.detail}`}`);
  } else if (built.length > 0) {
    say('  - not installed: the index does not serve every built file');
  }
  return { built, indexes: indexVerdicts, installed };
}

/**
 * The leak scan of everything captured, then the verdict line. PASS needs the jobs (`jobsOk`), every check and the
 * scan; `failed` names what to look at above on a FAIL ("failed jobs", "failed steps"). Returns whether it passed.
 */
export function sayVerdict(o: {
  readonly jobsOk: boolean;
  readonly checks: ReleaseChecks;
  readonly tag: string;
  readonly indexes: readonly RehearsalIndex[];
  readonly started: number;
  readonly failed: string;
  readonly say: (line?: string) => void;
}): boolean {
  const { checks, say } = o;
  const { secrets, outputs } = leaks.scanStats();
  let leakProblem: string | undefined;
  try {
    leaks.assertNoLeaks();
  } catch (e) {
    leakProblem = MESSAGES.leak((e as Error).message.split('\n').slice(1, 4).join('; '));
  }
  const ok = leakProblem === undefined && o.jobsOk && checks.built.length > 0
    && checks.indexes.every((v) => v.files.every((f) => f.served && f.sha256Matches && (f.provenance === 'verified' || f.provenance === 'not attested')))
    && checks.installed?.ok === true;
  say();
  say(leakProblem ?? `Leak check: ${outputs} captured outputs scanned for ${secrets} issued secrets: no token or JWT unmasked.`);
  const seconds = ((Date.now() - o.started) / 1000).toFixed(1);
  say(ok
    ? `Verdict: PASS in ${seconds} s: a push of tag '${o.tag}' would publish ${checks.built.length} file(s) to ${o.indexes.map((i) => i.displayName).join(' and ')}, with verified provenance.`
    : `Verdict: FAIL in ${seconds} s: see the ${o.failed} and checks above.`);
  return ok;
}

export async function rehearse(opts: RehearseOptions): Promise<RehearsalResult> {
  const started = Date.now();
  const say = (line = '') => {
    leaks.recordOutput('rehearsal output', line, false);
    opts.out(line);
  };
  if (opts.keep) keepTempDirs();
  checkToolIntervals = [];
  const empty = (stopped: string): RehearsalResult => ({ ok: false, stopped, jobs: [], skipped: [], indexes: [], durationMs: Date.now() - started });

  say(`Rehearsing the release of tag '${opts.tag}': .github/workflows/${opts.workflowFile}, ${opts.repository}, project ${opts.project}`);
  const cpuStart = process.cpuUsage();
  const phases: Record<string, number> = {};
  let lastMark = started;
  const phaseTools: Record<string, number> = {};
  let stepsMsSoFar = 0;
  let checkToolsSoFar = 0;
  /** Ends a phase: its wall time, and the tools' time in it (steps' processes, then the checks' tools). */
  const mark = (phase: string, jobs: readonly JobResult[] = []) => {
    const now = Date.now();
    phases[phase] = (phases[phase] ?? 0) + now - lastMark;
    const stepsMs = jobs.flatMap((j) => j.steps).reduce((sum, st) => sum + st.processMs, 0);
    const checksMs = coveredMs(checkToolIntervals);
    phaseTools[phase] = (phaseTools[phase] ?? 0) + (stepsMs - stepsMsSoFar) + (checksMs - checkToolsSoFar);
    stepsMsSoFar = stepsMs;
    checkToolsSoFar = checksMs;
    lastMark = now;
  };
  const tagState = checkRepository(opts);
  mark('trigger, tag, working tree');
  const workflow = parse(tagState.workflowText) as Workflow;
  for (const p of opts.publishers ?? []) {
    if (p.index !== undefined && !opts.indexes.some((i) => i.name === p.index)) {
      throw new RehearsalRefusal(MESSAGES.unknownIndex(p.index, opts.indexes.map((i) => i.name)));
    }
  }
  say(`Tag '${opts.tag}' at ${tagState.sha.slice(0, 12)}; the trigger matches.`);

  const work = tempDir('pypi-rehearse-');
  // the running commit's tree, where `uses: $/...` actions come from: only the directories the workflow names
  const selfDir = join(work, 'self');
  mkdirSync(selfDir, { recursive: true });
  const selfPaths = [...new Set(Object.values(workflow.jobs).flatMap((j) => j.steps ?? [])
    .map((st) => selfReference(st.uses)).filter((r) => r?.kind === 'self-repository').map((r) => r!.path))];

  // the machine's tools, the emulators and the $/ tree, side by side
  const [owner] = opts.repository.split('/');
  const emulators = new Map<string, Emulator>();
  const starting = Promise.allSettled(opts.indexes.map((index) => {
    const p = publisherFor(index, opts);
    return startEmulator({
      projects: [opts.project],
      publishers: [{
        projects: [opts.project],
        owner: p.owner,
        ownerId: p.owner === owner ? defaultRunnerClaims().repository_owner_id : '1',
        repository: p.repository,
        workflow: p.workflow,
        environment: p.environment,
      }],
    }, { onSecret: leaks.registerSecret });
  }));
  const selfTree = selfPaths.length === 0 ? Promise.resolve() : extractTree(tagState.root, tagState.sha, selfPaths, selfDir);
  // the checkout actions/checkout makes on a tag push, once: each default checkout of the run copies it; then, off
  // the critical path (the build job runs meanwhile), the sparse ones the workflow's checkouts ask for (the publish
  // jobs' actions, the verify script): a checkout finds one in the map once it is ready, and clones for itself before
  const pristine = pristineClone(tagState.root, opts.tag, tagState.sha, join(work, 'pristine'));
  const sparseClones = new Map<string, { dir: string; files: number }>();
  const sparse = pristine.then(() => Promise.all(staticSparseCheckouts(workflow).map(async (r, i) => {
    const clone = await prepareSparseClone(tagState.root, opts.tag, tagState.sha, r.sparse, r.cone, join(work, `sparse-${i}`));
    if (clone !== undefined) sparseClones.set(sparseKey(r.sparse, r.cone), clone);
  })));
  const scan: OutputScan = leaks;
  try {
    const machineLines: string[] = [];
    const machine = await prepareMachine(opts.cacheDir, (l) => machineLines.push(l)).finally(async () => {
      // started ones are closed in the finally below, failed ones have nothing to close
      for (const [i, r] of (await starting).entries()) if (r.status === 'fulfilled') emulators.set(opts.indexes[i].name, r.value);
    });
    process.env[NODE24_VARIABLE] = machine.node24;
    say();
    say('This machine:');
    for (const l of machineLines) say(`  ${l}`);
    const failed = (await starting).find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    say();
    say('The emulator (nothing real is contacted: uploads, GitHub OIDC, Fulcio and Rekor stay on loopback):');
    for (const index of opts.indexes) {
      say(`  ${index.displayName}: ${index.uploadUrl} -> ${emulators.get(index.name)!.uploadUrl}; publisher ${describePublisher(publisherFor(index, opts))}` +
        `${opts.publishers?.length ? ' (as given)' : ' (the component\'s settings)'}`);
    }
    await selfTree;
    const clone = await pristine;
    const first = emulators.get(opts.indexes[0].name)!;
    mark('machine (python, uv, pypi-attestations, node 24), emulators, $/ tree');
    say(`  GitHub OIDC issuer ${first.oidc.issuer}; Fulcio and Rekor ${first.sigstore.fulcioUrl}`);

    const urlMapFor = (emulator: Emulator): Record<string, string> => ({
      ...Object.fromEntries(opts.indexes.flatMap((i) => {
        const e = emulators.get(i.name)!;
        return [[i.uploadUrl, e.uploadUrl], [`${i.webUrl.replace(/\/$/, '')}/simple/`, e.simpleUrl]];
      })),
      'https://fulcio.sigstore.dev': emulator.sigstore.fulcioUrl,
      'https://rekor.sigstore.dev': emulator.sigstore.rekorUrl,
    });

    // every job in needs order; a job whose needs did not all succeed is skipped, as GitHub does
    const artifacts: Record<string, string> = {};
    const artifactIds: Record<string, string> = {};
    const jobs: JobResult[] = [];
    const skipped: string[] = [];
    const pending = Object.keys(workflow.jobs);
    say();
    say(`The run: push of tag ${opts.tag} (${tagState.sha.slice(0, 12)})`);
    try {
      while (pending.length > 0) {
        const done = (n: string) => jobs.some((j) => j.jobId === n) || skipped.includes(n);
        const ready = pending.find((id) => [workflow.jobs[id].needs ?? []].flat().every(done));
        if (ready === undefined) throw new RehearsalRefusal(`jobs ${pending.join(', ')} wait on each other`);
        pending.splice(pending.indexOf(ready), 1);
        const needs = [workflow.jobs[ready].needs ?? []].flat();
        if (needs.some((n) => jobs.find((j) => j.jobId === n)?.conclusion !== 'success')) {
          skipped.push(ready);
          say(`- ${ready}${workflow.jobs[ready].name ? ` (${workflow.jobs[ready].name})` : ''}: skipped (a job it needs did not succeed)`);
          continue;
        }
        const index = opts.indexes.find((i) => [`publish_${i.name.replace(/-/g, '_')}`, `summary_${i.name.replace(/-/g, '_')}`].includes(ready));
        const emulator = emulators.get(index?.name ?? opts.indexes[0].name)!;
        const result = await runJob({
          workflow,
          workflowFile: opts.workflowFile,
          jobId: ready,
          issuer: emulator,
          urlMap: urlMapFor(emulator),
          repoDir: tagState.root,
          selfRepository: selfDir,
          checkoutFrom: 'git',
          pristineClone: clone,
          sparseClones,
          removeInBackground: !opts.keep,
          refuseUrl: refuseNonLoopback,
          repository: opts.repository,
          event: { name: 'push', ref: `refs/tags/${opts.tag}`, sha: tagState.sha },
          artifacts,
          artifactIds,
          // what the publish jobs read: the build job's artifact id and sha256 list
          needs: Object.fromEntries(needs.map((n) => [n, { result: 'success', outputs: jobs.find((j) => j.jobId === n)!.outputs }])),
          scan,
          tools: { python: machine.python, uv: machine.uv },
          uvCacheDir: machine.uvCache,
          machineEnv: machine.networkEnv,
          stepTimeoutMs: 900_000,
          keepTemp: opts.keep,
        });
        jobs.push(result);
        for (const line of renderJob(result, workflow.jobs[ready].name, opts.verbose ?? false)) say(line);
      }
    } catch (e) {
      if (e instanceof RefusedUrlError || e instanceof RehearsalRefusal) {
        say(MESSAGES.stopped(e.message));
        return { ...empty(e.message), jobs, skipped };
      }
      throw e;
    }

    // the checks a user makes after a release
    mark('jobs', jobs);
    const artifactName = distArtifactName(workflow);
    const checks = await checkRelease({
      machine,
      emulators,
      project: opts.project,
      indexes: opts.indexes,
      distDir: artifactName === undefined ? undefined : artifacts[artifactName],
      checkDir: join(work, 'checks'),
      identity: `https://github.com/${opts.repository}`,
      attests: (index) => (workflow.jobs[`publish_${index.name.replace(/-/g, '_')}`]?.steps ?? []).some((s) => /pypi-attest\/?$/.test(s.uses ?? '')),
      say,
    });

    mark('checks', jobs);
    const summary = renderSummary(jobs);
    if (summary.length > 0) {
      say();
      say('Job summaries:');
      for (const line of summary) say(line);
    }

    mark('summaries', jobs);
    const ok = sayVerdict({
      jobsOk: jobs.every((j) => j.conclusion === 'success') && skipped.length === 0,
      checks,
      tag: opts.tag,
      indexes: opts.indexes,
      started,
      failed: 'failed steps',
      say,
    });
    if (opts.keep) say(`Kept: ${work} (the jobs' workspaces are the wf-job-* directories next to it)`);
    mark('leak scan, verdict', jobs);
    const totalMs = Date.now() - started;
    const toolsMs = Object.values(phaseTools).reduce((a, b) => a + b, 0);
    const overheadByPhase = Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, v - (phaseTools[k] ?? 0)]));
    const ownCpuMs = cpuMs(process.cpuUsage(cpuStart));
    const timing: RehearsalTiming = { totalMs, toolsMs, overheadMs: totalMs - toolsMs, ownCpuMs, phases, overheadByPhase };
    return { ok, jobs, skipped, indexes: checks.indexes, installed: checks.installed, durationMs: totalMs, timing };
  } finally {
    for (const e of emulators.values()) await e.close();
    await sparse;
    await removalsDone();
  }
}
