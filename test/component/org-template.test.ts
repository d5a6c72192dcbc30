/**
 * The organisation template (examples/acme-python-project.ts): Acme's defaults, and a repository's overrides.
 */
import { releaseWorkflowViolations } from './invariants';
import { actionlintFindings } from './linters';
import { synth, tempOutdir, workflowAt } from './projects';
import { AcmePythonProject } from '../../examples/acme-python-project';
import { Uploader } from '../../src';

test('the defaults: a uv project publishing to TestPyPI, then PyPI, from acme-corp/<name>', async () => {
  const project = new AcmePythonProject({ name: 'acme-widgets', moduleName: 'acme_widgets', outdir: tempOutdir() });
  expect(project.release?.trustedPublishers().map((p) => [p.indexName, p.owner, p.repositoryName, p.workflowFileName, p.environment])).toEqual([
    ['TestPyPI', 'acme-corp', 'acme-widgets', 'release.yml', 'testpypi'],
    ['PyPI', 'acme-corp', 'acme-widgets', 'release.yml', 'pypi'],
  ]);
  const result = synth(project);
  expect(result.files['pyproject.toml']).toBeDefined();
  const wf = workflowAt(result, '.github/workflows/release.yml');
  expect(releaseWorkflowViolations(wf.path, wf.text, wf.doc)).toEqual([]);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
  expect(Object.keys(wf.doc.on).sort()).toEqual(['push', 'workflow_dispatch']);
  expect(wf.doc.jobs.publish_pypi.needs).toEqual(['build', 'publish_testpypi']);
  expect(wf.doc.jobs.build.steps?.find((s) => s.id === 'build')?.run).toBe('uv build --out-dir dist');
});

test('a repository overrides the organisation defaults', () => {
  const project = new AcmePythonProject({
    name: 'acme-legacy',
    moduleName: 'acme_legacy',
    outdir: tempOutdir(),
    poetry: true,
    release: { testPypiFirst: false, uploader: Uploader.TWINE, triggers: { versionTags: false, githubRelease: true }, repository: 'acme-labs/legacy' },
  });
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  expect(Object.keys(wf.doc.jobs)).toEqual(['build', 'publish_pypi', 'summary_pypi']);
  expect(Object.keys(wf.doc.on)).toEqual(['release']);
  expect(wf.doc.jobs.build.steps?.find((s) => s.id === 'build')?.run).toBe('poetry build --no-interaction');
  expect(wf.doc.jobs.publish_pypi.steps?.find((s) => s.id === 'upload')?.run).toBe('twine upload --non-interactive dist/*');
  expect(wf.text).toContain('#   Owner:             acme-labs');
});

test('publish: false leaves the workflow and the action out', () => {
  const project = new AcmePythonProject({ name: 'acme-app', moduleName: 'acme_app', outdir: tempOutdir(), publish: false });
  const result = synth(project);
  expect(project.release).toBeUndefined();
  expect(result.files['.github/workflows/release.yml']).toBeUndefined();
  expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeUndefined();
});
