/**
 * End to end with PEP 740 attestations on (the default for PyPI): a projen project with `PypiRelease`, its real
 * sdist + wheel, the generated publish job run step by step against the emulator. The attest step (the vendored
 * bundle, under Node 24) signs with the emulator's Fulcio and Rekor, the real uploader (uv, twine 7 --attestations)
 * uploads the attestations, the emulator checks them as PyPI does, and the provenance served back by the Integrity
 * API verifies with pypi-attestations (`verify pypi`, as a user would) and with the emulator's verifier. A wheel
 * replaced between the attest step and the upload is refused with PyPI's message, which the uploader shows.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Uploader } from '../../src';
import type { Emulator } from '../../src/emulator';
import { AttestationVerifier, type Provenance } from '../../src/emulator/sigstore/attestation';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';
import { runPublishJob } from '../support/publish-run';
import { havePypiAttestations, runPypiAttestations } from '../support/pypi-attestations';
import { buildDists, type BuiltDists } from '../support/python-dists';
import { emulatorPublisher, synthesizeSampleRelease, type SampleRelease } from '../support/sample-release';
import { requireTool, tool } from '../support/tools';

// builds, Node 24 for two actions and a real uploader per test: generous on a loaded 2-core machine, still bounded
jest.setTimeout(240_000);

const ready = requireTool('uv', 'twine', 'python') && havePypiAttestations();
const maybe = ready ? describe : describe.skip;

const STEPS = {
  uv: ['download_distributions', 'check_sha256', 'attest', 'install_tools', 'mint', 'upload'],
  twine: ['download_distributions', 'check_sha256', 'attest', 'install_tools', 'mint', 'upload'],
};

async function setUp(uploader: Uploader): Promise<{ sample: SampleRelease; dists: BuiltDists; emulator: Emulator }> {
  const sample = synthesizeSampleRelease({ flavour: 'setuptools', release: { uploader } });
  const dists = buildDists(sample.dir);
  const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
  return { sample, dists, emulator };
}

async function provenance(emulator: Emulator, sample: SampleRelease, filename: string): Promise<{ status: number; body: Provenance }> {
  const res = await fetch(`${emulator.pypiUrl}/integrity/${sample.name}/${sample.version}/${filename}/provenance`);
  const text = await res.text();
  recordOutput(`provenance of ${filename}`, text, false);
  return { status: res.status, body: JSON.parse(text) as Provenance };
}

maybe.each([['uv', Uploader.UV], ['twine', Uploader.TWINE]] as const)('publish job with %s and attestations', (name, uploader) => {
  test('signs, uploads the attestations, and the provenance PyPI would serve verifies', async () => {
    const { sample, dists, emulator } = await setUp(uploader);
    const job = await runPublishJob(sample, dists, emulator);
    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual(STEPS[name].map((id) => `${id}:success`));
    expect(job.conclusion).toBe('success');
    // one certificate for the job, one log entry per file
    expect(emulator.requests('fulcio')).toHaveLength(1);
    expect(emulator.requests('rekor')).toHaveLength(dists.files.length);
    expect(job.step('attest').outputs.attested).toBe('true');

    expect(emulator.uploads().map((u) => u.filename).sort()).toEqual(dists.files.map((f) => f.filename).sort());
    expect(emulator.uploads().every((u) => u.provenance !== undefined)).toBe(true);
    const verifier = new AttestationVerifier(emulator.sigstore.trustedRoot());
    const dir = tempDir('provenance-');
    for (const file of dists.files) {
      const served = await provenance(emulator, sample, file.filename);
      expect(served.status).toBe(200);
      expect(served.body.attestation_bundles).toHaveLength(1);
      const [bundle] = served.body.attestation_bundles;
      expect(bundle.publisher).toEqual({ kind: 'GitHub', repository: 'octo-org/demo', workflow: 'release.yml', environment: 'pypi' });
      expect(bundle.attestations).toHaveLength(1);
      expect(verifier.verify(bundle.attestations[0], bundle.publisher, { name: file.filename, sha256: file.sha256 }))
        .toBe('https://docs.pypi.org/attestations/publish/v1');
      // as a user checks it: pypi-attestations against the file and the provenance the index serves
      writeFileSync(join(dir, `${file.filename}.provenance`), JSON.stringify(served.body));
      const run = await runPypiAttestations(['verify', 'pypi', '--offline', '--repository', 'https://github.com/octo-org/demo',
        '--provenance-file', join(dir, `${file.filename}.provenance`), file.path], emulator.sigstore.trustedRoot(), dir);
      expect({ code: run.code, out: run.stderr + run.stdout }).toEqual({ code: 0, out: expect.stringContaining(`OK: ${file.filename}`) });
    }
  });

  test('a wheel replaced between the attest step and the upload is refused with PyPI\'s message', async () => {
    const { sample, dists, emulator } = await setUp(uploader);
    const wheel = dists.files.find((f) => f.filename.endsWith('.whl'))!;
    const job = await runPublishJob(sample, dists, emulator, {
      beforeStep: (step, _i, _done, workspace) => {
        // after the signature, before the upload: the same wheel with one more module (a compromised tool's work)
        if (step.id === 'mint') {
          const r = spawnSync(tool('python'), ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "a") as z: z.writestr("injected.py", "pwned = True\\n")',
            join(workspace, 'dist', wheel.filename)], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`could not change the wheel: ${r.stderr}`);
        }
      },
    });
    expect(job.step('attest').outcome).toBe('success');
    expect(job.step('upload').outcome).toBe('failure');
    expect(job.conclusion).toBe('failure');
    const log = job.step('upload').log.replace(/\s+/g, ' ');
    expect(log).toContain('400 Bad Request');
    expect(log).toContain('Invalid attestations supplied during upload: Could not verify the uploaded artifact using the included attestation: ' +
      'Verification failed: subject does not match distribution digest');
    expect(emulator.uploads().map((u) => u.filename)).not.toContain(wheel.filename);
  });
});
