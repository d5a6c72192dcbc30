/**
 * The retrofitted PyPI job of projen's own release pipeline, end to end: a `cdk.JsiiProject` with publishToPypi and
 * PypiPublishRetrofit, its `release_pypi` job run step by step against the emulator (real Node 24 for the mint
 * action, the pinned twine of `.tools/` for the upload), fed the `python-distributions` artifact its packaging job
 * hands over, on a push to main as projen's release runs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PypiPublishRetrofit } from '../../src';
import { runJob } from '../../src/rehearsal';
import type { Workflow } from '../../src/rehearsal/types';
import { ACME_PYPI, jsiiProject } from '../component/projects';
import { startTestEmulator } from '../support/emulator';
import * as leaks from '../support/leaks';
import { buildDists } from '../support/python-dists';
import { synthesizeSampleRelease } from '../support/sample-release';
import { simpleLinks } from '../support/simple-index';
import { rehearsalMachine, requireTool } from '../support/tools';

jest.setTimeout(240_000);

const maybe = requireTool('uv', 'twine') ? describe : describe.skip;

function retrofittedRelease(): { dir: string; workflow: Workflow } {
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    const dir = mkdtempSync(join(tmpdir(), 'retrofit-run-'));
    const project = jsiiProject(ACME_PYPI, { outdir: dir });
    new PypiPublishRetrofit(project);
    project.synth();
    return { dir, workflow: parse(readFileSync(join(dir, '.github/workflows/release.yml'), 'utf-8')) as Workflow };
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}

maybe('the retrofitted release_pypi job, against the emulator', () => {
  test('downloads the packaging job\'s distributions, attests, mints, and uploads them with their attestations with the pinned twine', async () => {
    const { dir, workflow } = retrofittedRelease();
    // what jsii-pacmak's Python target would have left in dist/python/: an sdist and a wheel of acme-lib
    const dists = buildDists(synthesizeSampleRelease({ flavour: 'setuptools', name: 'acme-lib', repository: 'acme/acme-lib' }).dir);
    const emulator = await startTestEmulator({
      projects: ['acme-lib'],
      publishers: [{ projects: ['acme-lib'], owner: 'acme', ownerId: '4242', repository: 'acme-lib', workflow: 'release.yml', environment: 'pypi' }],
    });
    const sha = 'c0ffee'.padEnd(40, '0');
    const job = await runJob({
      workflow,
      workflowFile: 'release.yml',
      jobId: 'release_pypi',
      issuer: emulator,
      urlMap: {
        'https://upload.pypi.org/legacy/': emulator.uploadUrl,
        'https://pypi.org/simple/': emulator.simpleUrl,
        // the attest step's Sigstore (public-good Fulcio and Rekor) -> the emulator's
        'https://fulcio.sigstore.dev': emulator.sigstore.fulcioUrl,
        'https://rekor.sigstore.dev': emulator.sigstore.rekorUrl,
      },
      repoDir: dir,
      repository: 'acme/acme-lib',
      event: { name: 'push', ref: 'refs/heads/main', sha },
      artifacts: { 'python-distributions': dists.dir },
      needs: {
        release: { result: 'success', outputs: { tag_exists: 'false', latest_commit: sha, artifact_id: '1' } },
        release_pypi_package: { result: 'success' },
      },
      scan: leaks,
      ...rehearsalMachine(),
    });

    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'checkout:success', 'download_distributions:success', 'attest:success', 'setup_uv:success',
      'install_uploader:success', 'mint:success', 'upload:success',
    ]);
    expect(job.idTokenGranted).toBe(true);
    expect(job.claims.environment).toBe('pypi');
    expect(job.claims.ref).toBe('refs/heads/main');
    const token = job.step('mint').outputs['api-token'];
    expect(emulator.issuedSecrets()).toContain(token);
    expect(job.log).not.toContain(token);
    for (const f of dists.files) expect(job.step('upload').log).toContain(`Uploading ${f.filename}`);
    const served = (await simpleLinks(emulator.simpleUrl, 'acme-lib')).map((l) => [l.filename, l.sha256]).sort();
    expect(served).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());
    // the attestations publib used to make survive the retrofit: twine uploaded one per file and PyPI's checks took it
    expect(workflow.jobs.release_pypi.steps?.find((s) => s.id === 'upload')?.run).toContain('--attestations');
    expect(emulator.uploads().map((u) => [u.filename, u.provenance !== undefined]).sort())
      .toEqual(dists.files.map((f) => [f.filename, true]).sort());
  });
});
