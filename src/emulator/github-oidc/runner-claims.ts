/**
 * The runner context the emulated GitHub issuer signs: plausible defaults (a push of tag v1.0.0 in
 * octo-org/demo, publish job in environment `pypi`), overridable per config and per test.
 */
import type { ClaimSet } from '../oidc/issuer-core';
import type { RunnerClaims } from '../types';

const SHA = '8f4b2e1c9d3a7b6e5f4a3c2b1d0e9f8a7b6c5d4e';
const REF = 'refs/tags/v1.0.0';

export function defaultRunnerClaims(): RunnerClaims {
  return {
    repository: 'octo-org/demo',
    repository_owner: 'octo-org',
    repository_owner_id: '4242',
    repository_id: '987654',
    repository_visibility: 'public',
    ref: REF,
    ref_type: 'tag',
    ref_protected: 'false',
    sha: SHA,
    workflow: 'release',
    workflow_ref: `octo-org/demo/.github/workflows/release.yml@${REF}`,
    workflow_sha: SHA,
    job_workflow_ref: `octo-org/demo/.github/workflows/release.yml@${REF}`,
    job_workflow_sha: SHA,
    event_name: 'push',
    environment: 'pypi',
    actor: 'octocat',
    actor_id: '583231',
    run_id: '7000000001',
    run_number: '12',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    head_ref: '',
    base_ref: '',
  };
}

/**
 * The config's runner claims over the defaults. Claims GitHub derives from others follow them unless given too:
 * `repository_owner` from `repository`, `ref_type` from `ref`, and `workflow_ref`/`job_workflow_ref` from
 * `repository`, the workflow file (release.yml unless one of them names another) and `ref`. So
 * `{ "repository": "acme/widgets", "ref": "refs/tags/v2.0.0" }` stays a consistent identity.
 */
export function runnerClaimsFrom(overrides: Partial<RunnerClaims>): RunnerClaims {
  const claims = { ...defaultRunnerClaims(), ...overrides };
  const repository = claims.repository;
  if (overrides.repository && !overrides.repository_owner) claims.repository_owner = repository.split('/')[0];
  if (overrides.ref && !overrides.ref_type) claims.ref_type = overrides.ref.startsWith('refs/tags/') ? 'tag' : 'branch';
  const file = (ref?: string) => /\/\.github\/workflows\/([^/@]+)@/.exec(ref ?? '')?.[1];
  const workflowFile = file(overrides.job_workflow_ref) ?? file(overrides.workflow_ref) ?? 'release.yml';
  if (overrides.repository || overrides.ref) {
    const derived = `${repository}/.github/workflows/${workflowFile}@${claims.ref}`;
    if (!overrides.workflow_ref) claims.workflow_ref = derived;
    if (!overrides.job_workflow_ref) claims.job_workflow_ref = derived;
  }
  return claims;
}

export type { ClaimSet } from '../oidc/issuer-core';

/** GitHub's `sub`: environment first, then pull request, then the ref. */
export function subjectOf(claims: ClaimSet): string {
  const repo = String(claims.repository ?? '');
  if (typeof claims.environment === 'string' && claims.environment) return `repo:${repo}:environment:${claims.environment}`;
  if (claims.event_name === 'pull_request') return `repo:${repo}:pull_request`;
  return `repo:${repo}:ref:${String(claims.ref ?? '')}`;
}
