/**
 * PypiPublishRetrofit splits the release_pypi job of projen's own Release (publib + PYPI_TRUSTED_PUBLISHER) into a
 * packaging job without id-token and a publish job shaped like PypiRelease's: download, attest, install the pinned
 * twine, mint, upload. It keeps the PEP 740 attestations publib made in its own exchange: the shipped attest step
 * signs what the job downloaded and twine uploads them with --attestations; `attestations: false` leaves them out.
 */
import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { cdk, javascript } from 'projen';
import { parse, stringify } from 'yaml';
import { releaseWorkflowViolations } from './invariants';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { ACME_PYPI, Workflow, jsiiProject, synth, tempOutdir, uploaderCommand, workflowAt } from './projects';
import { zizmorFindings } from './zizmor';
import { PypiPublishRetrofit, VendoredStepsReference } from '../../src';

/**
 * The retrofitted PyPI jobs, checked the same way in a fresh project and in this repository's own release.yml:
 * every invariant of PypiRelease's workflows (on a workflow made of just these two jobs: projen's other jobs have
 * their own rules), plus what projen's pipeline relies on.
 */
function expectMintingJob(doc: Workflow, environmentUrl: string, indexUrl = 'https://upload.pypi.org/legacy/', attested = true, checkoutForm = false) {
  const packaging = doc.jobs.release_pypi_package;
  const job = doc.jobs.release_pypi;
  const ours: Workflow = { on: doc.on, permissions: {}, jobs: { release_pypi_package: packaging, release_pypi: job } };
  expect(releaseWorkflowViolations('.github/workflows/release.yml', stringify(ours), ours)).toEqual([]);

  // packaging: projen's steps up to publib, without id-token, pinned setup actions, dist/python/ handed over
  expect(packaging.permissions).toEqual({ contents: 'read' });
  const packSteps = packaging.steps ?? [];
  expect(packSteps.slice(0, 2).map((s) => s.uses)).toEqual([
    'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020', 'actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97',
  ]);
  expect(packSteps.find((s) => s.id === 'download_build_artifacts')?.with).toEqual({ 'artifact-ids': '${{ needs.release.outputs.artifact_id }}', 'path': 'dist' });
  expect(packSteps.some((s) => s.run === 'cd .repo && npx projen package:python')).toBe(true);
  expect(packSteps[packSteps.length - 1].with).toEqual({ 'name': 'python-distributions', 'path': 'dist/python/', 'if-no-files-found': 'error' });

  // publishing: the same conditions and place in projen's pipeline, then what PypiRelease's publish jobs do
  const condition = 'needs.release.outputs.tag_exists != \'true\' && needs.release.outputs.latest_commit == github.sha';
  expect(packaging.if).toBe(condition);
  expect(job.if).toBe(condition);
  expect(job.needs).toEqual(['release', 'release_pypi_package']);
  expect([doc.jobs.release_github.needs].flat()).toContain('release_pypi');
  expect(job.environment).toEqual({ name: 'pypi', url: environmentUrl });
  // $/: nothing checked out, no contents: read; the checkout form checks out the steps' directories only
  expect(job.permissions).toEqual(checkoutForm ? { 'contents': 'read', 'id-token': 'write' } : { 'id-token': 'write' });
  const steps = job.steps ?? [];
  const checkout = steps.find((s) => s.id === 'checkout');
  const sparse = ['/.github/actions/pypi-tools/', '/.github/actions/pypi-mint/', ...(attested ? ['/.github/actions/pypi-attest/'] : [])].join('\n');
  expect(checkout?.with).toEqual(checkoutForm ? { 'persist-credentials': false, 'sparse-checkout': sparse, 'sparse-checkout-cone-mode': false } : undefined);
  // what this job downloaded is signed before anything is installed or minted
  expect(steps.map((s) => s.id)).toEqual([...(checkoutForm ? ['checkout'] : []), 'download_distributions', 'check_sha256',
    ...(attested ? ['attest'] : []), 'install_tools', 'mint', 'upload']);
  const form = checkoutForm ? './' : '$/';
  if (attested) expect(steps.find((s) => s.id === 'attest')).toMatchObject({ uses: `${form}.github/actions/pypi-attest`, with: { 'packages-dir': 'dist/' } });
  expect(steps.find((s) => s.id === 'mint')?.uses).toBe(`${form}.github/actions/pypi-mint`);
  expect(steps.find((s) => s.id === 'install_tools')).toMatchObject({ uses: `${form}.github/actions/pypi-tools`, with: { tools: 'twine' } });
  const mint = steps.find((s) => s.id === 'mint')!;
  expect(mint.with).toEqual({ 'index-url': indexUrl });
  const upload = steps.find((s) => s.id === 'upload')!;
  expect(uploaderCommand(upload.run)).toBe(attested ? 'twine upload --non-interactive --attestations dist/*' : 'twine upload --non-interactive dist/*');
  expect(upload.env).toEqual({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: '${{ steps.mint.outputs.api-token }}', TWINE_REPOSITORY_URL: indexUrl });
  // projen's dry run mints nothing and uploads nothing
  const attest = steps.filter((s) => s.id === 'attest');
  expect([...attest, mint, upload].map((s) => s.if)).toEqual([...attest, mint, upload].map(() => '${{ !inputs.dry_run }}'));
  const both = JSON.stringify([packaging, job]);
  expect(both).not.toContain('publib');
  expect(both).not.toContain('PYPI_TRUSTED_PUBLISHER');
  expect(both).not.toMatch(/@latest|@v\d/);
}

