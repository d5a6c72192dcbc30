/**
 * The `pypi:rehearse` task PypiRelease adds: the command it runs (this package at its own version, through npx)
 * and the settings it passes, read back through a real shell and the CLI's own argument parser, so what the task
 * says is what the rehearsal gets. Also the CLI's usage errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, python } from 'projen';
import { PypiIndex, PypiRelease } from '../../src';
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
