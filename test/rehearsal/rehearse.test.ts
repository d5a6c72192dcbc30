/**
 * `pypi-mint-rehearse` as `npx projen pypi:rehearse` runs it: the shipped bundle (lib/rehearsal/cli.cjs) under the
 * machine's Node, with the arguments the component wrote into the sample's .projen/tasks.json, in a git repository
 * with a tag. The real pinned tools build, sign, upload, verify and install; the emulator plays PyPI, GitHub's OIDC
 * issuer and Sigstore. Also the refusals a user meets before anything runs, and a publisher registered with
 * another workflow.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { TOOLS_DIR, networkEnv } from '../../scripts/tools/catalog';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { recordOutput } from '../support/leaks';
import { ensureRehearsalBundle, REPO_ROOT } from '../support/local-package';
import { MACHINE_NODE } from '../support/node';
import { synthesizeSampleRelease } from '../support/sample-release';
import { installedPython, requireTool, runTool, type ToolRun } from '../support/tools';

jest.setTimeout(300_000);

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Shared by every run of the suite: uv and pypi-attestations from their locks, and uv's download cache. */
const CACHE_DIR = join(TOOLS_DIR, 'rehearse-cache');

function writable(path: string, text: string): void {
  chmodSync(path, 0o644);
  writeFileSync(path, text);
}

/**
 * The publish jobs' vendored steps by GitHub's self-repository form (no checkout step) or by workspace path after a
 * sparse checkout of `.github/actions/`, whichever form the component writes today.
 */