test('a JsiiProject with publishToPypi: release_pypi mints with the shipped step', async () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project);
  const result = synth(project);
  const wf = workflowAt(result, '.github/workflows/release.yml');
  expectMintingJob(wf.doc, 'https://pypi.org/p/acme-lib');
  expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeDefined();
  expect(result.files['.github/actions/pypi-mint/action.yml']).toBeDefined();
  expect(result.files['.github/actions/pypi-attest/index.cjs']).toBeDefined();
  expect(result.files['.github/actions/pypi-attest/action.yml']).toBeDefined();
  expect(String(result.files['.github/actions/pypi-tools/requirements/twine.txt'])).toContain('twine==7.0.0');
  expect(String(result.files['.github/actions/pypi-tools/requirements/uv.txt'])).toContain('uv==0.13.8');
  expect(String(result.files['.github/actions/pypi-tools/action.yml'])).toContain('using: composite');
  // id-token: write is not handed to any job that did not already need it
  const withIdToken = Object.entries(wf.doc.jobs).filter(([, j]) => typeof j.permissions === 'object' && j.permissions['id-token'] === 'write').map(([id]) => id);
  expect(withIdToken.sort()).toEqual(['release_npm', 'release_pypi']);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
  expect(shellcheckFindings(runBlocks(wf.path, wf.doc).filter((b) => b.where.includes('release_pypi')))).toEqual([]);
});

/** The retrofit's synth log (everything it logs). */
function retrofitLog(options: ConstructorParameters<typeof PypiPublishRetrofit>[1] = {}) {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, options);
  const info = jest.spyOn(project.logger, 'info').mockImplementation(() => undefined);
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  return { wf, log: info.mock.calls.map((c) => c.join(' ')).join('\n') };
}

