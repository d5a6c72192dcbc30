/**
 * GitLab trusted-publisher matching, as warehouse `oidc/models/gitlab.py` does it: required claims present, the
 * publisher looked up by namespace and project (from `project_path`, split at its last `/`, case-insensitive) and
 * the pipeline file path taken from `ci_config_ref_uri`, the most specific environment preferred; then `sub`,
 * `project_path`, `ci_config_ref_uri` and `environment` checked in that order, with PyPI's words.
 */
import type { ClaimSet } from '../github-oidc/runner-claims';
import { GITLAB_HOST } from '../gitlab-oidc/job-claims';

/** The identity PyPI keys a GitLab publisher on. */
export interface GitlabPublisherIdentity {
  readonly namespace: string;
  readonly project: string;
  readonly workflowFilepath: string;
  readonly environment?: string;
}

/** The publisher found, or PyPI's reason for finding none (the shape publishers.ts's GitHub matcher returns). */
export type GitlabMatchResult<P> = { publisher: P } | { reason: string };

/** Required verifiable claims, then required unverifiable ones. */
const REQUIRED_CLAIMS = ['sub', 'project_path', 'ci_config_ref_uri', 'jti', 'ref_path', 'sha'];

/** warehouse `_WORKFLOW_FILEPATH_RE`: after `//`, up to `@`, ending in a non-slash and `.yml`/`.yaml`. */
export function workflowFilepathOf(ciConfigRefUri: string): string | undefined {
  return /(?<=\/\/)(.*[^/]\.(yml|yaml))(?=@)/.exec(ciConfigRefUri)?.[0];
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function matchGitlabPublisher<P extends GitlabPublisherIdentity>(claims: ClaimSet, candidates: readonly P[]): GitlabMatchResult<P> {
  for (const name of REQUIRED_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null) return { reason: `Missing claim '${name}'` };
  }
  const projectPath = String(claims.project_path);
  const slash = projectPath.lastIndexOf('/');
  // warehouse's rsplit('/', 1) fails on a path without '/'; GitLab never sends one
  if (slash < 0) return { reason: 'Publisher with matching claims was not found' };
  const namespace = projectPath.slice(0, slash);
  const project = projectPath.slice(slash + 1);
  const workflowFilepath = workflowFilepathOf(String(claims.ci_config_ref_uri));
  if (!workflowFilepath) return { reason: 'Could not extract workflow filename from OIDC claims' };

  const found = candidates.filter((p) => p.namespace.toLowerCase() === namespace.toLowerCase() &&
    p.project.toLowerCase() === project.toLowerCase() && p.workflowFilepath === workflowFilepath);
  const environment = text(claims.environment);
  const publisher = (environment ? found.find((p) => p.environment === environment) : undefined) ?? found.find((p) => !p.environment);
  if (!publisher) return { reason: 'Publisher with matching claims was not found' };

  const path = `${publisher.namespace}/${publisher.project}`;
  const sub = text(claims.sub) ?? '';
  const [first, second] = sub.split(':');
  if (!first || !second || `${first}:${second}`.toLowerCase() !== `project_path:${path}`.toLowerCase()) {
    return { reason: "Check failed for required claim 'sub'" };
  }
  if (!projectPath || projectPath.toLowerCase() !== path.toLowerCase()) return { reason: "Check failed for required claim 'project_path'" };
  const uri = text(claims.ci_config_ref_uri);
  if (!uri) return { reason: 'The ci_config_ref_uri claim is empty' };
  const refPath = text(claims.ref_path);
  const sha = text(claims.sha);
  if (!refPath || !sha) return { reason: 'The ref_path and sha claims are empty' };
  const expected = [...new Set([refPath, sha].map((r) => `${GITLAB_HOST}/${path}//${publisher.workflowFilepath}@${r}`))].sort();
  if (!expected.includes(uri)) {
    return { reason: `The ci_config_ref_uri claim does not match, expecting one of [${expected.map((e) => `'${e}'`).join(', ')}], got '${uri}'` };
  }
  if (publisher.environment && environment !== publisher.environment) return { reason: "Check failed for optional claim 'environment'" };
  return { publisher };
}

/** Same identity (one mint covers every project that trusts it). */
export function sameGitlabIdentity(a: GitlabPublisherIdentity, b: GitlabPublisherIdentity): boolean {
  return a.namespace.toLowerCase() === b.namespace.toLowerCase() && a.project.toLowerCase() === b.project.toLowerCase() &&
    a.workflowFilepath === b.workflowFilepath && (a.environment ?? '') === (b.environment ?? '');
}
