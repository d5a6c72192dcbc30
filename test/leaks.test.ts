/**
 * The leak scanner every test relies on (test/support/leaks.ts): each encoded form of a token and of a JWT (plain,
 * base64, base64url, URL-encoded, JSON-escaped, Basic-auth header) is found wherever it sits in captured output,
 * `::add-mask::` on stdout is the only exemption, credential shapes are caught unregistered, and ordinary output
 * is left alone.
 */
import { fakeJwt, fakePypiToken, runnerClaims } from './support/hostile-server';
import { encodedForms, findLeaks } from './support/leaks';

const token = fakePypiToken();
const jwt = fakeJwt(runnerClaims('pypi'));

describe('the scanner finds every form, wherever it sits', () => {
  const contexts: Array<[string, (form: string) => string]> = [
    ['a log line', (f) => `uploading with ${f} now`],
    ['a JSON body', (f) => JSON.stringify({ debug: { sent: f } })],
    ['a URL query', (f) => `GET https://example.test/x?token=${f}&y=1`],
    ['an HTTP header', (f) => `Authorization: Basic ${f}\r\nHost: x`],
    ['an annotation', (f) => `::error title=Mint failed::server said ${f}%0Amore`],
    ['the end of the text', (f) => `...${f}`],
  ];
  for (const [kind, secret] of [['token', token], ['JWT', jwt]] as const) {
    const forms = [...encodedForms(secret)];
    test.each(forms.flatMap(([form, name]) => contexts.map(([where, wrap]) => [name, where, wrap(form)] as const)))(
      `${kind}: %s in %s`, (_name, _where, text) => {
        expect(findLeaks('t', text, true, [secret]).length).toBeGreaterThan(0);
      });
  }

  test('the forms include the Basic-auth header of __token__:<token> that uploaders send', () => {
    const header = Buffer.from(`__token__:${token}`).toString('base64');
    expect([...encodedForms(token)].map(([f]) => f)).toContain(header);
  });

  test('::add-mask:: is exempt on stdout only, and only on its own line', () => {
    expect(findLeaks('stdout', `::add-mask::${token}`, true, [token])).toEqual([]);
    expect(findLeaks('summary', `::add-mask::${token}`, false, [token]).length).toBeGreaterThan(0);
    expect(findLeaks('stdout', `note ::add-mask::${token}`, true, [token]).length).toBeGreaterThan(0);
  });

  test('shapes are caught even when nobody registered them', () => {
    expect(findLeaks('t', `x ${fakePypiToken()} y`, true).map((l) => l.form)).toContain('pypi token shape');
    expect(findLeaks('t', `x ${fakeJwt(runnerClaims('other'))} y`, true).map((l) => l.form)).toContain('JWT shape');
  });
});

test('the scanner does not flag ordinary output', () => {
  expect(findLeaks('t', 'uploading projen-pypi-mint-demo-0.1.0.tar.gz to https://upload.pypi.org/legacy/', true)).toEqual([]);
});
