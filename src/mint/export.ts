/**
 * The hand-over: step outputs `api-token` and `expires` in GITHUB_OUTPUT and, only for the tools named in
 * export-env, their variables in GITHUB_ENV. Every destination is checked before the first request; the entries are
 * rendered before the first write; and the files are written once, at the very end of a run that succeeded (a
 * failed step's outputs still reach `always()` steps, so a failure must leave none behind). Both files use the
 * runner's heredoc format with a random delimiter (the kit's `renderKeyValues`), so no value can end its entry early.
 */
import { MintedToken } from './exchange';
import type { ExportTarget } from './inputs';
import { failures } from './messages';
import { appendAll, FileWriteError, isFile, renderKeyValues, unwritableReason } from '../kit/files';
import { uploaderEnv as uploaderEnvOf } from '../pypi';

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
  const writes = [];
  if (d.envPath) {
    const vars = d.targets.flatMap((t) => uploaderEnv(t, minted.token, uploadUrl));
    writes.push({ path: d.envPath, text: renderKeyValues(vars.map((v) => [v.name, v.value] as const)), what: ENV_FILE });
  }
  writes.push({ path: d.outputPath, text: renderKeyValues([['api-token', minted.token], ['expires', String(minted.expires)]]), what: OUTPUTS });
  try {
    appendAll(writes);
  } catch (err) {
    if (err instanceof FileWriteError) throw failures.unwritable(err.what, err.errno);
    throw err;
  }
}

function requireWritable(path: string, what: string): void {
  const reason = unwritableReason(path);
  if (reason !== undefined) throw failures.unwritable(what, reason === 'error' ? undefined : reason);
}

/** The variables one tool reads (src/pypi/uploaders.ts): exactly these go to GITHUB_ENV, nothing else. */
const uploaderEnv = (t: ExportTarget, token: string, uploadUrl: string) =>
  uploaderEnvOf(t.tool, token, uploadUrl, { poetryRepository: t.poetryRepository });
