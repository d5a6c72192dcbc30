/**
 * The build job's version script (`version/version.py`, vendored into `.github/actions/pypi-version/`), run as the
 * workflow runs it: by python3 with the standard library only.
 * - Its PEP 440 reading is packaging's: on fixed cases and on thousands of generated ones, the same strings are
 *   versions, with the same normal form (str(Version)) and the same equality, as packaging.version.Version has.
 * - `stamp --with pyproject` changes the version line of [project] (or [tool.poetry]) and nothing else, and refuses
 *   what it cannot edit without writing.
 * - `stamp` refuses a hostile tag before running the tool (a stand-in uv that leaves a mark shows it never ran).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { TOOLS_DIR } from '../../scripts/tools/catalog';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { requireTool, tool } from '../support/tools';

const SCRIPT = join(__dirname, '..', '..', 'version', 'version.py');
/** packaging comes with pypa/build's locked set. */
const PACKAGING_PYTHON = join(TOOLS_DIR, 'envs', 'build', 'bin', 'python');

const ready = requireTool('python', 'pyproject-build');
const maybe = ready ? describe : describe.skip;

const COMPARE = String.raw`
import importlib.util, json, sys
from packaging.version import InvalidVersion, Version
spec = importlib.util.spec_from_file_location("version_script", sys.argv[1])
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)
def theirs(text):
    try:
        return str(Version(text))
    except InvalidVersion:
        return None
def ours(text):
    v = script.parse(text)
    return None if v is None else str(v)
data = json.load(sys.stdin)
pairs = [[a, b, (Version(a) == Version(b)) if theirs(a) and theirs(b) else None,
          (script.parse(a) == script.parse(b)) if ours(a) and ours(b) else None] for a, b in data["pairs"]]
json.dump({"single": [[t, theirs(t), ours(t)] for t in data["single"]], "pairs": pairs}, sys.stdout)
`;

