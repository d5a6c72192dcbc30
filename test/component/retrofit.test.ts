/**
 * PypiPublishRetrofit turns the release_pypi job of projen's own Release (publib + PYPI_TRUSTED_PUBLISHER) into a
 * job that mints with the shipped step and uploads with TWINE_USERNAME/TWINE_PASSWORD from the mint output. It keeps
 * the PEP 740 attestations publib made in its own exchange: the shipped attest step signs dist/python/ and the pinned
 * twine uploads them with --attestations (publib-pypi cannot pass that flag); `attestations: false` keeps publib.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { cdk, javascript } from 'projen';
import { parse } from 'yaml';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { Workflow, WorkflowJob, synth, tempOutdir, workflowAt } from './projects';
import { PypiPublishRetrofit } from '../../src';

const ACME_PYPI: cdk.JsiiPythonTarget = { distName: 'acme-lib', module: 'acme_lib', trustedPublishing: true };

function jsiiProject(publishToPypi: cdk.JsiiPythonTarget = ACME_PYPI, extra: Partial<cdk.JsiiProjectOptions> = {}) {
  return new cdk.JsiiProject({
    name: 'acme-lib',
    author: 'Acme',
    authorAddress: 'dev@acme.example',
    repositoryUrl: 'https://github.com/acme/acme-lib.git',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    outdir: tempOutdir(),
    publishToPypi,
    ...extra,
  });
}

/** The rewired job, checked the same way in a fresh project and in this repository's own release.yml. */
function expectMintingJob(job: WorkflowJob, environmentUrl: string, attested = true) {
  const steps = job.steps ?? [];
  const ids = steps.map((s) => s.id);
  expect(job.environment).toEqual({ name: 'pypi', url: environmentUrl });
  expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
  // the actions are checked out first (sparse, no persisted token), the mint step comes right before the upload
  const checkout = steps.find((s) => s.id === 'checkout_mint_action');
  const sparse = attested ? '/.github/actions/pypi-mint/\n/.github/actions/pypi-attest/' : '/.github/actions/pypi-mint/';
  expect(checkout?.with).toEqual({ 'persist-credentials': false, 'sparse-checkout': sparse, 'sparse-checkout-cone-mode': false });
  expect(ids.indexOf('checkout_mint_action')).toBeLessThan(ids.indexOf('download_build_artifacts'));
  const mintAt = ids.indexOf('mint');
  expect(steps[mintAt].uses).toBe('./.github/actions/pypi-mint');
  expect(steps[mintAt].with).toEqual({ 'index-url': 'https://upload.pypi.org/legacy/' });
  const publish = steps[mintAt + 1];
  if (attested) {
    // what pacmak built in this job is signed right after, then the pinned twine uploads it with the attestations
    expect(ids.slice(ids.indexOf('collect_python_artifact') + 1, mintAt + 2)).toEqual(['attest', 'setup_uv', 'install_twine', 'mint', 'release']);
    expect(steps[mintAt - 3]).toMatchObject({ uses: './.github/actions/pypi-attest', with: { 'packages-dir': 'dist/python/' } });
    // twine from its hash-locked set, vendored next to the mint action (which the sparse checkout brings)
    expect(steps[mintAt - 1].run).toContain('--require-hashes --only-binary :all: --requirement .github/actions/pypi-mint/requirements/twine.txt');
    expect(publish.run).toContain('twine upload --non-interactive --verbose --skip-existing --attestations dist/python/*');
    expect(publish.run).toContain('PUBLIB_DRYRUN');
    expect(publish.run).not.toContain('publib-pypi');
  } else {
    expect(publish.run).toContain('publib-pypi');
    expect(ids).not.toContain('attest');
  }
  expect(publish.env).toMatchObject({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: '${{ steps.mint.outputs.api-token }}' });
  // publib's own exchange is off; the token is nowhere else
  expect(JSON.stringify(job)).not.toContain('PYPI_TRUSTED_PUBLISHER');
  expect(JSON.stringify(job).split('steps.mint.outputs.api-token')).toHaveLength(2);
  for (const s of steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(s.with?.['persist-credentials']).toBe(false);
  expect(steps.some((s) => s.run?.includes('${{'))).toBe(false);
}

test('a JsiiProject with publishToPypi: release_pypi mints with the shipped step', async () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project);
  const result = synth(project);
  const wf = workflowAt(result, '.github/workflows/release.yml');
  expectMintingJob(wf.doc.jobs.release_pypi, 'https://pypi.org/p/acme-lib');
  expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeDefined();
  expect(result.files['.github/actions/pypi-mint/action.yml']).toBeDefined();
  expect(result.files['.github/actions/pypi-attest/index.cjs']).toBeDefined();
  expect(result.files['.github/actions/pypi-attest/action.yml']).toBeDefined();
  // id-token: write is not handed to any job that did not already need it
  const withIdToken = Object.entries(wf.doc.jobs).filter(([, j]) => typeof j.permissions === 'object' && j.permissions['id-token'] === 'write').map(([id]) => id);
  expect(withIdToken.sort()).toEqual(['release_npm', 'release_pypi']);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
  expect(shellcheckFindings(runBlocks(wf.path, wf.doc).filter((b) => b.where.includes('release_pypi')))).toEqual([]);
});

