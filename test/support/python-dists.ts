/**
 * Real distributions of a sample project, built the way the default build job builds them: the pinned `uv build`
 * (from `.tools/`), isolated, its build backend fetched from PyPI into the run's shared uv cache.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { recordOutput } from './leaks';
import { tool, toolEnv } from './tools';
import { tempDir } from '../../src/rehearsal/temp-dirs';

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

/** `uv build --sdist --wheel` (the wheel from the sdist, as pypa build does) into `outDir`. */
export function uvBuild(projectDir: string, outDir: string): void {
  const out = execFileSync(tool('uv'), ['build', '--no-config', '--sdist', '--wheel', '--out-dir', outDir, projectDir], {
    cwd: projectDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
    // nothing from the developer's shell (pyenv, PIP_*, UV_*, proxies) reaches the build
    env: toolEnv(),
  });
  recordOutput(`uv build ${projectDir}`, out, false);
}

/** Build `projectDir`'s sdist and wheel into a fresh temp directory (outside the repository). */
export function buildDists(projectDir: string): BuiltDists {
  const dir = tempDir('dist-');
  uvBuild(projectDir, dir);
  // uv also writes a .gitignore there, which actions/upload-artifact leaves out of the artifact (a hidden file)
  rmSync(join(dir, '.gitignore'), { force: true });
  const files = readdirSync(dir).sort().map((filename) => {
    const path = join(dir, filename);
    return { filename, path, sha256: sha256File(path), size: statSync(path).size };
  });
  if (!files.some((f) => f.filename.endsWith('.whl')) || !files.some((f) => f.filename.endsWith('.tar.gz'))) {
    throw new Error(`building ${projectDir} produced ${files.map((f) => f.filename).join(', ') || 'nothing'}, not an sdist and a wheel`);
  }
  return { dir, files };
}
