/**
 * The committed bundle, run as a child under real Node 24 and the machine's Node, against the emulator:
 * minting for both audiences, masking order, outputs, every export-env tool, the tschm/token-mint-action drop-in,
 * and the refusals that must happen before any request.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotations, maskedValues, oidcEnv, runBundledAction, theError } from './harness';
import { makeTestCertificate } from './hostile/tls';
import type { Emulator } from '../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { startHostileServer } from '../support/hostile-server';
import { registerSecret } from '../support/leaks';
import { runtimes } from '../support/node';
import { startProxy } from '../support/proxy';

describe.each(runtimes())('bundled action under %s', (runtime, node) => {
  let pypi: Emulator;
  let testpypi: Emulator;

  beforeAll(async () => {
    pypi = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
    testpypi = await startTestEmulator({ audience: 'testpypi', projects: ['demo-package'], publishers: [defaultPublisher()] });
  });

  /** What the action asked for (the emulator's own key discovery, done while verifying, is left out). */
  const actionRequests = (emu: Emulator, from: number) =>
    emu.requests().slice(from).filter((q) => ['audience', 'oidc-token', 'mint-token'].includes(q.route));

  const run = (emu: Emulator, inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}) =>
    runBundledAction({ node, label: runtime, inputs: { 'index-url': emu.uploadUrl, ...inputs }, env: { ...oidcEnv(emu), ...env } });

  test.each([['pypi'], ['testpypi']])('mints for the %s audience it discovers', async (audience) => {
    const emu = audience === 'pypi' ? pypi : testpypi;
    const before = emu.requests().length;
    const r = await run(emu);

    expect(r.code).toBe(0);
    expect(annotations(r.stdout, 'error')).toEqual([]);
    const token = r.outputs['api-token'];
    expect(token).toMatch(/^pypi-/);
    expect(emu.issuedSecrets()).toContain(token);
    const expires = Number(r.outputs.expires);
    expect(expires).toBeGreaterThan(Date.now() / 1000 + 800);
    expect(expires).toBeLessThanOrEqual(Date.now() / 1000 + 900);
    expect(Object.keys(r.outputs).sort()).toEqual(['api-token', 'expires']);
    expect(r.rawEnvFile).toBe('');

    // one discovery, one OIDC token for that audience (added to the existing query), one exchange
    const requests = actionRequests(emu, before);
    expect(requests.map((q) => q.route)).toEqual(['audience', 'oidc-token', 'mint-token']);
    const oidcUrl = new URL(requests[1].url, 'http://x');
    expect(oidcUrl.searchParams.get('api-version')).toBe('2.0');
    expect(oidcUrl.searchParams.getAll('audience')).toEqual([audience]);
    expect(requests[1].url.split('?')).toHaveLength(2);

    // both the JWT and the token are masked, each before the first line that follows its arrival
    const masked = maskedValues(r.stdout);
    expect(masked).toHaveLength(2);
    expect(masked[0]).toMatch(/^eyJ/);
    expect(emu.issuedSecrets()).toContain(masked[0]);
    expect(masked[1]).toBe(token);
    const lines = r.stdout.split('\n');
    expect(lines.findIndex((l) => l.startsWith('::add-mask::eyJ'))).toBeLessThan(lines.findIndex((l) => l.startsWith('Got an OIDC token')));
    expect(lines.findIndex((l) => l.startsWith('::add-mask::pypi-'))).toBeLessThan(lines.findIndex((l) => l.startsWith('Minted')));
    expect(r.summary).toContain('token minted');
    expect(r.stderr).toBe('');
  });

  test('an audience input skips discovery', async () => {
    const before = pypi.requests().length;
    const r = await run(pypi, { audience: 'pypi' });
    expect(r.code).toBe(0);
    expect(actionRequests(pypi, before).map((q) => q.route)).toEqual(['oidc-token', 'mint-token']);
  });

  test('an index root works like its upload URL', async () => {
    const r = await run(pypi, { 'index-url': `${pypi.pypiUrl}/` });
    expect(r.code).toBe(0);
    expect(r.outputs['api-token']).toMatch(/^pypi-/);
  });

  const exportCases: Array<[string, string[], (url: string) => Record<string, string | true>]> = [
    ['twine', ['twine'], (url) => ({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: true, TWINE_REPOSITORY_URL: url })],
    ['uv', ['uv'], (url) => ({ UV_PUBLISH_TOKEN: true, UV_PUBLISH_URL: url })],
    ['poetry:emulator', ['poetry'], (url) => ({ POETRY_PYPI_TOKEN_EMULATOR: true, POETRY_REPOSITORIES_EMULATOR_URL: url })],
    ['hatch', ['hatch'], (url) => ({ HATCH_INDEX_USER: '__token__', HATCH_INDEX_AUTH: true, HATCH_INDEX_REPO: url })],
    ['pdm', ['pdm'], (url) => ({ PDM_PUBLISH_USERNAME: '__token__', PDM_PUBLISH_PASSWORD: true, PDM_PUBLISH_REPO: url })],
    ['flit', ['flit'], (url) => ({ FLIT_USERNAME: '__token__', FLIT_PASSWORD: true, FLIT_INDEX_URL: url })],
    ['maturin', ['maturin'], (url) => ({ MATURIN_PYPI_TOKEN: true, MATURIN_REPOSITORY_URL: url })],
    ['twine, uv', ['twine', 'uv'], (url) => ({
      TWINE_USERNAME: '__token__', TWINE_PASSWORD: true, TWINE_REPOSITORY_URL: url, UV_PUBLISH_TOKEN: true, UV_PUBLISH_URL: url,
    })],
  ];
  test.each(exportCases)('export-env %s writes exactly its variables to GITHUB_ENV', async (exportEnv, _tools, expected) => {
    const r = await run(pypi, { 'export-env': exportEnv });
    expect(r.code).toBe(0);
    const token = r.outputs['api-token'];
    const want = Object.fromEntries(Object.entries(expected(pypi.uploadUrl)).map(([k, v]) => [k, v === true ? token : v]));
    expect(r.envFile).toEqual(want);
    // heredoc entries with a random delimiter, never `name=value`
    expect(r.rawEnvFile).toMatch(/^[A-Z_]+<<ghadelimiter_[0-9a-f-]{36}\n/);
  });

  test('poetry on a custom index needs a repository name (poetry:<name>)', async () => {
    // the testpypi emulator is still a loopback (custom) index: the name must be given
    const r = await run(testpypi, { 'export-env': 'poetry' });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toContain('poetry:<name>');
  });

  test('refuses to start without GITHUB_OUTPUT, before any request', async () => {
    const before = pypi.requests().length;
    const r = await run(pypi, {}, { GITHUB_OUTPUT: undefined });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('GITHUB_OUTPUT is not available');
    expect(pypi.requests().length).toBe(before);
    expect(maskedValues(r.stdout)).toEqual([]);
  });

  test('refuses a GITHUB_OUTPUT that names a missing file', async () => {
    const r = await run(pypi, {}, { GITHUB_OUTPUT: join(tmpdir(), 'no-such-dir-pypi-mint', 'out') });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toContain('does not exist');
  });

  test('refuses export-env without a GITHUB_ENV file, before any request', async () => {
    const before = pypi.requests().length;
    const r = await run(pypi, { 'export-env': 'twine' }, { GITHUB_ENV: undefined });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('export-env without GITHUB_ENV');
    expect(pypi.requests().length).toBe(before);
    expect(r.rawOutputFile).toBe('');
  });

  test.each([['twine,npm'], ['poetry:no-such:thing'], ['uv:named']])('refuses export-env %p before any request', async (exportEnv) => {
    const before = pypi.requests().length;
    const r = await run(pypi, { 'export-env': exportEnv });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('Invalid export-env input');
    expect(pypi.requests().length).toBe(before);
    expect(r.rawOutputFile).toBe('');
    expect(r.rawEnvFile).toBe('');
  });

  test.each([
    ['http://pypi.example.com/legacy/', 'non-loopback'],
    ['ftp://127.0.0.1/legacy/', 'scheme'],
    ['https://user:secret@upload.pypi.org/legacy/', 'user name or password'],
    ['https://pypi.org/simple/', 'simple'],
  ])('refuses index-url %s before any request', async (indexUrl, why) => {
    const before = pypi.requests().length;
    const r = await run(pypi, { 'index-url': indexUrl });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toContain(why);
    expect(pypi.requests().length).toBe(before);
  });

  test('a workflow written for tschm/token-mint-action works unchanged (audience input, api-token output)', async () => {
    // Only `audience` is given, so the action talks to its default https://upload.pypi.org/legacy/. A CONNECT
    // proxy routes upload.pypi.org:443 to a loopback https stand-in whose throwaway CA the child trusts.
    const cert = makeTestCertificate(['upload.pypi.org', '127.0.0.1']);
    const server = await startHostileServer({ tls: cert, onSecret: registerSecret });
    const proxy = await startProxy({ 'upload.pypi.org:443': `127.0.0.1:${server.port}` });
    try {
      const r = await runBundledAction({
        node,
        label: `${runtime} tschm drop-in`,
        inputs: { audience: 'pypi' },
        env: {
          ACTIONS_ID_TOKEN_REQUEST_URL: server.oidcRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: server.requestToken,
          HTTPS_PROXY: proxy.url,
          NO_PROXY: '127.0.0.1',
          NODE_EXTRA_CA_CERTS: cert.caFile,
        },
      });
      expect({ code: r.code, out: r.stdout.split('\n').filter((l) => l.startsWith('::error')) }).toEqual({ code: 0, out: [] });
      expect(r.outputs['api-token']).toMatch(/^pypi-/);
      expect(server.issued()).toContain(r.outputs['api-token']);
      expect(proxy.seen.map((s) => `${s.kind} ${s.target}`)).toEqual(['connect upload.pypi.org:443']);
      expect(server.requests().map((q) => q.route)).toEqual(['oidc-token', 'mint-token']);
      expect(JSON.parse(server.requests('mint-token')[0].body)).toEqual({ token: server.issued()[0] });
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  test('infers nothing from a dist/ it cannot read, and still mints', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pypi-mint-cwd-'));
    writeFileSync(join(cwd, 'dist'), 'not a directory');
    const r = await runBundledAction({ node, cwd, label: runtime, inputs: { 'index-url': pypi.uploadUrl }, env: oidcEnv(pypi) });
    expect(r.code).toBe(0);
  });
});