test('attestations: false keeps publib-pypi and adds no attest step', () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, { attestations: false });
  const result = synth(project);
  expectMintingJob(workflowAt(result, '.github/workflows/release.yml').doc.jobs.release_pypi, 'https://pypi.org/p/acme-lib', false);
  expect(result.files['.github/actions/pypi-attest/action.yml']).toBeUndefined();
});

test('continueWithoutAttestations: twine gets --attestations only when the attest step signed', () => {
  const project = jsiiProject();
  new PypiPublishRetrofit(project, { continueWithoutAttestations: true });
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  const steps = wf.doc.jobs.release_pypi.steps ?? [];
  expect(steps.find((s) => s.id === 'attest')?.with).toEqual({ 'packages-dir': 'dist/python/', 'continue-without-attestations': true });
  const upload = steps.find((s) => s.id === 'release')!;
  expect(upload.env?.ATTESTED).toBe('${{ steps.attest.outputs.attested }}');
  expect(upload.run).toMatch(/elif \[ "\$ATTESTED" = true \]; then\n {2}twine upload .* --attestations dist\/python\/\*\nelse\n {2}twine upload --non-interactive --verbose --skip-existing dist\/python\/\*\nfi$/);
  expect(shellcheckFindings(runBlocks(wf.path, wf.doc).filter((b) => b.where.includes('release_pypi')))).toEqual([]);
});

test('every release branch workflow gets the same rewiring', () => {
  const project = jsiiProject(ACME_PYPI, { majorVersion: 2, releaseBranches: { v1: { majorVersion: 1 } } });
  new PypiPublishRetrofit(project);
  const result = synth(project);
  for (const path of ['.github/workflows/release.yml', '.github/workflows/release-v1.yml']) {
    expectMintingJob(workflowAt(result, path).doc.jobs.release_pypi, 'https://pypi.org/p/acme-lib');
  }
});

test('the index URL follows twineRegistryUrl, e.g. TestPyPI', () => {
  const project = jsiiProject({ ...ACME_PYPI, twineRegistryUrl: 'https://test.pypi.org/legacy/' });
  new PypiPublishRetrofit(project, { environment: 'testpypi' });
  const job = workflowAt(synth(project), '.github/workflows/release.yml').doc.jobs.release_pypi;
  expect(job.steps?.find((s) => s.id === 'mint')?.with).toEqual({ 'index-url': 'https://test.pypi.org/legacy/' });
  expect(job.environment).toEqual({ name: 'testpypi', url: 'https://test.pypi.org/p/acme-lib' });
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
  expectMintingJob(doc.jobs.release_pypi, 'https://pypi.org/p/projen-pypi-mint');
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
