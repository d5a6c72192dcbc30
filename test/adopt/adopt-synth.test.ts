/**
 * Adopting PypiRelease in a project with its own pyproject.toml: the default tag patterns start a run for every
 * version form real projects tag (GitHub's filter semantics), synth refuses a version its tag patterns would never
 * release, the published name is the pyproject's (a mismatch with projen's name is refused), `[project.urls]` names
 * the repository, and each build backend gets the sdist exclusions (written where projen owns pyproject.toml, printed
 * where the user does) plus the build job's sdist check.
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { python } from 'projen';
import { PypiRelease, PypiReleaseOptions } from '../../src';
import { DEFAULT_TAG_PATTERNS } from '../../src/component/triggers';
import { adoptedPythonProject, pythonProject, synth, tempOutdir, workflowAt } from '../component/projects';
import { OTHER_TAGS, RELEASE_TAGS, githubStarts as starts } from '../support/release-tags';

/** A PythonProject the way docs/adopt.md configures it, over a directory that already has the given files. */
function adopted(files: Record<string, string>, release: PypiReleaseOptions = {}, name = 'demo-pkg') {
  const { project, outdir } = adoptedPythonProject(files, name);
  const component = new PypiRelease(project, { repository: 'octo-org/demo', ...release });
  return { project, component, outdir };
}

