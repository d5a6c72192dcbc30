/**
 * Turns a failure and what we know about the run into explanations a user can act on: why GitHub gave no OIDC
 * token, why PyPI refused it, and, for a publisher mismatch, the exact values to enter on PyPI for THIS run and the
 * page where they go. Pure: it only reads the values it is given.
 */
import { Claims, GITHUB_ISSUER, claimText, workflowFilename } from './claims';
import { ActionFailure } from './errors';
import { IndexEndpoints } from './index-url';
import { RunContext, isDependabot, isEnterpriseServer } from './run-context';

export interface Diagnosis {
  readonly title: string;
  /** Markdown-light paragraphs: plain text with `code` spans, readable in an annotation too. */
  readonly text: readonly string[];
  /** The trusted-publisher form to fill in on the index, when that is the fix. */
  readonly settings?: PublisherForm;
}

/** The values a user enters on the index's "add a trusted publisher" form, and the pages that have the form. */
export interface PublisherForm {
  readonly indexName: string;
  readonly fields: ReadonlyArray<readonly [label: string, value: string | undefined]>;
  readonly pages: ReadonlyArray<{ readonly label: string; readonly url: string }>;
}

export interface DiagnosisInput {
  readonly failure?: ActionFailure;
  readonly claims?: Claims;
  readonly ctx: RunContext;
  readonly index: IndexEndpoints;
  /** Set when the user gave the audience input (discovery was skipped). */
  readonly audienceInput?: string;
  /** Project names found in dist/. */
  readonly projects: readonly string[];
  /** Which of ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN were missing. */
  readonly missingOidcVars?: readonly string[];
}

const PERMISSIONS_DOCS = 'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings';
const TROUBLESHOOTING = 'https://docs.pypi.org/trusted-publishers/troubleshooting/';

/** The trusted-publisher form values for this run, from the claims (or, before any token, from the runner env). */
export function publisherSettings(claims: Claims | undefined, ctx: RunContext) {
  const repository = claimText(claims, 'repository') ?? ctx.repository;
  const owner = claimText(claims, 'repository_owner') ?? ctx.repositoryOwner ?? repository?.split('/')[0];
  const jobWorkflowRef = claimText(claims, 'job_workflow_ref') ?? ctx.workflowRef;
  return {
    owner,
    repository: repository?.includes('/') ? repository.slice(repository.indexOf('/') + 1) : repository,
    workflow: workflowFilename(jobWorkflowRef),
    environment: claimText(claims, 'environment'),
  };
}

function publisherForm(input: DiagnosisInput): PublisherForm {
  const s = publisherSettings(input.claims, input.ctx);
  const web = input.index.webOrigin;
  const projects = input.projects.length > 0 ? input.projects : ['<project>'];
  const pendingName = input.projects.length === 1 ? ` with PyPI Project Name \`${input.projects[0]}\`` : '';
  return {
    indexName: input.index.displayName,
    fields: [
      ['Owner', s.owner],
      ['Repository name', s.repository],
      ['Workflow name', s.workflow],
      ['Environment name', s.environment],
    ],
    pages: [
      ...projects.map((p) => ({ label: `existing project ${p}`, url: `${web}/manage/project/${p}/settings/publishing/` })),
      { label: `new project (a pending publisher${pendingName})`, url: `${web}/manage/account/publishing/` },
    ],
  };
}

function hasCode(f: ActionFailure | undefined, code: string): boolean {
  return f?.indexErrors.some((e) => e.code === code) ?? false;
}

function mentions(f: ActionFailure | undefined, text: RegExp): boolean {
  return f?.indexErrors.some((e) => text.test(e.description)) ?? false;
}

/** Situations that deserve a warning even when minting succeeds. */
export function runWarnings(claims: Claims | undefined, ctx: RunContext): Diagnosis[] {
  const out: Diagnosis[] = [];
  const eventName = claimText(claims, 'event_name') ?? ctx.eventName;
  if (eventName === 'pull_request_target') {
    out.push({
      title: 'Publishing from pull_request_target',
      text: [
        'This run was triggered by `pull_request_target`, which PyPI refuses for trusted publishing: such runs execute ' +
          'with the base repository\'s permissions on behalf of a pull request, a known way to publish attacker code. ' +
          'Publish from a tag push, a release, or workflow_dispatch instead.',
      ],
    });
  }
  const wf = claimText(claims, 'workflow_ref');
  const job = claimText(claims, 'job_workflow_ref');
  if (wf !== undefined && job !== undefined && wf !== job) {
    out.push({
      title: 'Reusable workflow',
      text: [
        `This job runs in a reusable workflow: it was called by \`${wf}\` but its own file is \`${job}\`. PyPI matches ` +
          `the publisher on the job's own file (\`${workflowFilename(job) ?? '?'}\`), and supports reusable workflows ` +
          'only by accident (same repository, same ref). Put the mint and upload steps in a top-level workflow file and ' +
          `register that file on PyPI. See ${TROUBLESHOOTING}#reusable-workflows-on-github`,
      ],
    });
  }
  return out;
}

