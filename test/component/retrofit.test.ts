/**
 * PypiPublishRetrofit turns the release_pypi job of projen's own Release (publib + PYPI_TRUSTED_PUBLISHER) into a
 * job that mints with the shipped step and feeds publib TWINE_USERNAME/TWINE_PASSWORD from the mint output.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { cdk, javascript } from 'projen';
import { parse, stringify } from 'yaml';
import { isHashPinnedInstall, releaseWorkflowViolations } from './invariants';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { Workflow, synth, tempOutdir, workflowAt } from './projects';
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

/**
 * The retrofitted PyPI jobs, checked the same way in a fresh project and in this repository's own release.yml:
 * every invariant of PypiRelease's workflows (on a workflow made of just these two jobs: projen's other jobs have
 * their own rules), plus what projen's pipeline relies on.
 */
function expectMintingJob(doc: Workflow, environmentUrl: string, indexUrl = 'https://upload.pypi.org/legacy/') {
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
  expect(job.permissions).toEqual({ 'contents': 'read', 'id-token': 'write' });
  const steps = job.steps ?? [];
  expect(steps.map((s) => s.id)).toEqual(['checkout_mint_action', 'download_distributions', 'setup_uv', 'install_uploader', 'mint', 'upload']);
  const install = String(steps.find((s) => s.id === 'install_uploader')?.run);
  expect(isHashPinnedInstall(install)).toBe(true);
  expect(install).toContain('--requirement .github/actions/pypi-mint/requirements/twine.txt');
  const mint = steps.find((s) => s.id === 'mint')!;
  expect(mint.with).toEqual({ 'index-url': indexUrl });
  const upload = steps.find((s) => s.id === 'upload')!;
  expect(upload.run).toBe('twine upload --non-interactive dist/*');
  expect(upload.env).toEqual({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: '${{ steps.mint.outputs.api-token }}', TWINE_REPOSITORY_URL: indexUrl });
  // projen's dry run mints nothing and uploads nothing
  expect([mint.if, upload.if]).toEqual(['${{ !inputs.dry_run }}', '${{ !inputs.dry_run }}']);
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
  expect(String(result.files['.github/actions/pypi-mint/requirements/twine.txt'])).toContain('twine==7.0.0');
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
});