function infoLog(project: python.PythonProject): string {
  const lines: string[] = [];
  const spy = jest.spyOn(project.logger, 'info').mockImplementation((...args: unknown[]) => { lines.push(args.join(' ')); });
  try {
    synth(project);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}

const pyproject = (body: string) => ({ 'pyproject.toml': body });

describe('default tag patterns', () => {
  test('every release tag starts the workflow, no other tag does (GitHub filter semantics)', () => {
    expect(RELEASE_TAGS.filter((t) => !starts(DEFAULT_TAG_PATTERNS, t))).toEqual([]);
    expect(OTHER_TAGS.filter((t) => starts(DEFAULT_TAG_PATTERNS, t))).toEqual([]);
  });

  test('the synthesized workflow carries them', () => {
    const project = pythonProject('uv', { version: '3.10' });
    new PypiRelease(project, { repository: 'octo-org/demo' });
    const wf = workflowAt(synth(project), '.github/workflows/release.yml').doc as unknown as { on: { push: { tags: string[] } } };
    expect(wf.on.push.tags).toEqual(DEFAULT_TAG_PATTERNS);
  });

  test("synth refuses tag patterns under which the project's version would start no run, naming the option", () => {
    const project = pythonProject('uv', { version: '24.1' });
    expect(() => new PypiRelease(project, { repository: 'octo-org/demo', triggers: { tagPatterns: ['v[0-9]+.[0-9]+.[0-9]+*'] } }))
      .toThrow(/version 24\.1 \(projen's `version` in \.projenrc\) could not be released: no tag naming it \(v24\.1, 24\.1\) matches triggers\.tagPatterns/);
    const own = () => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "2024.1"\n'), { triggers: { tagPatterns: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    expect(own).toThrow(/version 2024\.1 \(pyproject\.toml \[project\]\.version\).*triggers\.tagPatterns/);
    expect(() => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "24.1"\n'), { triggers: { tagPatterns: ['pkg-v[0-9]+.[0-9]+.[0-9]+'] } }))
      .toThrow(/no tag naming it \(v24\.1, 24\.1, pkg-v24\.1, pkg-24\.1\)/);
    // a matching custom pattern (prefixed ones included), or no version tags at all, is fine
    expect(() => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "24.1"\n'), { triggers: { tagPatterns: ['release-[0-9]+*'] } })).not.toThrow();
    expect(() => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "24.1"\n'), { triggers: { versionTags: false, manualDispatch: true, tagPatterns: ['x'] } })).not.toThrow();
    expect(() => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "2024.1"\n'), { triggers: { tagPatterns: ['v[0-9]+.[0-9]+'] } })).not.toThrow();
  });
});

describe("the project's own pyproject.toml", () => {
  test('the published name is [project].name; a mismatch with projen\'s name is refused naming both and their sources', () => {
    const ok = adopted(pyproject('[project]\nname = "Demo.Pkg"\ndynamic = ["version"]\n'));
    expect(ok.component.distributionName).toBe('Demo.Pkg');
    expect(() => adopted(pyproject('[project]\nname = "other-pkg"\nversion = "1.0"\n')))
      .toThrow(/"other-pkg" \(pyproject\.toml \[project\]\.name\) and "demo-pkg" \(projen's `name` in \.projenrc\) are different projects on PyPI/);
    expect(() => adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "1.0"\n'), { distributionName: 'demo-lib' }))
      .toThrow(/"demo-pkg" \(pyproject\.toml \[project\]\.name\) and "demo-lib" \(the PypiRelease option distributionName\)/);
    expect(() => adopted(pyproject('[tool.poetry]\nname = "poetic"\nversion = "1.0"\n')))
      .toThrow(/"poetic" \(pyproject\.toml \[tool\.poetry\]\.name\)/);
  });

  test('a dynamic version is supported: no version check at synth, a note in the log', () => {
    const { project } = adopted(pyproject('[project]\nname = "demo-pkg"\ndynamic = ["version"]\n'), { triggers: { tagPatterns: ['release-*'] } });
    expect(infoLog(project)).toMatch(/the version is dynamic \(pyproject\.toml \[project\]\.dynamic\)/);
  });

  test('[project.urls] names the repository', () => {
    const outdir = tempOutdir();
    writeFileSync(join(outdir, 'pyproject.toml'), '[project]\nname = "demo-pkg"\nversion = "1.0"\n[project.urls]\nDocumentation = "https://demo.readthedocs.io"\n"Source Code" = "https://github.com/octo-org/demo-src"\n');
    const project = new python.PythonProject({ name: 'demo-pkg', moduleName: 'demo_pkg', authorName: 'O', authorEmail: 'o@example.com', version: '0.0.0', sample: false, outdir });
    expect(new PypiRelease(project).repository).toBe('octo-org/demo-src');
  });

  test('a pyproject.toml that is not TOML is refused with the parser\'s reason', () => {
    expect(() => adopted(pyproject('[project\nname = "x"\n'))).toThrow(/cannot read the project's pyproject\.toml .*pyproject\.toml/);
  });
});

describe('sdist exclusions', () => {
  const CASES: Array<[string, string, string[]]> = [
    ['hatchling', '[build-system]\nrequires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n', ['[tool.hatch.build.targets.sdist]', 'exclude = [', '  "/.projen/**",', '  "/package.json",', '  "/.github/actions/pypi-mint/**",']],
    ['flit_core', '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n', ['[tool.flit.sdist]', '  ".projenrc.ts",']],
    ['poetry-core', '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n', ['[tool.poetry]', '  ".projen/**/*",']],
    ['pdm-backend', '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n', ['[tool.pdm.build]', 'excludes = [']],
    ['uv_build', '[build-system]\nrequires = ["uv_build>=0.8"]\nbuild-backend = "uv_build"\n', ['[tool.uv.build-backend]', 'source-exclude = [', '  "package-lock.json",']],
    ['setuptools-scm', '[build-system]\nrequires = ["setuptools>=64", "setuptools_scm>=8"]\nbuild-backend = "setuptools.build_meta"\n', ['prune .projen', 'exclude package.json', 'prune .github/actions/pypi-attest', 'exclude .github/workflows/release.yml']],
  ];

  test.each(CASES)('%s: synth prints the exact lines to add, and stops once they are there', (backend, buildSystem, expected) => {
    const { project } = adopted(pyproject(`[project]\nname = "demo-pkg"\ndynamic = ["version"]\n${buildSystem}`));
    const log = infoLog(project);
    expect(log).toContain(`build backend ${backend}): add to ${backend.startsWith('setuptools') ? 'MANIFEST.in' : 'pyproject.toml'}`);
    for (const line of expected) expect(log).toContain(`\n    ${line}\n`);
    // the same project with the printed lines in place: nothing more to say
    const block = log.slice(log.indexOf('out of your sdist'));
    const lines = block.slice(0, block.indexOf('Until then')).split('\n').filter((l) => l.startsWith('    ')).map((l) => l.slice(4));
    const files = backend.startsWith('setuptools')
      ? { 'pyproject.toml': `[project]\nname = "demo-pkg"\ndynamic = ["version"]\n${buildSystem}`, 'MANIFEST.in': `include README.md\n${lines.join('\n')}\n` }
      : pyproject(`[project]\nname = "demo-pkg"\ndynamic = ["version"]\n${buildSystem}${lines.join('\n')}\n`);
    expect(infoLog(adopted(files).project)).not.toContain('out of your sdist');
  });

  test('plain setuptools: nothing to add, unless MANIFEST.in grafts whole trees', () => {
    const body = '[project]\nname = "demo-pkg"\nversion = "1.0"\n[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n';
    expect(infoLog(adopted(pyproject(body)).project)).not.toContain('out of your sdist');
    const log = infoLog(adopted({ 'pyproject.toml': body, 'MANIFEST.in': 'graft .\n' }).project);
    expect(log).toContain('(build backend setuptools): add to MANIFEST.in\n\n    prune .projen\n');
  });

  test('existing exclusions are kept in the printed lines', () => {
    const { project } = adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n[tool.hatch.build.targets.sdist]\nexclude = ["/docs"]\n'));
    expect(infoLog(project)).toContain('add to pyproject.toml, in its [tool.hatch.build.targets.sdist] table (as its exclude key, in place of any it has)\n\n    exclude = [\n      "/docs",\n      "/.projen/**",');
  });

  test('where projen writes pyproject.toml (poetry), the component writes the exclusion', () => {
    const project = pythonProject('poetry');
    new PypiRelease(project, { repository: 'octo-org/demo' });
    const { files } = synth(project);
    const text = String(files['pyproject.toml']);
    expect(text).toMatch(/exclude = \[[^\]]*"\.projen\/\*\*\/\*"[^\]]*"package\.json"/s);
  });

  test('the build job checks the sdist for every foreign path', () => {
    const { project } = adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'));
    const wf = workflowAt(synth(project), '.github/workflows/release.yml').doc;
    const step = wf.jobs.build.steps!.find((s) => s.id === 'check_sdist')!;
    expect(JSON.parse(String(step.env!.FOREIGN_PATHS))).toEqual(expect.arrayContaining(['.projen/', 'package.json', '.github/actions/pypi-attest/', '.github/workflows/release.yml']));
    expect(String(step.env!.SDIST_FIX)).toMatch(/^Add to pyproject\.toml \(hatchling\):\n\[tool\.hatch\.build\.targets\.sdist\]\nexclude = \[\n/);
  });
});

test("the build job's sdist check fails on an sdist with projen's and npm's files, naming them and the fix", () => {
  const { project } = adopted(pyproject('[project]\nname = "demo-pkg"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'));
  const step = workflowAt(synth(project), '.github/workflows/release.yml').doc.jobs.build.steps!.find((s) => s.id === 'check_sdist')!;
  const work = tempOutdir();
  const tree = join(work, 'demo_pkg-1.0');
  for (const file of ['PKG-INFO', 'demo_pkg/__init__.py', 'package.json', '.projen/tasks.json', '.github/actions/pypi-mint/index.cjs']) {
    mkdirSync(join(tree, file, '..'), { recursive: true });
    writeFileSync(join(tree, file), 'x\n');
  }
  mkdirSync(join(work, 'dist'));
  execFileSync('tar', ['-czf', join(work, 'dist', 'demo_pkg-1.0.tar.gz'), '-C', work, 'demo_pkg-1.0']);
  const run = (env: Record<string, string>) => spawnSync('bash', ['-e', '-c', String(step.run)], { cwd: work, encoding: 'utf8', env: { ...process.env, ...env } });
  const env = step.env as Record<string, string>;
  const bad = run(env);
  expect(bad.status).toBe(1);
  expect(bad.stdout).toContain('::error file=dist/demo_pkg-1.0.tar.gz,title=The sdist carries files that are not the package\'s::demo_pkg-1.0.tar.gz contains 3 file(s) of projen, npm or the release workflow: .github/actions/pypi-mint/index.cjs, .projen/tasks.json, package.json. Nothing was uploaded. Add to pyproject.toml (hatchling):%0A[tool.hatch.build.targets.sdist]%0Aexclude = [');
  // a clean sdist passes
  execFileSync('tar', ['-czf', join(work, 'dist', 'demo_pkg-1.0.tar.gz'), '-C', work, 'demo_pkg-1.0/PKG-INFO', 'demo_pkg-1.0/demo_pkg/__init__.py']);
  const good = run(env);
  expect([good.status, good.stdout.trim()]).toEqual([0, "dist/demo_pkg-1.0.tar.gz: none of projen's, npm's or the release workflow's files"]);
});
