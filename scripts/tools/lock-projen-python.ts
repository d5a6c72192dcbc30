/**
 * `npx projen projen-py:lock`: writes scripts/tools/requirements/projen.txt, the hash-locked set the `.projenrc.py`
 * tests install: projen's Python package at the exact version of the npm `projen` this repository builds with
 * (package.json devDependencies), with its full dependency closure, resolved by the pinned uv for every Python from
 * 3.10 on, wheels only, every file's sha256. Installing it with `--require-hashes --only-binary :all:` can neither
 * pick another file nor build anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOL_VERSIONS } from '../../src/pins';
import { PROJEN_PY_LOCK, PYPI_SIMPLE, REPO_ROOT, isolatedPythonEnv, projenNpmVersion } from '../../test/support/projen-python';

/** The pinned uv, in a throwaway environment under .cache/ (it only resolves; nothing here runs it later). */
function lockingUv(): string {
  const venv = join(REPO_ROOT, '.cache', `lock-uv-${TOOL_VERSIONS.uv}`);
  const uv = join(venv, 'bin', 'uv');
  if (!existsSync(uv)) {
    execFileSync(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv], { stdio: 'inherit', env: isolatedPythonEnv() });
    execFileSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--index-url', PYPI_SIMPLE,
      `uv==${TOOL_VERSIONS.uv}`], { stdio: 'inherit', env: isolatedPythonEnv() });
  }
  return uv;
}

const work = mkdtempSync(join(tmpdir(), 'projen-py-lock-'));
try {
  const input = join(work, 'projen.in');
  writeFileSync(input, `projen==${projenNpmVersion()}\n`);
  execFileSync(lockingUv(), ['pip', 'compile', '--quiet', '--no-config', '--universal', '--python-version', '3.10',
    '--only-binary', ':all:', '--emit-build-options', '--generate-hashes', '--default-index', PYPI_SIMPLE,
    '--custom-compile-command', 'npx projen projen-py:lock', '--output-file', join(REPO_ROOT, PROJEN_PY_LOCK), input],
  { cwd: work, stdio: 'inherit', env: isolatedPythonEnv() });
  process.stdout.write(`${PROJEN_PY_LOCK}: projen==${projenNpmVersion()}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
