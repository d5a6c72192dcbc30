/**
 * Synth-time validation: every refusal names the offending value and says what would work.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Project, cdk, javascript, python } from 'projen';
import { pythonProject, synth, tempOutdir, workflowAt } from './projects';
import { PypiIndex, PypiRelease, PypiReleaseOptions } from '../../src';

const release = (options: PypiReleaseOptions, project: Project = pythonProject('uv')) => () => new PypiRelease(project, options);

describe('environment names (PyPI\'s rules)', () => {
  test.each([
    ['', /environment name is empty/],
    [' pypi', /"\s?pypi" starts or ends with whitespace/],
    ['pypi ', /starts or ends with whitespace/],
    ['py"pi', /contains "\\""/],
    ['py\'pi', /contains "'"/],
    ['py`pi', /contains "`"/],
    ['py,pi', /contains ","/],
    ['py;pi', /contains ";"/],
    ['py\\pi', /contains "\\\\"/],
    ['py\npi', /control character/],
    ['x'.repeat(256), /has 256 characters; PyPI allows at most 255/],
  ])('refuses %j', (environment, message) => {
    expect(release({ indexes: [PypiIndex.pypi({ environment })] })).toThrow(message);
    expect(release({ indexes: [PypiIndex.pypi({ environment })] })).toThrow(/index "pypi"/);
  });

  test.each(['pypi', 'release', 'Production PyPI', 'x'.repeat(255)])('accepts %j', (environment) => {
    expect(release({ indexes: [PypiIndex.pypi({ environment })] })).not.toThrow();
  });
});

describe('workflow file names', () => {
  test.each([
    ['workflows/release.yml', /contains a path separator/],
    ['release', /must be a name ending in \.yml or \.yaml/],
    ['release.json', /must be a name ending in \.yml or \.yaml/],
    ['.yml', /must be a name ending in \.yml or \.yaml/],
    ['re lease.yml', /may contain only letters, digits/],
  ])('refuses %j', (workflowFileName, message) => {
    expect(release({ workflowFileName })).toThrow(message);
  });

  test('accepts .yaml', () => {
    expect(release({ workflowFileName: 'publish.yaml' })).not.toThrow();
  });

  test('refuses a name another workflow of the project already uses', () => {
    const project = new cdk.JsiiProject({
      name: 'lib',
      author: 'a',
      authorAddress: 'a@example.com',
      repositoryUrl: 'https://github.com/octo-org/lib.git',
      defaultReleaseBranch: 'main',
      packageManager: javascript.NodePackageManager.NPM,
      outdir: tempOutdir(),
    });
    expect(release({}, project)).toThrow(/workflow file name "release\.yml" is already used by the project's "release" workflow; set workflowFileName/);
    expect(release({ workflowFileName: 'pypi-release.yml' }, project)).not.toThrow();
  });

  test('refuses two PypiRelease components on one file name', () => {
    const project = pythonProject('uv');
    new PypiRelease(project);
    expect(release({}, project)).toThrow(/already used/);
  });
});

describe('indexes', () => {
  test('refuses the same index twice', () => {
    expect(release({ indexes: [PypiIndex.pypi(), PypiIndex.pypi({ environment: 'other' })] })).toThrow(/index "pypi" is listed twice/);
  });

  test('refuses two indexes with one upload URL', () => {
    const custom = PypiIndex.custom({ name: 'mirror', uploadUrl: 'https://upload.pypi.org/legacy/' });
    expect(release({ indexes: [PypiIndex.pypi(), custom] })).toThrow(/indexes "pypi" and "mirror" have the same upload URL https:\/\/upload\.pypi\.org\/legacy\//);
  });

  test('refuses an empty list', () => {
    expect(release({ indexes: [] })).toThrow(/indexes is empty/);
  });

  test('testPypiFirst needs PyPI in the list', () => {
    expect(release({ testPypiFirst: true, indexes: [PypiIndex.testPypi()] })).toThrow(/testPypiFirst .* has no PypiIndex\.pypi\(\)/);
  });

  test('testPypiFirst keeps a TestPyPI the user configured, and puts it first', () => {
    const r = new PypiRelease(pythonProject('uv'), { testPypiFirst: true, indexes: [PypiIndex.pypi(), PypiIndex.testPypi({ environment: 'staging' })] });
    expect(r.indexes.map((i) => `${i.name}:${i.environment}`)).toEqual(['testpypi:staging', 'pypi:pypi']);
  });

  test.each([
    [{ name: 'Bad Name', uploadUrl: 'https://x.example/legacy/' }, /custom index name "Bad Name" must be lower-case/],
    [{ name: 'corp', uploadUrl: 'not a url' }, /upload URL "not a url" is not a URL/],
    [{ name: 'corp', uploadUrl: 'http://upload.corp.example/legacy/' }, /must use https:\/\//],
    [{ name: 'corp', uploadUrl: 'https://user:pw@upload.corp.example/legacy/' }, /must not carry credentials/],
  ])('custom index %j is refused', (options, message) => {
    expect(() => PypiIndex.custom(options)).toThrow(message);
  });

  test('a custom index\'s audience reaches the mint step\'s `audience` input; PyPI\'s and unset ones pass none', () => {
    const indexes = [
      PypiIndex.pypi(),
      PypiIndex.custom({ name: 'corp', uploadUrl: 'https://upload.corp.example/legacy/', audience: 'pypi' }),
      PypiIndex.custom({ name: 'mirror', uploadUrl: 'https://upload.mirror.example/legacy/' }),
    ];
    const project = pythonProject('uv');
    new PypiRelease(project, { indexes });
    const workflow = workflowAt(synth(project), '.github/workflows/release.yml').doc;
    const mintWith = (job: string) => workflow.jobs[job].steps?.find((st) => st.id === 'mint')?.with;
    expect(mintWith('publish_pypi')).toEqual({ 'index-url': 'https://upload.pypi.org/legacy/' });
    expect(mintWith('publish_corp')).toEqual({ 'index-url': 'https://upload.corp.example/legacy/', 'audience': 'pypi' });
    expect(mintWith('publish_mirror')).toEqual({ 'index-url': 'https://upload.mirror.example/legacy/' });
    expect(() => PypiIndex.custom({ name: 'corp', uploadUrl: 'https://upload.corp.example/legacy/', audience: 'a b' })).toThrow(/audience "a b" must be a short identifier/);
  });

  test('custom index defaults: environment = name, web root without "upload."', () => {
    const index = PypiIndex.custom({ name: 'corp', uploadUrl: 'https://upload.corp.example/legacy/' });
    expect([index.environment, index.webUrl, index.projectUrl('demo')]).toEqual(['corp', 'https://corp.example', 'https://corp.example/p/demo']);
  });
});

describe('repository', () => {
  test.each(['octo-org', 'octo-org/demo/extra', '-octo/demo', 'octo/..', 'octo org/demo', 'https://github.com/octo/demo'])('refuses %j', (repository) => {
    expect(release({ repository })).toThrow(/is not a GitHub "owner\/name"/);
  });

  test('no repository anywhere: a clear error that says how to set it', () => {
    const project = new python.PythonProject({
      name: 'demo-pkg', moduleName: 'demo_pkg', authorName: 'a', authorEmail: 'a@example.com', version: '0.1.0', outdir: tempOutdir(),
    });
    expect(release({}, project)).toThrow(/cannot tell which GitHub repository publishes: set `repository: "owner\/name"`/);
  });

  test('found in the git origin remote (ssh form)', () => {
    const outdir = tempOutdir();
    mkdirSync(join(outdir, '.git'));
    writeFileSync(join(outdir, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:octo-org/from-git.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
    const project = new python.PythonProject({ name: 'demo-pkg', moduleName: 'demo_pkg', authorName: 'a', authorEmail: 'a@example.com', version: '0.1.0', setuptools: true, outdir });
    expect(new PypiRelease(project).repository).toBe('octo-org/from-git');
  });

  test.each([
    ['setuptools', { setuptools: true }],
    ['poetry', { poetry: true }],
    ['uv', { uv: true }],
  ])('found in the %s homepage', (_label, flags) => {
    const project = new python.PythonProject({
      name: 'demo-pkg',
      moduleName: 'demo_pkg',
      authorName: 'a',
      authorEmail: 'a@example.com',
      version: '0.1.0',
      homepage: 'https://github.com/octo-org/from-homepage',
      outdir: tempOutdir(),
      ...flags,
    });
    expect(new PypiRelease(project).repository).toBe('octo-org/from-homepage');
  });

  test('found in package.json for node projects', () => {
    const project = new javascript.NodeProject({
      name: 'n',
      defaultReleaseBranch: 'main',
      repository: 'https://github.com/octo-org/from-npm.git',
      packageManager: javascript.NodePackageManager.NPM,
      outdir: tempOutdir(),
      release: false,
    });
    expect(new PypiRelease(project, { distributionName: 'n-py' }).repository).toBe('octo-org/from-npm');
  });

  test('the option wins over what the project knows', () => {
    expect(new PypiRelease(pythonProject('uv'), { repository: 'other-org/other' }).repository).toBe('other-org/other');
  });
});

describe('distribution name', () => {
  test.each(['-demo', 'demo-', 'de mo', 'demo/x', ''])('refuses %j', (distributionName) => {
    expect(release({ distributionName })).toThrow(/is not a valid PyPI project name/);
  });
  test.each(['demo-pkg', 'Demo.Pkg', 'demo__pkg'])('accepts %j (the generated pyproject.toml\'s name, PEP 503-normalised)', (distributionName) => {
    expect(new PypiRelease(pythonProject('uv'), { distributionName }).distributionName).toBe(distributionName);
  });
  test('refuses a name the build would not put in the distributions', () => {
    expect(release({ distributionName: 'demo' })).toThrow(/"demo-pkg" \(pyproject\.toml \(generated by projen\) \[project\]\.name\) and "demo" \(the PypiRelease option distributionName\)/);
  });
});

describe('triggers', () => {
  test('refuses a workflow that could never run', () => {
    expect(release({ triggers: { versionTags: false } })).toThrow(/every trigger is off/);
  });
  test('refuses an empty tag pattern list', () => {
    expect(release({ triggers: { tagPatterns: [] } })).toThrow(/tagPatterns is empty/);
  });
});

test('a pip project with nothing to build is refused with the fix', () => {
  const project = pythonProject('pip', { setuptools: false });
  expect(release({ repository: 'octo-org/demo' }, project)).toThrow(/this pip project has nothing to build: no setup.py and no pyproject.toml. Create it with setuptools: true/);
});

test('a pip project with a hand-written pyproject.toml is fine', () => {
  const outdir = tempOutdir();
  writeFileSync(join(outdir, 'pyproject.toml'), '[project]\nname = "demo-pkg"\nversion = "0.1.0"\n');
  expect(release({ repository: 'octo-org/demo' }, pythonProject('pip', { setuptools: false, outdir }))).not.toThrow();
});

test('a project without GitHub is refused with the fix', () => {
  const project = pythonProject('uv', { github: false });
  expect(release({}, project)).toThrow(/no GitHub component; create it with `github: true`/);
});
