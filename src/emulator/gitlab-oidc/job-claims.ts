/**
 * The job context the emulated GitLab issuer signs: plausible defaults (a pipeline for tag v1.0.0 of
 * octo-group/demo on gitlab.com, publish job in environment `pypi`), overridable per config and per test.
 */
import type { GitlabJobClaims } from '../types';

const SHA = '3c1f0a9e8d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a';

/** The host part of `ci_config_ref_uri`: the emulator's GitLab plays gitlab.com. */
export const GITLAB_HOST = 'gitlab.com';
export const GITLAB_ISSUER = `https://${GITLAB_HOST}`;

export function defaultGitlabJobClaims(): GitlabJobClaims {
  return {
    namespace_id: '7201',
    namespace_path: 'octo-group',
    project_id: '48151623',
    project_path: 'octo-group/demo',
    user_id: '1357',
    user_login: 'octocat',
    user_email: 'octocat@example.com',
    user_access_level: 'maintainer',
    pipeline_id: '1800000001',
    pipeline_source: 'push',
    job_id: '9000000001',
    ref: 'v1.0.0',
    ref_type: 'tag',
    ref_path: 'refs/tags/v1.0.0',
    ref_protected: 'true',
    environment: 'pypi',
    environment_protected: 'true',
    deployment_tier: 'production',
    environment_action: 'start',
    runner_id: 12270857,
    runner_environment: 'gitlab-hosted',
    sha: SHA,
    project_visibility: 'public',
    ci_config_ref_uri: `${GITLAB_HOST}/octo-group/demo//.gitlab-ci.yml@refs/tags/v1.0.0`,
    ci_config_sha: SHA,
  };
}

/**
 * The config's claims over the defaults. Claims GitLab derives from others follow them unless given too:
 * `namespace_path` from `project_path`, `ref_type`/`ref_path` from `ref` (a `v`-prefixed or dotted name is a tag
 * unless `ref_type` says otherwise), and `ci_config_ref_uri` from `project_path`, the pipeline file
 * (`.gitlab-ci.yml` unless `ciConfigPath` names another) and `ref_path`.
 */
export function gitlabJobClaimsFrom(overrides: Partial<GitlabJobClaims>, ciConfigPath?: string): GitlabJobClaims {
  const claims = { ...defaultGitlabJobClaims(), ...overrides };
  if (overrides.project_path && !overrides.namespace_path) {
    claims.namespace_path = overrides.project_path.slice(0, Math.max(0, overrides.project_path.lastIndexOf('/')));
  }
  if (overrides.ref && !overrides.ref_path) {
    const type = overrides.ref_type ?? claims.ref_type;
    claims.ref_path = `refs/${type === 'branch' ? 'heads' : 'tags'}/${overrides.ref}`;
  }
  const file = ciConfigPath ?? /\/\/(.+)@/.exec(overrides.ci_config_ref_uri ?? '')?.[1] ?? '.gitlab-ci.yml';
  if (!overrides.ci_config_ref_uri && (overrides.project_path || overrides.ref || overrides.ref_path || ciConfigPath)) {
    claims.ci_config_ref_uri = `${GITLAB_HOST}/${claims.project_path}//${file}@${claims.ref_path}`;
  }
  return claims;
}

/** GitLab's `sub`: `project_path:<path>:ref_type:<type>:ref:<ref>`. */
export function gitlabSubjectOf(claims: Record<string, unknown>): string {
  return `project_path:${String(claims.project_path ?? '')}:ref_type:${String(claims.ref_type ?? '')}:ref:${String(claims.ref ?? '')}`;
}
