/**
 * The hash-locked requirement sets the generated jobs install their tools from (requirements/<tool>.txt, shipped in
 * the package and vendored next to the mint action): each one is the set of its pinned version, installs from PyPI
 * with the job's own install step (hashes required, wheels only), and stops installing when one hash changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'projen';
import { pythonProject } from './projects';
import { BuildTool, PypiRelease, Uploader } from '../../src';
import { PinnedTool, TOOL_COMMANDS, TOOL_VERSIONS, toolRequirementsFile, vendoredRequirementsPath } from '../../src/component/pins';
import { TOOLS_ACTION_DIR, toolsActionScript } from '../../src/component/tools-action';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { recordOutput } from '../support/leaks';
import { sha256File } from '../support/python-dists';
import { requireTool, tool as tool_, toolEnv } from '../support/tools';

// each set installs from PyPI (the run's shared uv cache makes a repeat cheap)
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const JOB_TOOLS: PinnedTool[] = (Object.keys(TOOL_VERSIONS) as PinnedTool[]).filter((t) => t !== 'uv');

/** An action directory with the given locked sets (tool -> text) in requirements/. */
function actionDir(sets: Partial<Record<PinnedTool, string>>): string {
  const dir = tempDir('tools-action-');
  mkdirSync(join(dir, 'requirements'));
  for (const [tool, text] of Object.entries(sets)) writeFileSync(join(dir, 'requirements', `${tool}.txt`), text);
  return dir;
}

const shippedSet = (tool: PinnedTool) => readFileSync(join(ROOT, toolRequirementsFile(tool)), 'utf8');

/**
 * Runs the tools action's shell the way the runner runs its step: bash -e, `python3` (with pip) on PATH and no uv,
 * GITHUB_ACTION_PATH, RUNNER_TEMP, GITHUB_PATH, and the names in TOOLS (the step's env).
 */
function runToolsAction(tools: string, dir: string) {
  const runnerTemp = tempDir('runner-temp-');
  const githubPath = join(runnerTemp, 'github_path');
  writeFileSync(githubPath, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', toolsActionScript()], {
    encoding: 'utf8',
    timeout: 170_000,
    env: toolEnv({ PATH: `${pythonBin()}:/usr/bin:/bin`, RUNNER_TEMP: runnerTemp, GITHUB_PATH: githubPath, GITHUB_ACTION_PATH: dir, TOOLS: tools }),
  });
  recordOutput(`tools action: ${tools}`, `${r.stdout}\n${r.stderr}`, false);
  return { ...r, binDir: readFileSync(githubPath, 'utf8').trim() };
}

/** A directory with only `python3` in it (the tools' Python, as a runner's system Python): no uv on PATH. */
function pythonBin(): string {
  const dir = tempDir('runner-python-');
  symlinkSync(tool_('python'), join(dir, 'python3'));
  return dir;
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

const maybe = requireTool('python') ? describe : describe.skip;

maybe('the tools action', () => {
  test('installs uv with pip and every other tool with that uv, from the locked sets; each answers at its pinned version', () => {
    const dir = actionDir(Object.fromEntries((Object.keys(TOOL_VERSIONS) as PinnedTool[]).map((t) => [t, shippedSet(t)])));
    const r = runToolsAction(JOB_TOOLS.join(' '), dir);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    for (const tool of Object.keys(TOOL_VERSIONS) as PinnedTool[]) {
      for (const command of TOOL_COMMANDS[tool]) {
        const version = spawnSync(join(r.binDir, command), ['--version'], { encoding: 'utf8', env: toolEnv() });
        expect(`${command}: ${version.stdout}${version.stderr}`).toContain(TOOL_VERSIONS[tool]);
      }
    }
    // only the tools' commands: no environment's python shadows the runner's
    expect(readdirSync(r.binDir).sort()).toEqual(Object.values(TOOL_COMMANDS).flat().sort());
  });

  test.each(['unknown-tool', 'twine;id', '*'])('refuses %s before installing anything', (name) => {
    const r = runToolsAction(`twine ${name}`, actionDir({ uv: shippedSet('uv'), twine: shippedSet('twine') }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`::error title=pypi-tools::unknown tool '${name}': this action installs ${Object.keys(TOOL_VERSIONS).join(', ')}`);
    expect(r.binDir).toBe('');
  });

  test('refuses a known tool whose locked set the repository does not have, naming the sets it has', () => {
    const r = runToolsAction('twine poetry', actionDir({ uv: shippedSet('uv'), twine: shippedSet('twine') }));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/::error title=pypi-tools::no locked set for poetry in .*\/requirements \(it has: twine uv \)/);
  });

  test.each(Object.keys(TOOL_VERSIONS) as PinnedTool[])('fails when the hash of the %s wheel changes in its set', (tool) => {
    const sets: Partial<Record<PinnedTool, string>> = { uv: shippedSet('uv'), [tool]: withToolWheelHashChanged(tool, shippedSet(tool)) };
    const r = runToolsAction(tool === 'uv' ? '' : tool, actionDir(sets));
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/[Hh]ash mismatch|HASHES/);
    if (tool !== 'uv') expect(r.stderr).toContain(`${tool}==${TOOL_VERSIONS[tool]}`);
    expect(r.binDir).toBe('');
  });
});

test('the release workflow\'s jobs install from the sets vendored in the tools action, byte for byte the shipped ones', () => {
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
    vendoredRequirementsPath('build'), vendoredRequirementsPath('twine'), vendoredRequirementsPath('uv'),
  ]);
  expect(vendoredRequirementsPath('uv')).toBe(`${TOOLS_ACTION_DIR}/requirements/uv.txt`);
  const workflow = String(out['.github/workflows/release.yml']);
  // every job's tools come from the action: no third-party installer, no install command of its own
  expect(workflow).not.toContain('setup-uv');
  expect(workflow).not.toContain(`${TOOLS_ACTION_DIR}/requirements`);
  expect(workflow).toContain('uses: $/.github/actions/pypi-tools\n        with:\n          tools: build twine\n');
  expect(workflow).toContain('uses: $/.github/actions/pypi-tools\n        with:\n          tools: twine\n');
});
