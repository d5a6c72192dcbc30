/**
 * The mint step in a GitLab CI/CD job: the same protocol, GitLab's plumbing (src/kit/gitlab-ci.ts). The OIDC token
 * is the job's `id_tokens` variable PYPI_ID_TOKEN (its `aud` fixed by the pipeline file, checked here before it is
 * sent anywhere); the hand-over is the PYPI_MINT_OUTPUT file the upload command sources; the log is plain text.
 * GitLab issues that token once per job and PyPI accepts it once (its `jti`): a retry reuses it, and stops as soon
 * as the index says it was used.
 */
import { MintedToken } from './exchange';
import type { ExportTarget } from './export';
import { failures } from './messages';
import { Claims, claimText, decodeClaims } from './oidc';
import { Redactor } from './redact';
import type { Printer } from './report';
import { checkShellEnvFile, gitlabLogLine, idTokenFrom, writeShellEnvFile } from '../kit/gitlab-ci';
import { GITLAB_ID_TOKEN_VARIABLES, GITLAB_MINT_OUTPUT_VARIABLE, uploaderEnv } from '../pypi';

type Env = Record<string, string | undefined>;

/** The variables written when export-env names no tool: the token and its expiry, for any command. */
export const GITLAB_DEFAULT_OUTPUTS = { token: 'PYPI_API_TOKEN', expires: 'PYPI_API_TOKEN_EXPIRES' } as const;

/** Plain lines: GitLab shows `::error::` as text and has no runtime masking, so `mask` prints nothing. */
export function createGitlabPrinter(io: { write(line: string): void }, redactor: Redactor): Printer {
  const out = (text: string) => {
    for (const line of text.split('\n')) io.write(gitlabLogLine(line));
  };
  return {
    mask: () => undefined,
    log: (text) => out(redactor.redact(text, 4000)),
    warning: (title, text) => out(`WARNING: ${title}\n${redactor.redact(text, 4000)}`),
    error: (title, text) => out(`ERROR: ${title}\n${redactor.redact(text, 20_000)}`),
  };
}

/** The hand-over file, checked before the first request (a token is minted only when it has somewhere to go). */
export function gitlabOutputPath(env: Env): string {
  const path = env[GITLAB_MINT_OUTPUT_VARIABLE];
  const problem = checkShellEnvFile(path);
  if (problem) throw failures.gitlabOutputFile(GITLAB_MINT_OUTPUT_VARIABLE, problem);
  return path!;
}

/** The job's ID token for the index, checked like the one GitHub hands out: a JWT, for this audience. */
export function gitlabIdToken(env: Env, redactor: Redactor, audience: string): { jwt: string; claims: Claims } {
  const variable = GITLAB_ID_TOKEN_VARIABLES.index;
  const jwt = idTokenFrom(env, variable);
  if (!jwt) throw failures.gitlabNoIdToken(variable, audience);
  redactor.add(jwt);
  const claims = decodeClaims(jwt);
  if (!claims) throw failures.gitlabNotAJwt(variable);
  if (claims.aud !== audience) throw failures.gitlabWrongAudience(variable, claimText(claims, 'aud'), audience);
  return { jwt, claims };
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

