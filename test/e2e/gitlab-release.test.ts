/**
 * The GitLab release end to end, as `npx projen pypi:rehearse --tag v1.0.0` runs it for a PypiGitlabRelease project
 * (rehearseGitlab, in process): a projen uv project, committed and tagged, its generated `.gitlab-ci.yml` rehearsed
 * job by job against the emulator (build with the real uv and twine; the publish job installs uv, Node 24 and
 * nothing else from the hash-locked sets, signs with the bundled attest step under its GitLab identity, mints with
 * the bundled mint step from the job's id_tokens and uploads with uv), then the rehearsal's own checks (served with
 * the built sha256, provenance verified for the GitLab project, installed and imported), and the provenance PyPI
 * stored refused by pypi-attestations for another GitLab project.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TOOLS_DIR } from '../../scripts/tools/catalog';
import type { PypiGitlabRelease } from '../../src';
import type { GitlabJobRun } from '../../src/rehearsal/gitlab';
import { rehearseGitlab, type GitlabRehearsalResult } from '../../src/rehearsal/rehearse-gitlab';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { synthesizeGitlabSample } from '../support/gitlab-run';
import { recordOutput } from '../support/leaks';
import { havePypiAttestations, runPypiAttestations } from '../support/pypi-attestations';
import { installedPython } from '../support/tools';

const NAME = 'pypi-mint-gitlab-sample';
const PROJECT_PATH = 'octo-group/demo';

let dir: string;
let result: GitlabRehearsalResult;
let runs: GitlabJobRun[];
let release: PypiGitlabRelease;
const lines: string[] = [];
let uploads: Array<{ filename: string; provenance: unknown }> = [];
let trustedRoot: unknown;

beforeAll(async () => {
  const sample = synthesizeGitlabSample(NAME, { projectPath: PROJECT_PATH });
  dir = sample.dir;
  release = sample.release;
  // the repository at the release tag, as the task finds it
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=Octo', '-c', 'user.email=octo@example.invalid', ...args], { stdio: 'pipe' });
  git('init', '--quiet');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'release 1.0.0');
  git('tag', 'v1.0.0');
  // the task's arguments, from the component's settings
  const indexes = release.indexes.map((i) => ({
    name: i.name, displayName: i.displayName, uploadUrl: i.uploadUrl, webUrl: i.webUrl, environment: i.environment,
  }));
  const python = process.env.PYTHON;
  process.env.PYTHON = installedPython();
  try {
    result = await rehearseGitlab({
      tag: 'v1.0.0',
      cwd: dir,
      gitlabProject: PROJECT_PATH,
      project: NAME,
      indexes,
      cacheDir: join(TOOLS_DIR, 'rehearse-cache'),
      out: (line) => lines.push(line),
      inspect: (emulators) => {
        const em = [...emulators.values()][0];
        uploads = em.uploads().map((u) => ({ filename: u.filename, provenance: u.provenance }));
        trustedRoot = em.sigstore.trustedRoot();
      },
    });
  } finally {
    if (python === undefined) delete process.env.PYTHON;
    else process.env.PYTHON = python;
  }
  runs = result.jobs;
  recordOutput('gitlab rehearsal output', lines.join('\n'), false);
}, 600_000);

const run = (name: string) => runs.find((r) => r.name === name)!;

test('the rehearsal passes: both jobs succeed, every check holds, and the token never reaches the log', () => {
  expect(lines.join('\n')).toMatch(/Verdict: PASS in [0-9.]+ s: a push of tag 'v1\.0\.0' would publish 2 file\(s\) to PyPI, with verified provenance\./);
  expect(result.ok).toBe(true);
  expect(lines).toEqual(expect.arrayContaining([
    `Rehearsing the GitLab release of tag 'v1.0.0': .gitlab-ci.yml, ${PROJECT_PATH}, project ${NAME}`,
    '- build: succeeded',
    '- publish-pypi: succeeded',
    `  ✓ PyPI: ${NAME.replace(/-/g, '_')}-1.0.0-py3-none-any.whl served with the built sha256; provenance verified for https://gitlab.com/${PROJECT_PATH}`,
  ]));
  expect(result.installed).toEqual(expect.objectContaining({ ok: true, version: '1.0.0', modules: [NAME.replace(/-/g, '_')] }));
  expect(run('build').output).toMatch(/version 1\.0\.0 matches the tag v1\.0\.0/);
  // the sdist check ran on the real sdist: the exclusions projen wrote kept the vendored steps and projen's files out
  expect(run('build').output).toMatch(/dist\/[^\n]*\.tar\.gz: none of projen's, npm's or the release pipeline's files/);
  const publish = run('publish-pypi').output;
  expect(publish).toContain('Using the job\'s ID token PYPI_ID_TOKEN for octo-group/demo (.gitlab-ci.yml)');
  expect(publish).toContain('UV_PUBLISH_TOKEN, UV_PUBLISH_URL written to the file named by PYPI_MINT_OUTPUT');
  expect(publish).not.toMatch(/::add-mask::|pypi-[A-Za-z0-9_-]{40,}/);
});

test('PyPI stored both files with GitLab provenance', () => {
  expect(uploads.map((u) => u.filename).sort()).toEqual([`${NAME.replace(/-/g, '_')}-1.0.0-py3-none-any.whl`, `${NAME.replace(/-/g, '_')}-1.0.0.tar.gz`]);
  for (const u of uploads) {
    expect((u.provenance as { attestation_bundles: Array<{ publisher: unknown }> }).attestation_bundles[0].publisher)
      .toEqual({ kind: 'GitLab', repository: PROJECT_PATH, workflow_filepath: '.gitlab-ci.yml', environment: 'pypi' });
  }
  expect(release.trustedPublishers()).toEqual([expect.objectContaining({ namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' })]);
});

test('pypi-attestations refuses the attestations for another GitLab project', async () => {
  expect(havePypiAttestations()).toBe(true);
  const wheel = uploads.find((u) => u.filename.endsWith('.whl'))!;
  const check = tempDir('gitlab-verify-');
  writeFileSync(join(check, wheel.filename), readFileSync(join(run('publish-pypi').workspace!, 'dist', wheel.filename)));
  const provenance = wheel.provenance as { attestation_bundles: Array<{ publisher: Record<string, unknown> }> };
  const verify = async (repositoryUrl: string, publisher: Record<string, unknown>) => {
    const file = join(check, `provenance-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ ...provenance, attestation_bundles: [{ ...provenance.attestation_bundles[0], publisher }] }));
    return runPypiAttestations(['verify', 'pypi', '--offline', '--repository', repositoryUrl, '--provenance-file', file,
      join(check, wheel.filename)], trustedRoot, check);
  };
  // verified for this project by the rehearsal's checks (above); refused for another one
  const other = { ...provenance.attestation_bundles[0].publisher, repository: 'octo-group/other' };
  const refused = await verify('https://gitlab.com/octo-group/other', other);
  expect(refused.code).not.toBe(0);
  expect(`${refused.stdout}${refused.stderr}`).toMatch(/OIDCSourceRepositoryURI|does not match/);
});

test('the pipeline as generated: tag rules, id_tokens only on the publish job', () => {
  const doc = parse(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')) as Record<string, { id_tokens?: unknown }>;
  expect(doc.build.id_tokens).toBeUndefined();
  expect(doc['publish-pypi'].id_tokens).toEqual({ PYPI_ID_TOKEN: { aud: 'pypi' }, SIGSTORE_ID_TOKEN: { aud: 'sigstore' } });
});
