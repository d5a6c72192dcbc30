/**
 * `.projenrc.py` for real: this package's Python bindings built by jsii-pacmak (`npx projen package:python`),
 * installed with projen's Python package (the release of the npm projen this repository builds with, hash-locked
 * from PyPI) into a project-local virtual environment, then `python .projenrc.py` for each project kind. Every file
 * the component generates under .github/ equals, byte for byte, what the equivalent `.projenrc.ts` generates, but
 * for the first line of a workflow, which names the projenrc to edit.
 *
 * The user's way in: `dev_deps=["projen-pypi-mint@<version>"]` in the projenrc (docs/component.md); here that
 * version is the locally built one, and its wheel stands in for the registry's copy.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { isolatedEnv } from '../../scripts/tools/catalog';
import { releaseWorkflowViolations } from '../component/invariants';
import { Workflow } from '../component/projects';
import { recordOutput } from '../support/leaks';
import { REPO_ROOT, ensureRehearsalBundle, pythonWheel } from '../support/local-package';
import { NODE24 } from '../support/node';
import { PROJEN_PYTHON, ensureProjenPython, installLocalWheel, installedVersion, projenNpmVersion } from '../support/projen-python';
import { runTool } from '../support/tools';

/** The version of this package the projenrcs depend on: the one built here (package.json's). */
const OWN_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const TS_NODE = join(REPO_ROOT, 'node_modules', 'ts-node', 'register', 'transpile-only');

const timings: Record<string, number | string> = {};

beforeAll(() => {
  let started = Date.now();
  const wheel = pythonWheel();
  timings['pacmak python (0 = reused)'] = wheel.seconds;
  started = Date.now();
  timings['projen environment'] = ensureProjenPython().join('; ');
  timings['tools:install (all environments)'] = (Date.now() - started) / 1000;
  started = Date.now();
  installLocalWheel(wheel.path);
  timings['local wheel install'] = (Date.now() - started) / 1000;
}, 15 * 60_000);

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`.projenrc.py setup, seconds: ${JSON.stringify(timings)}`);
});

test('the environment holds the npm projen release from PyPI and the locally built bindings', () => {
  expect(installedVersion('projen')).toBe(projenNpmVersion());
  expect(installedVersion('projen-pypi-mint')).toBe(OWN_VERSION);
});

/** A Python project in both projenrc languages; `py`/`ts` are the keyword arguments / option members. */
interface Case {
  readonly title: string;
  readonly kind: 'uv' | 'poetry' | 'setuptools';
  readonly release: { py: string; ts: string };
}

const RELEASES = [
  { title: 'PyPI', release: { py: '', ts: '' } },
  { title: 'TestPyPI first', release: { py: ', test_pypi_first=True', ts: ', { testPypiFirst: true }' } },
];
const CASES: Case[] = (['uv', 'poetry', 'setuptools'] as const).flatMap((kind) => RELEASES.map((r) => ({ ...r, kind })));

function pythonProjenrc(c: Case): string {
  return `from projen.python import PythonProject
from projen_pypi_mint import PypiRelease

project = PythonProject(
    name="demo-pkg",
    module_name="demo_pkg",
    version="0.1.0",
    author_name="Octo",
    author_email="octo@example.com",
    homepage="https://github.com/octo-org/demo",
    ${c.kind}=True,
    dev_deps=["projen-pypi-mint@${OWN_VERSION}"],
)
PypiRelease(project${c.release.py})
project.synth()
`;
}

function typescriptProjenrc(c: Case): string {
  return `import { python } from 'projen';
import { PypiRelease } from 'projen-pypi-mint';

const project = new python.PythonProject({
  name: 'demo-pkg',
  moduleName: 'demo_pkg',
  version: '0.1.0',
  authorName: 'Octo',
  authorEmail: 'octo@example.com',
  homepage: 'https://github.com/octo-org/demo',
  ${c.kind}: true,
  devDeps: ['projen-pypi-mint@${OWN_VERSION}'],
  projenrcTs: true,
});
new PypiRelease(project${c.release.ts});
project.synth();
`;
}

