/**
 * The retrofitted PyPI job of projen's own release pipeline, end to end: a `cdk.JsiiProject` with publishToPypi and
 * PypiPublishRetrofit, its `release_pypi` job run step by step against the emulator (real Node 24 for the mint
 * action, the pinned twine of `.tools/` for the upload), fed the `python-distributions` artifact its packaging job
 * hands over, on a push to main as projen's release runs.
 */
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PypiPublishRetrofit } from '../../src';
import { runJob } from '../../src/rehearsal';
import type { Workflow } from '../../src/rehearsal/types';
import { ACME_PYPI, jsiiProject } from '../component/projects';
import { startTestEmulator } from '../support/emulator';
import * as leaks from '../support/leaks';
import { distJobOutputs } from '../support/publish-run';
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
    const artifactIds: Record<string, string> = {};
    const packaged = distJobOutputs(workflow, dists.dir, artifactIds);
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
      artifactIds,
      needs: {
        release: { result: 'success', outputs: { tag_exists: 'false', latest_commit: sha, artifact_id: '1' } },
        release_pypi_package: { result: 'success', outputs: packaged },
      },
      scan: leaks,
      ...rehearsalMachine(),
    });

    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'download_distributions:success', 'check_sha256:success', 'attest:success', 'install_tools:success',
      'mint:success', 'upload:success',
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

maybe('the retrofitted release_pypi job takes only the bytes the packaging job hashed', () => {
  // projen's release_npm job runs next to it with id-token: write and an unpinned publib: it could upload another
  // python-distributions artifact (overwrite: true) before the publish job downloads
  const { dir, workflow } = retrofittedRelease();
  const dists = buildDists(synthesizeSampleRelease({ flavour: 'setuptools', name: 'acme-lib', repository: 'acme/acme-lib' }).dir);

  async function publishWith(tamper: (artifactIds: Record<string, string>, artifacts: Record<string, string>) => void) {
    const emulator = await startTestEmulator({
      projects: ['acme-lib'],
      publishers: [{ projects: ['acme-lib'], owner: 'acme', ownerId: '4242', repository: 'acme-lib', workflow: 'release.yml', environment: 'pypi' }],
    });
    const sha = 'c0ffee'.padEnd(40, '0');
    const artifactIds: Record<string, string> = {};
    const artifacts: Record<string, string> = { 'python-distributions': dists.dir };
    const packaged = distJobOutputs(workflow, dists.dir, artifactIds);
    tamper(artifactIds, artifacts);
    const job = await runJob({
      workflow,
      workflowFile: 'release.yml',
      jobId: 'release_pypi',
      issuer: emulator,
      urlMap: { 'https://upload.pypi.org/legacy/': emulator.uploadUrl, 'https://pypi.org/simple/': emulator.simpleUrl },
      repoDir: dir,
      repository: 'acme/acme-lib',
      event: { name: 'push', ref: 'refs/heads/main', sha },
      artifacts,
      artifactIds,
      needs: {
        release: { result: 'success', outputs: { tag_exists: 'false', latest_commit: sha, artifact_id: '1' } },
        release_pypi_package: { result: 'success', outputs: packaged },
      },
      scan: leaks,
      ...rehearsalMachine(),
    });
    return { job, emulator };
  }

  test('an artifact replaced under the same name is not downloaded: the id the packaging job output is gone', async () => {
    const { job, emulator } = await publishWith((ids, artifacts) => {
      const other = mkdtempSync(join(tmpdir(), 'other-dists-'));
      writeFileSync(join(other, 'acme_lib-1.0.0-py3-none-any.whl'), 'not the packaged wheel');
      // what upload-artifact with overwrite: true does: the old artifact (and its id) goes, a new one comes
      for (const id of Object.keys(ids)) delete ids[id];
      ids['4299999999'] = 'python-distributions';
      artifacts['python-distributions'] = other;
    });
    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'download_distributions:failure', 'check_sha256:skipped', 'attest:skipped',
      'install_tools:skipped', 'mint:skipped', 'upload:skipped',
    ]);
    expect(job.step('download_distributions').log).toMatch(/None of the provided artifact IDs were found/);
    expect(emulator.issuedSecrets()).toEqual([]);
    expect(emulator.uploads()).toEqual([]);
  });

  test('files other than the ones hashed fail the sha256 check: nothing is signed, minted or uploaded', async () => {
    const { job, emulator } = await publishWith((_ids, artifacts) => {
      const other = mkdtempSync(join(tmpdir(), 'other-dists-'));
      for (const f of dists.files) cpSync(f.path, join(other, f.filename));
      appendFileSync(join(other, dists.files[0].filename), 'one more byte');
      artifacts['python-distributions'] = other;
    });
    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'download_distributions:success', 'check_sha256:failure', 'attest:skipped',
      'install_tools:skipped', 'mint:skipped', 'upload:skipped',
    ]);
    expect(job.annotations.map((a) => a.title)).toContain('Distributions changed after the build');
    // both lists are in the log, and a file name is never read as a workflow command
    expect(job.step('check_sha256').log).toContain(dists.files[0].filename);
    expect(emulator.issuedSecrets()).toEqual([]);
    expect(emulator.uploads()).toEqual([]);
  });
});
