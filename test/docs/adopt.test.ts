/**
 * docs/adopt.md as written, on an existing repository (hatchling, a `src/` layout, a two-part version, its own README,
 * .gitignore and .gitattributes, its own tests): every command block runs; the project's files stay as they were;
 * the release workflow, the actions and projen's files appear; the sdist the project builds carries none of them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { adoptByTheDocs, rehearsalEnv } from '../support/adopt';
import { recordOutput } from '../support/leaks';
import { packNpm } from '../support/local-package';
import { sdistMembers } from '../support/sdist';
import { requireTool, tool, toolEnv } from '../support/tools';

const PYPROJECT = `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "example"
version = "2024.1"
description = "An existing project"
readme = "README.md"
requires-python = ">=3.9"

[project.urls]
Source = "https://github.com/octo-org/example"
`;

const EXISTING: Record<string, string> = {
  'pyproject.toml': PYPROJECT,
  'README.md': '# example\n\nAn existing project.\n',
  '.gitignore': '.venv/\n/site/\n',
  '.gitattributes': '.git_archival.txt export-subst\n',
  '.git_archival.txt': 'node: $Format:%H$\n',
  'src/example/__init__.py': '"""example."""\nGREETING = "hello"\n',
  'tests/test_example.py': 'import example\n\n\ndef test_greeting():\n    assert example.GREETING == "hello"\n',
};

const GIT_ENV = { GIT_AUTHOR_NAME: 'Octo', GIT_AUTHOR_EMAIL: 'octo@example.com', GIT_COMMITTER_NAME: 'Octo', GIT_COMMITTER_EMAIL: 'octo@example.com' };

test('docs/adopt.md adopts PypiRelease in an existing repository and keeps its files', async () => {
  if (!requireTool('uv')) return;
  const dir = tempDir('adopt-doc-');
  for (const [path, text] of Object.entries(EXISTING)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // projen logs nothing inside a jest worker; the reader's shell is not one
  const { JEST_WORKER_ID: _worker, NODE_ENV: _nodeEnv, ...machine } = process.env;
  const env = rehearsalEnv({ ...machine, ...GIT_ENV });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-q', '-m', 'existing project'], { cwd: dir, env });
  const sdistBefore = buildSdist(dir);

  const result = await adoptByTheDocs({
    dir,
    tarball: packNpm(tempDir('adopt-pack-')),
    name: 'example',
    moduleName: 'example',
    repository: 'octo-org/example',
    readme: 'README.md',
    ignores: ['.venv/', '/site/'],
    attributes: [['.git_archival.txt', 'export-subst']],
    env,
    version: '2024.1',
  });
  recordOutput('docs/adopt.md run', result.outputs.map((o) => o.output).join('\n'), false);
  expect(result.rehearsal?.output).toMatch(/publish/i);

  // synth asked for hatchling's exclusion, and is quiet once it is there
  expect(result.outputs.map((o) => o.output).join('\n')).toContain('(build backend hatchling): add to pyproject.toml');
  expect(result.sdistAdvice?.file).toBe('pyproject.toml');
  expect(result.sdistAdvice?.lines[0]).toBe('[tool.hatch.build.targets.sdist]');
  expect(result.finalSynth).not.toContain('out of your sdist');
  // the project's own files: unchanged, or (ignore / attribute files) still carrying its lines
  for (const path of ['README.md', 'src/example/__init__.py', 'tests/test_example.py', '.git_archival.txt']) {
    expect([path, readFileSync(join(dir, path), 'utf8')]).toEqual([path, EXISTING[path]]);
  }
  expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8').startsWith(PYPROJECT)).toBe(true);
  const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8').split('\n');
  expect(gitignore).toEqual(expect.arrayContaining(['.venv/', '/site/', '/node_modules/']));
  expect(readFileSync(join(dir, '.gitattributes'), 'utf8')).toMatch(/^\/?\.git_archival\.txt export-subst$/m);
  // nothing projen would otherwise add to a Python project
  for (const path of ['requirements.txt', 'requirements-dev.txt', 'example/__init__.py', 'tests/__init__.py', 'tests/test_example_pkg.py', '.venv']) {
    expect([path, existsSync(join(dir, path))]).toEqual([path, false]);
  }
  // what it adds
  for (const path of ['.projen/tasks.json', '.github/workflows/release.yml', '.github/actions/pypi-mint/action.yml', '.github/actions/pypi-attest/action.yml', 'tsconfig.projen.json', 'package-lock.json']) {
    expect([path, existsSync(join(dir, path))]).toEqual([path, true]);
  }
  // committed, and nothing left over (the rehearsal leaves the tree as it was)
  expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
  expect(execFileSync('git', ['ls-files'], { cwd: dir, encoding: 'utf8' })).not.toMatch(/^node_modules\//m);
  // the sdist: the same files as before adoption
  expect(buildSdist(dir)).toEqual(sdistBefore);
}, 900_000);

function buildSdist(dir: string): string[] {
  const out = tempDir('adopt-sdist-');
  execFileSync(tool('uv'), ['build', '--sdist', '--out-dir', out, dir], { env: toolEnv(), stdio: 'pipe' });
  return sdistMembers(out).filter((m) => m !== 'PKG-INFO');
}
