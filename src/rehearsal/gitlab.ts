/**
 * Runs the jobs of a generated `.gitlab-ci.yml` on this machine, the way a GitLab runner with the shell executor
 * would: stages in order, a job only when its `rules` match the tag, a fresh checkout of the repository per job,
 * the artifacts of the jobs it `needs`, GitLab's predefined variables, the job's `variables`, one JWT per
 * `id_tokens` entry (from the emulator's GitLab issuer, with this job's environment), and the `script` lines in one
 * bash with `set -eo pipefail`, as GitLab runs them. The job's `image` is not pulled: the script runs with this
 * machine's python3 (which the image provides on GitLab); everything else it installs itself, for real.
 *
 * Upload URLs (PyPI's literal ones in the job variables) are repointed at the emulator through `urlMap`, and the
 * attest step is pointed at the emulator's Sigstore with `extraVariables`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The parts of a GitLab job the rehearsal reads. */
export interface GitlabJob {
  readonly stage?: string;
  readonly image?: { name: string } | string;
  readonly rules?: Array<{ if?: string; when?: string }>;
  readonly needs?: Array<{ job: string; artifacts?: boolean } | string>;
  readonly environment?: { name: string; url?: string } | string;
  readonly id_tokens?: Record<string, { aud: string | string[] }>;
  readonly variables?: Record<string, string>;
  readonly before_script?: string[];
  readonly script?: string[];
  readonly after_script?: string[];
  readonly artifacts?: { paths?: string[] };
}

export interface GitlabJobRun {
  readonly name: string;
  /** Not run: its rules did not match, or a job it needs failed. */
  readonly skipped?: string;
  readonly exitCode?: number;
  readonly output: string;
  readonly workspace?: string;
}

export interface GitlabRehearsalOptions {
  /** The repository at the tag (the synthesized project). */
  readonly repoDir: string;
  /** The pipeline file's text. */
  readonly pipelineText: string;
  readonly tag: string;
  readonly projectPath: string;
  readonly commitSha: string;
  /** The machine's environment for every job (PATH with python3, HOME, proxies, UV_CACHE_DIR...). */
  readonly machineEnv: Record<string, string>;
  /** URL -> URL replacements applied to job variables (PyPI's upload URL -> the emulator's). */
  readonly urlMap?: ReadonlyArray<readonly [string, string]>;
  /** Variables added to jobs with id_tokens (e.g. the attest step's Fulcio and Rekor URLs). */
  readonly extraVariables?: Record<string, string>;
  /** Variables added to one job with id_tokens, over `extraVariables` (each index's emulator has its own Sigstore). */
  jobVariables?(job: string): Record<string, string>;
  /** One JWT for an `id_tokens` entry: audience, the job's environment (if any). */
  idToken(audience: string, job: { name: string; environment?: string }): Promise<string>;
  /** Every line a job printed (for the caller's leak scanner). */
  onOutput?(job: string, text: string): void;
}

const RESERVED = new Set(['stages', 'variables', 'default', 'workflow', 'include', 'image', 'services', 'cache', 'before_script', 'after_script']);

/** GitLab's `$CI_COMMIT_TAG =~ /re/flags` rule, the only form the generated pipeline uses; anything else is refused. */
export function ruleMatches(rule: { if?: string }, tag: string): boolean {
  const m = /^\$CI_COMMIT_TAG =~ \/(.*)\/([imsx]*)$/.exec(rule.if ?? '');
  if (!m) throw new Error(`the rehearsal cannot evaluate the rule ${JSON.stringify(rule)}`);
  return new RegExp(m[1], m[2]).test(tag);
}

