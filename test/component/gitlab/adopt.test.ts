/**
 * Adopting PypiGitlabRelease in a project with its own pyproject.toml, as PypiRelease is adopted: the default tag rule
 * starts a pipeline for exactly the tags GitHub's default tag patterns start (as the rehearsal evaluates a rule), synth
 * refuses a tagPattern under which the project's version could not be released, the published name is the
 * pyproject's (a mismatch with projen's name is refused in PypiRelease's words), and the vendored `.gitlab/pypi-mint/`
 * files, the pipeline file and projen's and npm's files are kept out of the sdist: written where projen owns
 * pyproject.toml, printed where the user does, and refused by the build job when an sdist carries them.
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { Project, python } from 'projen';
import { parse } from 'yaml';
import { PypiGitlabRelease, PypiGitlabReleaseOptions, PypiRelease } from '../../../src';
import { DEFAULT_TAG_PATTERNS } from '../../../src/component/triggers';
import { ruleMatches } from '../../../src/rehearsal/gitlab';
import { OTHER_TAGS, RELEASE_TAGS, githubStarts } from '../../support/release-tags';
import { tool } from '../../support/tools';
import { adoptedPythonProject, pythonProject, synth, tempOutdir } from '../projects';

type Job = { rules: Array<{ if: string }>; script: string[] };

const HATCHLING = '[project]\nname = "demo-pkg"\nversion = "1.0"\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n';

/** A setuptools PythonProject (projen writes no pyproject.toml) over a directory that already has the given files. */
function adopted(files: Record<string, string>, release: Partial<PypiGitlabReleaseOptions> = {}, name = 'demo-pkg') {
  const { project } = adoptedPythonProject(files, name);
  const component = new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', ...release });
  return { project, component };
}

function pipelineOf(files: Record<string, unknown>): Record<string, Job> {
  return parse(String(files['.gitlab-ci.yml'])) as Record<string, Job>;
}

