/**
 * The runner's files: step outputs (GITHUB_OUTPUT), environment (GITHUB_ENV) and the step summary
 * (GITHUB_STEP_SUMMARY). Entries use @actions/core's own `prepareKeyValueMessage` (a random delimiter, refused if a
 * value contains it), so no value can end its entry early; a set of writes is all or nothing.
 */
import { accessSync, appendFileSync, constants, statSync, truncateSync } from 'node:fs';
import { EOL } from 'node:os';

export type KeyValues = ReadonlyArray<readonly [string, string]>;

/** The file-command text for the entries, rendered before anything is written. */
export function renderKeyValues(entries: KeyValues): string {
  // Loaded on use: it pulls in node:crypto (for the random delimiter), which a failing run never needs. A plain
  // require, not import(): esbuild turns it into a lazy module init, and jest's in-process runs can follow it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
  const { prepareKeyValueMessage } = require('@actions/core/lib/file-command.js') as
    typeof import('@actions/core/lib/file-command.js', { with: { 'resolution-mode': 'import' } });
  return entries.map(([k, v]) => `${prepareKeyValueMessage(k, v)}${EOL}`).join('');
}

export interface FileWrite {
  readonly path: string;
  readonly text: string;
  /** For the failure: which file. */
  readonly what: string;
}

/** Thrown by `appendAll`: which file could not be written and the errno, if any. */
export class FileWriteError extends Error {
  constructor(readonly what: string, readonly errno: string | undefined) {
    super(`could not write ${what}`);
  }
}

/** Appends every text or none: if one write fails, the files written before it are cut back to their old size. */
export function appendAll(writes: readonly FileWrite[]): void {
  const done: Array<{ path: string; size: number }> = [];
  for (const w of writes) {
    try {
      const size = statSync(w.path).size;
      appendFileSync(w.path, w.text, { encoding: 'utf8' });
      done.push({ path: w.path, size });
    } catch (err) {
      for (const prior of done) truncateSync(prior.path, prior.size);
      throw new FileWriteError(w.what, errnoOf(err));
    }
  }
}

/** The step summary is a courtesy; the annotation already carries the message. */
export function appendSummary(path: string | undefined, markdown: string): void {
  if (!path) return;
  try {
    appendFileSync(path, `${markdown}\n`, { encoding: 'utf8' });
  } catch {
    // nothing to do: the log has it all
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Undefined when `path` is a writable regular file, else the reason (an errno, `EISDIR` for a non-file). */
export function unwritableReason(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'EISDIR';
    accessSync(path, constants.W_OK);
    return undefined;
  } catch (err) {
    return errnoOf(err) ?? 'error';
  }
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}