export async function rehearseGitlabPipeline(options: GitlabRehearsalOptions): Promise<GitlabJobRun[]> {
  const doc = parse(options.pipelineText) as Record<string, unknown>;
  const stages = (doc.stages as string[] | undefined) ?? ['build', 'test', 'deploy'];
  const jobs = Object.entries(doc).filter(([name]) => !RESERVED.has(name) && !name.startsWith('.')) as Array<[string, GitlabJob]>;
  const runs = new Map<string, GitlabJobRun>();
  let jobId = 9000000100;
  for (const stage of stages) {
    for (const [name, job] of jobs.filter(([, j]) => (j.stage ?? 'test') === stage)) {
      const needs = (job.needs ?? []).map((n) => (typeof n === 'string' ? { job: n, artifacts: true } : { artifacts: true, ...n }));
      const failedNeed = needs.find((n) => runs.get(n.job)?.exitCode !== 0);
      if (!(job.rules ?? []).some((r) => ruleMatches(r, options.tag))) {
        runs.set(name, { name, skipped: 'rules do not match the tag', output: '' });
      } else if (failedNeed) {
        runs.set(name, { name, skipped: `needs ${failedNeed.job}, which did not succeed`, output: '' });
      } else {
        runs.set(name, await runJob(name, job, needs, runs, String(jobId++), options));
      }
    }
  }
  return [...runs.values()];
}

async function runJob(name: string, job: GitlabJob, needs: Array<{ job: string; artifacts: boolean }>,
  done: Map<string, GitlabJobRun>, jobId: string, options: GitlabRehearsalOptions): Promise<GitlabJobRun> {
  if (job.after_script?.length) throw new Error(`job ${name}: after_script is not rehearsed`);
  const workspace = mkdtempSync(join(tmpdir(), `gitlab-${name}-`));
  cpSync(options.repoDir, workspace, { recursive: true, filter: (src) => !src.includes('/.git/') && !src.endsWith('/.git') });
  for (const need of needs.filter((n) => n.artifacts)) {
    const from = done.get(need.job)!;
    const paths = (parse(options.pipelineText) as Record<string, GitlabJob>)[need.job]?.artifacts?.paths ?? [];
    for (const p of paths) if (existsSync(join(from.workspace!, p))) cpSync(join(from.workspace!, p), join(workspace, p), { recursive: true });
  }
  const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
  const jobTmp = mkdtempSync(join(tmpdir(), `gitlab-${name}-tmp-`));
  mkdirSync(jobTmp, { recursive: true });
  const mapUrl = (v: string) => (options.urlMap ?? []).reduce((s, [a, b]) => (s === a ? b : s), v);
  const env: Record<string, string> = {
    ...options.machineEnv,
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_HOST: 'gitlab.com',
    CI_SERVER_URL: 'https://gitlab.com',
    CI_PROJECT_PATH: options.projectPath,
    CI_PROJECT_NAMESPACE: options.projectPath.slice(0, options.projectPath.lastIndexOf('/')),
    CI_PROJECT_DIR: workspace,
    CI_COMMIT_TAG: options.tag,
    CI_COMMIT_REF_NAME: options.tag,
    CI_COMMIT_SHA: options.commitSha,
    CI_PIPELINE_SOURCE: 'push',
    CI_JOB_NAME: name,
    CI_JOB_ID: jobId,
    CI_JOB_STAGE: job.stage ?? 'test',
    TMPDIR: jobTmp,
    ...(environment ? { CI_ENVIRONMENT_NAME: environment } : {}),
    ...Object.fromEntries(Object.entries(job.variables ?? {}).map(([k, v]) => [k, mapUrl(String(v))])),
  };
  if (job.id_tokens) {
    Object.assign(env, options.extraVariables ?? {}, options.jobVariables?.(name) ?? {});
    for (const [variable, entry] of Object.entries(job.id_tokens)) {
      if (typeof entry.aud !== 'string') throw new Error(`job ${name}: id_tokens.${variable} with several audiences is not rehearsed`);
      env[variable] = await options.idToken(entry.aud, { name, environment });
    }
  }
  const script = ['set -eo pipefail', ...(job.before_script ?? []), ...(job.script ?? [])].join('\n');
  const { code, output } = await bash(script, workspace, env);
  options.onOutput?.(name, output);
  return { name, exitCode: code, output, workspace };
}

function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => chunks.push(b));
    child.stderr.on('data', (b: Buffer) => chunks.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
}
