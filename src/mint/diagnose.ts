/**
 * Turns a failure and what we know about the run into explanations a user can act on: why GitHub gave no OIDC
 * token, why PyPI refused it, and, for a publisher mismatch, the exact values to enter on PyPI for THIS run and the
 * page where they go. A diagnosis adds to the failure's message, never repeats it. Pure, apart from listing dist/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunnerContext } from './context';
import { IndexEndpoints } from './inputs';
import { ActionFailure, Explanation, explanations, labels } from './messages';
import { Claims, GITHUB_ISSUER, claimText, workflowFilename } from './oidc';
import {
  GITLAB_ISSUER, PublisherFormField, gitlabPublisherFormFields, gitlabPublisherFromClaims, normalizeProjectName, pendingPublisherUrl,
  projectPublishingUrl, publisherFormFields,
  splitRepository,
} from '../pypi';

export interface Diagnosis extends Explanation {
  /** The trusted-publisher form to fill in on the index, when that is the fix. */
  readonly settings?: PublisherForm;
}

/** The values a user enters on the index's "add a trusted publisher" form, and the pages that have the form. */
export interface PublisherForm {
  /** Which form: GitHub's or GitLab's. */
  readonly kind: 'GitHub' | 'GitLab';
  readonly indexName: string;
  readonly fields: readonly PublisherFormField[];
  readonly pages: ReadonlyArray<{ readonly label: string; readonly url: string }>;
}

export interface DiagnosisInput {
  readonly failure?: ActionFailure;
  readonly claims?: Claims;
  readonly runner: RunnerContext;
  readonly index: IndexEndpoints;
  /** Set when the user gave the audience input. */
  readonly audienceInput?: string;
  /** Project names found in dist/. */
  readonly projects: readonly string[];
  /** Which of ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN were missing. */
  readonly missingOidcVars?: readonly string[];
  /** The step runs in a GitLab CI/CD job. */
  readonly gitlab?: boolean;
}

/** Situations that deserve a warning even when minting succeeds. */
export function runWarnings(claims: Claims | undefined, runner: RunnerContext): Diagnosis[] {
  const out: Diagnosis[] = [];
  if ((claimText(claims, 'event_name') ?? runner.eventName) === 'pull_request_target') out.push(explanations.pullRequestTarget());
  const wf = claimText(claims, 'workflow_ref');
  const job = claimText(claims, 'job_workflow_ref');
  if (wf !== undefined && job !== undefined && wf !== job) out.push(explanations.reusableWorkflow(wf, job, workflowFilename(job)));
  return out;
}

export function diagnose(input: DiagnosisInput): Diagnosis[] {
  const { failure, claims, runner } = input;
  const out: Diagnosis[] = [];
  const has = (code: string) => failure?.indexErrors.some((e) => e.code === code) ?? false;
  const mentions = (text: RegExp) => failure?.indexErrors.some((e) => text.test(e.description)) ?? false;

  if (failure?.code === 'missing-id-token-permission') {
    const eventName = runner.eventName ?? '';
    if (runner.fromFork && eventName.startsWith('pull_request')) out.push(explanations.forkPullRequest(eventName));
    else if (runner.actor === 'dependabot[bot]') out.push(explanations.dependabot());
    else out.push(explanations.missingPermission(input.missingOidcVars ?? ['ACTIONS_ID_TOKEN_REQUEST_URL']));
  }

  if (input.gitlab) return out.concat(diagnoseGitlab(input));

  const iss = claimText(claims, 'iss');
  const enterprise = isEnterpriseServer(runner);
  if (enterprise || mentions(/unknown trusted publishing issuer/i) || (iss !== undefined && iss !== GITHUB_ISSUER && input.index.kind !== 'custom')) {
    out.push(explanations.untrustedIssuer(iss, enterprise ? runner.serverUrl : undefined, GITHUB_ISSUER));
  }
  // (a token with the wrong `aud` from GitHub is refused locally; its message says so and it never reaches PyPI)
  if (has('invalid-token')) out.push(explanations.tokenNotAccepted(input.audienceInput, input.index.displayName));
  if (has('not-enabled')) out.push(explanations.githubDisabled(input.index.displayName));
  if (has('invalid-reuse-token')) out.push(explanations.reusedToken());
  if (has('invalid-pending-publisher')) out.push({ ...explanations.pendingForExisting(), settings: publisherForm(input) });
  if (has('invalid-publisher')) {
    if (mentions(/environment/i)) out.push(explanations.environmentMismatch(claimText(claims, 'environment')));
    out.push({ ...explanations.noPublisher(), settings: publisherForm(input) });
  }
  return out;
}

