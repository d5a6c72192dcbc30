import { bypassesProxy, proxyFor } from '../../src/kit/http';

const u = (s: string) => new URL(s);

describe('proxy selection', () => {
  test('https URLs use https_proxy / HTTPS_PROXY (lower case first), http URLs http_proxy / HTTP_PROXY', () => {
    expect(proxyFor(u('https://pypi.org/'), { HTTPS_PROXY: 'http://up:1', https_proxy: 'http://low:1' })).toBe('http://low:1');
    expect(proxyFor(u('https://pypi.org/'), { HTTPS_PROXY: 'http://up:1' })).toBe('http://up:1');
    expect(proxyFor(u('https://pypi.org/'), { HTTP_PROXY: 'http://plain:1' })).toBeUndefined();
    expect(proxyFor(u('http://127.0.0.1:5/'), { HTTP_PROXY: 'http://plain:1' })).toBe('http://plain:1');
    expect(proxyFor(u('http://127.0.0.1:5/'), { HTTPS_PROXY: 'http://up:1' })).toBeUndefined();
    expect(proxyFor(u('https://pypi.org/'), { HTTPS_PROXY: '  ' })).toBeUndefined();
  });

  test.each([
    ['https://pypi.org/', '*', true],
    ['https://pypi.org/', 'pypi.org', true],
    ['https://upload.pypi.org/', 'pypi.org', true],
    ['https://upload.pypi.org/', '.pypi.org', true],
    ['https://upload.pypi.org/', '*.pypi.org', true],
    ['https://notpypi.org/', 'pypi.org', false],
    ['https://pypi.org/', 'example.com, PYPI.ORG', true],
    ['https://pypi.org/', 'pypi.org:443', true],
    ['https://pypi.org/', 'pypi.org:8443', false],
    ['http://127.0.0.1:8080/', '127.0.0.1', true],
    ['http://127.0.0.1:8080/', '127.0.0.1:8080', true],
    ['http://127.0.0.1:8080/', '127.0.0.2', false],
    ['http://[::1]:8080/', '[::1]', true],
    ['http://[::1]:8080/', '::1', true],
    ['https://pypi.org/', '', false],
  ])('%s with NO_PROXY=%p bypasses: %p', (url, noProxy, expected) => {
    expect(bypassesProxy(u(url), noProxy)).toBe(expected);
    expect(proxyFor(u(url), { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy }) === undefined).toBe(expected);
  });
});
