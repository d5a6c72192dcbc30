/**
 * The harness itself, on a hand-written workflow (test/fixtures/workflows/probe.yml) and a tiny local node action:
 * what a step receives and leaves behind must be what a GitHub runner gives and keeps, and what the harness cannot
 * do faithfully must throw rather than pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TOOL_VERSIONS, pinnedRequirement } from '../../src/component/pins';
import { runJob, RunJobOptions } from '../../src/rehearsal';
import type { Workflow } from '../../src/rehearsal/types';
import * as leaks from '../support/leaks';
import { rehearsalMachine } from '../support/tools';

const FIXTURES = join(__dirname, '..', 'fixtures');
const REPO = join(FIXTURES, 'rehearsal-repo');
const probe = () => parse(readFileSync(join(FIXTURES, 'workflows', 'probe.yml'), 'utf8')) as Workflow;
const EMULATED_UPLOAD = 'http://127.0.0.1:9/legacy/';

/** An issuer handle that only records the claims the harness sets (these tests never mint). */
function fakeIssuer() {
  const claims: Array<Record<string, unknown>> = [];
  return {
    claims,
    oidc: { requestUrl: 'http://127.0.0.1:9/token?api-version=2.0', requestToken: 'request-token-for-harness-tests' },
    setRunnerClaims: (patch: Record<string, unknown>) => claims.push(patch),
  };
}

function run(workflow: Workflow, extra: Partial<RunJobOptions> = {}) {
  return runJob({
    workflow,
    workflowFile: 'probe.yml',
    jobId: Object.keys(workflow.jobs)[0],
    issuer: fakeIssuer(),
    repoDir: REPO,
    urlMap: { 'https://upload.pypi.org/legacy/': EMULATED_UPLOAD },
    event: { name: 'push', ref: 'refs/tags/v1.2.3' },
    secrets: { PROBE_SECRET: 'probe-secret-value-1234' },
    scan: leaks,
    ...rehearsalMachine(),
    ...extra,
  });
}

function jobOf(steps: Workflow['jobs'][string]['steps'], extra: Partial<Workflow['jobs'][string]> = {}): Workflow {
  return { name: 'w', on: { push: { tags: ['v*'] } }, jobs: { j: { 'runs-on': 'ubuntu-latest', 'permissions': { 'id-token': 'write' }, steps, ...extra } } };
}

