/**
 * Hostile inputs: an `index-url`, `audience` or `export-env` a workflow author (or an injected
 * expression) could hand the action. Each must be refused with a clear error before ANY request: a server that
 * would otherwise have been asked (index and OIDC endpoints both on it) logs nothing; nothing is written; a
 * credential inside the input (URL userinfo) never reaches the log. Bundled action, Node 24 and machine Node.
 * (A NUL byte is not among them: neither the runner nor the OS can put one in an environment variable.)
 */
import { startHostileServer, type HostileServer } from '../../support/hostile-server';
import { registerSecret } from '../../support/leaks';
import { MACHINE_NODE, NODE24 } from '../../support/node';
import { errorMessage, failureProblems, runChild } from '../harness';

/** A password in a URL: if the action ever prints it, the leak scanner fails the file. */
const USERINFO_PASSWORD = 'hunter2-userinfo-password-7b1c9e';
registerSecret(USERINFO_PASSWORD);

interface HostileInput {
  readonly name: string;
  /** the inputs, given the port of the server that would be asked */
  readonly inputs: (port: string) => Record<string, string>;
  /** the error must say what is wrong */
  readonly reason: RegExp;
}

const CASES: HostileInput[] = [
  // index-url
  { name: 'index-url with a user and password', inputs: (port) => ({ 'index-url': `http://__token__:${USERINFO_PASSWORD}@127.0.0.1:${port}/legacy/` }), reason: /user name or password/ },
  { name: 'index-url with a user only', inputs: (port) => ({ 'index-url': `http://admin@127.0.0.1:${port}/legacy/` }), reason: /user name or password/ },
  { name: 'index-url file:', inputs: () => ({ 'index-url': 'file:///etc/passwd' }), reason: /scheme 'file'/ },
  { name: 'index-url javascript:', inputs: () => ({ 'index-url': 'javascript:fetch("//evil.example")' }), reason: /scheme 'javascript'|not an absolute URL/ },
  { name: 'index-url ftp:', inputs: (port) => ({ 'index-url': `ftp://127.0.0.1:${port}/legacy/` }), reason: /scheme 'ftp'/ },
  { name: 'index-url data:', inputs: () => ({ 'index-url': 'data:text/plain,pypi' }), reason: /scheme 'data'/ },
  { name: 'index-url http to a non-loopback host', inputs: () => ({ 'index-url': 'http://upload.pypi.org/legacy/' }), reason: /non-loopback host/ },
  { name: 'index-url http to a loopback look-alike', inputs: () => ({ 'index-url': 'http://127.0.0.1.evil.example/legacy/' }), reason: /non-loopback host/ },
  { name: 'index-url with CR/LF inside (header injection)', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/\r\nX-Injected: 1\r\n/legacy/` }), reason: /whitespace or control characters/ },
  { name: 'index-url with a LF in the path', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/leg\nacy/` }), reason: /whitespace or control characters/ },
  { name: 'index-url with a query', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/legacy/?audience=evil` }), reason: /query or a fragment/ },
  { name: 'index-url with a fragment', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/legacy/#x` }), reason: /query or a fragment/ },
  { name: 'index-url with a homograph host (Cyrillic i)', inputs: () => ({ 'index-url': 'https://pyp\u0456.org/legacy/' }), reason: /non-ASCII|unicode|IDN|punycode|ASCII/i },
  { name: 'index-url with full-width digits that normalise to loopback', inputs: (port) => ({ 'index-url': `http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:${port}/legacy/` }), reason: /non-ASCII|unicode|IDN|punycode|ASCII/i },
  { name: 'index-url of extreme length', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/${'a/'.repeat(50_000)}legacy/` }), reason: /characters long/ },
  { name: 'index-url that is the simple index', inputs: (port) => ({ 'index-url': `http://127.0.0.1:${port}/simple/` }), reason: /simple \(download\) index/ },
  // audience
  { name: 'audience with &', inputs: () => ({ audience: 'pypi&audience=evil' }), reason: /audience/ },
  { name: 'audience with #', inputs: () => ({ audience: 'pypi#x' }), reason: /audience/ },
  { name: 'audience with ?', inputs: () => ({ audience: 'pypi?x=1' }), reason: /audience/ },
  { name: 'audience with a newline', inputs: () => ({ audience: 'pypi\nevil' }), reason: /audience/ },
  { name: 'audience with CR/LF and a workflow command', inputs: () => ({ audience: 'pypi\r\n::set-output name=api-token::x' }), reason: /audience/ },
  { name: 'audience of extreme length', inputs: () => ({ audience: 'a'.repeat(10_000) }), reason: /audience/ },
  // export-env
  { name: 'export-env with an unknown tool', inputs: () => ({ 'export-env': 'twine,curl' }), reason: /not a tool the action knows/ },
  { name: 'export-env with NAME=value injection', inputs: () => ({ 'export-env': 'TWINE_PASSWORD=x' }), reason: /not a tool the action knows/ },
  { name: 'export-env with a newline and an env line', inputs: () => ({ 'export-env': 'uv\nLD_PRELOAD=/tmp/x.so' }), reason: /not a tool the action knows/ },
  { name: 'export-env with shell syntax', inputs: () => ({ 'export-env': 'twine;rm -rf /' }), reason: /not a tool the action knows/ },
  { name: 'export-env with a heredoc delimiter', inputs: () => ({ 'export-env': 'twine<<EOF' }), reason: /not a tool the action knows/ },
  { name: 'export-env poetry with a path as repository', inputs: () => ({ 'export-env': 'poetry:../../x' }), reason: /letters, digits and _/ },
  { name: 'export-env with a valid tool then an invalid one', inputs: () => ({ 'export-env': 'uv, hatch, NODE_OPTIONS' }), reason: /not a tool the action knows/ },
];

describe.each([['node24', NODE24], ['machine node', MACHINE_NODE]])('bundled action under %s', (runtime, node) => {
  test.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s: refused before any request', async (name, c) => {
    // index and OIDC endpoints on one server of this test's own: it must log nothing
    const server: HostileServer = await startHostileServer({ onSecret: registerSecret });
    try {
      const ep = { indexUrl: `${server.url}/legacy/`, oidcRequestUrl: server.oidcRequestUrl, requestToken: server.requestToken };
      const r = await runChild(node, ep, { inputs: c.inputs(String(server.port)), label: `${runtime} ${name}`, timeoutMs: 20_000 });
      expect(failureProblems(r)).toEqual([]);
      expect(errorMessage(r.stdout)).toMatch(c.reason);
      expect(server.requests()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
