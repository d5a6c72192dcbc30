/**
 * Every sentence the action says to a user, in one place, as pypa's `oidc-exchange.py` keeps its templates: the
 * failures (a stable code the code branches on, a title for the annotation, a message that says what happened and
 * what to do), the diagnoses that explain a failure, the log lines of a run, and the labels of the report. The other
 * modules decide what happened; this one words it. Text a server wrote reaches these templates only after
 * redaction (redact.ts), and only inside `code` spans (see `code`), so the step summary shows it as text.
 */
import type { HttpWords } from '../kit/http';
import type { OidcWords } from '../kit/oidc';
import { GITLAB_ID_TOKENS_DOCS, idTokenVariableWords, oidcRequestWords, transportWords, urlWords, type KitFailureCode, type StepSay } from '../kit/words';
import { PYPI, TESTPYPI, TROUBLESHOOTING_URL } from '../pypi';

export const TROUBLESHOOTING = TROUBLESHOOTING_URL;
/** The web hosts users know the indexes by (pypi.org, test.pypi.org), from the one definition of each index. */
const PYPI_HOST = new URL(PYPI.webUrl).host;
const TESTPYPI_HOST = new URL(TESTPYPI.webUrl).host;
const PERMISSIONS_DOCS = 'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings';
const STATUS_PAGE = 'https://status.python.org/';
/** Links of ours that the step summary may render as links (server text never does). */
export const OUR_LINKS = [TROUBLESHOOTING, PERMISSIONS_DOCS, STATUS_PAGE, GITLAB_ID_TOKENS_DOCS] as const;

/** A value inside a code span, on one line and without the backtick that could close the span early. */
export const code = (value: string) => `\`${value.replace(/`/g, "'").replace(/[\r\n]+/g, ' ')}\``;

/** Why a self-managed GitLab instance cannot mint, and what to do instead (docs/gitlab.md, "Self-managed GitLab"). */
const selfManagedWhy = (indexName: string, gitlabIssuer: string) => `${indexName} trusts GitLab CI/CD ID tokens from ` +
  `${gitlabIssuer} only: its GitLab publishers expect gitlab.com in the token's \`ci_config_ref_uri\`, so it refuses ` +
  'a self-managed instance\'s tokens, and Sigstore\'s public Fulcio certifies no self-managed instance either.';
const SELF_MANAGED_WHAT_TO_DO = 'Release from a gitlab.com project instead (a mirror of the repository on gitlab.com, ' +
  'with PypiGitlabRelease\'s projectPath set to its path), or publish with an API token from a job of your own.';

// --- failures --------------------------------------------------------------------------------------------------

/** One entry of PyPI's 422 body: `{"errors": [{"code": "...", "description": "..."}]}`. */
export interface IndexError {
  readonly code: string;
  readonly description: string;
}

/** The kit's codes (its transport, the OIDC request) and the mint step's own. */
export type FailureCode =
  | KitFailureCode
  | 'missing-id-token-permission'
  | 'missing-github-output'
  | 'missing-mint-output'
  | 'gitlab-untrusted-instance'
  | 'invalid-input'
  | 'invalid-index-url'
  | 'audience-disabled'
  | 'audience-unsupported'
  | 'audience-unexpected'
  | 'audience-refused'
  | 'mint-rejected'
  | 'mint-unexpected-status'
  | 'mint-invalid-response'
  | 'export-failed'
  | 'internal';

export interface FailureDetails {
  /** Transient: another attempt (with a fresh JWT) may succeed. */
  readonly retryable?: boolean;
  /** The server asked us to wait this long (Retry-After), already parsed. */
  readonly retryAfterMs?: number;
  /** HTTP status of the response that caused the failure, when there was one. */
  readonly status?: number;
  /** PyPI's own reasons, from a 422 body (redacted). */
  readonly indexErrors?: readonly IndexError[];
  /** Why the retries stopped, when they did. */
  readonly retryNote?: string;
}

/** A way the action can fail, as a value; only run.ts turns one into an annotation and an exit code. */
export class ActionFailure extends Error {
  public readonly retryable: boolean;
  public readonly retryAfterMs?: number;
  public readonly status?: number;
  public readonly indexErrors: readonly IndexError[];
  public readonly retryNote?: string;

