/**
 * `npx projen demo`, run as a child exactly as the projen task runs it, on this machine (the tools of .tools/, the
 * real `uv build` and `uv publish`) and acting as a machine with only Node and npm. Its whole output goes through
 * the leak scanner: no token or JWT may appear unmasked.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { recordOutput } from '../support/leaks';
import { requireTool } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

function runDemo(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js'),
      '--transpile-only', '--project', 'tsconfig.dev.json', 'scripts/demo.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      recordOutput(`demo ${args.join(' ')} stdout`, stdout, true);
      recordOutput(`demo ${args.join(' ')} stderr`, stderr, false);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npx projen demo', () => {
  (requireTool('uv', 'python') ? test : test.skip)('publishes the sample project and lists its wheel and sdist on the emulated index', async () => {
    const { code, stdout, stderr } = await runDemo([]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('owner octo-org, repository demo, workflow release.yml, environment pypi');
    expect(stdout).toContain('  publish_pypi:');
    expect(stdout).toContain('id-token: write');
    // the vendored steps by GitHub's self-repository form: the printed publish job checks nothing out
    expect(stdout).toMatch(/^ +uses: \$\/\.github\/actions\/pypi-mint$/m);
    expect(stdout).toMatch(/^ +uses: \$\/\.github\/actions\/pypi-attest$/m);
    expect(stdout).not.toContain('actions/checkout@');
    expect(stdout).toMatch(/✓ Sign the distributions \(PEP 740 attestations\) \[real Node 24\]/);
    expect(stdout).toMatch(/✓ Mint a short-lived PyPI token \[real Node 24\]/);
    expect(stdout).toMatch(/\.tools\/envs\/uv matches requirements\/uv\.txt/);
    expect(stdout).toMatch(/✓ Upload to PyPI\n {6}Publishing 2 files/);
    expect(stdout).toMatch(/^ {2}demo_widgets-1\.0\.0-py3-none-any\.whl {2}\(wheel, sha256 [0-9a-f]{12}…, same bytes as built\)$/m);
    expect(stdout).toMatch(/^ {2}demo_widgets-1\.0\.0\.tar\.gz {2}\(sdist, sha256 [0-9a-f]{12}…, same bytes as built\)$/m);
    // the attestations, as the Integrity API serves them, and where a user sees them on pypi.org
    expect(stdout.match(/published by GitHub octo-org\/demo, workflow release\.yml, environment pypi; Rekor log index \d+/g)).toHaveLength(2);
    expect(stdout).toContain('https://pypi.org/project/demo-widgets/1.0.0/#files');
    expect(stdout).toMatch(/Leak check: \d+ captured outputs scanned for \d+ issued secrets: no token or JWT unmasked\.\nDone: the release is on the emulated index\.\n$/);
  });

  test('with only Node and npm it names what it could not run, shows the mint succeeding, and does not claim a release', async () => {
    const { code, stdout, stderr } = await runDemo(['--without-python']);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('could not build: run with --without-python (acting as a machine with only Node and npm)');
    expect(stdout).toMatch(/✓ Mint a short-lived PyPI token \[real Node 24\]\n.*\n.*\n.*\n {6}Minted a PyPI token/);
    expect(stdout).toMatch(/steps\.mint\.outputs\.api-token: \*\*\* \(a pypi-… token, \d+ characters/);
    expect(stdout).toContain('✗ Upload to PyPI\n      uv: command not found');
    expect(stdout).toContain('the upload could not run:');
    expect(stdout).toMatch(/Files now on the emulated index .*\n {2}none\n/);
    expect(stdout).not.toContain('Done');
    expect(stdout).toMatch(/Not released: nothing was uploaded \(run with --without-python \(acting as a machine with only Node and npm\)\)\.\n$/);
  });

  test('when the tools cannot be installed it says why, still shows the mint, and does not claim a release', async () => {
    // the installer's first need, a Python with pip, is missing
    const { code, stdout, stderr } = await runDemo([], { ...process.env, PYTHON: '/nonexistent/python3' });
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(stdout).toContain('  not available: npx projen tools:install failed (it needs a Python 3 with pip, and PyPI): /nonexistent/python3');
    expect(stdout).toMatch(/✓ Mint a short-lived PyPI token \[real Node 24\]/);
    expect(stdout).toContain('✗ Upload to PyPI\n      uv: command not found');
    expect(stdout).not.toContain('Done');
    expect(stdout).toMatch(/Not released: nothing was uploaded \(npx projen tools:install failed .*\)\.\n$/);
  });
});
