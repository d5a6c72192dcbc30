/**
 * docs/migrate-from-token-mint-action.md says what it shows:
 * - the drop-in workflow is the README workflow of tschm/token-mint-action with only its `uses:` line changed, and
 *   that line names this package's mint step, whose inputs and outputs cover what the workflow uses;
 * - the page's `.projenrc.ts`, run as written (this package's source for `projen-pypi-mint`), synthesizes a
 *   workflow whose build job has exactly the version steps the page shows.
 * (Every block is also checked by examples.test.ts: types, Python API, actionlint.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import type { Workflow, WorkflowStep } from '../../src/rehearsal/types';

const ROOT = join(__dirname, '..', '..');
const PAGE = readFileSync(join(ROOT, 'docs', 'migrate-from-token-mint-action.md'), 'utf8');

function blocks(lang: string): string[] {
  return [...PAGE.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]);
}

describe('only the uses: line changes', () => {
  const [original, dropIn] = blocks('yml');

  test('the two workflows differ in exactly that line', () => {
    const a = original.split('\n');
    const b = dropIn.split('\n');
    expect(b).toHaveLength(a.length);
    const changed = a.map((line, i) => [line, b[i]]).filter(([x, y]) => x !== y);
    expect(changed).toEqual([['        uses: tschm/token-mint-action@v1.0.3', '        uses: $/.github/actions/pypi-mint']]);
  });

  test('the mint step it names has the inputs it is given and the outputs the workflow reads', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
    // the seed action's one input, for workflows that set it
    expect(Object.keys(action.inputs)).toContain('audience');
    const workflow = parse(dropIn) as Workflow;
    const steps = workflow.jobs.deploy.steps!;
    const mint = steps.find((s) => s.uses === '$/.github/actions/pypi-mint')!;
    for (const input of Object.keys(mint.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
    const read = [...dropIn.matchAll(/steps\.mint\.outputs\.([a-z-]+)/g)].map((m) => m[1]);
    expect(read).toEqual(['api-token']);
    for (const output of read) expect(Object.keys(action.outputs)).toContain(output);
  });
});

test('the page\'s .projenrc.ts synthesizes the version steps the page shows', () => {
  const [projenrc] = blocks('ts');
  const dir = tempDir('migrate-projenrc-');
  writeFileSync(join(dir, '.projenrc.ts'), projenrc.replace("from 'projen-pypi-mint'", `from '${join(ROOT, 'src')}'`));
  const r = spawnSync(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), '.projenrc.ts'], {
    cwd: dir, encoding: 'utf8', env: { ...process.env, PROJEN_DISABLE_POST: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.dev.json'), NODE_PATH: join(ROOT, 'node_modules') },
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  const workflow = parse(readFileSync(join(dir, '.github', 'workflows', 'release.yml'), 'utf8')) as Workflow;
  const build = workflow.jobs.build.steps!;
  const shown = parse(blocks('yaml')[0]) as WorkflowStep[];
  const at = build.findIndex((s) => s.id === shown[0].id);
  expect(build.slice(at, at + shown.length)).toEqual(shown);
  expect(workflow.on).toEqual({ push: { tags: ['[0-9]+.[0-9]+.[0-9]'] } });
  expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
});
