/**
 * A Python subproject of a monorepo: the workflow and the action live at the repository root, the build and the
 * upload take the subproject's dist/ (the uploader runs from a scratch directory, as everywhere).
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
  // nothing is checked out: poetry uploads from a generated project in a scratch directory, and comes with its locked
  // set from the tools action (the vendored steps come by $/)
  expect(publish.find((s) => s.id === 'checkout')).toBeUndefined();
  expect(publish.find((s) => s.id === 'install_tools')).toMatchObject({ uses: '$/.github/actions/pypi-tools', with: { tools: 'poetry' } });
  expect(publish.find((s) => s.id === 'download_distributions')?.with?.path).toBe('packages/demo/dist/');
  expect(publish.find((s) => s.id === 'check_sha256')).toMatchObject({ 'working-directory': 'packages/demo/dist/' });
  expect(publish.find((s) => s.id === 'upload')?.run).toContain('ln -s "$GITHUB_WORKSPACE/packages/demo/dist" "$RUNNER_TEMP/pypi-mint-upload"/dist\n');
  expect(publish.find((s) => s.id === 'upload')?.['working-directory']).toBeUndefined();
  expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeDefined();
});

test('versionFromTag in a uv subproject: the version script at the repository root, run in packages/demo', () => {
  const root = new Project({ name: 'monorepo', outdir: tempOutdir() });
  new github.GitHub(root);
  const sub = pythonProject('uv', { parent: root, outdir: 'packages/demo' });
  new PypiRelease(sub, { versionFromTag: true });
  const result = synth(root);
  const build = workflowAt(result, '.github/workflows/release.yml').doc.jobs.build.steps ?? [];
  for (const id of ['stamp_version', 'check_version']) {
    expect(build.find((s) => s.id === id)).toMatchObject({ 'working-directory': 'packages/demo' });
    expect(build.find((s) => s.id === id)?.run).toMatch(/^python3 "\$GITHUB_WORKSPACE\/\.github\/actions\/pypi-version\/version\.py" /);
  }
  expect(result.files['.github/actions/pypi-version/version.py']).toBeDefined();
  expect(result.files['packages/demo/.github/actions/pypi-version/version.py']).toBeUndefined();
});
