/**
 * End to end with poetry: a projen poetry project with `PypiRelease({ uploader: Uploader.POETRY })` (the seed's
 * `poetry publish -u __token__ -p ...` flow). `poetry publish` reads the project's pyproject.toml to find its files
 * in dist/, so this also proves the publish job's sparse checkout brings pyproject.toml next to the artifact.
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
  && requireTool('poetry (python3-poetry)', '/usr/bin/poetry', ['--version'])
  && requireTool('python3-pip', DEBIAN_PYTHON, ['-m', 'pip', '--version']);
const maybe = ready ? describe : describe.skip;

maybe('publish job with poetry, against the emulator', () => {
  let sample: SampleRelease;
  let dists: BuiltDists;

  beforeAll(() => {
    sample = synthesizeSampleRelease({ flavour: 'poetry', release: { uploader: Uploader.POETRY } });
    dists = buildDists(sample.dir);
  });

  test('mints, poetry publishes sdist + wheel, and the index serves exactly those files', async () => {
    const emulator = await startTestEmulator({
      projects: [sample.name],
      publishers: [emulatorPublisher(sample.trustedPublishers[0])],
    });
    const job = await runPublishJob(sample, dists, emulator);

    expect(job.steps.map((s) => `${s.id}:${s.outcome}`)).toEqual([
      'checkout_mint_action:success', 'download_distributions:success', 'setup_uv:success',
      'install_uploader:success', 'mint:success', 'upload:success',
    ]);
    expect(job.conclusion).toBe('success');
    const token = job.step('mint').outputs['api-token'];
    expect(emulator.issuedSecrets()).toContain(token);
    // poetry names what it publishes, and where
    const upload = job.step('upload').log;
    expect(upload).toContain(`Publishing ${sample.name} (${sample.version}) to upload`);
    for (const f of dists.files) expect(upload).toContain(f.filename);
    expect(upload).not.toContain(token);

    const links = await simpleLinks(emulator.simpleUrl, sample.name);
    expect(links.map((l) => [l.filename, l.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());
    for (const kind of ['wheel', 'sdist'] as const) {
      const fetched = await pipDownload(emulator.simpleUrl, `${sample.name}==${sample.version}`, kind);
      expect(fetched.map((f) => [f.filename, f.sha256])).toEqual(
        dists.files.filter((f) => f.filename === fetched[0]?.filename).map((f) => [f.filename, f.sha256]));
    }
  });
});
