/**
 * Temp directories that live as long as the process (a test file's worker, or the demo): sample repositories,
 * built dists, artifacts, pip downloads. Removed after the test file (or when the demo exits): nothing stays in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let keep = false;

/** Leave the directories in place (the demo's `--keep`, to look at the synthesized project afterwards). */
export function keepTempDirs(): void {
  keep = true;
}

function removeAll(): void {
  if (keep) return;
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Under jest, a test file's process outlives the file (and jest's `process` does not see 'exit'): clean after the
// file. Anywhere else (the demo), when the process exits.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
if (typeof jestAfterAll === 'function') jestAfterAll(removeAll);
else process.once('exit', removeAll);

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
