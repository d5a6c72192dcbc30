/**
 * The bundled mint step as a GitLab job runs it: GITLAB_CI=true, the `id_tokens` variable PYPI_ID_TOKEN from the
 * emulator's GitLab issuer, the hand-over file PYPI_MINT_OUTPUT made by `mktemp`, inputs as INPUT_* job variables.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { runBundledAction } from './harness';
import type { Emulator } from '../../src/emulator';
import { startTestEmulator } from '../support/emulator';
import { NODE24 } from '../support/node';

const PUBLISHER = { projects: ['demo-package'], namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' };

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ gitlabPublishers: [PUBLISHER] });
});
afterEach(() => em.resetGitlabJobClaims());

function mktemp(): string {
  return execFileSync('mktemp', { encoding: 'utf8' }).trim();
}

async function runInGitlabJob(env: Record<string, string | undefined>, label: string) {
  const output = env.PYPI_MINT_OUTPUT ?? mktemp();
  const result = await runBundledAction({
    node: NODE24,
    label,
    env: {
      GITHUB_ACTIONS: undefined,
      GITHUB_OUTPUT: undefined,
      GITHUB_ENV: undefined,
      GITHUB_STEP_SUMMARY: undefined,
      GITLAB_CI: 'true',
      CI_JOB_ID: '9000000001',
      PYPI_MINT_OUTPUT: output,
      INPUT_INDEX_URL: em.uploadUrl,
      ...env,
    },
  });
  const file = readFileSync(output, 'utf8');
  const mode = statSync(output).mode % 0o1000;
  rmSync(output, { force: true });
  return { ...result, file, mode };
}

test('mints with the job\'s ID token and writes the uploader\'s variables to the private hand-over file, as plain log lines', async () => {
  const jwt = await em.issueGitlabIdToken('pypi');
  const r = await runInGitlabJob({ PYPI_ID_TOKEN: jwt, INPUT_EXPORT_ENV: 'uv' }, 'gitlab mint');
  expect(r.stdout).not.toContain('::');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('Using the job\'s ID token PYPI_ID_TOKEN for octo-group/demo (.gitlab-ci.yml)');
  expect(r.stdout).toContain('UV_PUBLISH_TOKEN, UV_PUBLISH_URL written to the file named by PYPI_MINT_OUTPUT');
  expect(r.mode).toBe(0o600);
  const sourced = execFileSync('sh', ['-c', 'eval "$(cat)"; printf "%s\\n%s" "$UV_PUBLISH_URL" "${UV_PUBLISH_TOKEN%%-*}"'], { input: r.file, encoding: 'utf8' });
  expect(sourced).toBe(`${em.uploadUrl}\npypi`);
});

test('without export-env the file holds PYPI_API_TOKEN and its expiry', async () => {
  const r = await runInGitlabJob({ PYPI_ID_TOKEN: await em.issueGitlabIdToken('pypi') }, 'gitlab mint default');
  expect(r.code).toBe(0);
  expect(r.file).toMatch(/^export PYPI_API_TOKEN='pypi-[A-Za-z0-9_-]+'\nexport PYPI_API_TOKEN_EXPIRES='\d+'\n$/);
});

test('the same ID token twice: the second run stops at once and says a retried job gets a new token', async () => {
  const jwt = await em.issueGitlabIdToken('pypi');
  expect((await runInGitlabJob({ PYPI_ID_TOKEN: jwt }, 'gitlab mint first')).code).toBe(0);
  const r = await runInGitlabJob({ PYPI_ID_TOKEN: jwt }, 'gitlab mint reuse');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('invalid-reuse-token');
  expect(r.stdout).toContain('ID token already used');
  expect(r.stdout).toContain('Retry the job: the new job gets a new token.');
  expect(r.stdout).not.toContain('retrying in');
  expect(r.file).toBe('');
});

test('no id_tokens entry, a token for another audience, a shared hand-over file: refused before any exchange', async () => {
  const before = em.requests('mint-token').length;
  const none = await runInGitlabJob({}, 'gitlab mint no token');
  expect(none.code).toBe(1);
  expect(none.stdout).toContain('ERROR: No ID token in this job');
  expect(none.stdout).toContain('  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi');

  const wrong = await runInGitlabJob({ PYPI_ID_TOKEN: await em.issueGitlabIdToken('testpypi') }, 'gitlab mint wrong aud');
  expect(wrong.code).toBe(1);
  expect(wrong.stdout).toContain('PYPI_ID_TOKEN is a token for audience `testpypi`, and this index expects \'pypi\'');

  const shared = mktemp();
  writeFileSync(shared, '');
  chmodSync(shared, 0o644);
  const open = await runInGitlabJob({ PYPI_ID_TOKEN: await em.issueGitlabIdToken('pypi'), PYPI_MINT_OUTPUT: shared }, 'gitlab mint shared file');
  expect(open.code).toBe(1);
  expect(open.stdout).toContain('PYPI_MINT_OUTPUT names a file that other users can read');
  expect(em.requests('mint-token').length).toBe(before);
});

test('a self-managed GitLab instance is refused before any exchange, with why and what to do; a loopback issuer only with a loopback index', async () => {
  const before = em.requests('mint-token').length;
  const onHost = await runInGitlabJob({ PYPI_ID_TOKEN: await em.issueGitlabIdToken('pypi'), CI_SERVER_HOST: 'gitlab.example.com' }, 'gitlab mint self-managed host');
  expect(onHost.code).toBe(1);
  expect(onHost.stdout).toContain('ERROR: This GitLab instance cannot publish to PyPI');
  expect(onHost.stdout).toContain('This job runs on `gitlab.example.com` (CI_SERVER_HOST), not gitlab.com.');
  expect(onHost.stdout).toContain('Release from a gitlab.com project instead');
  expect(onHost.stdout).not.toContain('Using the job\'s ID token');

  // a token from another issuer (signature irrelevant: it is refused before it is sent anywhere)
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const foreign = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
    iss: 'https://gitlab.example.com',
    aud: 'pypi',
    project_path: 'octo-group/demo',
    exp: Math.floor(Date.now() / 1000) + 300,
  })}.${'A'.repeat(86)}`;
  const byIss = await runInGitlabJob({ PYPI_ID_TOKEN: foreign }, 'gitlab mint self-managed iss');
  expect(byIss.code).toBe(1);
  expect(byIss.stdout).toContain('This job\'s ID token was issued by `https://gitlab.example.com`, not gitlab.com.');
  expect(byIss.stdout).not.toContain('custom OIDC issuer');
  expect(em.requests('mint-token').length).toBe(before);

  // the emulator's loopback issuer passes only for a loopback index: aimed at a real index it is refused (nothing is sent)
  const real = await runInGitlabJob({
    PYPI_ID_TOKEN: await em.issueGitlabIdToken('pypi'),
    INPUT_INDEX_URL: 'https://upload.pypi.invalid/legacy/',
    INPUT_AUDIENCE: 'pypi',
  }, 'gitlab mint loopback issuer, real index');
  expect(real.code).toBe(1);
  expect(real.stdout).toContain(`This job's ID token was issued by \`${em.gitlab.issuer}\`, not gitlab.com.`);
});

test('a publisher mismatch names the GitLab claims that matter and the exact GitLab publisher form', async () => {
  em.setGitlabJobClaims({ environment: 'release' });
  const r = await runInGitlabJob({ PYPI_ID_TOKEN: await em.issueGitlabIdToken('pypi') }, 'gitlab mint mismatch');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('Add a trusted publisher (GitLab) on');
  expect(r.stdout).toContain('  Namespace: `octo-group`');
  expect(r.stdout).toContain('  Project name: `demo`');
  expect(r.stdout).toContain('  Top-level pipeline file path: `.gitlab-ci.yml`');
  expect(r.stdout).toContain('  Environment name: `release`');
  expect(r.stdout).toContain('ci_config_ref_uri: gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/tags/v1.0.0');
  expect(r.stdout).not.toContain('repository_owner');
});
