/**
 * Real projects from PyPI, adopted exactly as docs/adopt.md says and rehearsed with `npx projen pypi:rehearse`
 * (default options): each sdist is downloaded by exact version and sha256 (cached under .tools/), unpacked into a
 * fresh git repository, adopted, tagged and rehearsed; the rehearsal installs and imports the release from the
 * emulator and verifies its provenance (exit 0 only then). The sdist built after adoption carries the same files as
 * before: none of this package's, projen's or npm's. Then the mistakes users make: a tag on a commit without the
 * workflow, a publisher registered with another workflow or environment, a name that is not the project's.
 *
 * The four: setuptools + setuptools-scm (pluggy, src/ layout), hatchling + hatch-vcs (iniconfig, src/ layout),
 * flit_core (idna, a two-part version), poetry-core (tomlkit, a static version in [tool.poetry]).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_DIR, networkEnv } from '../../scripts/tools/catalog';
import { foreignPaths } from '../../src/component/sdist';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { AdoptionInput, adoptByTheDocs, projenrcFor, rehearsalEnv } from '../support/adopt';
import { recordOutput } from '../support/leaks';
import { packNpm } from '../support/local-package';
import { sdistMembers } from '../support/sdist';
import { requireTool, tool, toolEnv } from '../support/tools';

interface RealProject {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly url: string;
  readonly backend: string;
  readonly readme: string;
}

const PROJECTS: RealProject[] = [
  {
    name: 'pluggy',
    version: '1.5.0',
    backend: 'setuptools + setuptools-scm, src/ layout',
    readme: 'README.rst',
    sha256: '2cffa88e94fdc978c4c574f15f9e59b7f4201d439195c3715ca9e2486f1d0cf1',
    url: 'https://files.pythonhosted.org/packages/96/2d/02d4312c973c6050a18b314a5ad0b3210edb65a906f868e31c111dede4a6/pluggy-1.5.0.tar.gz',
  },
  {
    name: 'iniconfig',
    version: '2.0.0',
    backend: 'hatchling + hatch-vcs, src/ layout',
    readme: 'README.rst',
    sha256: '2d91e135bf72d31a410b17c16da610a82cb55f6b0477d1a902134b24a455b8b3',
    url: 'https://files.pythonhosted.org/packages/d7/4b/cbd8e699e64a6f16ca3a8220661b5f83792b3017d0f79807cb8708d33913/iniconfig-2.0.0.tar.gz',
  },
  {
    name: 'idna',
    version: '3.10',
    backend: 'flit_core, two-part version',
    readme: 'README.rst',
    sha256: '12f65c9b470abda6dc35cf8e63cc574b1c52b11df2c86030af0ac09b01b13ea9',
    url: 'https://files.pythonhosted.org/packages/f1/70/7703c29685631f5a7590aa73f1f1d3fa9a380e654b86af429e0934a32f7d/idna-3.10.tar.gz',
  },
  {
    name: 'tomlkit',
    version: '0.13.2',
    backend: 'poetry-core, static version',
    readme: 'README.md',
    sha256: 'fff5fe59a87295b278abd31bec92c15d9bc4a06885ab12bcea52c71119392e79',
    url: 'https://files.pythonhosted.org/packages/b1/09/a439bec5888f00a54b8b9f05fa94d7f901d6735ef4e55dcec9bc37b5d8fa/tomlkit-0.13.2.tar.gz',
  },
];

const CACHE = join(TOOLS_DIR, 'real-sdists');
const GIT_ENV = { GIT_AUTHOR_NAME: 'Octo', GIT_AUTHOR_EMAIL: 'octo@example.com', GIT_COMMITTER_NAME: 'Octo', GIT_COMMITTER_EMAIL: 'octo@example.com' };

/** The sdist from PyPI (files.pythonhosted.org), once per machine, checked against its sha256 every time. */
async function download(p: RealProject): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const file = join(CACHE, `${p.name}-${p.version}.tar.gz`);
  if (!existsSync(file)) {
    const res = await fetch(p.url);
    if (res.status !== 200) throw new Error(`GET ${p.url} answered ${res.status}`);
    writeFileSync(`${file}.part`, Buffer.from(await res.arrayBuffer()));
    execFileSync('mv', [`${file}.part`, file]);
  }
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (digest !== p.sha256) {
    rmSync(file);
    throw new Error(`${file}: sha256 ${digest}, expected ${p.sha256}`);
  }
  return file;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV } });
}