function useForm(workflowText: string, form: '$/' | './'): string {
  const doc = parseDocument(workflowText);
  const jobs = doc.get('jobs') as { items: Array<{ value: { get(k: string): { items: Array<{ toJSON(): Record<string, unknown> }> } } }> };
  for (const job of jobs.items) {
    const steps = job.value.get('steps');
    const plain = steps.items.map((s) => s.toJSON());
    const vendored = plain.some((s) => /^(\.|\$)\/\.github\/actions\//.test(String(s.uses ?? '')));
    if (!vendored) continue;
    const sparseOf = (st: Record<string, unknown>) => String((st.with as Record<string, unknown> | undefined)?.['sparse-checkout'] ?? '')
      .split('\n').filter((l) => l !== '');
    const checkoutAt = plain.findIndex((st) => String(st.uses ?? '').startsWith('actions/checkout@'));
    // $/: a checkout of nothing but the vendored steps goes (the verify job's checkout of its script stays)
    const stepsOnly = checkoutAt >= 0 && sparseOf(plain[checkoutAt]).length > 0 &&
      sparseOf(plain[checkoutAt]).every((l) => /^\/\.github\/actions\/(pypi-(mint|attest|tools)\/)?$/.test(l));
    if (form === '$/' && stepsOnly) steps.items.splice(checkoutAt, 1);
    // ./: a sparse checkout (the verify job's) also takes the vendored steps
    if (form === './' && checkoutAt >= 0 && sparseOf(plain[checkoutAt]).length > 0 && !stepsOnly) {
      (steps.items[checkoutAt] as unknown as { setIn(path: string[], value: string): void })
        .setIn(['with', 'sparse-checkout'], [...sparseOf(plain[checkoutAt]), '/.github/actions/'].join('\n'));
    }
    if (form === './' && checkoutAt < 0) {
      steps.items.unshift(doc.createNode({
        name: 'Check out the vendored actions',
        uses: 'actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1',
        with: { 'persist-credentials': false, 'sparse-checkout': '/.github/actions/\n', 'sparse-checkout-cone-mode': false },
      }) as never);
    }
  }
  const text = doc.toString({ lineWidth: 0 });
  return form === '$/' ? text.replace(/uses: \.\/\.github\/actions\//g, 'uses: $/.github/actions/')
    : text.replace(/uses: \$\/\.github\/actions\//g, 'uses: ./.github/actions/');
}

interface SampleRepo {
  readonly dir: string;
  /** The arguments the pypi:rehearse task passes (its exec after the npx prefix). */
  readonly taskArgs: string[];
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=Octo', '-c', 'user.email=octo@example.invalid', ...args], { encoding: 'utf8' });
}

/**
 * A synthesized sample committed to a fresh git repository and tagged (v1.0.0 by default): version 1.0.0 in
 * pyproject.toml, or from the tag with hatch-vcs, or kept at 0.0.0 and stamped by the build job (versionFromTag).
 */
function sampleRepo(form: '$/' | './', opts: { hatchVcs?: boolean; versionFromTag?: boolean; tag?: string } = {}): SampleRepo {
  const sample = synthesizeSampleRelease({
    flavour: 'uv',
    buildBackend: 'hatchling',
    ...(opts.versionFromTag ? { version: '0.0.0', release: { versionFromTag: true } } : {}),
  });
  const workflowPath = join(sample.dir, '.github', 'workflows', sample.workflowFile);
  writable(workflowPath, useForm(sample.workflowText, form));
  if (opts.hatchVcs) {
    const pyproject = join(sample.dir, 'pyproject.toml');
    writable(pyproject, readFileSync(pyproject, 'utf8')
      .replace(/^tool = \{ \}\n/m, '')
      .replace(/^version = "1\.0\.0"$/m, 'dynamic = [ "version" ]')
      .replace('requires = [ "hatchling" ]', 'requires = [ "hatchling", "hatch-vcs" ]') + '\n[tool.hatch.version]\nsource = "vcs"\n');
  }
  git(sample.dir, 'init', '--quiet', '--initial-branch=main');
  git(sample.dir, 'add', '--all');
  git(sample.dir, 'commit', '--quiet', '--message', 'Release workflow');
  git(sample.dir, 'tag', opts.tag ?? 'v1.0.0');
  const tasks = JSON.parse(readFileSync(join(sample.dir, '.projen', 'tasks.json'), 'utf8')) as { tasks: Record<string, { steps: Array<{ exec: string }> }> };
  const exec = tasks.tasks['pypi:rehearse'].steps[0].exec;
  const prefix = `npx --yes --package=projen-pypi-mint@${VERSION} -- pypi-mint-rehearse `;
  expect(exec.startsWith(prefix)).toBe(true);
  return { dir: sample.dir, taskArgs: exec.slice(prefix.length).split(' ') };
}

async function rehearseCli(repo: SampleRepo, ...args: string[]): Promise<ToolRun> {
  const bundle = ensureRehearsalBundle();
  const run = await runTool(MACHINE_NODE, [bundle, ...repo.taskArgs, ...args, '--cache-dir', CACHE_DIR], {
    cwd: repo.dir,
    env: { ...networkEnv(), PATH: process.env.PATH, HOME: tempDir('rehearse-home-'), PYTHON: installedPython(), LANG: 'C.UTF-8' },
    timeoutMs: 280_000,
  });
  recordOutput(`pypi-mint-rehearse ${args.join(' ')} stdout`, run.stdout, false);
  recordOutput(`pypi-mint-rehearse ${args.join(' ')} stderr`, run.stderr, false);
  return run;
}

/** What a person reads: no workflow command, no escaped newline. */
function expectReadable(text: string): void {
  expect(text.split('\n').filter((l) => /^\s*::[a-z-]+/.test(l) || l.includes('%0A'))).toEqual([]);
}

const haveTools = requireTool('python', 'uv');

(haveTools ? describe : describe.skip)('pypi:rehearse', () => {
  // the three full rehearsals below run side by side (each in its own repository); the refusals after them reuse
  // the first one's repository
  let selfRepo: SampleRepo;
  beforeAll(() => {
    selfRepo = sampleRepo('$/', { hatchVcs: true });
  });

  test.concurrent('$/ actions, version from the git tag: builds, publishes, verifies provenance, installs and imports; exit 0', async () => {
    const run = await rehearseCli(selfRepo, '--tag', 'v1.0.0');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const out = run.stdout;
    expect(out).toContain("Tag 'v1.0.0' at ");
    expect(out).toMatch(/✓ build \(Build distributions\): success in [\d.]+ s/);
    expect(out).toMatch(/✓ Checkout \[stand-in\]/);
    expect(out).toMatch(/✓ Sign the distributions \(PEP 740 attestations\) [\d.]+ s/);
    expect(out).toMatch(/✓ Mint a short-lived PyPI token [\d.]+ s/);
    // the publish job reads its vendored steps from the running commit: no checkout of them
    expect(out).not.toContain('Check out the mint and attest actions');
    for (const file of ['pypi_mint_sample-1.0.0-py3-none-any.whl', 'pypi_mint_sample-1.0.0.tar.gz']) {
      expect(out).toContain(`✓ PyPI: ${file} served with the built sha256; provenance verified for https://github.com/octo-org/demo`);
    }
    expect(out).toContain('✓ pypi-mint-sample==1.0.0 installed from the emulator into a fresh environment; import pypi_mint_sample: ok');
    // the step summaries as text: the attest step's heading and table, the summary job's table
    expect(out).toContain('PEP 740 publish attestations\n    ----');
    expect(out).toMatch(/pypi_mint_sample-1\.0\.0\.tar\.gz\s+\d+\s+[0-9a-f]{64}/);
    expect(out).toMatch(/Leak check: \d+ captured outputs scanned for \d+ issued secrets: no token or JWT unmasked\./);
    expect(out).toMatch(/Verdict: PASS in [\d.]+ s: a push of tag 'v1\.0\.0' would publish 2 file\(s\) to PyPI, with verified provenance\./);
    expectReadable(out);
  });

  test.concurrent('a project kept at 0.0.0 with versionFromTag, tagged v1.2.3: the build job stamps 1.2.3, which installs from the emulator', async () => {
    const repo = sampleRepo('$/', { versionFromTag: true, tag: 'v1.2.3' });
    expect(readFileSync(join(repo.dir, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
    const run = await rehearseCli(repo, '--tag', 'v1.2.3');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const out = run.stdout;
    expect(out).toMatch(/✓ Take the version from the tag [\d.]+ s/);
    for (const file of ['pypi_mint_sample-1.2.3-py3-none-any.whl', 'pypi_mint_sample-1.2.3.tar.gz']) {
      expect(out).toContain(`✓ PyPI: ${file} served with the built sha256; provenance verified for https://github.com/octo-org/demo`);
    }
    expect(out).toContain('✓ pypi-mint-sample==1.2.3 installed from the emulator into a fresh environment; import pypi_mint_sample: ok');
    expect(out).toMatch(/Verdict: PASS in [\d.]+ s: a push of tag 'v1\.2\.3' would publish 2 file\(s\) to PyPI, with verified provenance\./);
    expectReadable(out);
  });

  test.concurrent('./ actions after a sparse checkout, a publisher registered with another workflow: the mint step says why; exit 1', async () => {
    const repo = sampleRepo('./');
    const run = await rehearseCli(repo, '--tag', 'v1.0.0', '--publisher', 'octo-org/demo:publish.yml@pypi');
    expect(run.code).toBe(1);
    const out = run.stdout;
    // the ./ form: the vendored steps come from the workspace after the sparse checkout, and the attest step runs
    expect(out).toMatch(/✓ Check out the (mint and attest|vendored) actions \[stand-in\]/);
    expect(out).toMatch(/✓ Sign the distributions \(PEP 740 attestations\) [\d.]+ s/);
    expect(out).toContain('publisher octo-org/demo, workflow publish.yml, environment pypi (as given)');
    expect(out).toMatch(/✗ Mint a short-lived PyPI token [\d.]+ s/);
    expect(out).toContain('    Annotations:\n      Error (Mint a short-lived PyPI token): PyPI refused the token exchange');
    // the mint step's diagnosis names the mismatch and the values to register (the run's: release.yml)
    expect(out).toContain('invalid-publisher: valid token, but no corresponding publisher');
    expect(out).toContain('|   Workflow name: `release.yml`');
    expect(out).toMatch(/- Upload to PyPI \(skipped\)/);
    expect(out).toContain('- summary_pypi (Verify the release on PyPI): skipped (a job it needs did not succeed)');
    expect(out).toContain('✗ PyPI: pypi_mint_sample-1.0.0-py3-none-any.whl NOT on the index');
    expect(out).toMatch(/Verdict: FAIL in [\d.]+ s/);
    expectReadable(out);
  });

  describe('refused before anything runs (exit 2)', () => {
    test('a tag the workflow\'s triggers do not match names triggers.tagPatterns', async () => {
      git(selfRepo.dir, 'tag', 'release-1.0.0');
      const run = await rehearseCli(selfRepo, '--tag', 'release-1.0.0');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("GitHub would start no run of release.yml for a push of tag 'release-1.0.0' (the workflow in the working tree): " +
        'push of refs/tags/release-1.0.0 matches none of');
      expect(run.stderr).toContain('PypiRelease\'s `triggers.tagPatterns` option');
      expect(run.stdout).not.toContain('This machine:');
    });

    test('a tag that does not exist', async () => {
      const run = await rehearseCli(selfRepo, '--tag', 'v9.9.9');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("tag 'v9.9.9' does not exist in the local repository (newest tags: ");
      expect(run.stderr).toContain('git tag v9.9.9');
    });

    test('uncommitted changes the tag would not carry; --allow-dirty is named', async () => {
      const readme = join(selfRepo.dir, 'README.md');
      const before = readFileSync(readme, 'utf8');
      writeFileSync(readme, `${before}\nA change not committed.\n`);
      writeFileSync(join(selfRepo.dir, 'notes.txt'), 'untracked\n');
      try {
        const run = await rehearseCli(selfRepo, '--tag', 'v1.0.0');
        expect(run.code).toBe(2);
        expect(run.stderr).toContain("the working tree has changes that tag 'v1.0.0' does not carry");
        expect(run.stderr).toContain(' M README.md');
        expect(run.stderr).toContain('?? notes.txt');
        expect(run.stderr).toContain('git tag -f v1.0.0');
        expect(run.stderr).toContain('--allow-dirty');
      } finally {
        writeFileSync(readme, before);
        execFileSync('rm', ['-f', join(selfRepo.dir, 'notes.txt')]);
      }
    });

    test.each([
      [['--publisher', 'octo-org/demo'], '--publisher octo-org/demo: it does not have that form'],
      [['--publisher', 'octo-org/demo:release@pypi'], "the workflow 'release' is a file name ending in .yml or .yaml"],
      [['--publisher', 'testpypi=octo-org/demo:release.yml'], "--publisher names index 'testpypi', which the workflow does not publish to (indexes: pypi)"],
      [[], '--tag is missing'],
    ])('%j', async (args, message) => {
      const run = await rehearseCli(selfRepo, ...(args.length ? ['--tag', 'v1.0.0', ...args] : []));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    });
  });
});
