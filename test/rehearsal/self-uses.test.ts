/**
 * GitHub's self-repository form `uses: $/path` (the workflow's own repository at the running commit, no checkout),
 * its malformed variants, and the rehearsal's loopback rule, on a tiny local node action (the probe of
 * test/fixtures/rehearsal-repo).
 */
import { join } from 'node:path';
import { runJob, RunJobOptions } from '../../src/rehearsal';
import { RefusedUrlError } from '../../src/rehearsal/execute-step';
import { selfReference } from '../../src/rehearsal/local-action';
import { refuseNonLoopback } from '../../src/rehearsal/rehearse';
import type { Workflow, WorkflowStep } from '../../src/rehearsal/types';
import * as leaks from '../support/leaks';
import { rehearsalMachine } from '../support/tools';

const REPO = join(__dirname, '..', 'fixtures', 'rehearsal-repo');
const issuer = {
  oidc: { requestUrl: 'http://127.0.0.1:9/token?api-version=2.0', requestToken: 'request-token-for-self-uses-tests' },
  setRunnerClaims: () => undefined,
};

function workflow(steps: WorkflowStep[], idToken = true): Workflow {
  return {
    name: 'w',
    on: { push: { tags: ['v*'] } },
    jobs: { j: { 'runs-on': 'ubuntu-latest', 'permissions': idToken ? { 'id-token': 'write' } : { contents: 'read' }, steps } },
  };
}

function run(wf: Workflow, extra: Partial<RunJobOptions> = {}) {
  return runJob({
    workflow: wf,
    workflowFile: 'w.yml',
    jobId: 'j',
    issuer,
    repoDir: REPO,
    urlMap: { 'https://upload.pypi.org/legacy/': 'http://127.0.0.1:9/legacy/' },
    event: { name: 'push', ref: 'refs/tags/v1.2.3', sha: 'a'.repeat(40) },
    scan: leaks,
    ...rehearsalMachine(),
    ...extra,
  });
}

describe('uses: $/ (self-repository)', () => {
  test('runs the action of the running commit with no checkout at all', async () => {
    const job = await run(workflow([{ id: 'probe', uses: '$/.github/actions/probe' }]), { refuseUrl: refuseNonLoopback });
    expect(job.step('probe')).toMatchObject({ outcome: 'success', kind: 'local-action' });
    expect(job.step('probe').outputs.greeting).toBeDefined();
  });

  test('the same step with ./ fails as on GitHub: nothing was checked out', async () => {
    const job = await run(workflow([{ id: 'probe', uses: './.github/actions/probe' }]));
    expect(job.step('probe').outcome).toBe('failure');
    expect(job.step('probe').log).toContain('Did you forget to run actions/checkout before running your local action?');
  });

  test('a $/ path the commit does not have fails the step with the runner\'s message, naming the commit', async () => {
    const job = await run(workflow([{ id: 'gone', uses: '$/.github/actions/missing' }]));
    expect(job.step('gone').outcome).toBe('failure');
    expect(job.step('gone').annotations[0].message).toBe(
      `Can't find 'action.yml', 'action.yaml' or 'Dockerfile' for $/.github/actions/missing in this repository at commit ${'a'.repeat(40)}.`);
  });

  test.each([
    ['$//.github/actions/probe', 'starts with another `/`'],
    ['$/', 'names no directory'],
    ['$/.github/../actions/probe', '`..` segment'],
    ['$/.github//actions/probe', 'empty'],
    ['$/.github/actions/probe@v1', 'no `@ref`'],
    ['$.github/actions/probe', 'starts with `$/`'],
  ])('%s is refused before any step runs (%s)', async (uses, why) => {
    const wf = workflow([{ id: 'first', run: 'echo should-not-run' }, { id: 'bad', uses }]);
    await expect(run(wf)).rejects.toThrow(`uses: ${uses} is not a valid self-repository reference`);
    await expect(run(wf)).rejects.toThrow(why);
    await expect(run(wf)).rejects.toThrow('write `$/<directory of the action>`, e.g. `$/.github/actions/pypi-mint`');
  });

  test('selfReference tells the forms apart', () => {
    expect(selfReference('$/.github/actions/pypi-mint')).toEqual({ kind: 'self-repository', path: '.github/actions/pypi-mint' });
    expect(selfReference('$/.github/actions/pypi-mint/')).toEqual({ kind: 'self-repository', path: '.github/actions/pypi-mint' });
    expect(selfReference('./.github/actions/pypi-mint')).toEqual({ kind: 'workspace', path: './.github/actions/pypi-mint' });
    expect(selfReference('actions/checkout@v4')).toBeUndefined();
    expect(selfReference(undefined)).toBeUndefined();
  });
});

describe('the loopback rule in a job that holds an OIDC token', () => {
  test('a non-loopback upload URL in env stops the job before the step runs', async () => {
    const wf = workflow([{ id: 'upload', env: { TWINE_REPOSITORY_URL: 'https://upload.example.org/legacy/' }, run: 'echo uploaded > "$RUNNER_TEMP/x"' }]);
    const attempt = run(wf, { refuseUrl: refuseNonLoopback });
    await expect(attempt).rejects.toThrow(RefusedUrlError);
    await expect(run(wf, { refuseUrl: refuseNonLoopback })).rejects.toThrow(
      "job 'j' step 'upload' env TWINE_REPOSITORY_URL: https://upload.example.org/legacy/ is not on this machine");
  });

  test('an action\'s default input (an upload URL nothing repointed) is caught too', async () => {
    const wf = workflow([{ id: 'probe', uses: '$/.github/actions/probe' }]);
    // no urlMap: the probe's index-url default stays https://upload.pypi.org/legacy/
    await expect(run(wf, { urlMap: {}, refuseUrl: refuseNonLoopback })).rejects.toThrow(
      "step 'probe' input 'index-url' (the action's default): https://upload.pypi.org/legacy/ is not on this machine");
  });

  test('repointed URLs, PyPI\'s read-only simple API and a job without an OIDC token pass', async () => {
    const ok = await run(workflow([{ id: 's', env: { U: 'https://upload.pypi.org/legacy/', S: 'https://pypi.org/simple/' }, run: 'true' }]),
      { refuseUrl: refuseNonLoopback });
    expect(ok.conclusion).toBe('success');
    const noToken = await run(workflow([{ id: 's', env: { PAGE: 'https://pypi.org/p/demo' }, run: 'true' }], false), { refuseUrl: refuseNonLoopback });
    expect(noToken.conclusion).toBe('success');
  });

  test.each([
    ['http://127.0.0.1:8080/legacy/', undefined],
    ['http://localhost:1/x', undefined],
    ['http://[::1]:1/x', undefined],
    ['https://files.pythonhosted.org/packages/x.whl', undefined],
    ['https://pypi.org/simple/uv/', undefined],
    ['https://upload.pypi.org/legacy/', 'not on this machine'],
    ['https://fulcio.sigstore.dev', 'not on this machine'],
    ['https://rekor.sigstore.dev/api/v1/log/entries', 'not on this machine'],
    ['https://pypi.org/_/oidc/mint-token', 'not on this machine'],
  ])('%s', (url, refused) => {
    const why = refuseNonLoopback(url);
    if (refused === undefined) expect(why).toBeUndefined();
    else expect(why).toContain(refused);
  });
});