/** The synth log's info lines, and the pipeline. */
function synthLogged(project: Project): { log: string; files: Record<string, unknown> } {
  const lines: string[] = [];
  const spy = jest.spyOn(project.logger, 'info').mockImplementation((...args: unknown[]) => { lines.push(args.join(' ')); });
  try {
    return { files: synth(project).files, log: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('the default tag rule', () => {
  const project = pythonProject('uv', { version: '3.10' });
  new PypiGitlabRelease(project, { projectPath: 'octo-group/demo' });
  const doc = pipelineOf(synth(project).files);
  const starts = (tag: string) => doc.build.rules.some((r) => ruleMatches(r, tag));

  test('starts a pipeline for every release tag and for no other tag', () => {
    expect(RELEASE_TAGS.filter((t) => !starts(t))).toEqual([]);
    expect(OTHER_TAGS.filter((t) => starts(t))).toEqual([]);
  });

  test("gives every tag GitHub's verdict under the default tag patterns, and every job has the same rule", () => {
    const edges = ['V1.2', '1-rc1', '1.', '1_2', '1a', '1A', 'vv1', '1..2', 'v1.2.3/x', '1.2/3', 'release/1.2', 'v01', '1.2.3 ', ' 1.2'];
    const differ = [...RELEASE_TAGS, ...OTHER_TAGS, ...edges].filter((t) => starts(t) !== githubStarts(DEFAULT_TAG_PATTERNS, t));
    expect(differ).toEqual([]);
    for (const [name, job] of Object.entries(doc).filter(([k]) => k !== 'stages')) expect([name, job.rules]).toEqual([name, doc.build.rules]);
  });
});

describe("the project's version against tagPattern", () => {
  test('a pattern no tag naming the version matches is refused, naming the option', () => {
    const project = pythonProject('uv', { version: '24.1' });
    expect(() => new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', tagPattern: '/^v[0-9]+\\.[0-9]+\\.[0-9]+$/' }))
      .toThrow(/version 24\.1 \(projen's `version` in \.projenrc\) could not be released: no tag naming it \(v24\.1, 24\.1\) matches tagPattern \/\^v\[0-9\]\+.*start no pipeline at all\. Change tagPattern to match it \(e\.g\. "\/\^v\[0-9\]\+\\\.\[0-9\]\+\$\/"\)/);
  });

  test("the hand-written pyproject.toml's version is the one checked", () => {
    expect(() => adopted({ 'pyproject.toml': HATCHLING.replace('"1.0"', '"2024.1.1"') }, { tagPattern: '/^v[0-9]+$/' }))
      .toThrow(/version 2024\.1\.1 \(pyproject\.toml \[project\]\.version\) could not be released/);
  });

  test.each([
    ['a pattern matching v<version>', '/^v[0-9]+(\\.[0-9]+)*$/'],
    ['a prefix the version check reads', '/^release-[0-9.]+$/'],
    ['flags JavaScript reads the same', '/^V[0-9.]+$/i'],
    ['the x flag (left to GitLab)', '/^ v [0-9]+ $/x'],
  ])('accepted: %s', (_label, tagPattern) => {
    const project = pythonProject('uv', { version: '1.2.3' });
    expect(() => new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', tagPattern })).not.toThrow();
  });

  test('with versionFromTag the version in the repository is not checked', () => {
    const project = pythonProject('uv', { version: '0.0.0' });
    expect(() => new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', versionFromTag: true, tagPattern: '/^v1\\.[0-9]+$/' })).not.toThrow();
  });
});

describe("the distribution name is the pyproject's", () => {
  test("a name other than projen's is refused, in PypiRelease's words", () => {
    const files = { 'pyproject.toml': HATCHLING.replace('"demo-pkg"', '"other-pkg"') };
    const message = (make: () => unknown) => {
      try {
        make();
      } catch (err) {
        return (err as Error).message;
      }
      return 'no refusal';
    };
    const gitlab = message(() => adopted(files));
    expect(gitlab).toContain('the distribution name "other-pkg" (pyproject.toml [project].name) and "demo-pkg" (projen\'s `name` in .projenrc) are different projects on PyPI (PEP 503: "other-pkg" vs "demo-pkg")');
    const outdir = tempOutdir();
    writeFileSync(join(outdir, 'pyproject.toml'), files['pyproject.toml']);
    const github = message(() => new PypiRelease(new python.PythonProject({
      name: 'demo-pkg', moduleName: 'demo_pkg', authorName: 'Octo', authorEmail: 'octo@example.com', version: '0.0.0', outdir,
    }), { repository: 'octo-org/demo' }));
    expect(gitlab).toBe(github);
  });

  test('the option is checked too, and the same project under another spelling is accepted', () => {
    expect(() => adopted({ 'pyproject.toml': HATCHLING }, { distributionName: 'other-pkg' }))
      .toThrow(/"demo-pkg" \(pyproject\.toml \[project\]\.name\) and "other-pkg" \(the PypiGitlabRelease option distributionName\)/);
    const { component } = adopted({ 'pyproject.toml': HATCHLING.replace('"demo-pkg"', '"Demo_Pkg"') });
    expect(component.distributionName).toBe('Demo_Pkg');
    expect(component.trustedPublishers()[0].distributionName).toBe('Demo_Pkg');
  });
});

describe('sdist exclusions', () => {
  test('a hatchling project gets the exact lines in the synth log, naming .gitlab/pypi-mint, and the build job checks', () => {
    const { project } = adopted({ 'pyproject.toml': HATCHLING });
    const { log, files } = synthLogged(project);
    expect(log).toContain([
      "PypiGitlabRelease: keep projen's, npm's and the release pipeline's files out of your sdist (build backend hatchling): add to pyproject.toml",
      '',
      '    [tool.hatch.build.targets.sdist]',
      '    exclude = [',
      '      "/.projen/**",',
    ].join('\n'));
    expect(log).toContain('      "/.gitlab/pypi-mint/**",\n      "/.gitlab-ci.yml",\n    ]\n\nUntil then the build job fails when the sdist carries any of them.');
    const check = pipelineOf(files).build.script.find((l) => l.startsWith('FOREIGN_PATHS='))!;
    expect(check).toContain('".gitlab/pypi-mint/"');
    expect(check).toContain("SDIST_FIX='Add to pyproject.toml (hatchling):\n[tool.hatch.build.targets.sdist]\nexclude = [\n");
  });

  test('where projen writes pyproject.toml, the exclusions are written there', () => {
    const project = pythonProject('uv');
    project.tryFindObjectFile('pyproject.toml')!.addOverride('build-system', { 'requires': ['hatchling'], 'build-backend': 'hatchling.build' });
    new PypiGitlabRelease(project, { projectPath: 'octo-group/demo' });
    const { log, files } = synthLogged(project);
    expect(String(files['pyproject.toml'])).toMatch(/\[tool\.hatch\.build\.targets\.sdist\]\nexclude = \[[^\]]*"\/\.gitlab\/pypi-mint\/\*\*"/);
    expect(log).not.toContain('out of your sdist');
  });

  test("the build job's check line fails on an sdist carrying the vendored steps, naming them and the fix", () => {
    const { project } = adopted({ 'pyproject.toml': HATCHLING });
    const line = pipelineOf(synth(project).files).build.script.find((l) => l.startsWith('FOREIGN_PATHS='))!;
    const work = tempOutdir();
    const tree = join(work, 'demo_pkg-1.0');
    const pack = (...members: string[]) => {
      for (const file of members) {
        mkdirSync(dirname(join(tree, file)), { recursive: true });
        writeFileSync(join(tree, file), 'x\n');
      }
      mkdirSync(join(work, 'dist'), { recursive: true });
      execFileSync('tar', ['-czf', join(work, 'dist', 'demo_pkg-1.0.tar.gz'), '-C', work, ...members.map((m) => `demo_pkg-1.0/${m}`)]);
    };
    const run = () => spawnSync('bash', ['-c', `set -eo pipefail\n${line}`], {
      cwd: work, encoding: 'utf8', env: { PATH: `${dirname(tool('python'))}:/usr/bin:/bin`, GITLAB_CI: 'true', CI_PROJECT_DIR: work },
    });
    pack('PKG-INFO', 'demo_pkg/__init__.py', '.gitlab/pypi-mint/mint.cjs', '.gitlab/pypi-mint/requirements/uv.txt', '.gitlab-ci.yml', 'package.json');
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("ERROR: the sdist carries files that are not the package's: dist/demo_pkg-1.0.tar.gz contains 4 file(s) of projen, npm or the release pipeline: .gitlab-ci.yml, .gitlab/pypi-mint/mint.cjs, .gitlab/pypi-mint/requirements/uv.txt, package.json. Nothing was uploaded. Add to pyproject.toml (hatchling):\n[tool.hatch.build.targets.sdist]\nexclude = [\n");
    expect(bad.stdout).not.toMatch(/^::/m);
    pack('PKG-INFO', 'demo_pkg/__init__.py');
    const good = run();
    expect([good.status, good.stdout.trim()]).toEqual([0, "dist/demo_pkg-1.0.tar.gz: none of projen's, npm's or the release pipeline's files"]);
  });
});
