/**
 * Leak-proofing (docs/security.md, "The leak scanner"), two halves:
 * - the scanner: each encoded form of a token and of a JWT (plain, base64, base64url, URL-encoded, JSON-escaped,
 *   Basic-auth header) is found wherever it sits in captured output, and `::add-mask::` is the only exemption;
 * - the action: a hostile index that echoes the JWT it was sent (in every one of those forms) in its 422 errors,
 *   and a hostile OIDC endpoint that echoes the request token, do not get either into the log or the summary.
 */
import { failureProblems, runChild } from './harness';
import { startHostileServer, fakeJwt, fakePypiToken, runnerClaims } from '../support/hostile-server';
import { encodedForms, findLeaks, registerSecret } from '../support/leaks';
import { NODE24 } from '../support/node';

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

describe('the action keeps echoed credentials out of its output (bundled, Node 24)', () => {
  const echoes: Array<[string, (jwt: string, body: string) => string]> = [
    ['plain', (j) => j],
    ['base64', (j) => Buffer.from(j).toString('base64')],
    ['base64url', (j) => Buffer.from(j).toString('base64url')],
    ['URL-encoded', (j) => encodeURIComponent(j)],
    ['JSON-escaped', (j) => JSON.stringify(j).slice(1, -1)],
    ['Basic auth', (j) => `Basic ${Buffer.from(`__token__:${j}`).toString('base64')}`],
    ['base64 of the whole request body', (_j, body) => Buffer.from(body).toString('base64')],
    ['the JWT split by a newline', (j) => `${j.slice(0, 40)}\n${j.slice(40)}`],
  ];

  test.concurrent.each(echoes)('a 422 whose description echoes the JWT %s', async (_name, echo) => {
    const server = await startHostileServer({ onSecret: registerSecret });
    try {
      server.script('mint-token', (req) => {
        const sent = (JSON.parse(req.body) as { token: string }).token;
        const description = `invalid token: ${echo(sent, req.body)}`;
        return { status: 422, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-token', description }] }) };
      });
      const r = await runChild(NODE24, { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken },
        { label: `echo ${_name}` });
      expect(failureProblems(r)).toEqual([]);
      const sentJwt = (JSON.parse(server.requests('mint-token')[0].body) as { token: string }).token;
      const leaks = [...findLeaks('stdout', r.stdout, true, [sentJwt]), ...findLeaks('summary', r.summary, false, [sentJwt])];
      expect(leaks).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test('an OIDC endpoint that echoes the request token in its error', async () => {
    const server = await startHostileServer({ onSecret: registerSecret });
    registerSecret(server.requestToken);
    try {
      server.script('oidc-token', (req) => ({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: `bad ${String(req.headers.authorization)}` }) }));
      const r = await runChild(NODE24, { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken }, { label: 'echo request token' });
      expect(failureProblems(r)).toEqual([]);
      expect([...findLeaks('stdout', r.stdout, true, [server.requestToken]), ...findLeaks('summary', r.summary, false, [server.requestToken])]).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