/** A fresh directory holding one projenrc; the TypeScript one resolves projen and this package from the tree. */
function projectDir(file: '.projenrc.py' | '.projenrc.ts', text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'projenrc-py-'));
  writeFileSync(join(dir, file), text);
  if (file === '.projenrc.ts') {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(REPO_ROOT, 'node_modules', 'projen'), join(dir, 'node_modules', 'projen'));
    symlinkSync(join(REPO_ROOT, 'node_modules', 'constructs'), join(dir, 'node_modules', 'constructs'));
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'projen-pypi-mint'));
  }
  return dir;
}

async function synthesize(file: '.projenrc.py' | '.projenrc.ts', text: string): Promise<string> {
  const dir = projectDir(file, text);
  // both run projen on Node 24 (jsii's Python runtime starts its kernel with JSII_NODE; jsii 1.142 wants >= 22)
  const [command, args] = file === '.projenrc.py' ? [PROJEN_PYTHON, [file]] : [NODE24, ['-r', TS_NODE, file]];
  const env = isolatedEnv({ PROJEN_DISABLE_POST: 'true', JSII_NODE: NODE24, TS_NODE_PROJECT: join(REPO_ROOT, 'tsconfig.dev.json') });
  const run = await runTool(command, args, { cwd: dir, env, timeoutMs: 180_000 });
  recordOutput(`${file} synth`, run.stdout + run.stderr);
  if (run.code !== 0) throw new Error(`${file} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return dir;
}

/** Every file under .github/, by path. */
function githubFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(join(dir, '.github'));
  return files;
}

const GENERATED_MARKER = /^(?<shebang>#![^\n]*\n)?(?:#|\/\/) ~~ Generated by projen\. To modify, edit \.projenrc\.(?<rc>py|ts) and run "npx projen"\.\n/;
/** The same marker as a JSON file carries it: a `"//"` member. */
const JSON_MARKER = /"\/\/": "~~ Generated by projen\. To modify, edit \.projenrc\.(py|ts) and run \\"npx projen\\"\."/;

/**
 * The two outputs, file for file. A projen-managed text file starts with a marker naming the projenrc to edit:
 * the one line allowed to differ, and only in that name. Everything else (the bundle included) is byte for byte,
 * but for a bundle's `index.cjs.sha256` (`sha256sum -c` format): it hashes the bundle as written, marker included,
 * so in each tree it must name exactly the sha256 of that tree's bundle.
 */
function expectSameGithubFiles(fromPy: string, fromTs: string): void {
  const py = githubFiles(fromPy);
  const ts = githubFiles(fromTs);
  expect([...py.keys()].sort()).toEqual([...ts.keys()].sort());
  for (const [path, text] of py) {
    const other = ts.get(path)!;
    if (path.endsWith('.sha256')) {
      for (const [tree, files] of [['py', py], ['ts', ts]] as const) {
        const [digest, name] = files.get(path)!.trim().split(/\s+/);
        const bundle = files.get(join(dirname(path), name));
        expect([tree, path, digest]).toEqual([tree, path, createHash('sha256').update(bundle ?? '', 'utf8').digest('hex')]);
      }
      continue;
    }
    if (JSON_MARKER.test(text) || JSON_MARKER.test(other)) {
      expect([path, text.match(JSON_MARKER)?.[1], other.match(JSON_MARKER)?.[1]]).toEqual([path, 'py', 'ts']);
      expect({ path, text: text.replace(JSON_MARKER, '') }).toEqual({ path, text: other.replace(JSON_MARKER, '') });
      continue;
    }
    if (GENERATED_MARKER.test(text) || GENERATED_MARKER.test(other)) {
      expect([path, text.match(GENERATED_MARKER)?.groups?.rc, other.match(GENERATED_MARKER)?.groups?.rc]).toEqual([path, 'py', 'ts']);
    }
    expect({ path, text: text.replace(GENERATED_MARKER, '$<shebang>') }).toEqual({ path, text: other.replace(GENERATED_MARKER, '$<shebang>') });
  }
}

/** How the dependency on this package reads in the file each project kind keeps its dev dependencies in. */
function devDependencyLine(dir: string, kind: Case['kind']): string | undefined {
  const file = kind === 'setuptools' ? 'requirements-dev.txt' : 'pyproject.toml';
  return readFileSync(join(dir, file), 'utf8').split('\n').map((l) => l.trim()).find((l) => /^"?projen-pypi-mint/.test(l));
}

describe.each(CASES)('PythonProject with $kind, PypiRelease to $title', (c) => {
  test('.projenrc.py generates the .projenrc.ts workflow and action, byte for byte', async () => {
    const [fromPy, fromTs] = await Promise.all([synthesize('.projenrc.py', pythonProjenrc(c)), synthesize('.projenrc.ts', typescriptProjenrc(c))]);
    expectSameGithubFiles(fromPy, fromTs);

    const release = readFileSync(join(fromPy, '.github/workflows/release.yml'), 'utf8');
    expect(releaseWorkflowViolations('.github/workflows/release.yml', release, parse(release) as Workflow)).toEqual([]);
    const jobs = Object.keys((parse(release) as Workflow).jobs);
    expect(jobs).toEqual(c.title === 'PyPI' ? ['build', 'publish_pypi', 'summary_pypi'] : ['build', 'publish_testpypi', 'summary_testpypi', 'publish_pypi', 'summary_pypi']);
    // the action the workflow uses is this package's bundle, copied under projen's marker line
    const vendored = readFileSync(join(fromPy, '.github/actions/pypi-mint/index.cjs'), 'utf8');
    expect(vendored.replace(GENERATED_MARKER, '')).toBe(readFileSync(join(REPO_ROOT, 'action/index.cjs'), 'utf8'));
    // dev_deps=["projen-pypi-mint@<version>"] pins that release, as projen pins itself
    const expected = { uv: `"projen-pypi-mint==${OWN_VERSION}",`, poetry: `projen-pypi-mint = "${OWN_VERSION}"`, setuptools: `projen-pypi-mint==${OWN_VERSION}` }[c.kind];
    expect(devDependencyLine(fromPy, c.kind)).toBe(expected);
  }, 300_000);
});

/**
 * PypiPublishRetrofit needs projen's own Release with publishToPypi, i.e. a jsii library (`cdk.JsiiProject`): a
 * PythonProject has no such pipeline. A Python projenrc can host that project type too (projen's
 * `python.Projenrc` makes `python .projenrc.py` its synth task), so the retrofit works from `.projenrc.py` as well.
 */
describe('JsiiProject hosted by .projenrc.py, PypiPublishRetrofit', () => {
  const py = `from projen import javascript, python
from projen.cdk import JsiiProject, JsiiPythonTarget
from projen_pypi_mint import PypiPublishRetrofit

project = JsiiProject(
    name="acme-lib",
    author="Acme",
    author_address="dev@acme.example",
    repository_url="https://github.com/acme/acme-lib.git",
    default_release_branch="main",
    package_manager=javascript.NodePackageManager.NPM,
    publish_to_pypi=JsiiPythonTarget(dist_name="acme-lib", module="acme_lib", trusted_publishing=True),
    projenrc_js=False,
)
python.Projenrc(project)
PypiPublishRetrofit(project, environment="pypi")
project.synth()
`;
  const ts = `import { cdk, javascript } from 'projen';
import { PypiPublishRetrofit } from 'projen-pypi-mint';

const project = new cdk.JsiiProject({
  name: 'acme-lib',
  author: 'Acme',
  authorAddress: 'dev@acme.example',
  repositoryUrl: 'https://github.com/acme/acme-lib.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  publishToPypi: { distName: 'acme-lib', module: 'acme_lib', trustedPublishing: true },
  projenrcTs: true,
});
new PypiPublishRetrofit(project, { environment: 'pypi' });
project.synth();
`;

  test('.projenrc.py generates the .projenrc.ts release_pypi job and action, byte for byte', async () => {
    const [fromPy, fromTs] = await Promise.all([synthesize('.projenrc.py', py), synthesize('.projenrc.ts', ts)]);
    expectSameGithubFiles(fromPy, fromTs);
    const release = parse(readFileSync(join(fromPy, '.github/workflows/release.yml'), 'utf8')) as Workflow;
    const steps = release.jobs.release_pypi.steps ?? [];
    expect(steps.find((s) => s.id === 'mint')?.uses).toBe('$/.github/actions/pypi-mint');
    expect(JSON.stringify(release.jobs.release_pypi)).not.toContain('PYPI_TRUSTED_PUBLISHER');
    // the Python projenrc is the project's synth task
    const tasks = JSON.parse(readFileSync(join(fromPy, '.projen/tasks.json'), 'utf8')) as { tasks: Record<string, { steps?: unknown[] }> };
    expect(tasks.tasks.default.steps).toEqual([{ execArgs: ['python', '.projenrc.py'] }]);
  }, 300_000);
});

/**
 * `npx projen pypi:rehearse` in a `.projenrc.py` project: the task PypiRelease adds from Python runs this package's
 * shipped command at the version the projenrc pins, with the component's settings. The package's copy in the
 * project's node_modules stands in for the one npx would fetch from npm at that version (the same files: the npm
 * package's `bin`). Not a full rehearsal (the end-to-end tests rehearse `.projenrc.ts` projects through the same
 * command): the trigger check answers for a tag GitHub would not start the workflow for, and a tag it would start
 * it for gets past that check to the working tree's.
 */
describe('.projenrc.py project: npx projen pypi:rehearse', () => {
  const py = `from projen.python import PythonProject
from projen_pypi_mint import PypiRelease

project = PythonProject(
    name="demo-pkg",
    module_name="demo_pkg",
    version="0.1.0",
    author_name="Octo",
    author_email="octo@example.com",
    homepage="https://github.com/octo-org/demo",
    uv=True,
    sample=False,
    pytest=False,
    dev_deps=["projen-pypi-mint@${OWN_VERSION}"],
)
PypiRelease(project)
project.synth()
`;

  test('the task runs the shipped pypi-mint-rehearse with the project\'s settings', async () => {
    const bundle = ensureRehearsalBundle();
    const dir = await synthesize('.projenrc.py', py);
    const tasks = JSON.parse(readFileSync(join(dir, '.projen/tasks.json'), 'utf8')) as { tasks: Record<string, { steps?: Array<{ exec?: string }> }> };
    const exec = tasks.tasks['pypi:rehearse']?.steps?.[0]?.exec ?? '';
    expect(exec).toMatch(new RegExp(`^npx --yes --package=projen-pypi-mint@${OWN_VERSION.replace(/\./g, '\\.')} -- pypi-mint-rehearse --workflow release\\.yml ` +
      '--repository octo-org/demo --project demo-pkg --index pypi '));

    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'projen-pypi-mint'));
    symlinkSync(relative(join(dir, 'node_modules', '.bin'), join(dir, 'node_modules', 'projen-pypi-mint', relative(REPO_ROOT, bundle))),
      join(dir, 'node_modules', '.bin', 'pypi-mint-rehearse'));
    const git = (...args: string[]) => runTool('git', ['-c', 'user.name=Octo', '-c', 'user.email=octo@example.com', ...args], { cwd: dir });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-q', '-m', 'demo');
    // projen's npm CLI, as `npx projen` runs it; it runs the task from .projen/tasks.json
    const rehearse = async (tag: string) => {
      const r = await runTool(process.execPath, [join(REPO_ROOT, 'node_modules', 'projen', 'bin', 'projen'), 'pypi:rehearse', '--tag', tag],
        { cwd: dir, env: isolatedEnv({ npm_config_yes: 'true', npm_config_update_notifier: 'false' }), timeoutMs: 120_000 });
      recordOutput(`.projenrc.py pypi:rehearse --tag ${tag}`, r.stdout + r.stderr);
      return { code: r.code, output: `${r.stdout}${r.stderr}` };
    };

    await git('tag', 'nightly');
    const untriggered = await rehearse('nightly');
    expect(untriggered.code).not.toBe(0);
    expect(untriggered.output).toContain('pypi-mint-rehearse: GitHub would start no run of release.yml for a push of tag \'nightly\'');
    expect(untriggered.output).toContain('`triggers.tagPatterns`');

    await git('tag', 'v0.1.0');
    writeFileSync(join(dir, 'notes.txt'), 'not committed\n');
    const dirty = await rehearse('v0.1.0');
    expect(dirty.code).not.toBe(0);
    expect(dirty.output).toContain('pypi-mint-rehearse: the working tree has changes that tag \'v0.1.0\' does not carry');
    expect(dirty.output).toContain('?? notes.txt');
    expect(dirty.output).not.toContain('would start no run');
  }, 300_000);
});
