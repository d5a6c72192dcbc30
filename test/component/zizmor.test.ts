/**
 * The zizmor harness itself: it reports what zizmor finds (so "no findings" elsewhere means something), honours an
 * inline ignore, and audits many files in one run.
 */
import { zizmorFindings } from './zizmor';

const workflow = (uses: string) => [
  'name: t', 'on:', '  push:', '    tags: ["v*"]', 'permissions: {}', 'concurrency:', '  group: t', 'jobs:', '  t:', '    name: t', '    runs-on: ubuntu-latest',
  '    permissions: {}', '    steps:', '      - name: step', `        uses: ${uses}`, '',
].join('\n');

test('zizmor reports an action named by tag and a ./ reference, each in its own file, in one run', () => {
  const findings = zizmorFindings({ 'tag.yml': workflow('actions/setup-node@v7.0.0'), 'local.yml': workflow('./.github/actions/pypi-mint') }, 'regular');
  expect(findings).toEqual(expect.arrayContaining([
    expect.stringMatching(/^tag\.yml:15 unpinned-uses \(High\)/),
    expect.stringMatching(/^local\.yml:\d+ self-repository \(Low\)/),
  ]));
});

test('an inline ignore keeps the finding out, and the $/ form has none', () => {
  const ignored = workflow('./.github/actions/pypi-mint # zizmor: ignore[self-repository] runners without $/');
  expect(zizmorFindings({ 'ignored.yml': ignored, 'self.yml': workflow('$/.github/actions/pypi-mint') }, 'pedantic')).toEqual([]);
});
