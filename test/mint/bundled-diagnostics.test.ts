/**
 * Every way minting is refused, run through the committed bundle under both runtimes against the emulator: each
 * 422 code PyPI sends, and the explanations the action adds (missing id-token permission, fork pull request,
 * Dependabot, pull_request_target, reusable workflow, GitHub Enterprise issuer, audience 403/404, environment
 * mismatch, and the exact publisher settings with the page where they go).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { annotations, BundledActionResult, oidcEnv, runBundledAction, theError } from './harness';
import type { Emulator } from '../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { runtimes } from '../support/node';

const REF = 'refs/tags/v1.0.0';

/** A working directory with built distributions waiting in dist/, as after the download-artifact step. */
function workdirWithDist(...files: string[]): string {
  const cwd = mkdtempSync(join(tmpdir(), 'pypi-mint-cwd-'));
  mkdirSync(join(cwd, 'dist'));
  for (const f of files) writeFileSync(join(cwd, 'dist', f), 'not really a distribution');
  return cwd;
}

function expectNothingExported(r: BundledActionResult): void {
  expect(r.code).toBe(1);
  expect(r.rawOutputFile).toBe('');
  expect(r.rawEnvFile).toBe('');
  expect(r.stdout).not.toMatch(/::add-mask::pypi-/);
}

