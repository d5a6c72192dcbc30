/** The fuzz property must be able to fail: each kind of bad run it exists to catch is caught. */
import { INJECTION_MARKER } from './arbitraries';
import { propertyProblems, type CaseRun } from './fuzz-property';
import { fakeJwt, fakePypiToken, runnerClaims } from '../../support/hostile-server';

const token = fakePypiToken();
const jwt = fakeJwt(runnerClaims('pypi'));
const output = (t: string) => `api-token<<ghadelimiter_1\n${t}\nghadelimiter_1\nexpires<<ghadelimiter_2\n1\nghadelimiter_2\n`;
const ok: CaseRun = { code: 0, stdout: `::add-mask::${jwt}\n::add-mask::${token}\nMinted`, outputFile: output(token), envFile: '', summary: 'ok' };
const refused: CaseRun = { code: 1, stdout: '::error title=Mint refused::The index answered HTTP 503.', outputFile: '', envFile: '', summary: 'failed' };
const ctx = { canonical: false, secrets: [token, jwt] };

describe('the fuzz property', () => {
  test('accepts a clean success and a clean failure', () => {
    expect(propertyProblems(ok, ctx)).toEqual([]);
    expect(propertyProblems(refused, ctx)).toEqual([]);
  });

  test.each<[string, CaseRun, RegExp]>([
    ['a token no server gave', { ...ok, outputFile: output(fakePypiToken()) }, /no server gave/],
    ['an exported null', { ...ok, outputFile: output('null') }, /without a valid pypi- token/],
    ['GITHUB_ENV written without export-env', { ...ok, envFile: 'X=1' }, /GITHUB_ENV written/],
    ['output written on failure', { ...refused, outputFile: output(token) }, /GITHUB_OUTPUT was written/],
    ['no annotation on failure', { ...refused, stdout: 'failed' }, /0 ::error annotations/],
    ['a stack trace', { ...refused, stderr: 'TypeError: x\n    at run (/a/index.cjs:1:2)' }, /stack trace on stderr/],
    ['a crash exit code', { ...refused, code: 134 }, /exit code 134/],
    ['the JWT in the log', { ...refused, stdout: `${refused.stdout}\nsent ${jwt}` }, /leak/],
    ['the token base64-encoded in the summary', { ...refused, summary: Buffer.from(token).toString('base64') }, /leak/],
    ['server text starting a line', { ...refused, stdout: `${refused.stdout}\n${INJECTION_MARKER} owned` }, /started a line/],
    ['a stray workflow command', { ...refused, stdout: `${refused.stdout}\n::set-output name=api-token::x` }, /unexpected workflow command/],
    ['a legacy command inside a line', { ...refused, stdout: `${refused.stdout} ##[set-output name=api-token;]x` }, /legacy ##\[ command/],
    ['a command after leading whitespace', { ...refused, stdout: `${refused.stdout}\n  ::warning::x` }, /after leading whitespace/],
    ['a server link in the summary', { ...refused, summary: `see [here](https://evil.example/${INJECTION_MARKER})` }, /renders live in the step summary/],
  ])('catches %s', (_name, run, problem) => {
    expect(propertyProblems(run, ctx).join('\n')).toMatch(problem);
  });

  test('a refused well-formed answer is a problem', () => {
    expect(propertyProblems(refused, { ...ctx, canonical: true }).join('\n')).toMatch(/well-formed answer was refused/);
  });
});
