/**
 * The mint step in a GitLab CI/CD job: the same protocol, GitLab's plumbing (src/kit/gitlab-ci.ts). The OIDC token
 * is the job's `id_tokens` variable PYPI_ID_TOKEN (its `aud` fixed by the pipeline file, checked by the kit before it
 * is sent anywhere); the hand-over is the PYPI_MINT_OUTPUT file the upload command sources; the log is plain text
 * (src/kit/gitlab-ci.ts).
 * GitLab issues that token once per job and PyPI accepts it once (its `jti`): a retry reuses it, and stops as soon
 * as the index says it was used.
 */
import { MintedToken } from './exchange';
import type { ExportTarget, IndexEndpoints } from './inputs';
import { ActionFailure, failures, gitlabIdTokenWords, oidcWords } from './messages';
import { checkShellEnvFile, writeShellEnvFile } from '../kit/gitlab-ci';
import { isLoopbackHost } from '../kit/inputs';
import { claimText, variableOidcSource, type Claims, type OidcSource, type OidcWords } from '../kit/oidc';
import { GITLAB_ID_TOKEN_VARIABLES, GITLAB_ISSUER, GITLAB_MINT_OUTPUT_VARIABLE, uploaderEnv } from '../pypi';

type Env = Record<string, string | undefined>;

/** The variables written when export-env names no tool: the token and its expiry, for any command. */
export const GITLAB_DEFAULT_OUTPUTS = { token: 'PYPI_API_TOKEN', expires: 'PYPI_API_TOKEN_EXPIRES' } as const;

/** The hand-over file, checked before the first request (a token is minted only when it has somewhere to go). */
export function gitlabOutputPath(env: Env): string {
  const path = env[GITLAB_MINT_OUTPUT_VARIABLE];
  const problem = checkShellEnvFile(path);
  if (problem) throw failures.gitlabOutputFile(GITLAB_MINT_OUTPUT_VARIABLE, problem);
  return path!;
}

/** The one GitLab instance PyPI's GitLab publishers trust (gitlab.com). */
const GITLAB_HOST = new URL(GITLAB_ISSUER).host;

type Index = Pick<IndexEndpoints, 'displayName' | 'loopback'>;

/**
 * PyPI trusts GitLab ID tokens from gitlab.com only, so a job on a self-managed instance is refused here, before
 * anything is sent, rather than by the index in words that do not say why. First the job's CI_SERVER_HOST (before the
 * token is read), then the token's `iss` (before the exchange). A loopback host or issuer passes only for a loopback
 * index (the emulator), as the audience check lets the emulator through: a job that sends to a real index never does.
 */
export function checkGitlabServerHost(env: Env, index: Index): void {
  const host = env.CI_SERVER_HOST?.trim() ?? '';
  if (host === '' || host.toLowerCase() === GITLAB_HOST || (index.loopback && isLoopbackHost(host))) return;
  throw failures.gitlabUntrustedInstance('CI_SERVER_HOST', host.slice(0, 200), index.displayName, GITLAB_ISSUER);
}

/** The ID token's issuer: gitlab.com's, or (for a loopback index only) a loopback http(s) URL. See checkGitlabServerHost. */
export function checkGitlabIssuer(claims: Claims, index: Index): void {
  const iss = claimText(claims, 'iss') ?? '';
  if (iss === GITLAB_ISSUER) return;
  let url: URL | undefined;
  try {
    url = new URL(iss);
  } catch {
    url = undefined;
  }
  if (index.loopback && url !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname)) return;
  throw failures.gitlabUntrustedInstance('iss', iss === '' ? '(none)' : iss.slice(0, 200), index.displayName, GITLAB_ISSUER);
}

/**
 * The job's ID token for the index, as a kit OIDC source: the variable PYPI_ID_TOKEN (the job's `id_tokens` entry,
 * its audience fixed by the pipeline file), with GitLab's words for a missing entry or a wrong `aud`.
 */
export function gitlabIdTokenSource(env: Env, audience: string): { source: OidcSource; words: OidcWords<ActionFailure> } {
  const variable = GITLAB_ID_TOKEN_VARIABLES.index;
  return {
    source: variableOidcSource(env, variable, GITLAB_ISSUER),
    words: {
      ...oidcWords,
      ...gitlabIdTokenWords(variable, audience),
    },
  };
}

/** The one write: the uploader's variables (export-env) or PYPI_API_TOKEN and its expiry. */
export function gitlabHandOver(path: string, minted: MintedToken, targets: readonly ExportTarget[], uploadUrl: string): void {
  const uploaderVars = targets.flatMap((t) => uploaderEnv(t.tool, minted.token, uploadUrl, { poetryRepository: t.poetryRepository }));
  const vars: Array<readonly [string, string]> = targets.length > 0
    ? uploaderVars.map((v) => [v.name, v.value] as const)
    : [[GITLAB_DEFAULT_OUTPUTS.token, minted.token], [GITLAB_DEFAULT_OUTPUTS.expires, String(minted.expires)]];
  try {
    writeShellEnvFile(path, vars);
  } catch (err) {
    const errno = (err as { code?: unknown }).code;
    throw failures.unwritable(GITLAB_MINT_OUTPUT_VARIABLE, typeof errno === 'string' ? errno : undefined);
  }
}

/** The names the hand-over writes, for the log. */
export function gitlabExportedNames(targets: readonly ExportTarget[], uploadUrl: string): string[] {
  return targets.length > 0
    ? targets.flatMap((t) => uploaderEnv(t.tool, '', uploadUrl, { poetryRepository: t.poetryRepository })).map((v) => v.name)
    : [GITLAB_DEFAULT_OUTPUTS.token, GITLAB_DEFAULT_OUTPUTS.expires];
}

