import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import {
  PYPI, TESTPYPI, audienceForHost, knownIndexForHost, normalizeProjectName,
  pendingPublisherUrl, poetryEnvName, projectPageUrl, projectPublishingUrl, publisherFormFields, splitRepository,
  UPLOADER_NAMES, uploaderEnv, webRootForUploadUrl,
} from '../../src/pypi';

describe('hosts', () => {
  test('PyPI is the default, and both its hosts are PyPI', () => {
    expect(PYPI.uploadUrl).toBe('https://upload.pypi.org/legacy/');
    expect(knownIndexForHost('upload.pypi.org')).toBe(PYPI);
    expect(knownIndexForHost('PyPI.org')).toBe(PYPI);
    expect(knownIndexForHost('test.pypi.org')).toBe(TESTPYPI);
    expect(knownIndexForHost('pypi.example.org')).toBeUndefined();
  });

  test('the OIDC audience per known host; none for others', () => {
    expect(audienceForHost('upload.pypi.org')).toBe('pypi');
    expect(audienceForHost('pypi.org')).toBe('pypi');
    expect(audienceForHost('test.pypi.org')).toBe('testpypi');
    expect(audienceForHost('127.0.0.1')).toBeUndefined();
  });

  test('upload host -> web root', () => {
    expect(webRootForUploadUrl('https://upload.pypi.org/legacy/')).toBe('https://pypi.org');
    expect(webRootForUploadUrl('https://test.pypi.org/legacy/')).toBe('https://test.pypi.org');
    expect(webRootForUploadUrl('https://upload.example.org/legacy/')).toBe('https://example.org');
    expect(webRootForUploadUrl(new URL('http://127.0.0.1:8080/legacy/'))).toBe('http://127.0.0.1:8080');
  });
});

describe('trusted-publisher form', () => {
  test('four fields in the form\'s order, with its labels', () => {
    expect(publisherFormFields({ owner: 'octo-org', repositoryName: 'demo', workflowFileName: 'release.yml' })).toEqual([
      ['Owner', 'octo-org'], ['Repository name', 'demo'], ['Workflow name', 'release.yml'], ['Environment name', undefined],
    ]);
  });

  test('the pages', () => {
    expect(projectPageUrl(PYPI.webUrl, 'demo')).toBe('https://pypi.org/p/demo');
    expect(projectPublishingUrl(PYPI.webUrl, 'demo')).toBe('https://pypi.org/manage/project/demo/settings/publishing/');
    expect(pendingPublisherUrl(TESTPYPI.webUrl)).toBe('https://test.pypi.org/manage/account/publishing/');
  });

  test('owner/name split', () => {
    expect(splitRepository('octo-org/demo.py')).toEqual({ owner: 'octo-org', repositoryName: 'demo.py' });
    expect(splitRepository('demo')).toEqual({ repositoryName: 'demo' });
  });
});

test('PEP 503 normalisation', () => {
  expect(normalizeProjectName('Foo.Bar__baz--Qux')).toBe('foo-bar-baz-qux');
  expect(normalizeProjectName('sample')).toBe('sample');
});

describe('uploader environment', () => {
  const url = 'https://upload.example.org/legacy/';

  test('each tool: the token in exactly one secret variable, the URL in a plain one', () => {
    for (const tool of UPLOADER_NAMES) {
      const vars = uploaderEnv(tool, 'pypi-T', url, { poetryRepository: 'upload' });
      expect(vars.filter((v) => v.secret).map((v) => v.value)).toEqual(['pypi-T']);
      expect(vars.filter((v) => !v.secret).map((v) => v.value)).toContain(url);
      expect(vars.filter((v) => !v.secret).every((v) => v.value === url || v.value === '__token__')).toBe(true);
    }
  });

  test('poetry: pypi-token.<name> and repositories.<name>.url, as poetry 2 reads them', () => {
    expect(poetryEnvName('pypi-token.my-repo')).toBe('POETRY_PYPI_TOKEN_MY_REPO');
    expect(uploaderEnv('poetry', 'pypi-T', url, { poetryRepository: 'upload' })).toEqual([
      { name: 'POETRY_PYPI_TOKEN_UPLOAD', value: 'pypi-T', secret: true },
      { name: 'POETRY_REPOSITORIES_UPLOAD_URL', value: url, secret: false },
    ]);
    // without -r, poetry uploads to its built-in PyPI URL: the token is all it reads
    expect(uploaderEnv('poetry', 'pypi-T', PYPI.uploadUrl)).toEqual([{ name: 'POETRY_PYPI_TOKEN_PYPI', value: 'pypi-T', secret: true }]);
  });

  test('the names each tool reads', () => {
    const names = Object.fromEntries(UPLOADER_NAMES.map((tool) => [tool, uploaderEnv(tool, 't', url).map((v) => v.name)]));
    expect(names).toEqual({
      twine: ['TWINE_USERNAME', 'TWINE_PASSWORD', 'TWINE_REPOSITORY_URL'],
      uv: ['UV_PUBLISH_TOKEN', 'UV_PUBLISH_URL'],
      poetry: ['POETRY_PYPI_TOKEN_PYPI'],
      hatch: ['HATCH_INDEX_USER', 'HATCH_INDEX_AUTH', 'HATCH_INDEX_REPO'],
      pdm: ['PDM_PUBLISH_USERNAME', 'PDM_PUBLISH_PASSWORD', 'PDM_PUBLISH_REPO'],
      flit: ['FLIT_USERNAME', 'FLIT_PASSWORD', 'FLIT_INDEX_URL'],
      maturin: ['MATURIN_PYPI_TOKEN', 'MATURIN_REPOSITORY_URL'],
    });
  });
});

test('src/pypi imports nothing but itself (the action bundles it; jsii compiles it)', () => {
  const dir = join(__dirname, '..', '..', 'src', 'pypi');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/\bfrom '([^']+)'|require\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
    expect({ file, imports: imports.filter((i) => !i.startsWith('./')) }).toEqual({ file, imports: [] });
  }
});
