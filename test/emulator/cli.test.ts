/** The bundled CLI (`npx projen bundle:emulator` -> lib/emulator/cli.cjs), driven as a user would drive it. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTION_BUNDLE, runBundledAction } from '../mint/harness';
import { EMULATOR_CLI, exitOf, startEmulatorCli } from '../support/emulator-cli';
import { recordOutput, registerSecret } from '../support/leaks';
import { runtimes } from '../support/node';
import { runTool } from '../support/tools';

beforeAll(() => {
  if (!existsSync(EMULATOR_CLI)) throw new Error(`${EMULATOR_CLI} is missing: run 'npx projen bundle:emulator' (the test task does it first)`);
});

function writeConfig(config: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'emu-cli-')), 'config.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe.each(runtimes())('under %s', (_label, node) => {
  test('prints one JSON line, mints over plain HTTP, exits 0 on SIGTERM', async () => {
    const config = writeConfig({
      audience: 'testpypi',
      requestToken: 'cli-request-token-for-tests',
      projects: ['cli-demo'],
      publishers: [{ projects: ['cli-demo'], owner: 'acme', ownerId: 77, repository: 'widgets', workflow: 'publish.yaml', environment: 'testpypi' }],
      runner: {
        repository: 'acme/widgets',
        repository_owner: 'acme',
        repository_owner_id: '77',
        environment: 'TestPyPI',
        job_workflow_ref: 'acme/widgets/.github/workflows/publish.yaml@refs/tags/v2.0.0',
        ref: 'refs/tags/v2.0.0',
      },
    });
    const cli = await startEmulatorCli(node, ['--config', config]);
    try {
      expect(Object.keys(cli.urls).sort()).toEqual(
        ['audienceUrl', 'indexUrl', 'oidcIssuer', 'oidcRequestToken', 'oidcRequestUrl', 'simpleUrl', 'uploadUrl',
          'fulcioUrl', 'rekorUrl', 'trustedRootUrl', 'gitlabIssuer', 'gitlabIdTokenUrl'].sort());
      expect(cli.urls.uploadUrl).toBe(`${cli.urls.indexUrl}/legacy/`);
      expect(cli.urls.oidcRequestToken).toBe('cli-request-token-for-tests');

      const audience = (await (await fetch(cli.urls.audienceUrl)).json()) as { audience: string };
      expect(audience).toEqual({ audience: 'testpypi' });
      const oidc = await fetch(`${cli.urls.oidcRequestUrl}&audience=${audience.audience}`, {
        headers: { authorization: `Bearer ${cli.urls.oidcRequestToken}` },
      });
      const { value: jwt } = (await oidc.json()) as { value: string };
      registerSecret(jwt);
      const minted = await fetch(`${cli.urls.indexUrl}/_/oidc/mint-token`, { method: 'POST', body: JSON.stringify({ token: jwt }) });
      const body = (await minted.json()) as { success: boolean; token: string };
      registerSecret(body.token);
      expect(minted.status).toBe(200);
      expect(body.token).toMatch(/^pypi-/);
    } finally {
      const exited = exitOf(cli.child);
      cli.child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      recordOutput('emulator cli stdout', cli.stdout(), true);
      recordOutput('emulator cli stderr', cli.stderr(), false);
    }
    expect(cli.stdout().trim().split('\n')).toHaveLength(1);
  });

  test('--trusted-root writes the trusted root of its Fulcio and Rekor before the JSON line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'emu-cli-')), 'trusted_root.json');
    const cli = await startEmulatorCli(node, ['--trusted-root', file]);
    try {
      const written = JSON.parse(readFileSync(file, 'utf8')) as { mediaType: string; tlogs: Array<{ baseUrl: string }>; certificateAuthorities: unknown[] };
      expect(written.mediaType).toBe('application/vnd.dev.sigstore.trustedroot+json;version=0.1');
      expect(written.tlogs[0].baseUrl).toBe(cli.urls.rekorUrl);
      expect(written.certificateAuthorities).toHaveLength(1);
      expect(await (await fetch(cli.urls.trustedRootUrl)).json()).toEqual(written);
      const fulcio = await fetch(`${cli.urls.fulcioUrl}/api/v2/signingCert`, { method: 'POST', body: '{}' });
      expect(fulcio.status).toBe(400);
    } finally {
      const exited = exitOf(cli.child);
      cli.child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    }
  });

  test('the action that the root action.yml names mints against the emulator started from its CLI', async () => {
    const actionYml = parse(readFileSync(join(__dirname, '..', '..', 'action.yml'), 'utf8')) as { runs: { main: string } };
    expect(join(__dirname, '..', '..', actionYml.runs.main)).toBe(ACTION_BUNDLE);
    const config = writeConfig({
      projects: ['cli-demo'],
      publishers: [{ projects: ['cli-demo'], owner: 'acme', ownerId: '77', repository: 'widgets', workflow: 'release.yml', environment: 'pypi' }],
      runner: { repository: 'acme/widgets', repository_owner_id: '77', environment: 'pypi', ref: 'refs/tags/v1.0.0' },
    });
    const cli = await startEmulatorCli(node, ['--config', config]);
    try {
      const run = await runBundledAction({
        node,
        inputs: { 'index-url': cli.urls.uploadUrl },
        env: { ACTIONS_ID_TOKEN_REQUEST_URL: cli.urls.oidcRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: cli.urls.oidcRequestToken },
        label: 'action vs emulator CLI',
      });
      registerSecret(run.outputs['api-token']);
      expect(run.code).toBe(0);
      expect(run.outputs['api-token']).toMatch(/^pypi-[A-Za-z0-9_-]{100,}$/);
      expect(Number(run.outputs.expires)).toBeGreaterThan(Date.now() / 1000);
      expect(run.stdout).toContain(`::add-mask::${run.outputs['api-token']}`);
    } finally {
      cli.child.kill('SIGTERM');
      recordOutput('emulator cli stdout', cli.stdout(), true);
      recordOutput('emulator cli stderr', cli.stderr(), false);
    }
  });

  test('reads the config from stdin with --config -, and stops on SIGINT', async () => {
    const child = spawn(node, [EMULATOR_CLI, '--config', '-']);
    child.stdin.end(JSON.stringify({ audience: 'pypi' }));
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (c: Buffer) => resolve(c.toString())));
    const urls = JSON.parse(line) as Record<string, string>;
    expect(await (await fetch(urls.audienceUrl)).json()).toEqual({ audience: 'pypi' });
    const exited = exitOf(child);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    recordOutput('emulator cli stdout', line, true);
  });

  test('a bad config exits 2 and names the bad fields', async () => {
    const config = writeConfig({ audiense: 'pypi', publishers: [{ projects: [], owner: 'o', ownerId: '1', repository: 'r', workflow: 'ci/release.yml' }] });
    const r = await runTool(node, [EMULATOR_CLI, '--config', config], { timeoutMs: 30_000 });
    recordOutput('emulator cli stderr', r.stderr, false);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('audiense: unknown field');
    expect(r.stderr).toContain('publishers[0].projects: expected at least one project name');
    expect(r.stderr).toContain("publishers[0].workflow: expected a workflow filename ending in .yml or .yaml, without '/'");
  });

  test('unreadable or non-JSON config files and stray arguments exit 2', async () => {
    const notJson = join(mkdtempSync(join(tmpdir(), 'emu-cli-')), 'c.json');
    writeFileSync(notJson, '{ nope');
    for (const args of [['--config', '/nonexistent/config.json'], ['--config', notJson], ['--port', '1']]) {
      const r = await runTool(node, [EMULATOR_CLI, ...args], { timeoutMs: 30_000 });
      recordOutput('emulator cli stderr', r.stderr, false);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^pypi-mint-emulator: /);
    }
  });
});
