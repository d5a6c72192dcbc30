/**
 * Trusted-publisher matching, as warehouse `oidc/models/github.py` does it: look the publisher up by repository,
 * owner, owner id and the workflow filename taken from `job_workflow_ref`, then check the claims one by one.
 * Failure reasons use PyPI's own wording (warehouse/oidc/models/github.py and views.py), since the action shows them to users.
 */
import { sameGitlabIdentity, type GitlabPublisherIdentity } from './gitlab-publishers';
import type { ClaimSet } from '../github-oidc/runner-claims';
import type { GitlabPublisherConfig, PendingGitlabPublisherConfig, PendingPublisherConfig, PublisherConfig } from '../types';

/** The identity PyPI keys a GitHub publisher on. */
export interface PublisherIdentity {
  readonly owner: string;
  readonly ownerId: string;
  readonly repository: string;
  readonly workflow: string;
  readonly environment?: string;
}

export type MatchResult<P> = { publisher: P } | { reason: string };

/** Claims whose absence PyPI reports as `Missing claim 'X'`, in its order (required verifiable, then unverifiable). */
const REQUIRED_CLAIMS = ['repository', 'repository_owner', 'repository_owner_id', 'job_workflow_ref', 'jti', 'event_name', 'ref', 'sha'];

/** warehouse: `([^/]+\.(yml|yaml))(?=@)` applied to job_workflow_ref. */
export function workflowFilenameOf(jobWorkflowRef: string): string | undefined {
  return /([^/]+\.(yml|yaml))(?=@)/.exec(jobWorkflowRef)?.[1];
}

/** Environments are stored lower-case and compared case-insensitively; none on the publisher accepts any. */
function environmentMatches(publisher: PublisherIdentity, claims: ClaimSet): boolean {
  if (!publisher.environment) return true;
  return typeof claims.environment === 'string' && claims.environment.toLowerCase() === publisher.environment.toLowerCase();
}

/**
 * Find the publisher these (already signature-verified) claims belong to, among `candidates`. `isUsedJti` is
 * consulted separately by the caller (PyPI reports reuse before "no publisher").
 */
export function matchPublisher<P extends PublisherIdentity>(claims: ClaimSet, candidates: readonly P[]): MatchResult<P> {
  for (const name of REQUIRED_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null) return { reason: `Missing claim '${name}'` };
  }
  const repository = String(claims.repository);
  const jobWorkflowRef = String(claims.job_workflow_ref);
  if (!jobWorkflowRef) return { reason: 'The job_workflow_ref claim is empty' };
  const workflow = workflowFilenameOf(jobWorkflowRef);
  if (!workflow) return { reason: 'Could not job extract workflow filename from OIDC claims' };

  const slash = repository.indexOf('/');
  const repoName = slash >= 0 ? repository.slice(slash + 1) : repository;
  const found = candidates.filter((p) =>
    p.repository.toLowerCase() === repoName.toLowerCase() &&
    p.owner === claims.repository_owner &&
    p.ownerId === claims.repository_owner_id &&
    p.workflow === workflow);
  if (found.length === 0) return { reason: 'Publisher with matching claims was not found' };
  // Prefer the publisher pinned to this environment, then one that accepts any environment.
  const env = typeof claims.environment === 'string' ? claims.environment.toLowerCase() : undefined;
  const publisher = found.find((p) => env !== undefined && p.environment?.toLowerCase() === env) ??
    found.find((p) => !p.environment) ?? found[0];

  if (repository.toLowerCase() !== `${publisher.owner}/${publisher.repository}`.toLowerCase()) {
    return { reason: "Check failed for required claim 'repository'" };
  }
  const refs = [claims.ref, claims.sha].filter((r): r is string => typeof r === 'string' && r !== '');
  if (refs.length === 0) return { reason: 'The ref and sha claims are empty' };
  const expected = refs.map((r) => `${publisher.owner}/${publisher.repository}/.github/workflows/${publisher.workflow}@${r}`);
  if (!expected.some((e) => e.toLowerCase() === jobWorkflowRef.toLowerCase())) {
    return { reason: `The job_workflow_ref claim does not match, expecting one of [${expected.map((e) => `'${e}'`).join(', ')}], got '${jobWorkflowRef}'` };
  }
  if (claims.event_name === 'pull_request_target') {
    return { reason: "Publishing from a workflow invoked via 'pull_request_target' is not supported." };
  }
  if (!environmentMatches(publisher, claims)) return { reason: "Check failed for optional claim 'environment'" };
  return { publisher };
}

/** Same identity (so one mint covers every project that trusts it). */
export function sameIdentity(a: PublisherIdentity, b: PublisherIdentity): boolean {
  return a.owner === b.owner && a.ownerId === b.ownerId && a.repository.toLowerCase() === b.repository.toLowerCase() &&
    a.workflow === b.workflow && (a.environment ?? '').toLowerCase() === (b.environment ?? '').toLowerCase();
}

/** warehouse oidc/tasks.py PENDING_PUBLISHER_EXPIRY_DAYS: a daily task deletes pending publishers this old. */
export const PENDING_PUBLISHER_EXPIRY_DAYS = 30;

/** The emulated index's publisher tables. */
export class PublisherRegistry {
  readonly publishers: PublisherConfig[] = [];
  private readonly pendingAll: PendingPublisherConfig[] = [];
  readonly gitlab: GitlabPublisherConfig[] = [];
  readonly pendingGitlab: PendingGitlabPublisherConfig[] = [];

  /** `now`: the emulator's clock, in Unix seconds. */
  constructor(private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {}

  /** The pending publishers PyPI still has: those registered less than 30 days ago. */
  get pending(): PendingPublisherConfig[] {
    const cutoff = this.now() - PENDING_PUBLISHER_EXPIRY_DAYS * 86400;
    return this.pendingAll.filter((p) => (p.createdAt ?? 0) >= cutoff);
  }

  addGitlab(p: GitlabPublisherConfig): void {
    this.gitlab.push({ ...p, projects: [...p.projects] });
  }

  addPendingGitlab(p: PendingGitlabPublisherConfig): void {
    this.pendingGitlab.push({ ...p });
  }

  projectsTrustingGitlab(identity: GitlabPublisherIdentity): string[] {
    return [...new Set(this.gitlab.filter((p) => sameGitlabIdentity(p, identity)).flatMap((p) => p.projects))];
  }

  reifyGitlab(pending: PendingGitlabPublisherConfig): void {
    const at = this.pendingGitlab.indexOf(pending);
    if (at >= 0) this.pendingGitlab.splice(at, 1);
    const { pypiProject, ...identity } = pending;
    this.addGitlab({ ...identity, projects: [pypiProject] });
  }

  add(p: PublisherConfig): void {
    this.publishers.push({ ...p, projects: [...p.projects] });
  }

  addPending(p: PendingPublisherConfig): void {
    this.pendingAll.push({ ...p, createdAt: p.createdAt ?? this.now() });
  }

  /** Every project trusted by a publisher with `identity` (PyPI scopes one token to all of them). */
  projectsTrusting(identity: PublisherIdentity): string[] {
    return [...new Set(this.publishers.filter((p) => sameIdentity(p, identity)).flatMap((p) => p.projects))];
  }

  /** Turn a used pending publisher into a normal publisher of its project. */
  reify(pending: PendingPublisherConfig): void {
    const at = this.pendingAll.indexOf(pending);
    if (at >= 0) this.pendingAll.splice(at, 1);
    const { createdAt: _created, ...identity } = pending;
    this.add({ ...identity, projects: [pending.project] });
  }
}
