/**
 * A sample projen Python project with PypiGitlabRelease, and its generated `.gitlab-ci.yml` rehearsed against the
 * emulator (src/rehearsal/gitlab.ts): the machine a GitLab runner's image stands for (python3 and nothing else the
 * jobs use), one GitLab ID token per `id_tokens` entry with the job's environment, PyPI's URLs repointed at the
 * emulator and the attest step at its Sigstore. The GitLab end-to-end test and the hostile-config test start here.
 */
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LogLevel, python } from 'projen';
import { rehearsalMachine, tool } from './tools';
import { PypiGitlabRelease, PypiGitlabReleaseOptions } from '../../src';
import type { Emulator } from '../../src/emulator';
import { defaultGitlabJobClaims } from '../../src/emulator/gitlab-oidc/job-claims';
import { rehearseGitlabPipeline, type GitlabJobRun } from '../../src/rehearsal/gitlab';
import { tempDir } from '../../src/rehearsal/temp-dirs';

export interface GitlabSample {
  readonly dir: string;
  readonly release: PypiGitlabRelease;
  readonly pipelineText: string;
}

/** A uv project (pyproject.toml, version 1.0.0) with PypiGitlabRelease, synthesized into a temp directory. */
export function synthesizeGitlabSample(name: string, options: PypiGitlabReleaseOptions): GitlabSample {
  const dir = tempDir('gitlab-sample-');
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const project = new python.PythonProject({
      name,
      moduleName: name.replace(/-/g, '_'),
      authorName: 'Octo Maintainers',
      authorEmail: 'octo@example.invalid',
      version: '1.0.0',
      description: 'A sample package released from GitLab',
      uv: true,
      pytest: false,
      github: false,
      outdir: dir,
      logging: { level: LogLevel.WARN },
    });
    project.tryFindObjectFile('pyproject.toml')?.addOverride('project.requires-python', '>=3.10');
    const release = new PypiGitlabRelease(project, options);
    project.synth();
    return { dir, release, pipelineText: readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8') };
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}

export interface GitlabRunOptions {
  readonly projectPath: string;
  /** The pipeline to run (default: the sample's as generated). */
  readonly pipelineText?: string;
  onOutput?(job: string, text: string): void;
}

/**
 * One runner machine per test process: its HOME (pip's download cache among it) outlives a pipeline, as a shell
 * runner's does, so the next pipeline's hash-checked installs do not download the same wheels again.
 */
let machineHome: string | undefined;

/** The sample's pipeline for tag v1.0.0, every job on this machine, against `em`. */
export async function rehearseGitlabSample(em: Emulator, sample: GitlabSample, options: GitlabRunOptions): Promise<GitlabJobRun[]> {
  // a runner's image has python3 and nothing else the jobs use: they install uv, Node and the tools themselves
  const bin = tempDir('gitlab-image-bin-');
  mkdirSync(bin, { recursive: true });
  symlinkSync(tool('python'), join(bin, 'python3'));
  return rehearseGitlabPipeline({
    repoDir: sample.dir,
    pipelineText: options.pipelineText ?? sample.pipelineText,
    tag: 'v1.0.0',
    projectPath: options.projectPath,
    commitSha: defaultGitlabJobClaims().sha,
    idToken: async (audience, job) => {
      em.setGitlabJobClaims({ environment: job.environment, job_id: '9000000200' });
      try {
        return await em.issueGitlabIdToken(audience);
      } finally {
        em.resetGitlabJobClaims();
      }
    },
    machineEnv: {
      ...rehearsalMachine().machineEnv,
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: (machineHome ??= tempDir('gitlab-home-')),
      LANG: 'C.UTF-8',
      UV_CACHE_DIR: join(__dirname, '..', '..', '.tools', 'cache'),
      UV_PYTHON_DOWNLOADS: 'never',
    },
    urlMap: [['https://upload.pypi.org/legacy/', em.uploadUrl], ['https://pypi.org/simple/', em.simpleUrl]],
    extraVariables: { INPUT_FULCIO_URL: em.sigstore.fulcioUrl, INPUT_REKOR_URL: em.sigstore.rekorUrl },
    onOutput: options.onOutput,
  });
}
