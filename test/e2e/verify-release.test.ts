/**
 * The shipped verify script (verify/verify.py, what the job after each publish job runs) against the emulator, under
 * the Python of the pinned pypi-attestations: late visibility, a file that never appears, another sha256, a
 * provenance for another workflow, none at all, attestations off.
 */
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Emulator } from '../../src/emulator';
import { exchange } from '../emulator/client';
import { upload, wheelFields } from '../emulator/upload-client';
import { sdistArchive, wheelArchive } from '../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';
import { attest } from '../support/pep740';
import { havePypiAttestations, PYPI_ATTESTATIONS } from '../support/pypi-attestations';
import { runTool, toolEnv } from '../support/tools';

const SCRIPT = join(__dirname, '..', '..', 'verify', 'verify.py');
const PROJECT = 'verify-me';
const have = havePypiAttestations();
const maybe = have ? test : test.skip;

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({
    projects: [PROJECT],
    publishers: [defaultPublisher([PROJECT]), { ...defaultPublisher([PROJECT]), workflow: 'other.yml' }],
  });
});
afterEach(() => {
  em.setVisibilityDelay(0);
  em.resetRunnerClaims();
});

let counter = 0;
interface Release { dir: string; version: string; files: Array<{ filename: string; content: Buffer }> }

/** A wheel and an sdist of a fresh version, in a fresh dist/ directory (what the job downloads). */
function release(): Release {
  const version = `1.${++counter}.0`;
  const dir = mkdtempSync(join(tmpdir(), 'verify-dist-'));
  const wheel = `verify_me-${version}-py3-none-any.whl`;
  const sdist = `verify_me-${version}.tar.gz`;
  const files = [
    { filename: wheel, content: wheelArchive(wheel, PROJECT, version) },
    { filename: sdist, content: sdistArchive(sdist, PROJECT, version) },
  ];
  for (const f of files) writeFileSync(join(dir, f.filename), f.content);
  return { dir, version, files };
}

/** Upload as the publish job does: mint, then each file with its attestation (or without). */
async function publish(r: Release, options: { attestations?: boolean } = {}): Promise<void> {
  const token = (await exchange(em)).body.token!;
  for (const f of r.files) {
    const fields: Record<string, string> = { ...wheelFields(PROJECT, r.version, f.content) };
    if (f.filename.endsWith('.tar.gz')) Object.assign(fields, { filetype: 'sdist', pyversion: 'source' });
    if (options.attestations !== false) fields.attestations = JSON.stringify([await attest(em, f.filename, f.content)]);
    const answer = await upload(em, token, fields, f);
    if (answer.status !== 200) throw new Error(`upload of ${f.filename}: ${answer.status} ${answer.reason}`);
  }
}

async function verify(r: Release, env: Record<string, string> = {}) {
  const summaryFile = join(r.dir, '..', `summary-${counter}-${Date.now()}.md`);
  writeFileSync(summaryFile, '');
  const python = join(dirname(realpathSync(PYPI_ATTESTATIONS)), 'python');
  const run = await runTool(python, [SCRIPT], {
    env: toolEnv({
      DIST_DIR: r.dir,
      PROJECT,
      SIMPLE_URL: em.simpleUrl,
      PROJECT_URL: `https://pypi.org/project/${PROJECT}/`,
      INDEX_NAME: 'PyPI',
      ATTESTATIONS: 'true',
      PUBLISHER_REPOSITORY: 'octo-org/demo',
      PUBLISHER_WORKFLOW: 'release.yml',
      PUBLISHER_ENVIRONMENT: 'pypi',
      SIGSTORE_URL: em.sigstore.fulcioUrl,
      WAIT_SECONDS: '20',
      GITHUB_STEP_SUMMARY: summaryFile,
      ...env,
    }),
    timeoutMs: 120_000,
  });
  recordOutput('verify.py stdout', run.stdout, false);
  recordOutput('verify.py stderr', run.stderr, false);
  return { ...run, summary: readFileSync(summaryFile, 'utf8') };
}

