/**
 * End to end with real uploaders: a projen project with `PypiRelease`, its real sdist + wheel, the generated publish
 * job run step by step against the emulator (real Node 24 for the mint action, Debian's uploader for the upload),
 * then the files found on `/simple/` with matching sha256 and fetched back with pip.
 * - twine: a setuptools project with `Uploader.TWINE`.
 * - poetry: a poetry project with `Uploader.POETRY` (`poetry publish --repository upload`, the token in
 *   POETRY_PYPI_TOKEN_UPLOAD).
 *   `poetry publish` reads the project's pyproject.toml to find its files in dist/, so this also proves the publish
 *   job's sparse checkout brings pyproject.toml next to the artifact.
 */
import { Uploader } from '../../src';
import { startTestEmulator } from '../support/emulator';
import { runPublishJob } from '../support/publish-run';
import { buildDists, BuiltDists } from '../support/python-dists';
import { emulatorPublisher, SampleRelease, synthesizeSampleRelease } from '../support/sample-release';
import { pipDownload, simpleLinks } from '../support/simple-index';
import { requireTool } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(180_000);

const pythonReady = requireTool('uv', 'python');

interface UploaderCase {
  readonly uploader: Uploader;
  readonly flavour: 'setuptools' | 'poetry';
  readonly ready: () => boolean;
  /** What the uploader itself prints, as the user reads it in the step log. */
  readonly expectUploadLog: (log: string, sample: SampleRelease, dists: BuiltDists) => void;
}

const CASES: Array<[string, UploaderCase]> = [
  ['twine', {
    uploader: Uploader.TWINE,
    flavour: 'setuptools',
    ready: () => true,
    expectUploadLog: (log, _sample, dists) => {
      for (const f of dists.files) expect(log).toContain(`Uploading ${f.filename}`);
    },
  }],
  ['poetry', {
    uploader: Uploader.POETRY,
    flavour: 'poetry',
    ready: () => true,
    expectUploadLog: (log, sample, dists) => {
      expect(log).toContain(`Publishing ${sample.name} (${sample.version}) to upload`);
      for (const f of dists.files) expect(log).toContain(f.filename);
    },
  }],
];

describe.each(CASES)('publish job with %s, against the emulator', (_name, c) => {
  const maybe = pythonReady && c.ready() ? test : test.skip;

  maybe('mints, uploads sdist + wheel, and the index serves exactly those files', async () => {
    const sample = synthesizeSampleRelease({ flavour: c.flavour, release: { uploader: c.uploader } });
    const dists = buildDists(sample.dir);
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
    c.expectUploadLog(job.step('upload').log, sample, dists);

    expect(emulator.uploads().map((u) => u.filename).sort()).toEqual(dists.files.map((f) => f.filename).sort());
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