export function diagnose(input: DiagnosisInput): Diagnosis[] {
  const { failure, claims, ctx } = input;
  const out: Diagnosis[] = [];
  const code = failure?.code;

  if (code === 'missing-id-token-permission') {
    const missing = input.missingOidcVars?.join(' and ') ?? 'ACTIONS_ID_TOKEN_REQUEST_URL';
    const eventName = ctx.eventName ?? '';
    if (ctx.fromFork && eventName.startsWith('pull_request')) {
      out.push({
        title: 'Pull request from a fork',
        text: [
          `This run is a \`${eventName}\` from a fork. GitHub gives such runs no OIDC token, even with ` +
            '`id-token: write`, so nothing can be published from them (that is the point). Publish from an event forks ' +
            'cannot trigger: a tag push, a release, or workflow_dispatch.',
        ],
      });
    } else if (isDependabot(ctx)) {
      out.push({
        title: 'Run triggered by Dependabot',
        text: [
          'This run was triggered by Dependabot. GitHub treats Dependabot runs like fork pull requests: read-only ' +
            'token, no secrets and no OIDC token. Publish from a tag push, a release or workflow_dispatch instead.',
        ],
      });
    } else {
      out.push({
        title: 'Missing `id-token: write`',
        text: [
          `${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set: the job was not allowed to request an OIDC token. ` +
            'Give the publishing job (only that job) this permission:',
          '  permissions:\n    id-token: write',
          `See ${PERMISSIONS_DOCS}`,
        ],
      });
    }
  }

  if (code === 'audience-disabled' || code === 'audience-unsupported') {
    out.push({
      title: code === 'audience-disabled' ? 'Trusted publishing switched off' : 'No trusted publishing on this index',
      text: [failure!.message],
    });
  }

  const iss = claimText(claims, 'iss');
  const unknownIssuer = mentions(failure, /unknown trusted publishing issuer/i);
  if (isEnterpriseServer(ctx) || unknownIssuer || (iss !== undefined && iss !== GITHUB_ISSUER && input.index.kind !== 'custom')) {
    out.push({
      title: 'OIDC issuer not trusted by PyPI',
      text: [
        `This run's OIDC tokens come from ${iss ? `\`${iss}\`` : 'a non-github.com issuer'}` +
          `${isEnterpriseServer(ctx) ? ` (GitHub Enterprise Server at \`${ctx.serverUrl}\`)` : ''}. PyPI trusts only ` +
          `\`${GITHUB_ISSUER}\`: GitHub Enterprise Server and GHE.com tenants with their own issuer cannot use trusted ` +
          'publishing yet (pypi/warehouse#18970, #17700). Publish from a github.com repository, or use an API token.',
      ],
    });
  }

  // (a token with the wrong `aud` from GitHub is refused locally; its message says so and it never reaches PyPI)
  if (hasCode(failure, 'invalid-token')) {
    const text = ['PyPI could not verify the OIDC token: its signature, audience (`aud`) or time claims (`iat`, `nbf`, ' +
      '`exp`, 30 s leeway) did not check out.'];
    if (input.audienceInput) {
      text.push(`You set the audience input to \`${input.audienceInput}\`; ${input.index.displayName} may expect another ` +
        'one (pypi.org: `pypi`, test.pypi.org: `testpypi`). Leave `audience` empty to ask the index.');
    }
    text.push('A self-hosted runner with a wrong clock also causes this.');
    out.push({ title: 'Token not accepted', text });
  }

  if (hasCode(failure, 'not-enabled')) {
    out.push({
      title: 'GitHub trusted publishing disabled by the index',
      text: [
        `${input.index.displayName} has switched off trusted publishing from GitHub for now. Nothing is wrong with your ` +
          'setup; try again later (https://status.python.org/).',
      ],
    });
  }

  if (hasCode(failure, 'invalid-reuse-token')) {
    out.push({
      title: 'Token already used',
      text: [
        'Each OIDC token can be exchanged once. The action asked GitHub for a fresh token for every attempt, and the ' +
          'index still saw each as reused: another process may be replaying this job\'s tokens, or the index\'s replay ' +
          'cache is misbehaving. Re-run the job; if it persists, report it to the index.',
      ],
    });
  }

  if (hasCode(failure, 'invalid-pending-publisher')) {
    out.push({
      title: 'Pending publisher for an existing project',
      text: [
        'A pending publisher matched this run, but its project already exists on the index. Pending publishers only ' +
          'create new projects: add the publisher on the existing project\'s publishing page instead.',
      ],
      settings: publisherForm(input),
    });
  }

  if (hasCode(failure, 'invalid-publisher')) {
    const env = claimText(claims, 'environment');
    if (mentions(failure, /environment/i)) {
      out.push({
        title: 'Environment mismatch',
        text: [
          env === undefined
            ? 'The publisher on PyPI names a GitHub environment, but this job runs in none. Add `environment: <name>` ' +
              'to the publishing job, or clear the environment on PyPI.'
            : `This job runs in the environment \`${env}\`, which is not the one the publisher on PyPI names. PyPI ` +
              'compares environment names case-insensitively; a publisher with no environment accepts any.',
        ],
      });
    }
    out.push({
      title: 'No trusted publisher matches this run',
      text: [
        'PyPI found no trusted publisher for these claims. Check for a typo, a renamed repository or workflow file, ' +
          'or a publisher added on PyPI while this workflow publishes to TestPyPI (or the reverse): they are separate.',
      ],
      settings: publisherForm(input),
    });
  }

  return out;
}
