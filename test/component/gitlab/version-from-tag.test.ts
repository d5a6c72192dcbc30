/**
 * `versionFromTag` for GitLab: the generated build job stamps the tag's version right before the build, with the
 * tag only in the runner's CI_COMMIT_TAG (no variable interpolated into a command of the script), and the same
 * refusals as on GitHub. Then the generated stamp line itself, run by bash as a GitLab runner runs a script line in
 * the synthesized repository: hostile tags stop it before anything runs with them, a version tag is written with uv.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { BuildTool, PypiGitlabRelease, PypiGitlabReleaseOptions } from '../../../src';
import { GITLAB_VERSION_SCRIPT } from '../../../src/component/gitlab-jobs';
import { tempDir } from '../../../src/rehearsal/temp-dirs';
import { tool } from '../../support/tools';
import { PythonFlavour, pythonProject, synth } from '../projects';

type Job = { script: string[]; variables?: Record<string, string> };

function generate(flavour: PythonFlavour, options: Partial<PypiGitlabReleaseOptions> = {}) {
  const project = pythonProject(flavour, { version: '0.0.0' });
  new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', versionFromTag: true, ...options });
  const { files } = synth(project);
  return { files, doc: parse(String(files['.gitlab-ci.yml'])) as Record<string, Job> };
}

const STAMP = (how: string) => `python3 "$CI_PROJECT_DIR/${GITLAB_VERSION_SCRIPT}" stamp --with ${how}`;

describe('the build job stamps the version before the build', () => {
  test.each([
    ['uv', undefined, 'uv', 'uv build'],
    ['uv', BuildTool.HATCH, 'hatch', 'hatch build'],
    ['poetry', undefined, 'poetry', 'poetry build'],
    ['poetry', BuildTool.UV, 'pyproject', 'uv build'],
  ] as const)('a %s project built with %s: stamp --with %s, right before the build', (flavour, buildTool, stamp, build) => {
    const { doc } = generate(flavour, { buildTool });
    const script = doc.build.script;
    const at = script.indexOf(STAMP(stamp));
    expect(at).toBeGreaterThan(0);
    expect(script[at + 1]).toContain(build);
    // the tool that stamps is installed before it (uv first, poetry and hatch as the build tool)
    const installed = script.slice(0, at).join('\n');
    expect(installed).toContain(stamp === 'uv' || stamp === 'pyproject' ? 'ln -sf' : `/${stamp}/bin/${stamp} `);
    // the tag is the runner's variable only: nothing interpolates a CI variable but the script's own path
    expect(JSON.stringify(doc)).not.toContain('CI_COMMIT_TAG"');
    for (const line of script.flatMap((l) => l.split('\n'))) expect(line.replace(/"\$CI_PROJECT_DIR\//g, '')).not.toMatch(/\$\{?CI_COMMIT_(TAG|REF_NAME)/);
    expect(Object.values(doc.build.variables ?? {}).join()).not.toMatch(/CI_COMMIT/);
  });

  test('without the option there is no stamp line; the version check runs either way', () => {
    const project = pythonProject('uv');
    new PypiGitlabRelease(project, { projectPath: 'octo-group/demo' });
    const script = (parse(String(synth(project).files['.gitlab-ci.yml'])) as Record<string, Job>).build.script;
    expect(script.some((l) => l.includes(' stamp '))).toBe(false);
    expect(script).toContain(`python3 "$CI_PROJECT_DIR/${GITLAB_VERSION_SCRIPT}" check dist`);
  });

  test.each([
    ['a setup.py project (projen writes the version there)', 'pip', /versionFromTag cannot work here: the project keeps its version in setup.py/],
  ] as const)('refused as on GitHub: %s', (_label, flavour, message) => {
    expect(() => generate(flavour)).toThrow(message);
  });

  test('refused as on GitHub: a version from git (hatch-vcs)', () => {
    const project = pythonProject('uv', { version: '0.0.0' });
    project.tryFindObjectFile('pyproject.toml')!.addOverride('build-system.requires', ['hatchling', 'hatch-vcs']);
    expect(() => new PypiGitlabRelease(project, { projectPath: 'octo-group/demo', versionFromTag: true }))
      .toThrow(/versionFromTag cannot work here: the project's version already comes from git through hatch-vcs/);
  });
});

describe('the generated stamp line, run as a GitLab runner runs it', () => {
  let repo: string;
  let line: string;
  beforeAll(() => {
    const { files, doc } = generate('uv');
    line = doc.build.script.find((l) => l.includes(' stamp --with '))!;
    repo = tempDir('gitlab-stamp-');
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), typeof text === 'string' ? text : `${JSON.stringify(text, undefined, 2)}\n`);
    }
    expect(readFileSync(join(repo, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
  });

  const run = (tag: string, cwd: string) => spawnSync('bash', ['-c', `set -eo pipefail\n${line}`], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: `${dirname(tool('uv'))}:${dirname(tool('python'))}:/usr/bin:/bin`,
      HOME: cwd,
      GITLAB_CI: 'true',
      CI: 'true',
      CI_PROJECT_DIR: cwd,
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_TAG: tag,
      CI_COMMIT_REF_NAME: tag,
      UV_OFFLINE: '1',
    },
  });

  test.each(['1.0.0$(touch x)', "1.0.0'; touch x; '", '1.0.0\ntouch x', '1.0.0`touch x`', '1.0.0+local', '${HOME}'])('the tag %j is refused before anything runs with it', (tag) => {
    const result = run(tag, repo);
    expect(result.status).toBe(1);
    // plain lines in a GitLab log: workflow commands would show as text there
    expect(result.stdout).toMatch(/^ERROR: Tag is not a version\nThe tag /m);
    expect(result.stdout).not.toMatch(/^::/m);
    expect(result.stdout).not.toContain('$ uv version');
    expect(existsSync(join(repo, 'x'))).toBe(false);
    expect(readFileSync(join(repo, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
  });

  test('a version tag is normalised and written with uv version', () => {
    const copy = tempDir('gitlab-stamp-ok-');
    for (const name of ['pyproject.toml', GITLAB_VERSION_SCRIPT]) {
      mkdirSync(dirname(join(copy, name)), { recursive: true });
      writeFileSync(join(copy, name), readFileSync(join(repo, name)));
    }
    const result = run('v1.2.3-rc.1', copy);
    expect(`${result.status}\n${result.stdout}`).toContain('0\n$ uv version --frozen -- 1.2.3rc1');
    expect(result.stdout).toContain('Version 1.2.3rc1 from the tag v1.2.3-rc.1, written with uv version');
    expect(readFileSync(join(copy, 'pyproject.toml'), 'utf8')).toContain('version = "1.2.3rc1"');
  });
});
