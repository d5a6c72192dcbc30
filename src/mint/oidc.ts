/**
 * Step 2: ask for an OIDC token (a JWT) for the audience, through the runner kit (src/kit/oidc.ts: masked only once
 * it decodes, `aud` checked before it is sent anywhere). This file keeps what the mint step knows about the claims:
 * which ones decide trusted publishing, the issuer PyPI trusts, and the workflow file PyPI matches on. Only those
 * claims are ever shown, never the JWT itself.
 */
import type { Claims } from '../kit/oidc';
import { GITLAB_CLAIMS_THAT_MATTER } from '../pypi';

export { claimText, decodeClaims, GITHUB_ISSUER, type Claims } from '../kit/oidc';

/** The claims PyPI's GitHub publisher looks at, plus the ones that explain a mismatch. */
export const CLAIMS_THAT_MATTER = [
  'repository',
  'repository_owner',
  'repository_owner_id',
  'job_workflow_ref',
  'workflow_ref',
  'ref',
  'environment',
  'event_name',
] as const;

/** The workflow file PyPI matches on: the `<file>.yml` of `job_workflow_ref` (`owner/repo/.github/workflows/<file>@ref`). */
export function workflowFilename(jobWorkflowRef: string | undefined): string | undefined {
  const m = jobWorkflowRef ? /([^/]+\.(?:yml|yaml))(?=@)/.exec(jobWorkflowRef) : null;
  return m ? m[1] : undefined;
}

/** GitLab's claims when the token is one of GitLab's ID tokens, else GitHub's. */
export function claimsThatMatter(claims: Claims | undefined): readonly string[] {
  return claims?.project_path !== undefined || claims?.ci_config_ref_uri !== undefined ? GITLAB_CLAIMS_THAT_MATTER : CLAIMS_THAT_MATTER;
}