test('projen\'s other release jobs: actions pinned by commit, no persisted credentials, the token per step for git ls-remote; the synth log says so', () => {
  const { wf, log } = retrofitLog();
  const jobs = wf.doc.jobs;
  const uses = Object.values(jobs).flatMap((j) => (j.steps ?? []).map((s) => s.uses)).filter((u): u is string => u !== undefined);
  expect(uses.filter((u) => !u.startsWith('$/') && !/@[0-9a-f]{40}$/.test(u))).toEqual([]);
  expect(wf.text).toContain('uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0');
  for (const [id, job] of Object.entries(jobs)) {
    for (const s of (job.steps ?? []).filter((x) => x.uses?.startsWith('actions/checkout@'))) expect([id, s.with?.['persist-credentials']]).toEqual([id, false]);
  }
  // projen's release job asks the remote whether the tag exists and whether the branch moved: the token for those steps only
  const remoteSteps = (jobs.release.steps ?? []).filter((s) => /git ls-remote/.test(s.run ?? ''));
  expect(remoteSteps.map((s) => s.id)).toEqual(['check_tag_exists', 'git_remote']);
  for (const s of remoteSteps) {
    expect(s.env).toMatchObject({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_REMOTE_TOKEN: '${{ github.token }}' });
  }
  expect((jobs.release.steps ?? []).filter((s) => s.env?.GIT_REMOTE_TOKEN !== undefined)).toHaveLength(2);
  // the real git answers a credential request from that environment (and only with it)
  const fill = (env: Record<string, string>) => spawnSync('git', ['credential', 'fill'], {
    input: 'protocol=https\nhost=github.com\n\n', encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tempOutdir(), GIT_TERMINAL_PROMPT: '0', ...env },
  });
  const stepEnv = { ...remoteSteps[0].env, GIT_REMOTE_TOKEN: 'not-a-real-token' } as Record<string, string>;
  expect(fill(stepEnv).stdout).toBe('protocol=https\nhost=github.com\nusername=x-access-token\npassword=not-a-real-token\n');
  expect(fill({}).status).not.toBe(0);
  expect(wf.doc.permissions).toEqual({});
  expect(wf.text).toContain('      contents: write # creates the GitHub release and uploads its assets');
  expect(wf.text).toContain('      id-token: write # npm trusted publishing and provenance (publib)');
  expect(wf.text).toMatch(/^# The publish jobs run the vendored steps as \$\/\.github\/actions\/\.\.\. /m);
  expect(log).toContain('PypiPublishRetrofit changed projen\'s other jobs of workflow "release" (hardenReleaseWorkflow: false leaves them as they are):');
  expect(log).toContain('  pinned actions/setup-node@v7.0.0 by commit: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 (github.actions override)');
  expect(log).toContain('  release: Checkout: persist-credentials: false');
  expect(log).toContain('  release_npm: Checkout: persist-credentials: false');
  expect(log).toContain('  release: Check if version has already been tagged: the job\'s token for this step only');
  expect(log).toMatch(/runners 2\.336\.0 or newer; on GitHub Enterprise Server\s+or older runners set vendoredSteps: VendoredStepsReference\.CHECKOUT/);
});

test('hardenReleaseWorkflow: false leaves projen\'s other jobs as projen makes them; the PyPI jobs are the same', () => {
  const hardened = retrofitLog().wf.doc;
  const { wf, log } = retrofitLog({ hardenReleaseWorkflow: false });
  expect(wf.text).toContain('uses: actions/setup-node@v7.0.0');
  expect(wf.doc.jobs.release.steps?.[0].with).toEqual({ 'fetch-depth': 0 });
  expect(wf.doc.permissions).toBeUndefined();
  expect(log).not.toContain('changed projen\'s other jobs');
  for (const id of ['release_pypi', 'release_pypi_package']) expect(wf.doc.jobs[id]).toEqual(hardened.jobs[id]);
});

test('zizmor (regular and pedantic) finds nothing in the retrofitted release workflow, in either form, release branches included', () => {
  const workflows: Record<string, string> = {};
  for (const [name, options] of [['default', {}], ['checkout-form', { vendoredSteps: VendoredStepsReference.CHECKOUT }], ['no-attestations', { attestations: false }]] as const) {
    const project = jsiiProject(ACME_PYPI, name === 'default' ? { majorVersion: 2, releaseBranches: { v1: { majorVersion: 1 } } } : {});
    new PypiPublishRetrofit(project, options);
    for (const wf of synth(project).workflows.filter((w) => /release/.test(w.path))) workflows[`${name}-${wf.path.split('/').pop()}`] = wf.text;
  }
  expect(Object.keys(workflows).sort()).toEqual(['checkout-form-release.yml', 'default-release-v1.yml', 'default-release.yml', 'no-attestations-release.yml']);
  expect(zizmorFindings(workflows, 'regular')).toEqual([]);
  expect(zizmorFindings(workflows, 'pedantic')).toEqual([]);
});

test('the checkout form: the publish job checks out the steps and runs them as ./', async () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, { vendoredSteps: VendoredStepsReference.CHECKOUT });
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  expectMintingJob(wf.doc, 'https://pypi.org/p/acme-lib', undefined, true, true);
  expect(wf.text).toContain('uses: ./.github/actions/pypi-mint # zizmor: ignore[self-repository] VendoredStepsReference.CHECKOUT: for runners without $/');
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
});

test('attestations: false signs nothing and adds no attest step', () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, { attestations: false });
  const result = synth(project);
  expectMintingJob(workflowAt(result, '.github/workflows/release.yml').doc, 'https://pypi.org/p/acme-lib', undefined, false);
  expect(result.files['.github/actions/pypi-attest/action.yml']).toBeUndefined();
});