maybe('a release served late: it waits, then says installable and provenance verified for the publisher, per file', async () => {
  const r = release();
  em.setVisibilityDelay(3);
  await publish(r);
  const run = await verify(r);
  expect(run.stderr).not.toMatch(/Traceback/);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^Waiting for PyPI to serve verify_me-.*\(attempt 1, next look in 2 s\)$/m);
  for (const f of r.files) {
    expect(run.stdout).toContain(`${f.filename}: installable from PyPI`);
    expect(run.stdout).toContain(`${f.filename}: provenance verified for octo-org/demo, release.yml, environment pypi`);
    expect(run.summary).toMatch(new RegExp(`\\| ${f.filename.replace(/\./g, '\\.')} \\| ${f.content.length} \\| [0-9a-f]{64} \\| installable \\| ` +
      'provenance verified for octo-org/demo, release.yml, environment pypi \\|'));
  }
  expect(run.summary).toContain('Project: https://pypi.org/project/verify-me/');
});

maybe('a file that never appears: the bound runs out and the error names the file', async () => {
  const r = release();
  await publish(r);
  const extra = `verify_me-${r.version}-py2-none-any.whl`;
  writeFileSync(join(r.dir, extra), wheelArchive(extra, PROJECT, r.version));
  const run = await verify(r, { WAIT_SECONDS: '3' });
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(new RegExp(`^::error file=[^,]*${extra},title=Release not verified::PyPI does not serve ${extra} after 3 s \\(polled \\d+ times\\)`, 'm'));
  expect(run.summary).toContain('**Not verified**');
});

maybe('the index serves another sha256 under a built name: fails at once, naming both hashes', async () => {
  const r = release();
  await publish(r);
  const wheel = r.files[0].filename;
  writeFileSync(join(r.dir, wheel), wheelArchive(wheel, PROJECT, r.version, { entryPoints: '[console_scripts]\nx = y:z\n' }));
  const run = await verify(r);
  expect(run.code).toBe(1);
  expect(run.stdout).toMatch(new RegExp(`PyPI serves ${wheel} with sha256 [0-9a-f]{64}, but the file this run built has sha256 [0-9a-f]{64}`));
  expect(run.stdout).not.toContain('Waiting');
});

maybe('a provenance made by another workflow does not verify for release.yml', async () => {
  const r = release();
  em.setRunnerClaims({ job_workflow_ref: 'octo-org/demo/.github/workflows/other.yml@refs/tags/v1.0.0', workflow_ref: 'octo-org/demo/.github/workflows/other.yml@refs/tags/v1.0.0' });
  await publish(r);
  const run = await verify(r);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`the provenance of ${r.files[0].filename} is for octo-org/demo, other.yml, environment pypi, ` +
    'not octo-org/demo, release.yml, environment pypi: it was not published by this workflow');
});

maybe('no provenance at all: fails; with attestations off the files are still checked and the summary says so', async () => {
  const r = release();
  await publish(r, { attestations: false });
  const run = await verify(r);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`PyPI has no provenance for ${r.files[0].filename}: it was uploaded without attestations`);
  const off = await verify(r, { ATTESTATIONS: 'false' });
  expect(off.code).toBe(0);
  expect(off.stdout).toContain('::notice title=Attestations off::Attestations are off for this index: the files are checked, their provenance is not');
  expect(off.summary).toContain('| installable | not checked |');
});

maybe('a Sigstore URL that is neither the public instance nor loopback is refused before anything is trusted', async () => {
  const r = release();
  await publish(r);
  const run = await verify(r, { SIGSTORE_URL: 'https://sigstore.example.com' });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('SIGSTORE_URL must be https://fulcio.sigstore.dev or a loopback stand-in');
});

test('bad configuration exits 2 and names every problem', async () => {
  const python = have ? join(dirname(realpathSync(PYPI_ATTESTATIONS)), 'python') : 'python3';
  const run = await runTool(python, [SCRIPT], { env: toolEnv({ ATTESTATIONS: 'true', WAIT_SECONDS: 'soon', PUBLISHER_REPOSITORY: 'not a repo' }) });
  recordOutput('verify.py config', run.stdout, false);
  expect(run.code).toBe(2);
  expect(run.stdout).toContain('PROJECT is not set; SIMPLE_URL is not set; WAIT_SECONDS must be a whole number of seconds >= 0');
  expect(run.stdout).toContain('PUBLISHER_WORKFLOW is not set (needed to verify provenance); PUBLISHER_REPOSITORY must be owner/repo');
});
