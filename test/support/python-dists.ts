/**
 * Real distributions of a sample project, built the way a build job would: `python3 -m build --no-isolation` with
 * Debian's python3-build (an isolated build would have to reach PyPI for its build dependencies).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../src/rehearsal/temp-dirs';

export const DEBIAN_PYTHON = '/usr/bin/python3';

export interface DistFile {
  readonly filename: string;
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface BuiltDists {
  /** The build job's `dist/` artifact. */
  readonly dir: string;
  readonly files: DistFile[];
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Build `projectDir`'s sdist and wheel into a fresh temp directory (outside the repository). */
export function buildDists(projectDir: string): BuiltDists {
  const dir = tempDir('dist-');
  execFileSync(DEBIAN_PYTHON, ['-m', 'build', '--no-isolation', '--outdir', dir, projectDir], {
    cwd: projectDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    // a clean environment: nothing from the developer's shell (pyenv, PIP_*, proxies) reaches the build
    env: { PATH: '/usr/bin:/bin', HOME: tempDir('build-home-'), LANG: 'C.UTF-8' },
  });
  const files = readdirSync(dir).sort().map((filename) => {
    const path = join(dir, filename);
    return { filename, path, sha256: sha256File(path), size: statSync(path).size };
  });
  if (!files.some((f) => f.filename.endsWith('.whl')) || !files.some((f) => f.filename.endsWith('.tar.gz'))) {
    throw new Error(`building ${projectDir} produced ${files.map((f) => f.filename).join(', ') || 'nothing'}, not an sdist and a wheel`);
  }
  return { dir, files };
}
