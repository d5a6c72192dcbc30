/**
 * Reading an index back the way installers do: the PEP 503 `/simple/<project>/` page (file names and the sha256 in
 * each link's fragment), `pip download` from it with the pinned pip of `.tools/`, and `uv pip install` from it into a
 * fresh environment, both isolated from this machine's pip/uv config (which may point at a local mirror) so the files
 * can only come from the index under test.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { recordOutput } from './leaks';
import { DistFile, sha256File } from './python-dists';
import { installedPython, tool, toolEnv } from './tools';
import { tempDir } from '../../src/rehearsal/temp-dirs';

export interface SimpleLink {
  readonly filename: string;
  readonly href: string;
  readonly sha256: string | undefined;
}

/** The files `/simple/<project>/` lists (following the canonical-name redirect, as pip does). */
export async function simpleLinks(simpleUrl: string, project: string): Promise<SimpleLink[]> {
  const res = await fetch(new URL(`${project}/`, simpleUrl));
  if (res.status !== 200) throw new Error(`GET /simple/${project}/ answered ${res.status}`);
  const html = await res.text();
  return [...html.matchAll(/<a\s+href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({
    href: m[1],
    filename: m[2].trim(),
    sha256: /#sha256=([0-9a-f]{64})$/.exec(m[1])?.[1],
  }));
}

/**
 * `python -m pip download --no-deps --index-url <simple> <requirement>` with the pinned pip: the wheel with
 * `kind: 'wheel'`, the sdist with `kind: 'sdist'` (pip prepares its metadata in an isolated build environment whose
 * backend comes from PyPI, an extra index: the project itself exists only on the emulator).
 * Asynchronous on purpose: the emulator usually runs in this same process and must keep answering.
 */
export async function pipDownload(simpleUrl: string, requirement: string, kind: 'wheel' | 'sdist'): Promise<DistFile[]> {
  const dir = tempDir('pip-download-');
  const args = ['-m', 'pip', 'download', '--isolated', '--no-deps', '--no-cache-dir',
    '--index-url', simpleUrl, '-d', dir,
    ...(kind === 'wheel' ? ['--only-binary', ':all:'] : ['--no-binary', requirement.split(/[=<>!~;[ ]/)[0], '--extra-index-url', 'https://pypi.org/simple']),
    requirement];
  const { stdout } = await promisify(execFile)(tool('python'), args, { encoding: 'utf8', timeout: 180_000, env: toolEnv() });
  recordOutput(`pip download ${requirement} (${kind})`, stdout, false);
  return readdirSync(dir).map((filename) => {
    const path = join(dir, filename);
    return { filename, path, sha256: sha256File(path), size: 0 };
  });
}

/**
 * `uv pip install --no-deps name==version` from the index into a fresh virtual environment, the wheel (`kind:
 * 'wheel'`) or built from the sdist (`kind: 'sdist'`; its build backend comes from PyPI, the default index, while the
 * project itself can only come from the index under test, uv's first index). uv checks each file against the sha256
 * the index lists. Returns the version the environment then reports for the distribution.
 */
export async function uvInstall(simpleUrl: string, name: string, version: string, kind: 'wheel' | 'sdist'): Promise<string> {
  const venv = tempDir('uv-install-');
  const run = async (command: string, args: string[]) => {
    const r = await promisify(execFile)(command, args, { encoding: 'utf8', timeout: 180_000, env: toolEnv() });
    recordOutput(`${command} ${args[0]} (${name} ${kind})`, `${r.stdout}\n${r.stderr}`, false);
    return r.stdout;
  };
  await run(tool('uv'), ['venv', '--quiet', '--python', installedPython(), venv]);
  await run(tool('uv'), ['pip', 'install', '--python', join(venv, 'bin', 'python'), '--no-deps', '--no-cache',
    '--index', simpleUrl, '--default-index', 'https://pypi.org/simple',
    kind === 'wheel' ? '--only-binary' : '--no-binary', name, `${name}==${version}`]);
  const script = `import importlib.metadata as m; print(m.version(${JSON.stringify(name)}))`;
  return (await run(join(venv, 'bin', 'python'), ['-c', script])).trim();
}
