/**
 * External tools the tests drive (Debian's twine, python3 -m build, pip). Locally a missing tool lets the
 * caller skip; in CI (`CI=true`) it is a failure, so a green CI run always means the real tool ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * true when `path` exists (and, when given, `probe` args exit 0). Throws under CI=true when it does not,
 * otherwise returns false so the caller can `test.skip`.
 */
export function requireTool(name: string, path: string, probe?: string[]): boolean {
  let problem: string | undefined;
  if (!existsSync(path)) {
    problem = `${path} not found`;
  } else if (probe) {
    const r = spawnSync(path, probe, { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) problem = `'${path} ${probe.join(' ')}' exited ${r.status}: ${(r.stderr || r.stdout).slice(0, 300)}`;
  }
  if (problem === undefined) return true;
  const message = `required tool ${name} is missing (${problem}); install it with .ci/run (apt-get install -y ...)`;
  if (process.env.CI === 'true') throw new Error(message);
  // eslint-disable-next-line no-console
  console.warn(`${message}: skipping its tests locally`);
  return false;
}
