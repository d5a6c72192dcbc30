/**
 * The emulator's GitLab side: ID tokens as gitlab.com issues them, and PyPI's GitLab publisher checks in
 * warehouse's order and words (warehouse `oidc/models/gitlab.py`).
 */
import { decodeJwt } from 'jose';
import type { Emulator } from '../../../src/emulator';
import { startTestEmulator } from '../../support/emulator';
import { mint, refusal } from '../client';

const PUBLISHER = { projects: ['demo-package'], namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' };

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ gitlabPublishers: [PUBLISHER] });
});
afterEach(() => em.resetGitlabJobClaims());

/** An `id_tokens` JWT over HTTP, as the rehearsal gets it for a job. */
async function idToken(aud = 'pypi'): Promise<string> {
  const res = await fetch(`${em.gitlab.idTokenUrl}?aud=${aud}`, { headers: { authorization: `bearer ${em.oidc.requestToken}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: string }).value;
}

async function reason(patch: Record<string, unknown>): Promise<string> {
  em.resetGitlabJobClaims();
  em.setGitlabJobClaims(patch);
  const err = refusal(await mint(em, await idToken()));
  expect(err.code).toBe('invalid-publisher');
  return /^valid token, but no corresponding publisher \((.*)\)$/s.exec(err.description)![1];
}

test('the ID token carries the claims gitlab.com puts in it, under the GitLab issuer', async () => {
  const claims = decodeJwt(await idToken());
  expect(claims).toMatchObject({
    iss: em.gitlab.issuer,
    aud: 'pypi',
    sub: 'project_path:octo-group/demo:ref_type:tag:ref:v1.0.0',
    project_path: 'octo-group/demo',
    namespace_path: 'octo-group',
    ref_path: 'refs/tags/v1.0.0',
    ci_config_ref_uri: 'gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/tags/v1.0.0',
    environment: 'pypi',
  });
  expect(typeof claims.jti).toBe('string');
  const discovery = await (await fetch(`${em.gitlab.issuer}/.well-known/openid-configuration`)).json() as { issuer: string; jwks_uri: string };
  expect(discovery.issuer).toBe(em.gitlab.issuer);
  expect(discovery.jwks_uri).toBe(`${em.gitlab.issuer}/oauth/discovery/keys`);
});

test('a matching token mints once; the same token again is invalid-reuse-token (GitLab gives a job one per audience)', async () => {
  const jwt = await idToken();
  const first = await mint(em, jwt);
  expect(first.status).toBe(200);
  expect(first.body.token).toMatch(/^pypi-/);
  expect(refusal(await mint(em, jwt))).toEqual({ code: 'invalid-reuse-token', description: 'invalid token: already used' });
});

test('project path and sub are case-insensitive; subgroups split at the last slash', async () => {
  em.setGitlabJobClaims({
    project_path: 'Octo-Group/Demo',
    sub: 'project_path:Octo-Group/Demo:ref_type:tag:ref:v1.0.0',
    ci_config_ref_uri: 'gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/tags/v1.0.0',
  });
  expect((await mint(em, await idToken())).status).toBe(200);
  em.resetGitlabJobClaims();
  em.addGitlabPublisher({ projects: ['deep-package'], namespace: 'org/team', project: 'lib', workflowFilepath: 'ci/release.yml' });
  em.setGitlabJobClaims({
    project_path: 'org/team/lib',
    sub: 'project_path:org/team/lib:ref_type:tag:ref:v1.0.0',
    ci_config_ref_uri: 'gitlab.com/org/team/lib//ci/release.yml@refs/tags/v1.0.0',
    environment: 'anything',
  });
  const answer = await mint(em, await idToken());
  expect(answer.status).toBe(200);
});

test('refusals in PyPI\'s order and words', async () => {
  expect(await reason({ ref_path: undefined })).toBe("Missing claim 'ref_path'");
  expect(await reason({ ci_config_ref_uri: 'gitlab.com/octo-group/demo//.gitlab-ci.txt@refs/tags/v1.0.0' }))
    .toBe('Could not extract workflow filename from OIDC claims');
  expect(await reason({ ci_config_ref_uri: 'gitlab.com/octo-group/demo//other.yml@refs/tags/v1.0.0' }))
    .toBe('Publisher with matching claims was not found');
  expect(await reason({ environment: 'PyPI' })).toBe('Publisher with matching claims was not found');
  expect(await reason({ sub: 'project_path:someone/else:ref_type:tag:ref:v1.0.0' })).toBe("Check failed for required claim 'sub'");
  expect(await reason({ ci_config_ref_uri: 'gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/heads/main' })).toBe(
    'The ci_config_ref_uri claim does not match, expecting one of [\'gitlab.com/octo-group/demo//.gitlab-ci.yml@3c1f0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a\', ' +
    '\'gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/tags/v1.0.0\'], got \'gitlab.com/octo-group/demo//.gitlab-ci.yml@refs/heads/main\'');
});

test('another project\'s token finds no publisher', async () => {
  expect(await reason({ project_path: 'octo-org/demo', ci_config_ref_uri: 'gitlab.com/octo-org/demo//.gitlab-ci.yml@refs/tags/v1.0.0' }))
    .toBe('Publisher with matching claims was not found');
});