function compare(single: string[], pairs: Array<[string, string]> = []) {
  const r = spawnSync(PACKAGING_PYTHON, ['-c', COMPARE, SCRIPT], { input: JSON.stringify({ single, pairs }), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as {
    single: Array<[string, string | null, string | null]>;
    pairs: Array<[string, string, boolean | null, boolean | null]>;
  };
}

const FIXED = [
  '1', '1.0', '1.2.3', 'v1.2.3', 'V1.2.3', '01.002.0003', '1.2.3.4.5.6', '0.0.0', '2!1.0', '0!1.0',
  '1.0a1', '1.0A1', '1.0alpha1', '1.0.alpha.1', '1.0-a-1', '1.0_a_1', '1.0a', '1.0b2', '1.0beta2', '1.0c3', '1.0rc3', '1.0pre3',
  '1.0preview3', '1.0-rc.1', '1.2.3-rc.1', '1.0.post1', '1.0post1', '1.0-post1', '1.0-1', '1.0.r1', '1.0rev1', '1.0-post',
  '1.0.dev1', '1.0dev', '1.0-dev-1', '1.0a1.post2.dev3', '1!2.0rc1.post3.dev4+abc.01.x-y_z', '1.0+local', '1.0+UBUNTU-1',
  '1.0+01', '1.0+a.0', ' 1.0', '1.0 ', '\t1.0\n', '1.0\n',
  // not versions
  '', 'v', 'a1', '1.0.', '.1.0', '1..0', '1.0+', '1.0+a..b', '1.0+-a', '1.0-', '1.0.post-1', '1.0rc1rc2', '1.0$(touch x)',
  "1.0'", '1.0%0A', '1.0\nx', 'vv1.0', '1.0a1b2', '1.0.devx', '1.0+a b', '1.0 .1', '٣.0', '1.0_', '1!', '!1.0', 'latest',
];

maybe('version.py reads PEP 440 as packaging does', () => {
  test('fixed cases: the same versions, the same normal form', () => {
    const result = compare(FIXED);
    for (const [text, theirs, ours] of result.single) expect({ text, ours }).toEqual({ text, ours: theirs });
    expect(result.single.filter(([, theirs]) => theirs !== null).length).toBeGreaterThan(40);
  });

  test('generated cases: the same versions, the same normal form, the same equality', () => {
    const token = fc.constantFrom('0', '1', '2', '00', '01', '10', '123', '.', '.', '-', '_', '+', '!', 'v', 'V', ' ', 'a', 'A', 'b', 'c', 'rc', 'RC',
      'alpha', 'beta', 'pre', 'preview', 'post', 'rev', 'r', 'dev', 'Dev', 'local', 'x', 'ubuntu', '$', "'", '\n');
    const versionish = fc.array(token, { minLength: 1, maxLength: 12 }).map((t) => t.join(''));
    const plausible = fc.tuple(
      fc.constantFrom('', 'v', '1!'), fc.array(fc.nat(20), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('', 'a', 'b', 'rc', '-rc.', '.alpha', 'c'), fc.option(fc.nat(9)),
      fc.constantFrom('', '.post', '-', 'post', '.r'), fc.option(fc.nat(9)),
      fc.constantFrom('', '.dev', 'dev', '-dev'), fc.option(fc.nat(9)),
      fc.constantFrom('', '+abc', '+1.2', '+a-B_c'),
    ).map(([pre, release, preL, preN, postL, postN, devL, devN, local]) => [
      pre, release.join('.'), preL, preL && preN !== null ? preN : '', postL, postL && postN !== null ? postN : '',
      devL, devL && devN !== null ? devN : '', local,
    ].join(''));
    const single = fc.sample(fc.oneof(versionish, plausible, fc.string({ maxLength: 12 })), { numRuns: 3000, seed: 440 });
    const pairs = fc.sample(fc.tuple(plausible, plausible), { numRuns: 1000, seed: 441 });
    // and pairs that packaging may hold equal: case, a trailing .0 on the release, a v
    const variant = (v: string, how: number) => [v.toUpperCase(), v.replace(/^(v|1!)?([0-9.]*[0-9])/, '$1$2.0'), `v${v}`, v.replace(/\./g, '-')][how];
    pairs.push(...fc.sample(fc.tuple(plausible, fc.nat(3)), { numRuns: 500, seed: 442 }).map(([v, how]): [string, string] => [v, variant(v, how)]));
    // release zeros at the end: 1.2 == 1.2.0
    pairs.push(['1.2', '1.2.0'], ['v1.0rc1', '1.0-rc.1'], ['1.0+A', '1.0+a'], ['1.0', '1.0+a']);
    const result = compare(single, pairs);
    const mismatches = result.single.filter(([, theirs, ours]) => theirs !== ours);
    expect(mismatches).toEqual([]);
    expect(result.single.filter(([, theirs]) => theirs !== null).length).toBeGreaterThan(1000);
    expect(result.pairs.filter(([, , theirs, ours]) => theirs !== ours)).toEqual([]);
    expect(result.pairs.filter(([, , theirs]) => theirs === true).length).toBeGreaterThan(200);
  });
});

interface Run { code: number | null; out: string; annotations: string[]; outputs: string }

function runScript(args: string[], cwd: string, env: Record<string, string>): Run {
  const output = join(tempDir('version-output-'), 'output');
  writeFileSync(output, '');
  const r = spawnSync(tool('python'), [SCRIPT, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: `${join(cwd, '..', 'bin')}:/usr/bin:/bin`, GITHUB_OUTPUT: output, GITHUB_EVENT_NAME: 'push', GITHUB_REF_TYPE: 'tag', ...env },
  });
  const out = `${r.stdout}${r.stderr}`;
  return { code: r.status, out, annotations: out.split('\n').filter((l) => /^::(error|warning|notice)/.test(l)), outputs: readFileSync(output, 'utf8') };
}

/** A project directory with a pyproject.toml, and a bin/ beside it whose `uv` leaves a mark when it runs. */
function project(pyproject: string | undefined): { dir: string; marker: string } {
  const root = tempDir('version-project-');
  const dir = join(root, 'project');
  mkdirSync(dir);
  mkdirSync(join(root, 'bin'));
  const marker = join(root, 'uv-ran');
  writeFileSync(join(root, 'bin', 'uv'), `#!/bin/sh\necho "$@" > '${marker}'\n`);
  chmodSync(join(root, 'bin', 'uv'), 0o755);
  if (pyproject !== undefined) writeFileSync(join(dir, 'pyproject.toml'), pyproject);
  return { dir, marker };
}

const UV_PYPROJECT = [
  '# ~~ Generated by projen. To modify, edit .projenrc.py and run "npx projen".', '', 'tool = { }', '',
  '[other]', 'version = "keep-me"', '', '[project]', 'name = "samp"', 'version = "0.0.0"', 'readme = "README.md"',
  'dependencies = [', '  "requests>=2",', ']', '', '  [[project.authors]]', '  name = "a"', '  version = "not-this"', '',
  '[dependency-groups]', 'dev = [ "projen==0.103.25" ]', '',
].join('\n');

maybe('version.py stamp', () => {
  test('--with pyproject: the [project] version line, and nothing else, gets the normalised version', () => {
    const { dir } = project(UV_PYPROJECT);
    const run = runScript(['stamp', '--with', 'pyproject'], dir, { GITHUB_REF_NAME: 'v1.2.3-RC.1' });
    expect(run.code).toBe(0);
    expect(run.out).toContain('Version 1.2.3rc1 from the tag v1.2.3-RC.1, written with [project].version in pyproject.toml');
    expect(run.outputs).toBe('version=1.2.3rc1\n');
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toBe(UV_PYPROJECT.replace('version = "0.0.0"', 'version = "1.2.3rc1"'));
  });

  test('--with pyproject: CRLF, single quotes and a comment are kept; poetry 1 layout edits [tool.poetry]', () => {
    const crlf = project('[project]\r\nname = "a"\r\nversion = \'0.0.0\'   # set from the tag\r\n');
    expect(runScript(['stamp', '--with', 'pyproject'], crlf.dir, { GITHUB_REF_NAME: '2.0' }).code).toBe(0);
    expect(readFileSync(join(crlf.dir, 'pyproject.toml'), 'utf8')).toBe('[project]\r\nname = "a"\r\nversion = "2.0"   # set from the tag\r\n');

    const poetry = project('[tool.poetry]\nname = "a"\nversion = "0.0.0"\n\n[tool.poetry.dependencies]\npython = "^3.8"\n');
    const run = runScript(['stamp', '--with', 'pyproject'], poetry.dir, { GITHUB_REF_NAME: 'v3.1.post2' });
    expect(run.out).toContain('written with [tool.poetry].version');
    expect(readFileSync(join(poetry.dir, 'pyproject.toml'), 'utf8')).toContain('[tool.poetry]\nname = "a"\nversion = "3.1.post2"\n');
  });

  test.each([
    ['a dynamic version', '[project]\nname = "a"\ndynamic = ["version"]\n', 'declares the version dynamic'],
    ['no version at all', '[project]\nname = "a"\n', 'has no `version = "..."` line in its [project] table'],
    ['no version table', '[build-system]\nrequires = ["x"]\n', 'has no [project].version and no [tool.poetry].version'],
    ['a version line inside a multi-line string', '[project]\nname = "a"\ndescription = """\nversion = "0.0.0"\n"""\nversion = "0.0.0"\n', 'would change more than the version'],
  ])('--with pyproject refuses %s and writes nothing', (_what, text, message) => {
    const { dir } = project(text);
    const run = runScript(['stamp', '--with', 'pyproject'], dir, { GITHUB_REF_NAME: 'v1.0.0' });
    expect(run.code).toBe(1);
    expect(run.annotations).toHaveLength(1);
    expect(run.annotations[0]).toMatch(/^::error file=pyproject\.toml,title=Cannot stamp the version::/);
    expect(run.annotations[0]).toContain(message);
    expect(readFileSync(join(dir, 'pyproject.toml'), 'utf8')).toBe(text);
    expect(run.outputs).toBe('');
  });

  test('--with uv runs `uv version --frozen -- <normalised>` for a version tag', () => {
    const { dir, marker } = project(UV_PYPROJECT);
    const run = runScript(['stamp', '--with', 'uv'], dir, { GITHUB_REF_NAME: 'pkg-v01.2' });
    expect(run.code).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('version --frozen -- 1.2\n');
    expect(run.outputs).toBe('version=1.2\n');
  });

  test.each([
    '1.0.0$(touch x)', "1.0.0'", "v1.0.0';touch x;'", '1.0.0%0A::warning::injected', '1.0.0\n::warning::injected', '1.0.0\r',
    '1.0.0;id', '1.0.0 1.0.1', '-v1.0.0', '--help', 'v1.0.0+local', 'latest', '',
  ])('the tag %j is refused before anything runs', (tag) => {
    const { dir, marker } = project(UV_PYPROJECT);
    const run = runScript(['stamp', '--with', 'uv'], dir, { GITHUB_REF_NAME: tag });
    expect(run.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, 'x'))).toBe(false);
    // one annotation, one line: the tag is shown quoted with its control characters spelled out
    expect(run.annotations).toHaveLength(1);
    expect(run.annotations[0]).toMatch(/^::error title=Tag is not a version::The tag ['"]/);
    expect(run.out.split('\n').filter((l) => l.startsWith('::')).length).toBe(1);
    expect(run.outputs).toBe('');
  });

  test('a run on a branch has no tag to take the version from', () => {
    const { dir, marker } = project(UV_PYPROJECT);
    const run = runScript(['stamp', '--with', 'uv'], dir, { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main', GITHUB_EVENT_NAME: 'workflow_dispatch' });
    expect(run.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(run.annotations[0]).toContain("::error title=Not a release tag::This workflow_dispatch run is on branch 'main', not a tag.");
  });

  test('a failing tool fails the step with its command and exit code', () => {
    const { dir } = project(UV_PYPROJECT);
    writeFileSync(join(dir, '..', 'bin', 'uv'), '#!/bin/sh\necho "error: no project" >&2\nexit 2\n');
    const run = runScript(['stamp', '--with', 'uv'], dir, { GITHUB_REF_NAME: 'v1.0.0' });
    expect(run.code).toBe(1);
    expect(run.out).toContain('error: no project');
    expect(run.annotations[0]).toContain('`uv version --frozen -- 1.0.0` exited 2');
  });

  test('bad arguments print the usage', () => {
    const { dir } = project(UV_PYPROJECT);
    const run = runScript(['stamp', '--with', 'sed'], dir, { GITHUB_REF_NAME: 'v1.0.0' });
    expect(run.code).toBe(2);
    expect(run.out).toContain('usage: version.py stamp --with uv|poetry|hatch|pyproject');
  });
});

maybe('version.py check', () => {
  const MAKE_DISTS = String.raw`
import io, os, sys, tarfile, zipfile
dist, version = sys.argv[1], sys.argv[2]
os.makedirs(dist, exist_ok=True)
meta = f"Metadata-Version: 2.1\nName: samp\nVersion: {version}\n".encode()
with zipfile.ZipFile(os.path.join(dist, f"samp-{version}-py3-none-any.whl"), "w") as z:
    z.writestr(f"samp-{version}.dist-info/METADATA", meta)
with tarfile.open(os.path.join(dist, f"samp-{version}.tar.gz"), "w:gz") as t:
    info = tarfile.TarInfo(f"samp-{version}/PKG-INFO"); info.size = len(meta); t.addfile(info, io.BytesIO(meta))
open(os.path.join(dist, ".gitignore"), "w").write("*\n")
`;
  function dists(version: string): string {
    const { dir } = project(undefined);
    const r = spawnSync(tool('python'), ['-c', MAKE_DISTS, join(dir, 'dist'), version], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return dir;
  }

  test('PEP 440 equality: 1.2.0 built, v1.2 tagged', () => {
    const run = runScript(['check', 'dist'], dists('1.2.0'), { GITHUB_REF_NAME: 'v1.2' });
    expect(run.code).toBe(0);
    expect(run.out).toContain('dist/samp-1.2.0-py3-none-any.whl: version 1.2.0 matches the tag v1.2');
    expect(run.out).toContain('dist/samp-1.2.0.tar.gz: version 1.2.0 matches the tag v1.2');
  });

  test('a different version fails on the first file, naming both', () => {
    const run = runScript(['check', 'dist'], dists('0.0.0'), { GITHUB_REF_NAME: 'v1.2.3' });
    expect(run.code).toBe(1);
    expect(run.annotations).toEqual([
      '::error file=dist/samp-0.0.0-py3-none-any.whl,title=Version does not match the tag::dist/samp-0.0.0-py3-none-any.whl has version 0.0.0, but the tag v1.2.3 says 1.2.3 (PEP 440, normalised). Nothing was uploaded: fix the version or tag the right commit.',
    ]);
  });

  test('not on a tag: a notice, and the check passes', () => {
    const run = runScript(['check', 'dist'], dists('1.0.0'), { GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' });
    expect(run.code).toBe(0);
    expect(run.annotations[0]).toMatch(/^::notice title=No release tag::This push run is on branch 'main', not a tag/);
  });

  test('a hostile tag is no version to check against', () => {
    const run = runScript(['check', 'dist'], dists('1.0.0'), { GITHUB_REF_NAME: '1.0.0$(touch x)' });
    expect(run.code).toBe(1);
    expect(run.annotations[0]).toContain("title=Tag is not a version::The tag '1.0.0$(touch x)' names no PEP 440 version");
  });

  test('in a GitLab job the failures and notices are plain lines, not workflow commands', () => {
    const gitlab = (tag: string) => ({ GITLAB_CI: 'true', CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: tag, CI_COMMIT_REF_NAME: tag || 'main' });
    const mismatch = runScript(['check', 'dist'], dists('0.0.0'), gitlab('v1.2.3'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.out).not.toMatch(/^::/m);
    expect(mismatch.out).toContain('ERROR: Version does not match the tag\ndist/samp-0.0.0-py3-none-any.whl has version 0.0.0, but the tag v1.2.3 says 1.2.3');
    const hostile = runScript(['check', 'dist'], dists('1.0.0'), gitlab('1.0.0$(touch x)'));
    expect(hostile.out).toMatch(/^ERROR: Tag is not a version\ndist\/samp-1\.0\.0[^:]*: The tag '1\.0\.0\$\(touch x\)' names no PEP 440 version/m);
    const branch = runScript(['check', 'dist'], dists('1.0.0'), gitlab(''));
    expect(branch.code).toBe(0);
    expect(branch.out).toContain("NOTICE: No release tag\nThis push run is on branch 'main', not a tag");
    // a GitHub runner that happens to carry GITLAB_CI still gets workflow commands
    const github = runScript(['check', 'dist'], dists('0.0.0'), { GITLAB_CI: 'true', GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'v1.2.3' });
    expect(github.annotations[0]).toMatch(/^::error file=dist\/samp-0\.0\.0-py3-none-any\.whl,title=Version does not match the tag::/);
  });

  test('an empty dist/ fails', () => {
    const { dir } = project(undefined);
    mkdirSync(join(dir, 'dist'));
    const run = runScript(['check', 'dist'], dir, { GITHUB_REF_NAME: 'v1.0.0' });
    expect(run.annotations).toEqual(['::error file=dist,title=No distributions::dist holds no wheel or sdist to check']);
  });
});