/** GitHub Enterprise Server (or any non-github.com host); GHE.com tenants also get their own issuer. */
function isEnterpriseServer(runner: RunnerContext): boolean {
  if (!runner.serverUrl) return false;
  try {
    return new URL(runner.serverUrl).hostname.toLowerCase() !== 'github.com';
  } catch {
    return false;
  }
}

// --- the trusted-publisher form for this run ---------------------------------------------------------------------

/** The form's values, from the claims (or, before any token, from the runner's environment). */
export function publisherSettings(claims: Claims | undefined, runner: RunnerContext) {
  const repository = claimText(claims, 'repository') ?? runner.repository;
  const split = repository === undefined ? undefined : splitRepository(repository);
  return {
    owner: claimText(claims, 'repository_owner') ?? runner.repositoryOwner ?? split?.owner,
    repositoryName: split?.repositoryName,
    workflowFileName: workflowFilename(claimText(claims, 'job_workflow_ref') ?? runner.workflowRef),
    environment: claimText(claims, 'environment'),
  };
}

/** The same explanations for a GitLab job: its issuer, its one token, its exact environment, GitLab's form. */
function diagnoseGitlab(input: DiagnosisInput): Diagnosis[] {
  const { failure, claims } = input;
  const out: Diagnosis[] = [];
  const has = (code: string) => failure?.indexErrors.some((e) => e.code === code) ?? false;
  const mentions = (text: RegExp) => failure?.indexErrors.some((e) => text.test(e.description)) ?? false;
  const iss = claimText(claims, 'iss');
  // (a job the step itself refused for its instance has the whole story in the failure)
  if (failure?.code !== 'gitlab-untrusted-instance'
    && (mentions(/unknown trusted publishing issuer/i) || (iss !== undefined && iss !== GITLAB_ISSUER && input.index.kind !== 'custom'))) {
    out.push(explanations.gitlabUntrustedIssuer(iss, GITLAB_ISSUER, input.index.displayName));
  }
  if (has('invalid-token')) out.push(explanations.tokenNotAccepted(input.audienceInput, input.index.displayName));
  if (has('invalid-reuse-token')) out.push(explanations.gitlabReusedToken());
  if (has('invalid-pending-publisher')) out.push({ ...explanations.pendingForExisting(), settings: publisherForm(input) });
  if (has('invalid-publisher')) {
    if (mentions(/environment/i)) out.push(explanations.gitlabEnvironmentMismatch(claimText(claims, 'environment')));
    out.push({ ...explanations.noPublisher(), settings: publisherForm(input) });
  }
  return out;
}

function publisherForm(input: DiagnosisInput): PublisherForm {
  const web = input.index.webOrigin;
  const projects = input.projects.length > 0 ? input.projects : ['<project>'];
  return {
    kind: input.gitlab ? 'GitLab' : 'GitHub',
    indexName: input.index.displayName,
    fields: input.gitlab
      ? gitlabPublisherFormFields(gitlabPublisherFromClaims((name) => claimText(input.claims, name)))
      : publisherFormFields(publisherSettings(input.claims, input.runner)),
    pages: [
      ...projects.map((p) => ({ label: labels.existingProject(p), url: projectPublishingUrl(web, p) })),
      { label: labels.newProject(input.projects.length === 1 ? input.projects[0] : undefined), url: pendingPublisherUrl(web) },
    ],
  };
}

// --- the projects waiting in dist/ -------------------------------------------------------------------------------

/** `name-1.0-py3-none-any.whl` and `name-1.0.tar.gz` (name has no `-` in both, per the wheel and sdist specs). */
export function projectFromFilename(filename: string): string | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*?)-\d[^-]*(?:-[^-]+){0,1}(?:-[^-]+-[^-]+-[^-]+\.whl|\.tar\.gz)$/.exec(filename);
  return m ? normalizeProjectName(m[1]) : undefined;
}

/** The project names of the distributions in `<dir>/dist`, so a failure can link the exact PyPI page. */
export function distProjects(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, 'dist'));
    } catch {
      continue;
    }
    for (const f of entries.slice(0, 1000)) {
      const name = projectFromFilename(f);
      if (name) names.add(name);
    }
  }
  return [...names].sort().slice(0, 10);
}
