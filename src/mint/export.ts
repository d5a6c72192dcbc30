/**
 * The hand-over: step outputs `api-token` and `expires` in GITHUB_OUTPUT and, only for the tools named in
 * export-env, their variables in GITHUB_ENV. Every destination is checked before the first request; the entries are
 * rendered before the first write; and the files are written once, at the very end of a run that succeeded (a
 * failed step's outputs still reach `always()` steps, so a failure must leave none behind). Both files use the
 * runner's heredoc format with a random delimiter (`prepareKeyValueMessage`), so no value can end its entry early.
 */
import { accessSync, appendFileSync, constants, statSync, truncateSync } from 'node:fs';
import { EOL } from 'node:os';
import { MintedToken } from './exchange';
import { failures } from './messages';
import { UploaderName, uploaderEnv as uploaderEnvOf } from '../pypi';

type Env = Record<string, string | undefined>;

/** GITHUB_OUTPUT must exist before the action does anything: without it the token would have nowhere safe to go. */
export function requireOutputFile(env: Env): string {
  const path = env.GITHUB_OUTPUT;
  if (!path || !isFile(path)) throw failures.missingOutputFile(path);
  return path;
}

export interface Destinations {
  readonly outputPath: string;
  readonly envPath?: string;
  readonly targets: readonly ExportTarget[];
  /** The GITHUB_ENV names the hand-over will write, for the log and the summary. */
  exportedNames(uploadUrl: string): string[];
}

const OUTPUTS = 'the step outputs (GITHUB_OUTPUT)';
const ENV_FILE = 'the environment file (GITHUB_ENV)';

/** Checks that every file the hand-over writes is a writable regular file, before anything is requested. */
export function prepareHandOver(env: Env, outputPath: string, targets: readonly ExportTarget[]): Destinations {
  requireWritable(outputPath, OUTPUTS);
  let envPath: string | undefined;
  if (targets.length > 0) {
    envPath = env.GITHUB_ENV;
    if (!envPath || !isFile(envPath)) throw failures.missingEnvFile();
    requireWritable(envPath, ENV_FILE);
  }
  return {
    outputPath,
    envPath,
    targets,
    exportedNames: (uploadUrl) => targets.flatMap((t) => uploaderEnv(t, '', uploadUrl)).map((v) => v.name),
  };
}

/** The one write. If the second file cannot be written, the first is cut back to what it held before. */
export function handOver(d: Destinations, minted: MintedToken, uploadUrl: string): void {
  // Loaded on use: it pulls in node:crypto (for the random delimiter), which a failing run never needs. A plain
  // require, not import(): esbuild turns it into a lazy module init, and jest's in-process runs can follow it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const { prepareKeyValueMessage } = require('@actions/core/lib/file-command.js') as typeof import('@actions/core/lib/file-command.js');
  const render = (entries: ReadonlyArray<readonly [string, string]>) => entries.map(([k, v]) => `${prepareKeyValueMessage(k, v)}${EOL}`).join('');
  const writes: Array<{ path: string; text: string; what: string }> = [];
  if (d.envPath) {
    const vars = d.targets.flatMap((t) => uploaderEnv(t, minted.token, uploadUrl));
    writes.push({ path: d.envPath, text: render(vars.map((v) => [v.name, v.value] as const)), what: ENV_FILE });
  }
  writes.push({ path: d.outputPath, text: render([['api-token', minted.token], ['expires', String(minted.expires)]]), what: OUTPUTS });

  const done: Array<{ path: string; size: number }> = [];
  for (const w of writes) {
    try {
      const size = statSync(w.path).size;
      appendFileSync(w.path, w.text, { encoding: 'utf8' });
      done.push({ path: w.path, size });
    } catch (err) {
      for (const prior of done) truncateSync(prior.path, prior.size);
      const errno = (err as { code?: unknown }).code;
      throw failures.unwritable(w.what, typeof errno === 'string' ? errno : undefined);
    }
  }
}

/** The step summary is a courtesy; the annotation already carries the message. */
export function appendSummary(env: Env, markdown: string): void {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    appendFileSync(path, `${markdown}\n`, { encoding: 'utf8' });
  } catch {
    // nothing to do: the log has it all
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function requireWritable(path: string, what: string): void {
  try {
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    accessSync(path, constants.W_OK);
  } catch (err) {
    const errno = (err as { code?: unknown }).code;
    throw failures.unwritable(what, typeof errno === 'string' ? errno : undefined);
  }
}

/** One tool named in export-env; poetry also carries the repository name it publishes to (`poetry:<name>`). */
export interface ExportTarget {
  readonly tool: UploaderName;
  readonly poetryRepository?: string;
}

/** The variables one tool reads (src/pypi/uploaders.ts): exactly these go to GITHUB_ENV, nothing else. */
const uploaderEnv = (t: ExportTarget, token: string, uploadUrl: string) =>
  uploaderEnvOf(t.tool, token, uploadUrl, { poetryRepository: t.poetryRepository });
