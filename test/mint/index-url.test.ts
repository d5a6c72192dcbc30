import { isLoopbackHost } from '../../src/kit/inputs';
import { resolveIndexUrl } from '../../src/mint/inputs';
import { ActionFailure } from '../../src/mint/messages';

describe('index-url', () => {
  test.each([
    ['', 'https://upload.pypi.org', 'https://upload.pypi.org/legacy/', 'https://pypi.org', 'pypi'],
    ['https://upload.pypi.org/legacy/', 'https://upload.pypi.org', 'https://upload.pypi.org/legacy/', 'https://pypi.org', 'pypi'],
    ['https://upload.pypi.org/legacy', 'https://upload.pypi.org', 'https://upload.pypi.org/legacy/', 'https://pypi.org', 'pypi'],
    ['https://pypi.org', 'https://pypi.org', 'https://upload.pypi.org/legacy/', 'https://pypi.org', 'pypi'],
    ['https://test.pypi.org/legacy/', 'https://test.pypi.org', 'https://test.pypi.org/legacy/', 'https://test.pypi.org', 'testpypi'],
    ['https://TEST.pypi.org/', 'https://test.pypi.org', 'https://test.pypi.org/legacy/', 'https://test.pypi.org', 'testpypi'],
    ['http://127.0.0.1:8080/legacy/', 'http://127.0.0.1:8080', 'http://127.0.0.1:8080/legacy/', 'http://127.0.0.1:8080', 'custom'],
    ['http://localhost:9/', 'http://localhost:9', 'http://localhost:9/legacy/', 'http://localhost:9', 'custom'],
    ['http://[::1]:9/legacy/', 'http://[::1]:9', 'http://[::1]:9/legacy/', 'http://[::1]:9', 'custom'],
    ['  https://pypi.example.com/  ', 'https://pypi.example.com', 'https://pypi.example.com/legacy/', 'https://pypi.example.com', 'custom'],
  ])('%p -> endpoints at %s', (input, origin, uploadUrl, webOrigin, kind) => {
    const index = resolveIndexUrl(input);
    expect(index).toMatchObject({ origin, uploadUrl, webOrigin, kind });
    expect(index.audienceUrl.href).toBe(`${origin}/_/oidc/audience`);
    expect(index.mintUrl.href).toBe(`${origin}/_/oidc/mint-token`);
  });

  test.each([
    ['http://upload.pypi.org/legacy/', /non-loopback host 'upload.pypi.org'/],
    ['http://127.0.0.1.nip.io/legacy/', /non-loopback/],
    ['http://128.0.0.1/legacy/', /non-loopback/],
    ['ftp://upload.pypi.org/legacy/', /scheme 'ftp'/],
    ['file:///etc/passwd', /scheme 'file'/],
    ['javascript:alert(1)', /scheme 'javascript'/],
    ['https://__token__:pypi-x@upload.pypi.org/legacy/', /user name or password/],
    ['https://upload.pypi.org/legacy/\nX-Injected: 1', /control characters/],
    ['https://upload.pypi.org/leg acy/', /whitespace/],
    ['https://upload.pypi.org/legacy/?x=1', /query or a fragment/],
    ['https://upload.pypi.org/legacy/#frag', /query or a fragment/],
    ['https://pypi.org/simple/', /simple \(download\) index/],
    ['https://pypi.org/project/x/', /neither an upload URL/],
    [`https://${'a'.repeat(3000)}.example/legacy/`, /at most 2048/],
    ['upload.pypi.org/legacy/', /not an absolute URL/],
  ])('refuses %p', (input, why) => {
    let failure: unknown;
    try {
      resolveIndexUrl(input);
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(ActionFailure);
    expect((failure as ActionFailure).code).toBe('invalid-index-url');
    expect((failure as ActionFailure).message).toMatch(why);
  });

  test.each([['localhost', true], ['LOCALHOST', true], ['127.0.0.1', true], ['127.255.255.254', true], ['[::1]', true],
    ['::1', true], ['127.0.0.256', false], ['0.0.0.0', false], ['10.0.0.1', false], ['localhost.example.com', false],
    ['::ffff:127.0.0.1', false]])('loopback(%p) = %p', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('index-url look-alikes', () => {
  test.each([['https://pyp\u0456.org/legacy/'], ['http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:8080/legacy/'], ['https://bücher.example/legacy/']])('refuses non-ASCII %p', (input) => {
    expect(() => resolveIndexUrl(input)).toThrow(/non-ASCII/);
  });
});
