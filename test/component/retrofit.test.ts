/**
 * PypiPublishRetrofit turns the release_pypi job of projen's own Release (publib + PYPI_TRUSTED_PUBLISHER) into a
 * job that mints with the shipped step and feeds publib TWINE_USERNAME/TWINE_PASSWORD from the mint output.
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
function expectMintingJob(job: WorkflowJob, environmentUrl: string) {
  const steps = job.steps ?? [];
  const ids = steps.map((s) => s.id);
  expect(job.environment).toEqual({ name: 'pypi', url: environmentUrl });
  expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
  // the action is checked out first (sparse, no persisted token), the mint step comes right before publib
  const checkout = steps.find((s) => s.id === 'checkout_mint_action');
  expect(checkout?.with).toEqual({ 'persist-credentials': false, 'sparse-checkout': '/.github/actions/pypi-mint/', 'sparse-checkout-cone-mode': false });
  expect(ids.indexOf('checkout_mint_action')).toBeLessThan(ids.indexOf('download_build_artifacts'));
  const mintAt = ids.indexOf('mint');
  expect(steps[mintAt].uses).toBe('./.github/actions/pypi-mint');
  expect(steps[mintAt].with).toEqual({ 'index-url': 'https://upload.pypi.org/legacy/' });
  const publish = steps[mintAt + 1];
  expect(publish.run).toContain('publib-pypi');
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
  // id-token: write is not handed to any job that did not already need it
  const withIdToken = Object.entries(wf.doc.jobs).filter(([, j]) => typeof j.permissions === 'object' && j.permissions['id-token'] === 'write').map(([id]) => id);
  expect(withIdToken.sort()).toEqual(['release_npm', 'release_pypi']);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
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
});