  // eslint-disable-next-line @typescript-eslint/no-shadow
  constructor(public readonly code: FailureCode, public readonly title: string, message: string, details: FailureDetails = {}) {
    super(message);
    this.name = 'ActionFailure';
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.status = details.status;
    this.indexErrors = details.indexErrors ?? [];
    this.retryNote = details.retryNote;
  }

  /** The same failure, with more said at the end (retries given up, the proxy it went through). */
  public withSuffix(suffix: string, details: FailureDetails = {}): ActionFailure {
    return new ActionFailure(this.code, this.title, `${this.message}${suffix}`, {
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      status: this.status,
      indexErrors: this.indexErrors,
      retryNote: this.retryNote,
      ...details,
    });
  }
}


/** Each failure, by what happened. `target` names an endpoint: "the token endpoint of pypi.org (https://…)". */
export const failures = {
  internal: (what: string) => new ActionFailure('internal', 'Unexpected error in the mint action',
    `The action hit an unexpected error and stopped without minting a token (${what.slice(0, 300)}). ` +
    'Please report it with the log of this step.'),

  // the runner's files and inputs
  missingOutputFile: (path: string | undefined) => new ActionFailure('missing-github-output', 'GITHUB_OUTPUT is not available',
    `${path ? `GITHUB_OUTPUT names a file that does not exist (${path.slice(0, 200)})` : 'GITHUB_OUTPUT is not set'}. ` +
    'The action hands the token over only through the step output file and refuses to run without it (older tools ' +
    'fall back to printing outputs in the log). Run it as a step of a GitHub Actions job, on a current runner.'),
  missingEnvFile: () => new ActionFailure('invalid-input', 'export-env without GITHUB_ENV',
    'export-env asks for environment variables, but GITHUB_ENV is not set or names no file: nothing was requested.'),
  unwritable: (what: string, errno: string | undefined) => new ActionFailure('export-failed', `Could not write ${what}`,
    `Writing ${what} failed${errno ? ` (${errno})` : ''}; no token was handed over.`),
  invalidInput: (input: string, message: string) => new ActionFailure('invalid-input', `Invalid ${input} input`, message),
  invalidAudienceInput: () => failures.invalidInput('audience', 'audience must be a short identifier (letters, digits and ' +
    `. _ : / -), e.g. \`${PYPI.audience}\` or \`${TESTPYPI.audience}\`; leave it empty to use the index's own.`),
  unknownExportTool: (item: string, tools: readonly string[]) => failures.invalidInput('export-env',
    `export-env names '${item.slice(0, 60)}', which is not a tool the action knows. Use a comma separated list of: ` +
    `${tools.join(', ')} (poetry may name its repository: poetry:<name>). Leave it empty to only set the step output ` +
    '`api-token` (the safer choice).'),
  poetryNeedsRepository: (indexName: string) => failures.invalidInput('export-env', 'poetry needs a repository name for ' +
    `${indexName}: write \`poetry:<name>\` and publish with \`poetry publish -r <name>\`.`),
  poetryRepositoryName: (repo: string) => failures.invalidInput('export-env',
    `poetry repository name '${repo.slice(0, 60)}' may use only letters, digits and _.`),
  invalidUrl: (message: string) => new ActionFailure('invalid-index-url', 'Invalid index-url input', message),
  // (the kit's rules every URL that receives a credential must pass, and index-url's own)
  url: {
    ...urlWords,
    queryOrFragment: (raw: string) => `index-url '${raw}' must not have a query or a fragment.`,
    notAnIndex: (raw: string, simple: boolean) => `index-url '${raw}' is neither an upload URL ending in /legacy/ nor an ` +
      `index root (https://host/).${simple ? ' That is the simple (download) index; give the upload URL (…/legacy/) instead.' : ''}`,
  },
  // GitLab CI/CD jobs
  gitlabOutputFile: (variable: string, problem: 'missing' | 'not-private' | 'not-empty') => new ActionFailure('missing-mint-output',
    `${variable} is not usable`,
    `${problem === 'missing' ? `${variable} is not set or names no file`
      : problem === 'not-private' ? `${variable} names a file that other users can read`
        : `${variable} names a file that is not empty`}. In a GitLab job the step hands the token over only through ` +
    `a new private file that the upload command reads and deletes: create it with \`export ${variable}="$(mktemp)"\` ` +
    'just before this step. Nothing was requested.'),
  gitlabUntrustedInstance: (source: 'CI_SERVER_HOST' | 'iss', value: string, indexName: string, gitlabIssuer: string) =>
    new ActionFailure('gitlab-untrusted-instance', 'This GitLab instance cannot publish to PyPI',
      `${source === 'iss' ? `This job's ID token was issued by ${code(value)}` : `This job runs on ${code(value)} (CI_SERVER_HOST)`}, ` +
      `not ${new URL(gitlabIssuer).host}. ${selfManagedWhy(indexName, gitlabIssuer)} ${SELF_MANAGED_WHAT_TO_DO} ` +
      'Nothing was sent to the index.'),
  missingIdToken: (missing: readonly string[]) => new ActionFailure('missing-id-token-permission', 'No OIDC token available',
    `GitHub gave this job no way to request an OIDC token (${missing.join(' and ')} not set).`),

  // step 1: the audience
  audienceDisabled: (indexName: string, path: string) => new ActionFailure('audience-disabled', 'Trusted publishing is disabled on the index',
    `${indexName} answered 403 at ${path}: trusted publishing is switched off there (PyPI does this during incidents ` +
    `or maintenance). Nothing is wrong with your workflow; try again later, and check ${STATUS_PAGE} for ${PYPI_HOST}.`, { status: 403 }),
  audienceUnsupported: (indexName: string, path: string) => new ActionFailure('audience-unsupported', 'The index does not support trusted publishing',
    `${indexName} answered 404 at ${path}: it does not offer trusted publishing. Check index-url: use ` +
    `${PYPI.uploadUrl} for ${PYPI.displayName} and ${TESTPYPI.uploadUrl} for ${TESTPYPI.displayName}; other indexes need a ` +
    'long-lived API token instead.', { status: 404 }),
  audienceStatus: (target: string, status: number, retryable: boolean, details: FailureDetails) => new ActionFailure(
    'audience-unexpected', 'Unexpected answer from the index',
    `${target} answered HTTP ${status}${retryable ? ' (a server-side problem)' : ''}.`, { ...details, retryable, status }),
  audienceMissing: (target: string) => new ActionFailure('audience-unexpected', 'Unexpected answer from the index',
    `${target} answered 200 without a usable JSON \`audience\` string. Is index-url an index that supports trusted ` +
    'publishing? You can also set the `audience` input to skip discovery.', { status: 200 }),
  audienceRefused: (host: string, audience: string, ownerHost: string) => new ActionFailure('audience-refused', 'Audience refused',
    `${host} announced the audience ${code(audience)}, which belongs to ${ownerHost}: ` +
    `an OIDC token for it would be accepted there, so it is not requested for another host. If ${host} really expects ` +
    `it, say so with the input \`audience: ${audience}\`.`),

  // step 2, the OIDC token: the kit's words (oidcWords below)
  // step 3: the exchange
  mintRejected: (indexName: string, errors: readonly IndexError[]) => new ActionFailure('mint-rejected', 'PyPI refused the token exchange',
    errors.length > 0
      ? `${indexName} refused to mint a token:\n${errors.map((e) => `  * ${e.code}: ${e.description}`).join('\n')}`
      : `${indexName} answered 422 without PyPI's \`errors\` list.`,
    { status: 422, indexErrors: errors, retryable: errors.some((e) => e.code === 'invalid-reuse-token') }),
  mintStatus: (target: string, status: number, custom: boolean, retryable: boolean, details: FailureDetails) => new ActionFailure(
    'mint-unexpected-status', 'Unexpected answer from the index',
    `${target} answered HTTP ${status}.${status >= 500 ? ' This is a problem on the index side; wait a few minutes and ' +
      `try again${custom ? '.' : ` (status: ${STATUS_PAGE}).`}` : ''}`, { ...details, retryable, status }),
  mintInvalid: (target: string, why: string) => new ActionFailure('mint-invalid-response', 'Invalid token response',
    `${target} answered 200 but ${why}. No token was exported. This suggests a misconfigured index or a proxy in the way.`,
    { status: 200 }),
  mintWhy: {
    notJson: 'the body is not JSON',
    tokenType: (type: string) => `\`token\` is ${type}`,
    tokenShape: 'the token is not `pypi-` followed by a macaroon in base64url',
    expires: '`expires` is not a unix time in seconds',
  },


};