describe('workflow harness', () => {
  test('runs the probe job like a runner: env levels, inputs, outputs, GITHUB_ENV/PATH, masking, if:, summary', async () => {
    const issuer = fakeIssuer();
    const job = await run(probe(), { issuer });
    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      '__actions_checkout:success', 'probe:success', 'script:success', 'after:success',
      'fails:failure', 'skipped:skipped', 'on-failure:success', 'always:success',
    ]);
    expect(job.conclusion).toBe('failure');

    const probeLog = job.step('probe').log;
    expect(probeLog).toMatch(/^node v24\./m); // runs.using: node24 -> real Node 24
    expect(probeLog).toContain(`index-url=${EMULATED_UPLOAD} default=octo-org/demo`);
    expect(probeLog).toContain('secret is ***');
    expect(probeLog).not.toContain('probe-secret-value-1234');
    expect(probeLog).toContain('oidc=present event=refs/tags/v1.2.3');
    expect(job.step('probe').annotations).toEqual([{ level: 'warning', title: 'Probe', message: 'a warning\non two lines', step: 'probe' }]);

    const script = job.step('script').log;
    expect(script).toContain(`job=from-workflow-and-job from-probe=hello from probe upload=${EMULATED_UPLOAD} ref=refs/tags/v1.2.3 event=push`);
    expect(script).toContain('oidc=present');
    expect(script).toMatch(/^Python 3\./m); // `python` is Debian's python3
    expect(script.split('\n')).toEqual(expect.arrayContaining(['.github', 'README.md', 'pyproject.toml']));
    expect(script).not.toMatch(/^(docs|src)$/m); // cone mode: root files and .github/actions only
    expect(job.step('script').outputs).toEqual({ multi: 'line one\nline two' });
    expect(job.step('after').log).toBe('exported=exported-value multi=line one\nline two\nextra tool ran');
    expect(job.step('on-failure').log).toBe('cleanup after failure');
    expect(job.summary).toBe('### probe summary\n');
    expect(job.log).toContain('── Run exit 3 (failed)');
    expect(job.log).toContain('── Run echo should not run (skipped)');

    expect(issuer.claims).toHaveLength(1);
    expect(issuer.claims[0]).toMatchObject({
      environment: 'pypi',
      event_name: 'push',
      ref: 'refs/tags/v1.2.3',
      job_workflow_ref: 'octo-org/demo/.github/workflows/probe.yml@refs/tags/v1.2.3',
    });
  });

  test('without id-token: write the OIDC request variables are absent, as on GitHub', async () => {
    const workflow = probe();
    (workflow.jobs.probe as { permissions: unknown }).permissions = { contents: 'read' };
    const job = await run(workflow);
    expect(job.idTokenGranted).toBe(false);
    expect(job.step('probe').log).toContain('oidc=absent');
  });

  test('refuses to run a workflow the event would not trigger', async () => {
    await expect(run(probe(), { event: { name: 'push', ref: 'refs/tags/latest' } })).rejects.toThrow(/would not run.*matches none/);
    await expect(run(probe(), { event: { name: 'push', ref: 'refs/heads/main' } })).rejects.toThrow(/would not run.*filters only tags/);
    await expect(run(probe(), { event: { name: 'workflow_dispatch' } })).rejects.toThrow(/not triggered by 'workflow_dispatch'/);
  });

  test('throws on what it cannot execute faithfully', async () => {
    await expect(run(jobOf([{ uses: 'pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc' }])))
      .rejects.toThrow(/no stand-in/);
    await expect(run(jobOf([{ run: 'echo x', env: { X: '${{ matrix.python }}' } }]))).rejects.toThrow(/unknown context 'matrix'/);
    await expect(run(jobOf([{ run: 'echo x', env: { X: '${{ steps.nope.outputs.y }}' } }]))).rejects.toThrow(/has no 'nope'/);
    await expect(run(jobOf([{ run: 'echo x', env: { X: "${{ hashFiles('**/x') }}" } }]))).rejects.toThrow(/hashFiles/);
    await expect(run(jobOf([{ run: 'curl https://upload.pypi.org/legacy/' }]))).rejects.toThrow(/inside run:/);
    await expect(run(jobOf([{ run: 'echo x', shell: 'pwsh' }]))).rejects.toThrow(/shell 'pwsh'/);
    await expect(run(jobOf([{ uses: 'actions/checkout@v6', with: { 'fetch-tags': true } }]))).rejects.toThrow(/fetch-tags/);
  });

  test('a local action before any checkout fails the step with the runner\'s message', async () => {
    const job = await run(jobOf([{ id: 'p', uses: './.github/actions/probe' }]));
    expect(job.step('p').outcome).toBe('failure');
    expect(job.step('p').log).toContain('Did you forget to run actions/checkout before running your local action?');
  });

  test('checkout after download-artifact deletes the downloaded files, exactly like actions/checkout', async () => {
    const job = await run(jobOf([
      { uses: 'actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c', with: { name: 'dists', path: 'dist/' } },
      { uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1', with: { 'persist-credentials': false } },
      { id: 'ls', run: 'ls dist' },
    ]), { artifacts: { dists: join(REPO, 'docs') } });
    expect(job.steps[1].log).toMatch(/Deleting the contents of/);
    expect(job.step('ls').outcome).toBe('failure');
  });

  test('setup-uv puts the pinned uv of .tools/ on PATH, and the job installs its tools for real', async () => {
    const steps = [
      { id: 'setup', uses: 'astral-sh/setup-uv@08807647e7069bb48b6ef5acd8ec9567f424441b', with: { version: TOOL_VERSIONS.uv } },
      { id: 'install', run: `uv tool install '${pinnedRequirement('twine')}'` },
      { id: 'use', run: 'twine --version' },
    ];
    const job = await run(jobOf(steps));
    expect(job.step('setup').log).toContain(`uv ${TOOL_VERSIONS.uv}: uv ${TOOL_VERSIONS.uv} (`);
    expect(job.step('install').outcome).toBe('success');
    expect(job.step('use').log).toContain(`twine version ${TOOL_VERSIONS.twine}`);
  });

  test('setup-uv fails visibly when uv is missing or is not the version the step asks for', async () => {
    const steps = [
      { id: 'setup', uses: 'astral-sh/setup-uv@08807647e7069bb48b6ef5acd8ec9567f424441b', with: { version: '0.1.0' } },
      { id: 'use', run: 'uv --version' },
    ];
    const wrong = await run(jobOf(steps));
    expect(wrong.step('setup').outcome).toBe('failure');
    expect(wrong.step('setup').log).toContain(`the step asks for uv 0.1.0; .tools/ has ${TOOL_VERSIONS.uv}`);
    expect(wrong.step('use').outcome).toBe('skipped');

    const missing = await run(jobOf([{ ...steps[0], with: { version: TOOL_VERSIONS.uv } }, steps[1]]), { tools: { uv: null } });
    expect(missing.step('setup').outcome).toBe('failure');
    expect(missing.step('setup').log).toContain('this machine has no uv');
  });
});
