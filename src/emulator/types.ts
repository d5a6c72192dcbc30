/**
 * The emulator's public types: its JSON config (also the CLI's config file format), the runner claims its GitHub
 * OIDC issuer signs, the routes a test can address, and the faults it can inject.
 */

/** The routes of both listeners, as named in the request log and in fault injection. */
export type Route = 'audience' | 'mint-token' | 'oidc-token' | 'gitlab-id-token' | 'oidc-discovery' | 'jwks' | 'upload' | 'simple' | 'integrity' |
  'fulcio' | 'rekor' | 'trusted-root';

export const ROUTES: readonly Route[] = ['audience', 'mint-token', 'oidc-token', 'gitlab-id-token', 'oidc-discovery', 'jwks', 'upload', 'simple', 'integrity',
  'fulcio', 'rekor', 'trusted-root'];

/** A trusted publisher as PyPI stores it: the GitHub identity plus the projects that trust it. */
export interface PublisherConfig {
  readonly projects: string[];
  readonly owner: string;
  readonly ownerId: string;
  readonly repository: string;
  readonly workflow: string;
  readonly environment?: string;
}

/** A pending publisher: may create `project` (which must not exist yet) on its first successful mint. */
export interface PendingPublisherConfig {
  readonly project: string;
  readonly owner: string;
  readonly ownerId: string;
  readonly repository: string;
  readonly workflow: string;
  readonly environment?: string;
  /**
   * When it was registered, in Unix seconds (default: when the emulator added it, by its clock). PyPI deletes a
   * pending publisher 30 days after that (warehouse oidc/tasks.py), so an older one matches nothing.
   */
  readonly createdAt?: number;
}

/**
 * A GitLab trusted publisher as PyPI stores it (warehouse `oidc/models/gitlab.py`): namespace (groups and
 * subgroups, `a/b`), project, the top-level pipeline file's path, and an environment ('' or absent: any).
 */
export interface GitlabPublisherConfig {
  readonly projects: string[];
  readonly namespace: string;
  readonly project: string;
  readonly workflowFilepath: string;
  readonly environment?: string;
}

/** A pending GitLab publisher: may create `pypiProject` on its first successful mint. */
export interface PendingGitlabPublisherConfig {
  readonly pypiProject: string;
  readonly namespace: string;
  readonly project: string;
  readonly workflowFilepath: string;
  readonly environment?: string;
}

/**
 * The claims of a GitLab CI/CD job's `id_tokens` JWT, as gitlab.com issues them (strings, except `runner_id`).
 * https://docs.gitlab.com/ci/secrets/id_token_authentication/#token-payload
 */
export interface GitlabJobClaims {
  namespace_id: string;
  namespace_path: string;
  project_id: string;
  project_path: string;
  user_id: string;
  user_login: string;
  user_email: string;
  user_access_level: string;
  pipeline_id: string;
  pipeline_source: string;
  job_id: string;
  ref: string;
  ref_type: string;
  ref_path: string;
  ref_protected: string;
  environment?: string;
  environment_protected?: string;
  deployment_tier?: string;
  environment_action?: string;
  runner_id: number;
  runner_environment: string;
  sha: string;
  project_visibility: string;
  ci_config_ref_uri: string;
  ci_config_sha: string;
}

/** The claims a GitHub Actions job's OIDC token carries (all strings, as GitHub sends them). */
export interface RunnerClaims {
  repository: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_id: string;
  repository_visibility: string;
  ref: string;
  ref_type: string;
  ref_protected: string;
  sha: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  event_name: string;
  environment?: string;
  actor: string;
  actor_id: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  runner_environment: string;
  head_ref: string;
  base_ref: string;
}

export interface EmulatorConfig {
  /** Interface both listeners bind to. @default '127.0.0.1' */
  host?: string;
  /** Port of the PyPI side (audience, mint-token, /legacy/, /simple/). @default 0 (ephemeral) */
  pypiPort?: number;
  /** Port of the GitHub OIDC issuer. @default 0 (ephemeral) */
  oidcPort?: number;
  /** Port of the Sigstore stand-ins (Fulcio, Rekor, the trusted root). @default 0 (ephemeral) */
  sigstorePort?: number;
  /** The audience this index expects ('pypi' like pypi.org, 'testpypi' like test.pypi.org). @default 'pypi' */
  audience?: string;
  /** false => `/_/oidc/audience` answers 403 and mint answers `not-enabled`. @default true */
  trustedPublishing?: boolean;
  /** Projects that already exist on the index. */
  projects?: string[];
  publishers?: PublisherConfig[];
  pendingPublishers?: PendingPublisherConfig[];
  /** Claims the issuer puts in its JWTs (merged over plausible defaults). */
  runner?: Partial<RunnerClaims>;
  /** GitLab trusted publishers (the emulator's GitLab issuer stands for https://gitlab.com). */
  gitlabPublishers?: GitlabPublisherConfig[];
  pendingGitlabPublishers?: PendingGitlabPublisherConfig[];
  /** Claims the GitLab issuer puts in a job's `id_tokens` (merged over plausible defaults). */
  gitlabJob?: Partial<GitlabJobClaims>;
  /** Extra GitHub-kind issuers to trust; keys found via `<iss>/.well-known/openid-configuration` -> `jwks_uri`. */
  extraIssuers?: string[];
  /** Bearer token the OIDC token endpoint requires. @default random */
  requestToken?: string;
  /** Lifetime of minted `pypi-` tokens. @default 900 */
  tokenLifetimeSeconds?: number;
  /** Largest distribution file `/legacy/` accepts. @default 100 MiB (PyPI's default project limit) */
  maxUploadBytes?: number;
  /** Seconds an accepted file stays unserved (simple index, files, Integrity API), like a CDN catching up. @default 0 */
  visibilityDelaySeconds?: number;
}

/**
 * One injected misbehaviour. With only `delayMs`, the route answers normally after the delay; anything else
 * replaces the normal answer.
 */
export interface Fault {
  status?: number;
  /** Sent as given, over a default content-type and content-length; `'content-length': ''` sends none. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before doing anything. */
  delayMs?: number;
  /** Send the status line and headers (and the first half of `body`), then stall this long before the rest. */
  bodyDelayMs?: number;
  /** Drop the connection before any byte of the response, or after the headers and part of the body. */
  reset?: 'before-headers' | 'mid-body';
  /** Bytes written to the socket as-is (a malformed HTTP response), then the connection is closed. */
  raw?: string | Buffer;
}

export interface RequestRecord {
  route: Route;
  method: string;
  url: string;
  /** Emulator clock time (ms) when the request arrived. */
  at: number;
  /** The request's Accept header (what the simple API negotiates on). */
  accept?: string;
}

export interface UploadRecord {
  project: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
  /** The PEP 740 provenance stored for it, when it was uploaded with attestations. */
  provenance?: unknown;
}
