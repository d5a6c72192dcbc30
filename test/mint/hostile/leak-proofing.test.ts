/**
 * Leak-proofing of the action: a hostile index that echoes the JWT it was sent (in every form the leak scanner
 * knows, see test/leaks.test.ts) in its 422 errors, and a hostile OIDC endpoint that echoes the request token, do
 * not get either into the log or the summary.
 */
import { startHostileServer } from '../../support/hostile-server';
import { findLeaks, registerSecret } from '../../support/leaks';
import { NODE24 } from '../../support/node';
import { failureProblems, runChild } from '../harness';

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