test('continueWithoutAttestations: twine gets --attestations only when the attest step signed', () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, { continueWithoutAttestations: true });
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  const steps = wf.doc.jobs.release_pypi.steps ?? [];
  expect(steps.find((s) => s.id === 'attest')?.with).toEqual({ 'packages-dir': 'dist/', 'continue-without-attestations': true });
  const upload = steps.find((s) => s.id === 'upload')!;
  expect(upload.env?.ATTESTED).toBe('${{ steps.attest.outputs.attested }}');
  expect(uploaderCommand(upload.run)).toBe('if [ "$ATTESTED" = true ]; then\n  twine upload --non-interactive --attestations dist/*\nelse\n  twine upload --non-interactive dist/*\nfi');
  expect(shellcheckFindings(runBlocks(wf.path, wf.doc).filter((b) => b.where.includes('release_pypi')))).toEqual([]);
});

test('every release branch workflow gets the same rewiring', () => {
  const project = jsiiProject(ACME_PYPI, { majorVersion: 2, releaseBranches: { v1: { majorVersion: 1 } } });
  new PypiPublishRetrofit(project);
  const result = synth(project);
  for (const path of ['.github/workflows/release.yml', '.github/workflows/release-v1.yml']) {
    expectMintingJob(workflowAt(result, path).doc, 'https://pypi.org/p/acme-lib');
  }
});

test('the index URL follows twineRegistryUrl, e.g. TestPyPI', () => {
  const project = jsiiProject({ ...ACME_PYPI, twineRegistryUrl: 'https://test.pypi.org/legacy/' });
  new PypiPublishRetrofit(project, { environment: 'testpypi' });
  const doc = workflowAt(synth(project), '.github/workflows/release.yml').doc;
  expect(doc.jobs.release_pypi.environment).toEqual({ name: 'testpypi', url: 'https://test.pypi.org/p/acme-lib' });
  expect(doc.jobs.release_pypi.steps?.find((s) => s.id === 'upload')?.env?.TWINE_REPOSITORY_URL).toBe('https://test.pypi.org/legacy/');
  expect(doc.jobs.release_pypi.steps?.find((s) => s.id === 'mint')?.with).toEqual({ 'index-url': 'https://test.pypi.org/legacy/' });
});

test('a project without a PyPI publish job is told what the retrofit needs', () => {
  const project = new cdk.JsiiProject({
    name: 'no-py',
    author: 'Acme',
    authorAddress: 'dev@acme.example',
    repositoryUrl: 'https://github.com/acme/no-py.git',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    outdir: tempOutdir(),
  });
  expect(() => new PypiPublishRetrofit(project)).toThrow(/^PypiPublishRetrofit: set distributionName/);
  expect(() => new PypiPublishRetrofit(project, { distributionName: 'no-py', environment: 'a;b' }))
    .toThrow(/^PypiPublishRetrofit: environment name "a;b" contains ";"/);
  new PypiPublishRetrofit(project, { distributionName: 'no-py' });
  expect(() => synth(project)).toThrow(/^PypiPublishRetrofit: no workflow has a "release_pypi" job; the retrofit needs projen's Release with publishToPypi/);
});

test('this repository dogfoods it: its own release_pypi job mints with the shipped step', () => {
  const root = join(__dirname, '..', '..');
  const doc = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf-8')) as Workflow;
  expectMintingJob(doc, 'https://pypi.org/p/projen-pypi-mint');
  const copy = readFileSync(join(root, '.github/actions/pypi-mint/index.cjs'), 'utf-8');
  const bundle = readFileSync(join(root, 'action/index.cjs'), 'utf-8');
  if (!copy.endsWith(bundle)) {
    throw new Error('.github/actions/pypi-mint/index.cjs is older than action/index.cjs: run `npx projen` after `npx projen bundle:action` and commit both');
  }
  const attestCopy = readFileSync(join(root, '.github/actions/pypi-attest/index.cjs'), 'utf-8');
  if (!attestCopy.endsWith(readFileSync(join(root, 'attest/index.cjs'), 'utf-8'))) {
    throw new Error('.github/actions/pypi-attest/index.cjs is older than attest/index.cjs: run `npx projen bundle:attest` and commit both');
  }
});
