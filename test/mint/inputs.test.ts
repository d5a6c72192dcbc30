import { readInput } from '../../src/kit/inputs';
import { parseAudience, parseExportEnv, readInputs, resolveIndexUrl } from '../../src/mint/inputs';
import { ActionFailure } from '../../src/mint/messages';

const pypi = resolveIndexUrl('');
const testpypi = resolveIndexUrl('https://test.pypi.org/legacy/');
const custom = resolveIndexUrl('http://127.0.0.1:1/legacy/');

function failureOf(fn: () => unknown): ActionFailure {
  try {
    fn();
  } catch (err) {
    if (err instanceof ActionFailure) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('inputs', () => {
  test('GitHub keeps the hyphen in INPUT_ names; the underscore spelling works too', () => {
    expect(readInput({ 'INPUT_INDEX-URL': ' https://x/ ' }, 'index-url')).toBe('https://x/');
    expect(readInput({ INPUT_INDEX_URL: 'https://y/' }, 'index-url')).toBe('https://y/');
    expect(readInput({}, 'export-env')).toBe('');
  });

  test('defaults: PyPI, discovered audience, nothing exported', () => {
    const inputs = readInputs({});
    expect(inputs.index.uploadUrl).toBe('https://upload.pypi.org/legacy/');
    expect(inputs.audience).toBeUndefined();
    expect(inputs.exportEnv).toEqual([]);
  });

  test.each([['pypi'], ['testpypi'], ['https://example.com/aud']])('accepts audience %p', (aud) => {
    expect(parseAudience(aud)).toBe(aud);
  });

  test.each([['two words'], ['x'.repeat(300)], ['tab\there'], ['nul\u0000'], ['pypi&audience=evil'], ['pypi#x'], ['pypi?x=1'], ['-pypi']])('refuses audience %p', (aud) => {
    expect(failureOf(() => parseAudience(aud)).code).toBe('invalid-input');
  });

  test.each([
    ['', pypi, []],
    ['twine', pypi, [{ tool: 'twine' }]],
    [' Twine , UV ', pypi, [{ tool: 'twine' }, { tool: 'uv' }]],
    ['twine\nuv twine', pypi, [{ tool: 'twine' }, { tool: 'uv' }]],
    ['poetry', pypi, [{ tool: 'poetry', poetryRepository: 'pypi' }]],
    ['poetry', testpypi, [{ tool: 'poetry', poetryRepository: 'testpypi' }]],
    ['poetry:staging_index', custom, [{ tool: 'poetry', poetryRepository: 'staging_index' }]],
    ['poetry,poetry:pypi', pypi, [{ tool: 'poetry', poetryRepository: 'pypi' }]],
  ])('export-env %p', (raw, index, expected) => {
    expect(parseExportEnv(raw, index)).toEqual(expected);
  });

  test.each([
    ['npm', pypi, /not a tool the action knows/],
    ['twine:x', pypi, /not a tool/],
    ['poetry:a:b', pypi, /not a tool/],
    ['poetry', custom, /poetry:<name>/],
    ['poetry:my-repo', custom, /letters, digits and _/],
    ['GITHUB_TOKEN', pypi, /not a tool/],
  ])('refuses export-env %p', (raw, index, why) => {
    const failure = failureOf(() => parseExportEnv(raw, index));
    expect(failure.code).toBe('invalid-input');
    expect(failure.message).toMatch(why);
  });
});
