/**
 * The `pypi:rehearse` task PypiRelease adds: the command it runs (this package at its own version, through npx)
 * and the settings it passes, read back through a real shell and the CLI's own argument parser, so what the task
 * says is what the rehearsal gets; the same for PypiGitlabRelease's task. Also the CLI's usage errors and the GitLab
 * rehearsal's refusals before anything runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, python } from 'projen';
import { PypiGitlabRelease, PypiIndex, PypiRelease } from '../../src';
import { main, parseArgs, parsePublisher } from '../../src/rehearsal/cli';

const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

function synthTasks(configure: (p: python.PythonProject) => void): Record<string, { steps?: Array<{ exec?: string }>; description?: string }> {
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const outdir = mkdtempSync(join(tmpdir(), 'rehearse-task-'));
    const project = new python.PythonProject({
      name: 'acme-widgets',
      moduleName: 'acme_widgets',
      authorName: 'Octo',
      authorEmail: 'octo@example.invalid',
      version: '1.0.0',
      setuptools: true,
      pytest: false,
      outdir,
      logging: { level: LogLevel.OFF },
    });
    configure(project);
    project.synth();
    return (JSON.parse(readFileSync(join(outdir, '.projen', 'tasks.json'), 'utf8')) as { tasks: Record<string, never> }).tasks;
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}

/** The task's words as the shell splits them. */
function shellWords(command: string): string[] {
  return execFileSync('bash', ['-c', `printf '%s\\0' ${command}`], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('the pypi:rehearse task', () => {
  test('runs this package\'s pypi-mint-rehearse at its own version with the component\'s settings', () => {
    const tasks = synthTasks((p) => {
      new PypiRelease(p, {
        repository: 'octo-org/widgets',
        testPypiFirst: true,
        indexes: [PypiIndex.pypi(), PypiIndex.testPypi(), PypiIndex.custom({ name: 'acme', uploadUrl: 'https://pkgs.acme.example/legacy/', displayName: "Acme's index" })],
      });
    });
    const exec = tasks['pypi:rehearse'].steps![0].exec!;
    const words = shellWords(exec);
    expect(words.slice(0, 5)).toEqual(['npx', '--yes', `--package=projen-pypi-mint@${VERSION}`, '--', 'pypi-mint-rehearse']);
    const parsed = parseArgs([...words.slice(5), '--tag', 'v1.0.0']);
    expect(parsed).toMatchObject({ tag: 'v1.0.0', workflowFile: 'release.yml', repository: 'octo-org/widgets', project: 'acme-widgets' });
    expect(parsed.indexes.map((i) => [i.name, i.displayName, i.uploadUrl, i.webUrl, i.environment]).sort()).toEqual([
      ['acme', "Acme's index", 'https://pkgs.acme.example/legacy/', 'https://pkgs.acme.example', 'acme'],
      ['pypi', 'PyPI', 'https://upload.pypi.org/legacy/', 'https://pypi.org', 'pypi'],
      ['testpypi', 'TestPyPI', 'https://test.pypi.org/legacy/', 'https://test.pypi.org', 'testpypi'],
    ]);
    expect(tasks['pypi:rehearse'].description).toContain('--tag <tag>');
  });

  test('a second workflow file gets its own task', () => {
    const tasks = synthTasks((p) => {
      new PypiRelease(p, { repository: 'octo-org/widgets' });
      new PypiRelease(p, { repository: 'octo-org/widgets', workflowFileName: 'nightly.yml', indexes: [PypiIndex.testPypi()] });
    });
    expect(shellWords(tasks['pypi:rehearse:nightly'].steps![0].exec!)).toEqual(expect.arrayContaining(['--workflow', 'nightly.yml', 'testpypi']));
    expect(shellWords(tasks['pypi:rehearse'].steps![0].exec!)).toEqual(expect.arrayContaining(['--workflow', 'release.yml']));
  });
});

describe('pypi-mint-rehearse arguments', () => {
  const base = ['--workflow', 'release.yml', '--repository', 'octo-org/demo', '--project', 'demo', '--index', 'pypi',
    '--upload-url', 'https://upload.pypi.org/legacy/', '--web-url', 'https://pypi.org', '--environment', 'pypi'];

  test.each([
    ['octo-org/demo:release.yml@pypi', { owner: 'octo-org', repository: 'demo', workflow: 'release.yml', environment: 'pypi' }],
    ['octo-org/demo:release.yaml', { owner: 'octo-org', repository: 'demo', workflow: 'release.yaml', environment: undefined }],
    ['testpypi=octo-org/demo:release.yml@test', { index: 'testpypi', owner: 'octo-org', workflow: 'release.yml', environment: 'test' }],
  ])('--publisher %s', (value, expected) => {
    expect(parsePublisher(value)).toMatchObject(expected);
  });

  test.each([
    [['--tag'], "unknown or incomplete option '--tag'"],
    [['--tag', 'v1', '--bogus', 'x'], "unknown or incomplete option '--bogus'"],
    [['--tag', 'v1', '--publisher', 'octo-org/demo:release.yml@'], 'the environment after @ is empty'],
    [['--tag', 'v1', '--repository', 'demo'], "--repository 'demo' is not owner/name"],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const err: string[] = [];
    const code = await main([...base, ...args], () => undefined, (l) => err.push(l));
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(message);
  });

  test('--help prints the usage and exits 0', async () => {
    const out: string[] = [];
    expect(await main(['--help'], (l) => out.push(l), () => undefined)).toBe(0);
    expect(out.join('\n')).toContain('--publisher [<index>=]<owner>/<repo>:<workflow.yml>[@<environment>]');
  });
});

describe('the pypi:rehearse task of PypiGitlabRelease', () => {
  test('runs the same command, told the GitLab project instead of a workflow', () => {
    const tasks = synthTasks((p) => new PypiGitlabRelease(p, { projectPath: 'octo-group/sub/demo', indexes: [PypiIndex.testPypi(), PypiIndex.pypi()], testPypiFirst: true }));
    const words = shellWords(tasks['pypi:rehearse'].steps![0].exec!);
    expect(words.slice(0, 5)).toEqual(['npx', '--yes', `--package=projen-pypi-mint@${VERSION}`, '--', 'pypi-mint-rehearse']);
    expect(tasks['pypi:rehearse'].description).toContain('GitLab pipeline');
    const parsed = parseArgs([...words.slice(5), '--tag', 'v1.0.0']);
    expect(parsed).toMatchObject({ gitlabProject: 'octo-group/sub/demo', project: 'acme-widgets', tag: 'v1.0.0', publishers: undefined });
    expect(parsed.indexes.map((i) => [i.name, i.uploadUrl, i.environment])).toEqual([
      ['testpypi', 'https://test.pypi.org/legacy/', 'testpypi'],
      ['pypi', 'https://upload.pypi.org/legacy/', 'pypi'],
    ]);
  });

  const gitlabBase = ['--gitlab-project', 'octo-group/demo', '--project', 'demo', '--index', 'pypi', '--upload-url', 'https://upload.pypi.org/legacy/',
    '--web-url', 'https://pypi.org', '--environment', 'pypi', '--tag', 'v1.0.0'];
  test.each([
    [['--publisher', 'octo-org/demo:release.yml'], '--publisher is for a GitHub workflow'],
    [['--workflow', 'release.yml'], '--workflow is for a GitHub workflow'],
  ])('%j with --gitlab-project is a usage error (exit 2)', async (args, message) => {
    const err: string[] = [];
    expect(await main([...gitlabBase, ...args], () => undefined, (l) => err.push(l))).toBe(2);
    expect(err.join('\n')).toContain(message);
  });

  test('refusals before anything runs: no such tag, a tag the pipeline does not run for (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearse-gitlab-'));
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=Octo', '-c', 'user.email=octo@example.invalid', ...args], { stdio: 'pipe' });
    git('init', '--quiet');
    writeFileSync(join(dir, '.gitlab-ci.yml'), 'stages: [build]\nbuild:\n  stage: build\n  rules:\n    - if: $CI_COMMIT_TAG =~ /^v[0-9]+/\n  script: [echo]\n');
    git('add', '--all');
    git('commit', '--quiet', '-m', 'pipeline');
    git('tag', 'nightly');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const err: string[] = [];
      expect(await main([...gitlabBase.slice(0, -1), 'v9.9.9'], () => undefined, (l) => err.push(l))).toBe(2);
      expect(await main([...gitlabBase.slice(0, -1), 'nightly'], () => undefined, (l) => err.push(l))).toBe(2);
      expect(err).toEqual([
        expect.stringContaining("pypi-mint-rehearse: tag 'v9.9.9' does not exist in the local repository (newest tags: nightly)"),
        expect.stringContaining("pypi-mint-rehearse: the pipeline at tag 'nightly' runs no job for it (its rules: $CI_COMMIT_TAG =~ /^v[0-9]+/)"),
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
