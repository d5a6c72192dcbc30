import { encodedForms, findLeaks } from './support/leaks';

const token = 'pypi-AgEIcHlwaS5vcmcCJGQ0ZjQ5Y2FiLWUzNTgtNDQ4Yi1hYjY2LTE1YjhhNzJmYjFlMQACKlszLCJmM2I1';
const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL3Rva2VuIiwiYXVkIjoicHlwaSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

describe('leak scanner', () => {
  test.each([...encodedForms(token)].map(([form, name]) => [name, form]))('finds the %s form of a token', (_name, form) => {
    expect(findLeaks('t', `log line ${form} trailing`, true, [token]).length).toBeGreaterThan(0);
  });

  test('finds a JWT by shape even when nobody registered it', () => {
    expect(findLeaks('t', `value: ${jwt}`, true)).toEqual([expect.objectContaining({ form: 'JWT shape' })]);
  });

  test('allows a secret only inside ::add-mask:: on stdout', () => {
    expect(findLeaks('t', `::add-mask::${token}\n::add-mask::${jwt}\nminted ok`, true, [token, jwt])).toEqual([]);
    expect(findLeaks('summary', `::add-mask::${token}`, false, [token]).length).toBeGreaterThan(0);
  });

  test('does not flag ordinary output', () => {
    expect(findLeaks('t', 'uploading projen-pypi-mint-demo-0.1.0.tar.gz to https://upload.pypi.org/legacy/', true)).toEqual([]);
  });
});
