/**
 * Every uploader and build tool for real, end to end: a projen project with `PypiRelease`, the generated release
 * workflow run job by job against the emulator (the build job installs its pinned tool from PyPI and builds, the
 * publish job installs its pinned uploader, mints with the real action under Node 24 and uploads). Then:
 * - the index lists exactly the built files with their sha256, `pip download` fetches the wheel back byte for byte,
 *   and `uv pip install` installs the release from the index, from the wheel and from the sdist;
 * - a token the index refuses (expired between mint and upload: 403) and a file that is already there with other
 *   bytes (400 File already exists) fail the upload step with the uploader's own message, and no token in the log.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BuildTool, Uploader } from '../../src';
import { DIST_ARTIFACT } from '../../src/component/placement';
import type { Emulator } from '../../src/emulator';
import type { JobResult } from '../../src/rehearsal/types';
import { startTestEmulator } from '../support/emulator';
import { runPublishJob, runRelease } from '../support/publish-run';
import { buildDists, BuiltDists, sha256File } from '../support/python-dists';
import { changeSampleSource, emulatorPublisher, SampleFlavour, SampleRelease, SampleReleaseOptions, synthesizeSampleRelease } from '../support/sample-release';
import { pipDownload, simpleLinks, uvInstall } from '../support/simple-index';
import { requireTool } from '../support/tools';

// each case runs two jobs that install tools from PyPI, builds and Node 24: generous on a loaded 2-core machine
jest.setTimeout(300_000);

interface ToolCase {
  readonly flavour: SampleFlavour;
  readonly buildBackend?: SampleReleaseOptions['buildBackend'];
  readonly uploader?: Uploader;
  readonly buildTool?: BuildTool;
  /** The build job's own words for a build that worked. */
  readonly built: RegExp;
  /** The upload step's own words for each file it uploaded. */
  readonly uploaded: (filename: string) => RegExp;
  /** The uploader's own words for a 403 (the index's reason included). */
  readonly refused: RegExp;
  /** The uploader's own words for a 400 File already exists. */
  readonly exists: RegExp;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const CASES: Array<[string, ToolCase]> = [
  ['uv build + uv publish (the defaults of a uv project)', {
    flavour: 'uv',
    built: /Successfully built dist\/pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    uploaded: (f) => new RegExp(`Uploading ${esc(f)}`),
    refused: /403 Forbidden[\s\S]*Invalid API Token: token is expired/,
    // uv compares hashes on the index's simple API first (UV_PUBLISH_CHECK_URL) and sends nothing
    exists: /Local file and index file do not match for `pypi_mint_sample-1\.0\.0/,
  }],
  ['pypa build + uv publish (the defaults of a setuptools project)', {
    flavour: 'setuptools',
    built: /Successfully built pypi_mint_sample-1\.0\.0\.tar\.gz and pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    uploaded: (f) => new RegExp(`Uploading ${esc(f)}`),
    refused: /403 Forbidden[\s\S]*Invalid API Token: token is expired/,
    // uv compares hashes on the index's simple API first (UV_PUBLISH_CHECK_URL) and sends nothing
    exists: /Local file and index file do not match for `pypi_mint_sample-1\.0\.0/,
  }],
  ['uv build + twine upload', {
    flavour: 'setuptools',
    buildTool: BuildTool.UV,
    uploader: Uploader.TWINE,
    built: /Successfully built dist\/pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    uploaded: (f) => new RegExp(`Uploading ${esc(f)}`),
    refused: /HTTPError: 403 Forbidden[\s\S]*Invalid API Token: token is expired/,
    exists: /HTTPError: 400 Bad Request[\s\S]*File already exists/,
  }],
  ['poetry build + poetry publish (the defaults of a poetry project, with Uploader.POETRY)', {
    flavour: 'poetry',
    uploader: Uploader.POETRY,
    built: /Building pypi-mint-sample \(1\.0\.0\)/,
    uploaded: (f) => new RegExp(`Uploading ${esc(f)}`),
    refused: /HTTP Error 403: Invalid API Token: token is expired/,
    exists: /HTTP Error 400: File already exists \('pypi_mint_sample-1\.0\.0/,
  }],
  ['hatch build + hatch publish (a hatchling project)', {
    flavour: 'uv',
    buildBackend: 'hatchling',
    buildTool: BuildTool.HATCH,
    uploader: Uploader.HATCH,
    built: /dist\/pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    uploaded: (f) => new RegExp(esc(f)),
    refused: /403[\s\S]*Invalid API Token: token is expired/,
    exists: /400[\s\S]*File already exists/,
  }],
  ['pdm build + pdm publish --no-build (a pdm-backend project)', {
    flavour: 'uv',
    buildBackend: 'pdm-backend',
    buildTool: BuildTool.PDM,
    uploader: Uploader.PDM,
    built: /pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    uploaded: (f) => new RegExp(esc(f)),
    refused: /403[\s\S]*Invalid API Token: token is expired/,
    exists: /400[\s\S]*File already exists/,
  }],
  ['flit build + maturin upload (a flit_core project)', {
    flavour: 'uv',
    buildBackend: 'flit_core',
    buildTool: BuildTool.FLIT,
    uploader: Uploader.MATURIN,
    built: /pypi_mint_sample-1\.0\.0-py3-none-any\.whl/,
    // maturin counts the files instead of naming them
    uploaded: () => /🚀 Uploading 2 packages\n✨ Packages uploaded successfully/,
    // maturin reports any 403 in its own words, without the index's reason
    refused: /⛔ Username and\/or password are wrong[\s\S]*💥 maturin failed/,
    exists: /400[\s\S]*File already exists/,
  }],
];

function distFiles(dir: string): BuiltDists {
  const files = readdirSync(dir).filter((f) => /\.(whl|tar\.gz)$/.test(f)).sort().map((filename) => {
    const path = join(dir, filename);
    return { filename, path, sha256: sha256File(path), size: 0 };
  });
  return { dir, files };
}

function outcomes(job: JobResult): string {
  return job.steps.map((s) => `${s.id}:${s.outcome}`).join(' ');
}

const maybe = requireTool('uv', 'python') ? describe : describe.skip;

maybe.each(CASES)('%s, against the emulator', (_title, c) => {
  let sample: SampleRelease;
  let emulator: Emulator;
  let dists: BuiltDists;

  const startIndex = () => startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });

  beforeAll(async () => {
    sample = synthesizeSampleRelease({ flavour: c.flavour, buildBackend: c.buildBackend, release: { uploader: c.uploader, buildTool: c.buildTool } });
    emulator = await startIndex();
  });

  test('the build job builds, the publish job uploads, and the index serves those files to pip and uv', async () => {
    const run = await runRelease(sample, { pypi: emulator });
    const build = run.jobs.get('build')!;
    // on failure, the message shows the failing step's log
    expect(`${outcomes(build)}\n${build.steps.find((x) => x.outcome === 'failure')?.log ?? ''}`).not.toContain(':failure');
    expect(build.step('build').log).toMatch(c.built);
    dists = distFiles(run.artifacts[DIST_ARTIFACT]);
    expect(dists.files.map((f) => f.filename.replace(/^.*\.(whl|tar\.gz)$/, '$1')).sort()).toEqual(['tar.gz', 'whl']);

    const publish = run.jobs.get('publish_pypi')!;
    expect(`${outcomes(publish)}\n${publish.steps.find((x) => x.outcome === 'failure')?.log ?? ''}`).not.toContain(':failure');
    expect(publish.conclusion).toBe('success');
    const token = publish.step('mint').outputs['api-token'];
    expect(emulator.issuedSecrets()).toContain(token);
    expect(publish.log).not.toContain(token);
    for (const f of dists.files) expect(publish.step('upload').log).toMatch(c.uploaded(f.filename));

    expect(emulator.uploads().map((u) => [u.filename, u.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]));
    const links = await simpleLinks(emulator.simpleUrl, sample.name);
    expect(links.map((l) => [l.filename, l.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]));
    const [wheel] = await pipDownload(emulator.simpleUrl, `${sample.name}==${sample.version}`, 'wheel');
    expect(dists.files.find((f) => f.filename === wheel.filename)?.sha256).toBe(wheel.sha256);
    expect(await uvInstall(emulator.simpleUrl, sample.name, sample.version, 'wheel')).toBe(sample.version);
    expect(await uvInstall(emulator.simpleUrl, sample.name, sample.version, 'sdist')).toBe(sample.version);
  });

  test('a token the index refuses (403): the uploader\'s own failure, no token in the log', async () => {
    const index = await startIndex();
    const job = await runPublishJob(sample, dists, index, {
      // the minted token expires between the mint and the upload
      beforeStep: (step) => {
        if (step.id === 'upload') index.clock.advance(901);
      },
    });
    const upload = job.step('upload');
    expect(upload.outcome).toBe('failure');
    expect(upload.log).toMatch(c.refused);
    expect(job.log).not.toContain(job.step('mint').outputs['api-token']);
    expect(index.uploads()).toEqual([]);
  });

  test('a file already there with other bytes (400 File already exists): the uploader\'s own failure', async () => {
    changeSampleSource(sample, 'CHANGED = True');
    const rebuilt = buildDists(sample.dir);
    const before = emulator.uploads().map((u) => [u.filename, u.sha256]);
    const job = await runPublishJob(sample, rebuilt, emulator);
    const upload = job.step('upload');
    expect(upload.outcome).toBe('failure');
    expect(upload.log).toMatch(c.exists);
    expect(job.log).not.toContain(job.step('mint').outputs['api-token']);
    // the index keeps the first bytes
    expect(emulator.uploads().map((u) => [u.filename, u.sha256])).toEqual(before);
  });
});
