/**
 * The harness's building blocks against GitHub's documented rules: expressions, file commands, workflow commands
 * and masking, tag filters, sparse-checkout selection.
 */
import { parseFileCommand, StepOutputProcessor } from '../../src/rehearsal/commands';
import { condition, evaluate, ExpressionContext, interpolate, StrictContext } from '../../src/rehearsal/expressions';
import { selectCone, selectPatterns } from '../../src/rehearsal/repository-files';
import { filterPatternToRegExp } from '../../src/rehearsal/triggers';

const ctx = (jobFailed = false): ExpressionContext => ({
  jobFailed,
  contexts: {
    github: { ref: 'refs/tags/v1.0.0', event_name: 'push', event: { release: { tag_name: 'v1' } } },
    env: { NAME: 'World' },
    steps: new StrictContext('steps', { mint: { outputs: { 'api-token': 'tok' }, outcome: 'success', conclusion: 'success' } }),
    secrets: {},
  },
});

describe('expressions', () => {
  test('context paths, hyphenated names, case-insensitive keys, equality and logic', () => {
    expect(interpolate('${{ steps.mint.outputs.api-token }}', ctx())).toBe('tok');
    expect(interpolate('${{ ENV.name }}', ctx())).toBe('World');
    expect(evaluate("github.event_name == 'PUSH'", ctx())).toBe(true);
    expect(evaluate("github.event_name != 'push'", ctx())).toBe(false);
    expect(evaluate("!(github.event_name != 'push') && 'yes'", ctx())).toBe('yes');
    expect(evaluate('secrets.MISSING', ctx())).toBeNull();
    expect(interpolate('[${{ secrets.MISSING }}]', ctx())).toBe('[]');
    expect(evaluate("secrets.MISSING || 'fallback'", ctx())).toBe('fallback');
    expect(() => evaluate('steps.other.outputs.x', ctx())).toThrow(/has no 'other'/);
  });

  test('what no generated workflow uses is refused, not guessed', () => {
    expect(() => evaluate("startsWith(github.ref, 'refs/tags/')", ctx())).toThrow(/function 'startsWith' is not supported/);
    expect(() => evaluate("format('{0}', env.NAME)", ctx())).toThrow(/function 'format' is not supported/);
    expect(() => evaluate('toJSON(github)', ctx())).toThrow(/function 'toJSON' is not supported/);
    expect(() => evaluate("hashFiles('*.lock')", ctx())).toThrow(/function 'hashFiles' is not supported/);
    expect(() => evaluate("steps.mint.outputs['api-token']", ctx())).toThrow(/cannot parse/);
    expect(() => evaluate('github.run_number < 2', ctx())).toThrow(/cannot parse/);
  });

  test('if: gets an implicit success() unless it calls a status function', () => {
    expect(condition(undefined, ctx())).toBe(true);
    expect(condition(undefined, ctx(true))).toBe(false);
    expect(condition("github.event_name == 'push'", ctx(true))).toBe(false);
    expect(condition('${{ always() }}', ctx(true))).toBe(true);
    expect(condition('failure()', ctx(true))).toBe(true);
    expect(condition('!cancelled()', ctx(true))).toBe(true);
    expect(() => condition('a ${{ always() }}', ctx())).toThrow(/mixes text/);
  });
});

describe('file and workflow commands', () => {
  test('GITHUB_OUTPUT: name=value and heredocs; later names win; a missing delimiter is an error', () => {
    expect(parseFileCommand('a=1\nb<<EOF\nx\ny\nEOF\na=2\n', 'GITHUB_OUTPUT')).toEqual({ a: '2', b: 'x\ny' });
    expect(parseFileCommand('url=https://x/?a=b\n', 'GITHUB_OUTPUT')).toEqual({ url: 'https://x/?a=b' });
    expect(() => parseFileCommand('b<<EOF\nx\n', 'GITHUB_OUTPUT')).toThrow(/matching delimiter/);
  });

  test('add-mask hides the value from that line on (never the command line itself); annotations unescape', () => {
    const masks = new Set<string>();
    const p = new StepOutputProcessor(masks, 's');
    p.feed('before sekrit-value\n::add-mask::sekrit-value\nafter sekrit-value\n::error title=T%3A1::line%0Atwo sekrit-value\n');
    expect(p.shown).toEqual(['before sekrit-value', 'after ***', '##[error]T:1: line\ntwo ***']);
    expect(p.annotations).toEqual([{ level: 'error', title: 'T:1', message: 'line\ntwo ***', step: 's' }]);
    expect(masks.has('sekrit-value')).toBe(true);
  });

  test('stop-commands suspends command processing; set-env is disabled and fails the step', () => {
    const p = new StepOutputProcessor(new Set(), 's');
    p.feed('::stop-commands::tok\n::add-mask::x\n::tok::\n::set-env name=A::b\n');
    expect(p.shown).toEqual(['::add-mask::x', '##[error]The `set-env` command is disabled.']);
    expect(p.disabledCommand).toBe('set-env');
  });
});

describe('tag filters', () => {
  test.each([
    ['v[0-9]+.[0-9]+.[0-9]+*', 'v1.2.3', true],
    ['v[0-9]+.[0-9]+.[0-9]+*', 'v10.20.30rc1', true],
    ['v[0-9]+.[0-9]+.[0-9]+*', '1.2.3', false],
    ['[0-9]+.[0-9]+.[0-9]+*', '1.2.3', true],
    ['v*', 'v1/x', false],
    ['v**', 'v1/x', true],
    ['v1.?', 'v1', true],
    ['v1.?', 'v12', false],
  ])('%s matches %s: %s', (pattern, tag, expected) => {
    expect(filterPatternToRegExp(pattern).test(tag)).toBe(expected);
  });
});

describe('sparse checkout selection', () => {
  const files = ['README.md', 'pyproject.toml', '.github/a.yml', '.github/actions/pypi-mint/action.yml',
    '.github/actions/pypi-mint/index.cjs', '.github/actions/other/action.yml', 'src/x.py', 'docs/README.md'];

  test('cone mode: root files, files directly in ancestors, everything under the listed directories', () => {
    expect(selectCone(files, ['.github/actions/pypi-mint'])).toEqual([
      'README.md', 'pyproject.toml', '.github/a.yml', '.github/actions/pypi-mint/action.yml', '.github/actions/pypi-mint/index.cjs',
    ]);
  });

  test('non-cone patterns: anchored directories and files, globs within a segment', () => {
    expect(selectPatterns(files, ['/.github/actions/pypi-mint/'])).toEqual(['.github/actions/pypi-mint/action.yml', '.github/actions/pypi-mint/index.cjs']);
    expect(selectPatterns(files, ['/pyproject.toml', '/README*'])).toEqual(['README.md', 'pyproject.toml']);
    expect(selectPatterns(files, ['README*'])).toEqual(['README.md', 'docs/README.md']);
    expect(() => selectPatterns(files, ['!src/'])).toThrow(/beyond/);
  });
});
