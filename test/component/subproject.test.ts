/**
 * A Python subproject of a monorepo: the workflow and the action live at the repository root, the build and the
 * upload run in the subproject's directory.
 */
import { Project, github } from 'projen';
import { releaseWorkflowViolations } from './invariants';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { pythonProject, synth, tempOutdir, workflowAt } from './projects';
import { PypiRelease, Uploader } from '../../src';

test('a poetry subproject in packages/demo builds, downloads and uploads there', async () => {
  const root = new Project({ name: 'monorepo', outdir: tempOutdir() });
  // a bare Project has no GitHub component: give the root one the way GitHubProject does
  new github.GitHub(root);
  const sub = pythonProject('poetry', { parent: root, outdir: 'packages/demo' });
  new PypiRelease(sub, { uploader: Uploader.POETRY });
  const result = synth(root);
  const wf = workflowAt(result, '.github/workflows/release.yml');
  expect(releaseWorkflowViolations(wf.path, wf.text, wf.doc)).toEqual([]);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
  expect(shellcheckFindings(runBlocks(wf.path, wf.doc))).toEqual([]);

  const build = wf.doc.jobs.build.steps ?? [];
  expect(build.find((s) => s.id === 'build')).toMatchObject({ 'working-directory': 'packages/demo', 'run': 'poetry build --no-interaction' });
  expect(build.find((s) => s.id === 'upload_distributions')?.with?.path).toBe('packages/demo/dist/');
  const publish = wf.doc.jobs.publish_pypi.steps ?? [];
  // what poetry reads there (its locked set, the project's metadata); the vendored steps come by $/
  expect(publish.find((s) => s.id === 'checkout')?.with?.['sparse-checkout'])
    .toBe('/.github/actions/pypi-mint/requirements/poetry.txt\n/packages/demo/pyproject.toml\n/packages/demo/README*');
  expect(publish.find((s) => s.id === 'download_distributions')?.with?.path).toBe('packages/demo/dist/');
  expect(publish.find((s) => s.id === 'upload')).toMatchObject({ 'working-directory': 'packages/demo' });
  expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeDefined();
});
