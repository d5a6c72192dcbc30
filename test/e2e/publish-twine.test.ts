/**
 * End to end with twine: a projen setuptools project with `PypiRelease({ uploader: Uploader.TWINE })`, its real
 * sdist + wheel, the generated publish job run step by step against the emulator (real Node 24 for the mint action,
 * Debian's twine for the upload), then the files found on `/simple/` with matching sha256 and fetched back with pip.
 */
import { Uploader } from '../../src';
import { startTestEmulator } from '../support/emulator';
import { runPublishJob } from '../support/publish-run';
import { buildDists, BuiltDists, DEBIAN_PYTHON } from '../support/python-dists';
import { emulatorPublisher, SampleRelease, synthesizeSampleRelease } from '../support/sample-release';
import { pipDownload, simpleLinks } from '../support/simple-index';
import { requireTool } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(180_000);

const ready = requireTool('python3-build', DEBIAN_PYTHON, ['-m', 'build', '--version'])
  && requireTool('twine', '/usr/bin/twine', ['--version'])
  && requireTool('python3-pip', DEBIAN_PYTHON, ['-m', 'pip', '--version']);
const maybe = ready ? describe : describe.skip;

maybe('publish job with twine, against the emulator', () => {
  let sample: SampleRelease;
  let dists: BuiltDists;

  beforeAll(() => {
    sample = synthesizeSampleRelease({ flavour: 'setuptools', release: { uploader: Uploader.TWINE } });
    dists = buildDists(sample.dir);
  });

  test('mints, uploads sdist + wheel, and the index serves exactly those files', async () => {
    const emulator = await startTestEmulator({
      projects: [sample.name],
      publishers: [emulatorPublisher(sample.trustedPublishers[0])],
    });
    const job = await runPublishJob(sample, dists, emulator);

    expect(job.idTokenGranted).toBe(true);
    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'checkout_mint_action:success', 'download_distributions:success', 'setup_uv:success',
      'install_uploader:success', 'mint:success', 'upload:success',
    ]);
    expect(job.conclusion).toBe('success');
    // the mint step's output is the token the emulator minted, and it never shows in the log
    const token = job.step('mint').outputs['api-token'];
    expect(emulator.issuedSecrets()).toContain(token);
    expect(job.log).not.toContain(token);
    // twine's own output, as the user reads it
    expect(job.step('upload').log).toMatch(/Uploading pypi_mint_sample-1\.0\.0-py3-none-any\.whl/);
    expect(job.step('upload').log).toMatch(/Uploading pypi-mint-sample-1\.0\.0\.tar\.gz/);

    const uploads = emulator.uploads();
    expect(uploads.map((u) => u.filename).sort()).toEqual(dists.files.map((f) => f.filename).sort());
    const links = await simpleLinks(emulator.simpleUrl, sample.name);
    expect(links.map((l) => [l.filename, l.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());

    for (const kind of ['wheel', 'sdist'] as const) {
      const fetched = await pipDownload(emulator.simpleUrl, `${sample.name}==${sample.version}`, kind);
      expect(fetched).toHaveLength(1);
      const built = dists.files.find((f) => f.filename === fetched[0].filename);
      expect(built?.sha256).toBe(fetched[0].sha256);
    }
  });
});
