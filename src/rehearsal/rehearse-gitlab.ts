/**
 * `npx projen pypi:rehearse --tag <tag>` for a PypiGitlabRelease project: the pipeline a push of <tag> would start on
 * gitlab.com, on this machine. In order: the tag and the working tree, the tagged commit's `.gitlab-ci.yml` (some job
 * must run for the tag), the machine's tools, one emulator per index (PyPI with the GitLab publisher the component's
 * settings name and the audience the publish job's `id_tokens` ask for, GitLab's OIDC issuer playing gitlab.com for
 * this project and tag, Fulcio and Rekor), every job in stage order through the GitLab runner (gitlab.ts), then the
 * same checks as for GitHub: each index serves every built file with its sha256, the provenance verifies with
 * pypi-attestations for `https://gitlab.com/<namespace>/<project>`, and the version installs and imports.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { rehearseGitlabPipeline, ruleMatches, type GitlabJob, type GitlabJobRun } from './gitlab';
import * as leaks from './leaks';
import { prepareMachine } from './machine';
import { MESSAGES } from './messages';
import {
  checkRelease, fileAtCommit, pristineClone, RehearsalRefusal, repositoryRoot, sayVerdict, tagCommit, type IndexVerdict, type RehearsalIndex,
} from './rehearse';
import { keepTempDirs, tempDir } from './temp-dirs';
import { startEmulator, type Emulator } from '../emulator';

/** The pipeline file PyPI's GitLab publisher is keyed on (the one PypiGitlabRelease generates). */
const PIPELINE_FILE = '.gitlab-ci.yml';
/** The id_tokens entries of a publish job (as the shipped steps read them). */
const INDEX_TOKEN = 'PYPI_ID_TOKEN';
const SIGSTORE_TOKEN = 'SIGSTORE_ID_TOKEN';

export interface RehearseGitlabOptions {
  readonly tag: string;
  /** The project's directory (the task's working directory); the repository is the git work tree around it. */
  readonly cwd: string;
  /** "namespace/project" on gitlab.com, as the publishers trust it. */
  readonly gitlabProject: string;
  /** The distribution name on the indexes. */
  readonly project: string;
  readonly indexes: readonly RehearsalIndex[];
  readonly allowDirty?: boolean;
  readonly verbose?: boolean;
  readonly keep?: boolean;
  readonly cacheDir: string;
  readonly out: (line: string) => void;
  /** Called with each index's emulator before they close, for callers that look at what they received. */
  readonly inspect?: (emulators: ReadonlyMap<string, Emulator>) => void | Promise<void>;
}

export interface GitlabRehearsalResult {
  readonly ok: boolean;
  readonly jobs: GitlabJobRun[];
  readonly indexes: IndexVerdict[];
  readonly installed?: { version: string; modules: string[]; ok: boolean; detail?: string };
  readonly durationMs: number;
}

const publishJobName = (index: RehearsalIndex) => `publish-${index.name}`;

/** The audience of a publish job's index token, and whether it also signs (a sigstore token). */
function publishJobTokens(jobs: Record<string, GitlabJob>, index: RehearsalIndex): { audience: string; attests: boolean } {
  const job = jobs[publishJobName(index)];
  const aud = job?.id_tokens?.[INDEX_TOKEN]?.aud;
  if (typeof aud !== 'string') throw new RehearsalRefusal(MESSAGES.gitlabAudienceMissing(publishJobName(index)));
  return { audience: aud, attests: job.id_tokens?.[SIGSTORE_TOKEN] !== undefined };
}

