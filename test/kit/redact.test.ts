import { Redactor } from '../../src/kit/redact';

describe('redaction of text the action did not write', () => {
  const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"aud":"pypi"}').toString('base64url')}.${'s'.repeat(40)}`;

  test('removes registered secrets in their common encodings', () => {
    const r = new Redactor();
    r.add('request-token-123456');
    const text = `a request-token-123456 b ${Buffer.from('request-token-123456').toString('base64')} c ${encodeURIComponent('request-token-123456')}`;
    expect(r.redact(text)).toBe('a *** b *** c ***');
  });

  test('removes anything shaped like a JWT, a pypi- token or URL credentials, even unregistered', () => {
    const r = new Redactor();
    expect(r.redact(`echo ${jwt} and pypi-AgEIcHlwaS5vcmcCJGQ0ZjQ5Y2FiLWUzNTgtNDQ4Yi1hYjY2 and https://user:pw@proxy:3128/`))
      .toBe('echo *** and pypi-*** and https://***@proxy:3128/');
  });

  test('keeps project names that start with pypi-', () => {
    const r = new Redactor();
    expect(r.redact('https://pypi.org/manage/project/pypi-mint-sample/settings/publishing/'))
      .toBe('https://pypi.org/manage/project/pypi-mint-sample/settings/publishing/');
  });

  test('drops control characters and caps the length', () => {
    const r = new Redactor();
    expect(r.redact('a\u0000b\u001b[31mc\rd')).toBe('a b [31mc d');
    expect(r.redact('x'.repeat(50), 10)).toBe('xxxxxxxxxx… (40 more characters cut)');
  });
});