/** The mint step's failures, as the kit's shared words make them. */
const said: StepSay<ActionFailure> = {
  make: (f) => new ActionFailure(f.code, f.title, f.message, { retryable: f.retryable, status: f.status, retryAfterMs: f.retryAfterMs }),
  isFailure: (err): err is ActionFailure => err instanceof ActionFailure,
  withSuffix: (f, suffix) => f.withSuffix(suffix),
};

/** The kit's transport, in the kit's words with the mint step's failures. */
export const httpWords: HttpWords<ActionFailure> = transportWords(said, 'point index-url at the final address');

/** The kit's OIDC request, in the kit's words with the mint step's failures. */
export const oidcWords: OidcWords<ActionFailure> = {
  ...oidcRequestWords(said, 'the index', 'the runner refused to issue an OIDC token for this job'),
  url: failures.url,
};

/** A GitLab job's ID token for the index (the variable its `id_tokens` entry sets), in the kit's words. */
export const gitlabIdTokenWords = (variable: string, audience: string) =>
  idTokenVariableWords(said, variable, { audience, expecter: 'this index', destination: 'the index' });

// --- log lines ---------------------------------------------------------------------------------------------------

export const logs = {
  retrying: (f: ActionFailure, attempt: number, delayMs: number) => `Attempt ${attempt} failed (${f.code}: ` +
    `${f.message.split('\n')[0].replace(/\.$/, '')}); retrying in ${(delayMs / 1000).toFixed(1)} s with a fresh OIDC token.`,
  askingAudience: (indexName: string, url: string) => `Asking ${indexName} for its trusted-publishing audience (${url})`,
  audience: (indexName: string, audience: string, from: 'input' | 'host' | 'index') => `Index ${indexName}, audience ` +
    `'${audience}'${from === 'input' ? ' (from the audience input)' : from === 'host' ? ` (${indexName}'s own)` : ''}`,
  gotGitlabIdToken: (projectPath: string, pipelineFile: string, variable: string, mintUrl: string) =>
    `Using the job's ID token ${variable} for ${projectPath} (${pipelineFile}); exchanging it at ${mintUrl}`,
  retryingSameToken: (f: ActionFailure, attempt: number, delayMs: number) => `Attempt ${attempt} failed (${f.code}: ` +
    `${f.message.split('\n')[0].replace(/\.$/, '')}); retrying in ${(delayMs / 1000).toFixed(1)} s with the same ID token ` +
    '(GitLab issues one per job).',
  mintedToFile: (indexName: string, expiresIso: string, names: readonly string[], variable: string) => 'Minted a PyPI token for ' +
    `${indexName}, valid until ${expiresIso}; ${names.join(', ')} written to the file named by ${variable}.`,
  gotOidcToken: (repository: string, workflow: string, mintUrl: string) =>
    `Got an OIDC token for ${repository} (${workflow}); exchanging it at ${mintUrl}`,
  minted: (indexName: string, expiresIso: string, exported: readonly string[]) => `Minted a PyPI token for ${indexName}, ` +
    `valid until ${expiresIso}; it is in the step output api-token${exported.length ? ` and in ${exported.join(', ')}` : ''}.`,
  crashed: '::error title=Unexpected error in the mint action::The action failed unexpectedly and minted no token.',
  crashedGitlab: 'ERROR: Unexpected error in the mint step: it failed unexpectedly and minted no token.',
};

// --- diagnoses: why it failed, and what to change ------------------------------------------------------------

/** An explanation a user can act on; `text` is Markdown-light: plain text with `code` spans, readable in an annotation. */
export interface Explanation {
  /** Which explanation this is (the code decides on this, never on the title). */
  readonly id: keyof typeof explanations;
  readonly title: string;
  readonly text: readonly string[];
}

export const explanations = {
  pullRequestTarget: (): Explanation => ({
    id: 'pullRequestTarget',
    title: 'Publishing from pull_request_target',
    text: ['This run was triggered by `pull_request_target`, which PyPI refuses for trusted publishing: such runs ' +
      'execute with the base repository\'s permissions on behalf of a pull request, a known way to publish attacker ' +
      'code. Publish from a tag push, a release, or workflow_dispatch instead.'],
  }),
  reusableWorkflow: (caller: string, own: string, ownFile: string | undefined): Explanation => ({
    id: 'reusableWorkflow',
    title: 'Reusable workflow',
    text: [`This job runs in a reusable workflow: it was called by ${code(caller)} but its own file is ${code(own)}. ` +
      `PyPI matches the publisher on the job's own file (${code(ownFile ?? '?')}), and supports reusable workflows only ` +
      'by accident (same repository, same ref). Put the mint and upload steps in a top-level workflow file and ' +
      `register that file on PyPI. See ${TROUBLESHOOTING}#reusable-workflows-on-github`],
  }),
  forkPullRequest: (eventName: string): Explanation => ({
    id: 'forkPullRequest',
    title: 'Pull request from a fork',
    text: [`This run is a ${code(eventName)} from a fork. GitHub gives such runs no OIDC token, even with ` +
      '`id-token: write`, so nothing can be published from them (that is the point). Publish from an event forks ' +
      'cannot trigger: a tag push, a release, or workflow_dispatch.'],
  }),
  dependabot: (): Explanation => ({
    id: 'dependabot',
    title: 'Run triggered by Dependabot',
    text: ['This run was triggered by Dependabot. GitHub treats Dependabot runs like fork pull requests: read-only ' +
      'token, no secrets and no OIDC token. Publish from a tag push, a release or workflow_dispatch instead.'],
  }),
  missingPermission: (missing: readonly string[]): Explanation => ({
    id: 'missingPermission',
    title: 'Missing `id-token: write`',
    text: [`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set: the job was not allowed to request ` +
      'an OIDC token. Give the publishing job (only that job) this permission:',
    '  permissions:\n    id-token: write',
    `See ${PERMISSIONS_DOCS}`],
  }),
  untrustedIssuer: (iss: string | undefined, enterpriseUrl: string | undefined, githubIssuer: string): Explanation => ({
    id: 'untrustedIssuer',
    title: 'OIDC issuer not trusted by PyPI',
    text: [`This run's OIDC tokens come from ${iss ? code(iss) : 'a non-github.com issuer'}` +
      `${enterpriseUrl ? ` (GitHub Enterprise Server at ${code(enterpriseUrl)})` : ''}. PyPI trusts only ` +
      `${code(githubIssuer)}: GitHub Enterprise Server and GHE.com tenants with their own issuer cannot use trusted ` +
      'publishing yet (pypi/warehouse#18970, #17700). Publish from a github.com repository, or use an API token.'],
  }),
  tokenNotAccepted: (audienceInput: string | undefined, indexName: string): Explanation => ({
    id: 'tokenNotAccepted',
    title: 'Token not accepted',
    text: ['PyPI could not verify the OIDC token: its signature, audience (`aud`) or time claims (`iat`, `nbf`, `exp`, ' +
      '30 s leeway) did not check out.',
    ...(audienceInput ? [`You set the audience input to ${code(audienceInput)}; ${indexName} may expect another one ` +
      `(${PYPI_HOST}: \`${PYPI.audience}\`, ${TESTPYPI_HOST}: \`${TESTPYPI.audience}\`). Leave \`audience\` empty to use the index's own.`] : []),
    'A self-hosted runner with a wrong clock also causes this.'],
  }),
  githubDisabled: (indexName: string): Explanation => ({
    id: 'githubDisabled',
    title: 'GitHub trusted publishing disabled by the index',
    text: [`${indexName} has switched off trusted publishing from GitHub for now. Nothing is wrong with your setup; ` +
      `try again later (${STATUS_PAGE}).`],
  }),
  reusedToken: (): Explanation => ({
    id: 'reusedToken',
    title: 'Token already used',
    text: ['Each OIDC token can be exchanged once. The action asked GitHub for a fresh token for every attempt, and the ' +
      'index still saw each as reused: another process may be replaying this job\'s tokens, or the index\'s replay ' +
      'cache is misbehaving. Re-run the job; if it persists, report it to the index.'],
  }),
  gitlabReusedToken: (): Explanation => ({
    id: 'gitlabReusedToken',
    title: 'ID token already used',
    text: ['GitLab gives a job one ID token per `id_tokens` entry, when the job starts, and PyPI accepts each token once ' +
      '(its `jti`). This job\'s token was already exchanged (an earlier attempt whose answer was lost, or another ' +
      'command of this job), and no fresh one can be had inside the job. Retry the job: the new job gets a new token.'],
  }),
  gitlabUntrustedIssuer: (iss: string | undefined, gitlabIssuer: string, indexName: string): Explanation => ({
    id: 'gitlabUntrustedIssuer',
    title: 'GitLab instance not trusted by this index',
    text: [`This job's ID token comes from ${iss ? code(iss) : 'an unknown issuer'}. ${selfManagedWhy(indexName, gitlabIssuer)} ` +
      SELF_MANAGED_WHAT_TO_DO],
  }),
  gitlabEnvironmentMismatch: (environment: string | undefined): Explanation => ({
    id: 'gitlabEnvironmentMismatch',
    title: 'Environment mismatch',
    text: [environment === undefined
      ? 'The publisher on PyPI names an environment, but this job has none. Add `environment: <name>` to the ' +
        'publishing job, or clear the environment on PyPI.'
      : `This job runs in the environment ${code(environment)}, which is not the one the publisher on PyPI names. For ` +
        'GitLab, PyPI compares environment names exactly (case included); a publisher with no environment accepts any.'],
  }),
  pendingForExisting: (): Explanation => ({
    id: 'pendingForExisting',
    title: 'Pending publisher for an existing project',
    text: ['A pending publisher matched this run, but its project already exists on the index. Pending publishers only ' +
      'create new projects: add the publisher on the existing project\'s publishing page instead.'],
  }),
  environmentMismatch: (environment: string | undefined): Explanation => ({
    id: 'environmentMismatch',
    title: 'Environment mismatch',
    text: [environment === undefined
      ? 'The publisher on PyPI names a GitHub environment, but this job runs in none. Add `environment: <name>` to the ' +
        'publishing job, or clear the environment on PyPI.'
      : `This job runs in the environment ${code(environment)}, which is not the one the publisher on PyPI names. PyPI ` +
        'compares environment names case-insensitively; a publisher with no environment accepts any.'],
  }),
  noPublisher: (): Explanation => ({
    id: 'noPublisher',
    title: 'No trusted publisher matches this run',
    text: ['PyPI found no trusted publisher for these claims. Check for a typo, a renamed repository or workflow file, ' +
      'or a publisher added on PyPI while this workflow publishes to TestPyPI (or the reverse): they are separate.'],
  }),
};

// --- the report's own labels -----------------------------------------------------------------------------------

export const labels = {
  formIntro: (indexName: string) => `Add a trusted publisher (GitHub) on ${indexName} with exactly these values for this run:`,
  gitlabFormIntro: (indexName: string) => `Add a trusted publisher (GitLab) on ${indexName} with exactly these values for this run:`,
  noEnvironment: '(leave empty: this job runs in no environment)',
  unknown: '(unknown)',
  where: 'Where:',
  existingProject: (name: string) => `existing project ${name}`,
  newProject: (pendingName: string | undefined) => `new project (a pending publisher${pendingName ? ` with PyPI Project Name ${code(pendingName)}` : ''})`,
  claimsIntro: 'Claims of this run\'s OIDC token (for debugging; do not copy them into PyPI unless they are what you expect):',
  claimsHeading: 'Claims of this run\'s OIDC token',
  claimsNote: '_Shown for debugging (never the token itself). Do not copy them into PyPI unless they are what you expect._',
  missing: 'MISSING',
  moreHelp: `More help: ${TROUBLESHOOTING}`,
  failedHeading: (title: string) => `PyPI trusted publishing failed: ${title}`,
  errorCode: 'Error code:',
  reasonsHeading: (indexName: string) => `Reasons given by ${indexName}`,
  mintedHeading: 'PyPI trusted publishing: token minted',
  minted: (indexName: string, audience: string, expiresIso: string) =>
    `A token for ${indexName} (audience ${code(audience)}) was minted; it expires at ${expiresIso}.`,
  handedOver: (exported: readonly string[]) => `It is available as the step output \`api-token\`${exported.length
    ? ` and, as asked, in ${exported.map(code).join(', ')}` : ''}.`,
};