/** The sdist unpacked into a fresh repository, as its maintainers would have it: no PKG-INFO, no egg-info. */
function repositoryFrom(sdist: string, p: RealProject): string {
  const dir = tempDir(`real-${p.name}-`);
  execFileSync('tar', ['-xzf', sdist, '-C', dir, '--strip-components=1']);
  for (const entry of readdirSync(dir)) if (entry === 'PKG-INFO' || entry.endsWith('.egg-info')) rmSync(join(dir, entry), { recursive: true });
  if (existsSync(join(dir, 'src'))) {
    for (const entry of readdirSync(join(dir, 'src'))) if (entry.endsWith('.egg-info')) rmSync(join(dir, 'src', entry), { recursive: true });
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `${p.name} ${p.version} as published`);
  return dir;
}

function lines(dir: string, file: string): string[] {
  return existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) : [];
}

function buildSdist(dir: string): { members: string[]; size: number } {
  const out = tempDir('real-sdist-');
  execFileSync(tool('uv'), ['build', '--sdist', '--out-dir', out, dir], { env: toolEnv(), stdio: 'pipe' });
  const file = readdirSync(out).find((f) => f.endsWith('.tar.gz'))!;
  return { members: sdistMembers(out).filter((m) => m !== 'PKG-INFO' && !/\.egg-info\//.test(m)), size: statSync(join(out, file)).size };
}

const { JEST_WORKER_ID: _worker, NODE_ENV: _nodeEnv, ...machine } = process.env;
const ENV = rehearsalEnv({ ...machine, ...networkEnv(), ...GIT_ENV });

function inputFor(p: RealProject, dir: string, tarball: string): AdoptionInput {
  return {
    dir,
    tarball,
    name: p.name,
    moduleName: p.name,
    repository: `octo-org/${p.name}`,
    readme: p.readme,
    version: p.version,
    ignores: lines(dir, '.gitignore'),
    attributes: lines(dir, '.gitattributes').map((l) => l.split(/\s+/) as [string, ...string[]]),
    env: ENV,
  };
}

/** Per project: rehearsal seconds and sdist bytes before/after (printed at the end, for the release notes). */
const figures: string[] = [];
let tarball: string;
const ready = requireTool('uv', 'python');

beforeAll(() => {
  if (ready) tarball = packNpm(tempDir('real-pack-'));
});

afterAll(() => {
  // eslint-disable-next-line no-console
  if (figures.length) console.log(`real projects (rehearsal time, sdist before -> after adoption):\n${figures.join('\n')}`);
});

/** At most two adoptions at a time (a 2-core machine), the rest of the file waiting on their results. */
function pool(size: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    if (running >= size) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
const slot = pool(2);

/** Each project's adopted repository, for the failure rehearsals. */
const adopted = new Map<string, { promise: Promise<string>; resolve(dir: string): void; reject(e: unknown): void }>(
  PROJECTS.map((p) => {
    let resolve!: (dir: string) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<string>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => undefined);
    return [p.name, { promise, resolve, reject }];
  }),
);

const BEFORE_TAG = 'v0.0.1'; // on the commit before adoption: a tag on the wrong commit

test.concurrent.each(PROJECTS)('$name $version ($backend): adopted by docs/adopt.md, rehearsed with npx projen pypi:rehearse, sdist free of our files', async (p) => {
  if (!ready) return;
  const waiter = adopted.get(p.name)!;
  try {
    await slot(async () => {
      const dir = repositoryFrom(await download(p), p);
      git(dir, 'tag', `v${p.version}`); // versions from git tags need it for the "before" build too
      const before = buildSdist(dir);
      git(dir, 'tag', '-d', `v${p.version}`);
      git(dir, 'tag', BEFORE_TAG);

      const result = await adoptByTheDocs(inputFor(p, dir, tarball));
      recordOutput(`adopt ${p.name}`, result.outputs.map((o) => o.output).join('\n'), false);
      expect(result.finalSynth).not.toContain('out of your sdist');
      expect(result.rehearsal?.output).toContain(p.name);

      const after = buildSdist(dir);
      // the same files as before; .gitattributes (the project's lines plus projen's) is new in backends that take
      // every tracked file when the project had none
      expect(after.members.filter((m) => m !== '.gitattributes' || before.members.includes(m))).toEqual(before.members);
      const foreign = foreignPaths('release.yml');
      expect(after.members.filter((m) => foreign.some((f) => m === f || (f.endsWith('/') && m.startsWith(f))))).toEqual([]);
      figures.push(`  ${p.name} ${p.version} (${p.backend}): rehearsal ${result.rehearsal!.seconds.toFixed(1)} s, sdist ${before.size} -> ${after.size} bytes`);
      waiter.resolve(dir);
    });
  } catch (e) {
    waiter.reject(e);
    throw e;
  }
}, 1_800_000);

/**
 * The mistakes users make, rehearsed on iniconfig once it is adopted: in the same concurrent group as the adoptions
 * (jest runs a describe block's concurrent tests only after the group before it), so they run beside the adoptions
 * still going on. The two rehearsals only read the repository; the name mismatch rewrites .projenrc.ts (the
 * rehearsals would refuse the changed working tree), so it waits for them and puts the file back.
 */
{
  const p = PROJECTS[1];
  const mistake = (title: string) => `iniconfig, a mistake users make: ${title}`;
  const rehearsals: Array<Promise<unknown>> = [];
  const track = <T>(work: Promise<T>): Promise<T> => {
    rehearsals.push(work.catch(() => undefined));
    return work;
  };

  async function rehearse(...args: string[]): Promise<{ status: number | null; output: string }> {
    const dir = await adopted.get(p.name)!.promise;
    return new Promise((resolve) => {
      execFile('npx', ['projen', 'pypi:rehearse', ...args], { cwd: dir, env: ENV, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const output = `${stdout}${stderr}`;
          recordOutput(`rehearse ${args.join(' ')}`, output, false);
          resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, output });
        });
    });
  }

  test.concurrent(mistake('a tag on the wrong commit: refused, saying the workflow is not there'), async () => {
    if (!ready) return;
    const r = await track(rehearse('--tag', BEFORE_TAG));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/release\.yml/);
  }, 1_800_000);

  test.concurrent(mistake('a publisher registered with another workflow and environment: the mint step fails with PyPI\'s reason'), async () => {
    if (!ready) return;
    const r = await track(rehearse('--tag', `v${p.version}`, '--publisher', `octo-org/${p.name}:publish.yml@release`));
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/publisher/i);
  }, 600_000);

  test.concurrent(mistake('a name that is not the project\'s: synth refuses, naming both and where each came from'), async () => {
    if (!ready) return;
    const dir = await adopted.get(p.name)!.promise;
    await new Promise((r) => setImmediate(r)); // the two rehearsals above have started (and registered) by now
    await Promise.all(rehearsals);
    const projenrc = readFileSync(join(dir, '.projenrc.ts'), 'utf8');
    writeFileSync(join(dir, '.projenrc.ts'), projenrcFor({ ...inputFor(p, dir, tarball), name: 'ini-config-tools' }));
    const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('npx', ['projen'], { cwd: dir, env: ENV, encoding: 'utf8', timeout: 600_000 }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }));
    });
    writeFileSync(join(dir, '.projenrc.ts'), projenrc);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('"iniconfig" (pyproject.toml [project].name) and "ini-config-tools" (projen\'s `name` in .projenrc)');
  }, 600_000);
}