describe.each(runtimes())('refusals and diagnoses under %s', (runtime, node) => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  });
  afterEach(() => {
    emu.resetRunnerClaims();
    emu.faults.clear();
  });

  const run = (target: Emulator, opts: { inputs?: Record<string, string>; env?: Record<string, string | undefined>; cwd?: string } = {}) =>
    runBundledAction({
      node,
      label: runtime,
      cwd: opts.cwd,
      inputs: { 'index-url': target.uploadUrl, ...opts.inputs },
      env: { ...oidcEnv(target), GITHUB_REPOSITORY: 'octo-org/demo', ...opts.env },
    });

  test('invalid-publisher: names the exact values to enter and the project page from dist/', async () => {
    emu.setRunnerClaims({ job_workflow_ref: `octo-org/demo/.github/workflows/publish.yml@${REF}`, workflow_ref: `octo-org/demo/.github/workflows/publish.yml@${REF}` });
    const cwd = workdirWithDist('demo_package-1.0.0-py3-none-any.whl', 'demo_package-1.0.0.tar.gz');
    const r = await run(emu, { cwd });
    expectNothingExported(r);
    const error = theError(r.stdout);
    expect(error.title).toBe('PyPI refused the token exchange');
    expect(error.message).toContain('invalid-publisher: valid token, but no corresponding publisher (Publisher with matching claims was not found)');
    expect(error.message).toContain('Owner: `octo-org`');
    expect(error.message).toContain('Repository name: `demo`');
    expect(error.message).toContain('Workflow name: `publish.yml`');
    expect(error.message).toContain('Environment name: `pypi`');
    expect(error.message).toContain(`${emu.pypiUrl}/manage/project/demo-package/settings/publishing/`);
    expect(error.message).toContain(`${emu.pypiUrl}/manage/account/publishing/`);
    expect(error.message).toContain('repository_owner_id: 4242');
    expect(error.message).toContain(`job_workflow_ref: octo-org/demo/.github/workflows/publish.yml@${REF}`);
    // the step summary has the same, as Markdown
    expect(r.summary).toContain('## PyPI trusted publishing failed');
    expect(r.summary).toContain('| `invalid-publisher` | `valid token, but no corresponding publisher');
    expect(r.summary).toContain('| `repository_owner_id` | `4242` |');
    expect(r.summary).toContain('| Workflow name | `publish.yml` |');
  });

  test('invalid-publisher for a new project: the pending-publisher page with its name', async () => {
    emu.setRunnerClaims({ repository: 'octo-org/brand-new', job_workflow_ref: `octo-org/brand-new/.github/workflows/release.yml@${REF}` });
    const r = await run(emu, { cwd: workdirWithDist('brand_new-0.1.0-py3-none-any.whl') });
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain('Repository name: `brand-new`');
    expect(message).toContain('new project (a pending publisher with PyPI Project Name `brand-new`)');
    expect(message).toContain(`${emu.pypiUrl}/manage/account/publishing/`);
  });

  test.each([
    ['Staging', 'This job runs in the environment `Staging`'],
    [undefined, 'but this job runs in none'],
  ])('environment mismatch (job environment %p)', async (environment, explanation) => {
    emu.setRunnerClaims({ environment });
    const r = await run(emu);
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain("Check failed for optional claim 'environment'");
    expect(message).toContain('Environment mismatch');
    expect(message).toContain(explanation);
    expect(r.summary).toContain('### Environment mismatch');
  });

  test('pull_request_target: warned before any request, explained with PyPI\'s reason', async () => {
    emu.setRunnerClaims({ event_name: 'pull_request_target' });
    const r = await run(emu, { env: { GITHUB_EVENT_NAME: 'pull_request_target' } });
    expectNothingExported(r);
    const warning = annotations(r.stdout, 'warning').find((a) => a.title === 'Publishing from pull_request_target');
    expect(warning?.message).toContain('PyPI refuses');
    expect(r.stdout.indexOf('::warning')).toBeLessThan(r.stdout.indexOf('::add-mask::'));
    expect(theError(r.stdout).message).toContain("'pull_request_target' is not supported");
    expect(r.summary).toContain('### Publishing from pull_request_target');
  });

  test('reusable workflow: warned, and the settings name the called file PyPI matches on', async () => {
    emu.setRunnerClaims({ job_workflow_ref: 'octo-org/shared/.github/workflows/pypi-publish.yml@refs/heads/main' });
    const r = await run(emu);
    expectNothingExported(r);
    const warning = annotations(r.stdout, 'warning').find((a) => a.title === 'Reusable workflow');
    expect(warning?.message).toContain('octo-org/shared/.github/workflows/pypi-publish.yml@refs/heads/main');
    expect(warning?.message).toContain(`called by \`octo-org/demo/.github/workflows/release.yml@${REF}\``);
    expect(theError(r.stdout).message).toContain('Workflow name: `pypi-publish.yml`');
    expect(r.summary).toContain('### Reusable workflow');
  });

  test('GitHub Enterprise Server: explains that PyPI trusts only github.com\'s issuer', async () => {
    emu.setRunnerClaims({ repository_owner_id: '1' });
    const r = await run(emu, { env: { GITHUB_SERVER_URL: 'https://github.example.com' } });
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain('OIDC issuer not trusted by PyPI');
    expect(message).toContain('GitHub Enterprise Server at `https://github.example.com`');
  });

  test('invalid-payload: a token from an issuer the index does not know', async () => {
    const otherIssuer = await startTestEmulator({});
    const r = await runBundledAction({
      node, label: runtime, inputs: { 'index-url': emu.uploadUrl }, env: oidcEnv(otherIssuer),
    });
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain('invalid-payload: unknown trusted publishing issuer');
    expect(message).toContain(`This run's OIDC tokens come from \`${otherIssuer.oidc.issuer}\``);
  });

  test('invalid-token: an audience input the index does not expect', async () => {
    const r = await run(emu, { inputs: { audience: 'testpypi' } });
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain('invalid-token: malformed or invalid token');
    expect(message).toContain('You set the audience input to `testpypi`');
  });

  test('invalid-pending-publisher: a pending publisher for a project that exists', async () => {
    const pending = await startTestEmulator({
      projects: ['demo-package'],
      pendingPublishers: [{ project: 'demo-package', owner: 'octo-org', ownerId: '4242', repository: 'demo', workflow: 'release.yml' }],
    });
    const r = await run(pending);
    expectNothingExported(r);
    const { message } = theError(r.stdout);
    expect(message).toContain('invalid-pending-publisher: valid token, but project already exists');
    expect(message).toContain('Pending publisher for an existing project');
  });

  test('not-enabled at mint time, and a 403 audience before any OIDC request', async () => {
    const disabled = await startTestEmulator({ trustedPublishing: false, projects: ['demo-package'], publishers: [defaultPublisher()] });
    const minted = await run(disabled, { inputs: { audience: 'pypi' } });
    expectNothingExported(minted);
    expect(theError(minted.stdout).message).toContain('not-enabled: github trusted publishing functionality not enabled');
    expect(theError(minted.stdout).message).toContain('GitHub trusted publishing disabled by the index');

    const before = disabled.requests('oidc-token').length;
    const discovered = await run(disabled);
    expectNothingExported(discovered);
    const error = theError(discovered.stdout);
    expect(error.title).toBe('Trusted publishing is disabled on the index');
    expect(error.message).toContain('answered 403');
    expect(disabled.requests('oidc-token').length).toBe(before);
  });

  test('a 404 audience: the index does not support trusted publishing', async () => {
    emu.faults.inject('audience', { status: 404, headers: { 'content-type': 'text/html' }, body: '<h1>Not Found</h1>' });
    const r = await run(emu);
    expectNothingExported(r);
    const error = theError(r.stdout);
    expect(error.title).toBe('The index does not support trusted publishing');
    expect(error.message).toContain('https://test.pypi.org/legacy/');
  });

  describe('no OIDC token for the job (ACTIONS_ID_TOKEN_REQUEST_* unset): no request is made at all', () => {
    const noOidc = { ACTIONS_ID_TOKEN_REQUEST_URL: undefined, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined };
    const forkEvent = () => {
      const path = join(mkdtempSync(join(tmpdir(), 'pypi-mint-event-')), 'event.json');
      writeFileSync(path, JSON.stringify({ pull_request: { number: 7, head: { repo: { fork: true, full_name: 'mallory/demo' } } } }));
      return path;
    };

    test.each([
      ['missing permission', {}, 'Missing `id-token: write`', 'id-token: write'],
      ['fork pull request', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: forkEvent() }, 'Pull request from a fork', 'from a fork'],
      ['Dependabot', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_ACTOR: 'dependabot[bot]' }, 'Run triggered by Dependabot', 'like fork pull requests'],
    ])('%s', async (_case, env, title, explanation) => {
      const before = emu.requests().length;
      const r = await run(emu, { env: { ...noOidc, ...env } });
      expectNothingExported(r);
      const error = theError(r.stdout);
      expect(error.title).toBe('No OIDC token available');
      expect(error.message).toContain(`${title}:`);
      expect(error.message).toContain(explanation);
      expect(r.summary).toContain(`### ${title.replace(/</g, '&lt;')}`);
      expect(emu.requests().length).toBe(before);
    });
  });
});
