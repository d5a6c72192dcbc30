/**
 * The GitLab release end to end: a projen uv project with PypiGitlabRelease, its generated `.gitlab-ci.yml`
 * rehearsed job by job against the emulator (build with the real uv and twine; the publish job installs uv, Node 24
 * and nothing else from the hash-locked sets, signs with the bundled attest step under its GitLab identity, mints
 * with the bundled mint step from the job's id_tokens and uploads with uv), then the provenance PyPI stored verified
 * with pypi-attestations for the GitLab publisher, and refused for another GitLab project.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PypiGitlabRelease } from '../../src';
import type { Emulator } from '../../src/emulator';
import type { GitlabJobRun } from '../../src/rehearsal/gitlab';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { startTestEmulator } from '../support/emulator';
import { rehearseGitlabSample, synthesizeGitlabSample } from '../support/gitlab-run';
import { recordOutput } from '../support/leaks';
import { havePypiAttestations, runPypiAttestations } from '../support/pypi-attestations';

const NAME = 'pypi-mint-gitlab-sample';
const PROJECT_PATH = 'octo-group/demo';

let em: Emulator;
let dir: string;
let runs: GitlabJobRun[];
let release: PypiGitlabRelease;

beforeAll(async () => {
  em = await startTestEmulator({
    projects: [NAME],
    gitlabPublishers: [{ projects: [NAME], namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' }],
  });
  const sample = synthesizeGitlabSample(NAME, { projectPath: PROJECT_PATH });
  dir = sample.dir;
  release = sample.release;
  runs = await rehearseGitlabSample(em, sample, { projectPath: PROJECT_PATH, onOutput: (job, text) => recordOutput(`gitlab job ${job}`, text, false) });
}, 600_000);

const run = (name: string) => runs.find((r) => r.name === name)!;

test('the build job and the publish job succeed; the token never reaches the log', () => {
  expect(run('build').output).toMatch(/version 1\.0\.0 matches the tag v1\.0\.0/);
  expect([run('build').exitCode, run('publish-pypi').exitCode]).toEqual([0, 0]);
  const publish = run('publish-pypi').output;
  expect(publish).toContain('Using the job\'s ID token PYPI_ID_TOKEN for octo-group/demo (.gitlab-ci.yml)');
  expect(publish).toContain('UV_PUBLISH_TOKEN, UV_PUBLISH_URL written to the file named by PYPI_MINT_OUTPUT');
  expect(publish).not.toMatch(/::add-mask::|pypi-[A-Za-z0-9_-]{40,}/);
});

test('PyPI stored both files with GitLab provenance', () => {
  const uploads = em.uploads();
  expect(uploads.map((u) => u.filename).sort()).toEqual([`${NAME.replace(/-/g, '_')}-1.0.0-py3-none-any.whl`, `${NAME.replace(/-/g, '_')}-1.0.0.tar.gz`]);
  for (const u of uploads) {
    expect((u.provenance as { attestation_bundles: Array<{ publisher: unknown }> }).attestation_bundles[0].publisher)
      .toEqual({ kind: 'GitLab', repository: PROJECT_PATH, workflow_filepath: '.gitlab-ci.yml', environment: 'pypi' });
  }
  expect(release.trustedPublishers()).toEqual([expect.objectContaining({ namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' })]);
});

test('pypi-attestations verifies the attestations for the GitLab publisher and refuses them for another project', async () => {
  expect(havePypiAttestations()).toBe(true);
  const wheel = em.uploads().find((u) => u.filename.endsWith('.whl'))!;
  const check = tempDir('gitlab-verify-');
  writeFileSync(join(check, wheel.filename), readFileSync(join(run('publish-pypi').workspace!, 'dist', wheel.filename)));
  const provenance = wheel.provenance as { attestation_bundles: Array<{ publisher: Record<string, unknown> }> };
  const verify = async (repositoryUrl: string, publisher: Record<string, unknown>) => {
    const file = join(check, `provenance-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ ...provenance, attestation_bundles: [{ ...provenance.attestation_bundles[0], publisher }] }));
    return runPypiAttestations(['verify', 'pypi', '--offline', '--repository', repositoryUrl, '--provenance-file', file,
      join(check, wheel.filename)], em.sigstore.trustedRoot(), check);
  };
  const ok = await verify(`https://gitlab.com/${PROJECT_PATH}`, provenance.attestation_bundles[0].publisher);
  expect(`${ok.stdout}${ok.stderr}`).toContain('OK:');
  expect(ok.code).toBe(0);
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
