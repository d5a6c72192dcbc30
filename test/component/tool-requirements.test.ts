/**
 * The hash-locked requirement sets the generated jobs install their tools from (requirements/<tool>.txt, shipped in
 * the package and vendored next to the mint action): each one is the set of its pinned version, installs from PyPI
 * with the job's own install step (hashes required, wheels only), and stops installing when one hash changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'projen';
import { pythonProject } from './projects';
import { BuildTool, PypiRelease, Uploader } from '../../src';
import { hashPinnedInstallCommand, PinnedTool, TOOL_COMMANDS, TOOL_VERSIONS, toolRequirementsFile, vendoredRequirementsPath } from '../../src/component/pins';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { recordOutput } from '../support/leaks';
import { sha256File } from '../support/python-dists';
import { requireTool, tool as tool_, TOOLS_BIN, toolEnv } from '../support/tools';

// each set installs from PyPI (the run's shared uv cache makes a repeat cheap)
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const JOB_TOOLS: PinnedTool[] = (Object.keys(TOOL_VERSIONS) as PinnedTool[]).filter((t) => t !== 'uv');

/** Runs a tool's install step the way the job runs it: bash -e, uv on PATH, a RUNNER_TEMP and a GITHUB_PATH. */
function runInstallStep(tool: PinnedTool, requirements: string) {
  const runnerTemp = tempDir('runner-temp-');
  const githubPath = join(runnerTemp, 'github_path');
  writeFileSync(githubPath, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', hashPinnedInstallCommand(tool, requirements)], {
    encoding: 'utf8',
    timeout: 170_000,
    env: toolEnv({ PATH: `${TOOLS_BIN}:/usr/bin:/bin`, RUNNER_TEMP: runnerTemp, GITHUB_PATH: githubPath }),
  });
  recordOutput(`install ${tool}`, `${r.stdout}\n${r.stderr}`, false);
  return { ...r, binDir: readFileSync(githubPath, 'utf8').trim() };
}

/**
 * The set with one sha256 changed: the one of the tool's own wheel that this machine installs (found by letting the
 * pinned pip pick it from PyPI), so the changed hash is the one the install must check.
 */
function withToolWheelHashChanged(tool: PinnedTool, text: string): string {
  const dir = tempDir(`wheel-${tool}-`);
  const r = spawnSync(tool_('python'), ['-m', 'pip', 'download', '--isolated', '--no-deps', '--only-binary', ':all:',
    '--index-url', 'https://pypi.org/simple', '-d', dir, `${tool}==${TOOL_VERSIONS[tool]}`], { encoding: 'utf8', timeout: 120_000, env: toolEnv() });
  if (r.status !== 0) throw new Error(`pip download ${tool}: ${r.stderr}`);
  const wheel = readdirSync(dir).find((f) => f.endsWith('.whl'))!;
  const hash = sha256File(join(dir, wheel));
  expect(text).toContain(`--hash=sha256:${hash}`);
  const changed = `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`;
  return text.replace(`--hash=sha256:${hash}`, `--hash=sha256:${changed}`);
}

describe.each(Object.keys(TOOL_VERSIONS) as PinnedTool[])('the locked set of %s', (tool) => {
  const text = readFileSync(join(ROOT, toolRequirementsFile(tool)), 'utf8');

  test('is the pinned version, every requirement exact and hashed, wheels only', () => {
    expect(text).toMatch(new RegExp(`^${tool}==${TOOL_VERSIONS[tool].replace(/\./g, '\\.')} `, 'm'));
    expect(text).toMatch(/^--only-binary :all:$/m);
    const requirements = text.split('\n').filter((l) => /^[a-z0-9]/i.test(l) && !l.startsWith('--'));
    expect(requirements.length).toBeGreaterThan(0);
    for (const block of text.split(/\n(?=[a-z0-9])/i).filter((b) => /^[a-z0-9]/i.test(b) && !b.startsWith('--'))) {
      expect(block).toMatch(/^[A-Za-z0-9._-]+==[^ ;]+/);
      expect(block).toMatch(/--hash=sha256:[0-9a-f]{64}/);
    }
  });
});

const maybe = requireTool('uv', 'python') ? describe : describe.skip;

maybe.each(JOB_TOOLS)('the job\'s install step for %s', (tool) => {
  test('installs the set from PyPI with hashes required, and the tool answers at its pinned version', () => {
    const dir = tempDir(`set-${tool}-`);
    mkdirSync(join(dir, 'requirements'));
    const path = join(dir, 'requirements', `${tool}.txt`);
    writeFileSync(path, readFileSync(join(ROOT, toolRequirementsFile(tool))));
    const r = runInstallStep(tool, path);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const command = TOOL_COMMANDS[tool][0];
    const version = spawnSync(join(r.binDir, command), ['--version'], { encoding: 'utf8', env: toolEnv() });
    expect(`${version.stdout}${version.stderr}`).toContain(TOOL_VERSIONS[tool]);
  });

  test('fails when the hash of the tool\'s wheel changes in the set', () => {
    const dir = tempDir(`set-${tool}-tampered-`);
    const path = join(dir, `${tool}.txt`);
    writeFileSync(path, withToolWheelHashChanged(tool, readFileSync(join(ROOT, toolRequirementsFile(tool)), 'utf8')));
    const r = runInstallStep(tool, path);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/[Hh]ash mismatch/);
    expect(r.stderr).toContain(`${tool}==${TOOL_VERSIONS[tool]}`);
  });
});

test('the release workflow\'s jobs install from the sets vendored next to the action, byte for byte the shipped ones', () => {
  const project = pythonProject('pip');
  new PypiRelease(project, { repository: 'octo-org/demo', buildTool: BuildTool.PYPA_BUILD, uploader: Uploader.TWINE });
  const out = Testing.synth(project);
  for (const tool of ['build', 'twine'] as const) {
    const vendored = String(out[vendoredRequirementsPath(tool)]);
    const lines = vendored.split('\n');
    expect(lines[0]).toMatch(/^# ~~ Generated by projen/);
    expect(lines.slice(1).join('\n')).toBe(readFileSync(join(ROOT, toolRequirementsFile(tool)), 'utf8'));
  }
  expect(Object.keys(out).filter((f) => f.includes('/requirements/')).sort()).toEqual([
    vendoredRequirementsPath('build'), vendoredRequirementsPath('twine'),
  ]);
  const workflow = String(out['.github/workflows/release.yml']);
  expect(workflow).toContain(`--require-hashes --only-binary :all: --requirement ${vendoredRequirementsPath('build')}`);
  expect(workflow).toContain(`--require-hashes --only-binary :all: --requirement ${vendoredRequirementsPath('twine')}`);
});
