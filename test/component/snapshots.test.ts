/**
 * Snapshots of a few representative workflows: a reviewer reads these to see what users get.
 */
import { pythonProject, synth } from './projects';
import { PypiIndex, PypiRelease, Uploader } from '../../src';

test('pip/setuptools project, all defaults', () => {
  const project = pythonProject('pip');
  new PypiRelease(project);
  expect(synth(project).files['.github/workflows/release.yml']).toMatchSnapshot();
});

test('poetry project, poetry publish with the token in its environment, TestPyPI first', () => {
  const project = pythonProject('poetry');
  new PypiRelease(project, { uploader: Uploader.POETRY, testPypiFirst: true });
  expect(synth(project).files['.github/workflows/release.yml']).toMatchSnapshot();
});

test('uv project, twine, PyPI + a custom index, every trigger, custom file name', () => {
  const project = pythonProject('uv');
  new PypiRelease(project, {
    uploader: Uploader.TWINE,
    indexes: [PypiIndex.pypi(), PypiIndex.custom({ name: 'internal', displayName: 'Internal index', uploadUrl: 'https://upload.pkg.example.com/legacy/' })],
    triggers: { githubRelease: true, manualDispatch: true },
    workflowFileName: 'publish.yml',
  });
  expect(synth(project).files['.github/workflows/publish.yml']).toMatchSnapshot();
});