export async function rehearseGitlab(opts: RehearseGitlabOptions): Promise<GitlabRehearsalResult> {
  const started = Date.now();
  const say = (line = '') => {
    leaks.recordOutput('rehearsal output', line, false);
    opts.out(line);
  };
  if (opts.keep) keepTempDirs();
  say(MESSAGES.gitlabIntro(opts.tag, opts.gitlabProject, opts.project));

  // the tag, the working tree, the tag's pipeline and whether it runs for the tag
  const root = repositoryRoot(opts.cwd);
  const sha = tagCommit(root, opts);
  const pipelineText = fileAtCommit(root, sha, PIPELINE_FILE);
  if (pipelineText === undefined) throw new RehearsalRefusal(MESSAGES.noPipeline(`the commit of tag '${opts.tag}' (${sha.slice(0, 12)})`));
  let working: string | undefined;
  try {
    working = readFileSync(join(root, PIPELINE_FILE), 'utf8');
  } catch {
    working = undefined;
  }
  if (working !== undefined && working !== pipelineText) say(MESSAGES.pipelineChanged(opts.tag));
  const doc = parse(pipelineText) as Record<string, unknown>;
  const jobs = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v)
    && Array.isArray((v as GitlabJob).script))) as Record<string, GitlabJob>;
  const rules = Object.values(jobs).flatMap((j) => j.rules ?? []);
  if (!rules.some((r) => ruleMatches(r, opts.tag))) throw new RehearsalRefusal(MESSAGES.notRunByPipeline(opts.tag, [...new Set(rules.map((r) => r.if ?? ''))]));
  const tokens = new Map(opts.indexes.map((index) => [index.name, publishJobTokens(jobs, index)]));
  say(`Tag '${opts.tag}' at ${sha.slice(0, 12)}; the pipeline runs for it.`);

  const work = tempDir('pypi-rehearse-gitlab-');
  const pristine = pristineClone(root, opts.tag, sha, join(work, 'pristine'));
  const slash = opts.gitlabProject.lastIndexOf('/');
  const [namespace, projectName] = [opts.gitlabProject.slice(0, slash), opts.gitlabProject.slice(slash + 1)];
  const emulators = new Map<string, Emulator>();
  try {
    const machineLines: string[] = [];
    const machine = await prepareMachine(opts.cacheDir, (l) => machineLines.push(l));
    say();
    say('This machine:');
    for (const l of machineLines) say(`  ${l}`);
    for (const index of opts.indexes) {
      emulators.set(index.name, await startEmulator({
        projects: [opts.project],
        audience: tokens.get(index.name)!.audience,
        gitlabPublishers: [{
          projects: [opts.project], namespace, project: projectName, workflowFilepath: PIPELINE_FILE, environment: index.environment,
        }],
        gitlabJob: { project_path: opts.gitlabProject, ref: opts.tag, ref_type: 'tag', sha, ci_config_sha: sha },
      }, { onSecret: leaks.registerSecret }));
    }
    say();
    say('The emulator (nothing real is contacted: uploads, GitLab OIDC, Fulcio and Rekor stay on loopback):');
    for (const index of opts.indexes) {
      say(`  ${index.displayName}: ${index.uploadUrl} -> ${emulators.get(index.name)!.uploadUrl}; GitLab publisher ${opts.gitlabProject}, ` +
        `${PIPELINE_FILE}, environment ${index.environment} (the component's settings)`);
    }
    const clone = await pristine;
    if (clone === undefined) throw new Error(`git clone --branch ${opts.tag} of ${root} failed`);

    // the image stands for python3 and nothing else the jobs use: they install uv, Node and the tools themselves
    const bin = join(work, 'image-bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(machine.python, join(bin, 'python3'));
    const urlMap = opts.indexes.flatMap((i) => {
      const e = emulators.get(i.name)!;
      return [[i.uploadUrl, e.uploadUrl], [`${i.webUrl.replace(/\/$/, '')}/simple/`, e.simpleUrl]] as const;
    });
    const emulatorOf = (job: string) => emulators.get(opts.indexes.find((i) => publishJobName(i) === job)?.name ?? opts.indexes[0].name)!;
    say();
    say(`The pipeline: tag ${opts.tag} (${sha.slice(0, 12)})`);
    let jobId = 9000000200;
    const runs = await rehearseGitlabPipeline({
      repoDir: clone.dir,
      pipelineText,
      tag: opts.tag,
      projectPath: opts.gitlabProject,
      commitSha: sha,
      machineEnv: {
        ...machine.networkEnv,
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: join(work, 'home'),
        // the download caches of pip and the tools a runner host keeps between jobs (every install is hash-checked)
        XDG_CACHE_HOME: join(opts.cacheDir, 'gitlab-jobs-cache'),
        LANG: 'C.UTF-8',
        UV_CACHE_DIR: machine.uvCache,
        UV_PYTHON_DOWNLOADS: 'never',
      },
      urlMap,
      jobVariables: (job) => ({ INPUT_FULCIO_URL: emulatorOf(job).sigstore.fulcioUrl, INPUT_REKOR_URL: emulatorOf(job).sigstore.rekorUrl }),
      idToken: async (audience, job) => {
        const em = emulatorOf(job.name);
        em.setGitlabJobClaims({ environment: job.environment, job_id: String(jobId++) });
        try {
          return await em.issueGitlabIdToken(audience);
        } finally {
          em.resetGitlabJobClaims();
        }
      },
      onOutput: (job, text) => leaks.recordOutput(`gitlab job ${job}`, text, false),
    });
    for (const r of runs) {
      const state = r.skipped !== undefined ? `skipped (${r.skipped})` : r.exitCode === 0 ? 'succeeded' : `FAILED (exit ${r.exitCode})`;
      say(`- ${r.name}: ${state}`);
      if (r.skipped === undefined && (opts.verbose || r.exitCode !== 0)) for (const l of r.output.trimEnd().split('\n')) say(`    ${l}`);
    }

    // the checks a user makes after a release
    const distPath = jobs.build?.artifacts?.paths?.[0];
    const build = runs.find((r) => r.name === 'build');
    const checks = await checkRelease({
      machine,
      emulators,
      project: opts.project,
      indexes: opts.indexes,
      distDir: build?.workspace !== undefined && distPath !== undefined ? join(build.workspace, distPath) : undefined,
      checkDir: join(work, 'checks'),
      identity: `https://gitlab.com/${opts.gitlabProject}`,
      attests: (index) => tokens.get(index.name)!.attests,
      say,
    });
    await opts.inspect?.(emulators);

    const ok = sayVerdict({
      jobsOk: runs.every((r) => r.skipped === undefined && r.exitCode === 0),
      checks,
      tag: opts.tag,
      indexes: opts.indexes,
      started,
      failed: 'failed jobs',
      say,
    });
    if (opts.keep) say(`Kept: ${work} (the jobs' workspaces are the gitlab-* directories next to it)`);
    return { ok, jobs: runs, indexes: checks.indexes, installed: checks.installed, durationMs: Date.now() - started };
  } finally {
    for (const e of emulators.values()) await e.close();
  }
}
