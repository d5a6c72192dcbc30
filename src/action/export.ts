/**
 * Hands the token over: step outputs `api-token` and `expires` in GITHUB_OUTPUT, and (only for the tools named
 * in export-env) their variables in GITHUB_ENV. Both files use the runner's heredoc format with a random
 * delimiter (`prepareKeyValueMessage`), so no value can end the entry early.
 */
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';
import { ActionFailure } from './errors';
import { ExportTarget, uploaderEnv } from './uploader-env';

function append(path: string, entries: ReadonlyArray<readonly [string, string]>, what: string): void {
  // Loaded on use: it pulls in node:crypto (for the random delimiter), which a failing run never needs. A plain
  // require, not import(): esbuild turns it into a lazy module init, and jest's in-process runs can follow it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const { prepareKeyValueMessage } = require('@actions/core/lib/file-command.js') as typeof import('@actions/core/lib/file-command.js');
  try {
    appendFileSync(path, entries.map(([k, v]) => `${prepareKeyValueMessage(k, v)}${EOL}`).join(''), { encoding: 'utf8' });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new ActionFailure('export-failed', `Could not write ${what}`,
      `Writing ${what} failed${typeof code === 'string' ? ` (${code})` : ''}; no token was handed over.`);
  }
}

/** GITHUB_OUTPUT must exist before the action does anything: without it the token would have nowhere safe to go. */
export function requireOutputFile(env: Record<string, string | undefined>): string {
  const path = env.GITHUB_OUTPUT;
  if (!path || !existsSync(path)) {
    throw new ActionFailure('missing-github-output', 'GITHUB_OUTPUT is not available',
      `${path ? `GITHUB_OUTPUT names a file that does not exist (${path.slice(0, 200)})` : 'GITHUB_OUTPUT is not set'}. ` +
      'The action hands the token over only through the step output file and refuses to run without it (older tools ' +
      'fall back to printing outputs in the log). Run it as a step of a GitHub Actions job, on a current runner.');
  }
  return path;
}

export function writeOutputs(outputPath: string, token: string, expires: number): void {
  append(outputPath, [['api-token', token], ['expires', String(expires)]], 'the step outputs (GITHUB_OUTPUT)');
}

/** Returns the names written, for the log. */
export function writeUploaderEnv(env: Record<string, string | undefined>, targets: readonly ExportTarget[],
  token: string, uploadUrl: string): string[] {
  if (targets.length === 0) return [];
  const path = env.GITHUB_ENV;
  if (!path || !existsSync(path)) {
    throw new ActionFailure('export-failed', 'GITHUB_ENV is not available',
      'export-env asks for environment variables, but GITHUB_ENV is not set or its file is missing.');
  }
  const vars = targets.flatMap((t) => uploaderEnv(t, token, uploadUrl));
  append(path, vars.map((v) => [v.name, v.value] as const), 'the environment file (GITHUB_ENV)');
  return vars.map((v) => v.name);
}
