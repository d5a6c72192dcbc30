/**
 * `npx projen pins:lock`: writes the hash-locked requirement set of every tool in catalog.ts from the versions
 * pinned in src/component/pins.ts (and the test-only pins of catalog.ts). Each set is the tool's full dependency closure resolved by
 * `uv pip compile --universal` for every Python from LOCK_PYTHON_FLOOR on (Linux x86_64 included), wheels only,
 * with the sha256 of every wheel PyPI has for each pinned version: installing with `--require-hashes
 * --only-binary :all:` can then neither pick another file nor build anything.
 *
 * The uv that resolves is the pinned one: the installer's, or (before there is one) a throwaway copy in .cache/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LOCK_PYTHON_FLOOR, PYPI_SIMPLE, REPO_ROOT, TOOL_ENVIRONMENTS, isolatedEnv, toolCommand } from './catalog';
import { TOOL_VERSIONS } from '../../src/component/pins';

function lockingUv(): string {
  if (existsSync(toolCommand('uv'))) {
    const version = execFileSync(toolCommand('uv'), ['--version'], { encoding: 'utf8' });
    if (version.includes(` ${TOOL_VERSIONS.uv} `) || version.trim().endsWith(` ${TOOL_VERSIONS.uv}`)) return toolCommand('uv');
  }
  const venv = join(REPO_ROOT, '.cache', `lock-uv-${TOOL_VERSIONS.uv}`);
  const uv = join(venv, 'bin', 'uv');
  if (!existsSync(uv)) {
    execFileSync(process.env.PYTHON ?? 'python3', ['-m', 'venv', venv], { stdio: 'inherit', env: isolatedEnv() });
    execFileSync(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--index-url', PYPI_SIMPLE,
      `uv==${TOOL_VERSIONS.uv}`], { stdio: 'inherit', env: isolatedEnv() });
  }
  return uv;
}

/** `npx projen pins:lock [name...]`: every set, or only the named environments' (the others stay as they are). */
function main(only: string[]): void {
  const uv = lockingUv();
  const work = mkdtempSync(join(tmpdir(), 'pins-lock-'));
  try {
    for (const tool of TOOL_ENVIRONMENTS.filter((t) => only.length === 0 || only.includes(t.name))) {
      const input = join(work, `${tool.name}.in`);
      writeFileSync(input, `${(tool.inputs ?? [tool.requirement]).join('\n')}\n`);
      const output = join(REPO_ROOT, tool.lock);
      mkdirSync(dirname(output), { recursive: true });
      execFileSync(uv, ['pip', 'compile', '--quiet', '--no-config', '--universal',
        '--python-version', tool.pythonFloor ?? LOCK_PYTHON_FLOOR, '--only-binary', ':all:', '--emit-build-options', '--generate-hashes',
        '--default-index', PYPI_SIMPLE, '--custom-compile-command', 'npx projen pins:lock',
        '--output-file', output, input], { cwd: work, stdio: 'inherit', env: isolatedEnv() });
      process.stdout.write(`${tool.lock}: ${tool.requirement}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main(process.argv.slice(2));
