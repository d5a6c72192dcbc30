/**
 * A whole release run for one tag push: the build job (checkout, the pinned `poetry build` installed by the job itself,
 * the artifact upload) and then, with `testPypiFirst`, the TestPyPI publish job against an emulator with audience `testpypi`,
 * then the PyPI publish job against another with audience `pypi`. Each index gets its own trusted publisher,
 * environment and token; nothing from the test is handed to the publish jobs but what the build job uploaded.
 */
import { Uploader } from '../../src';
import { startTestEmulator } from '../support/emulator';
import { runRelease } from '../support/publish-run';
import { emulatorPublisher, synthesizeSampleRelease } from '../support/sample-release';
import { simpleLinks } from '../support/simple-index';
import { requireTool } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(180_000);

const ready = requireTool('uv');
const maybe = ready ? describe : describe.skip;

maybe('a whole release run: build job, then TestPyPI, then PyPI', () => {
  test('the tag push ends with the same files on both indexes, each job minting from its own index', async () => {
    const sample = synthesizeSampleRelease({ flavour: 'poetry', release: { uploader: Uploader.POETRY, testPypiFirst: true } });
    const [testPypi, pypi] = sample.trustedPublishers;
    expect([testPypi.environment, pypi.environment]).toEqual(['testpypi', 'pypi']);
    const testIndex = await startTestEmulator({ audience: 'testpypi', projects: [sample.name], publishers: [emulatorPublisher(testPypi)] });
    const pypiIndex = await startTestEmulator({ audience: 'pypi', projects: [sample.name], publishers: [emulatorPublisher(pypi)] });

    const run = await runRelease(sample, { testpypi: testIndex, pypi: pypiIndex });

    expect([...run.jobs.keys()]).toEqual(['build', 'publish_testpypi', 'summary_testpypi', 'publish_pypi', 'summary_pypi']);
    const build = run.jobs.get('build')!;
    expect(build.idTokenGranted).toBe(false);
    expect(build.step('build').log).toMatch(/Building pypi-mint-sample \(1\.0\.0\)/);
    expect(build.step('upload_distributions').log).toMatch(/artifact 'python-distributions' \(id \d+\) kept for later jobs: .*\.whl/);
    for (const [id, emulator, audience, environment] of [
      ['publish_testpypi', testIndex, 'testpypi', 'testpypi'],
      ['publish_pypi', pypiIndex, 'pypi', 'pypi'],
    ] as const) {
      const job = run.jobs.get(id)!;
      expect(job.conclusion).toBe('success');
      expect(job.claims.environment).toBe(environment);
      expect(job.step('mint').log).toContain(`audience '${audience}'`);
      expect(emulator.issuedSecrets()).toContain(job.step('mint').outputs['api-token']);
      const files = (await simpleLinks(emulator.simpleUrl, sample.name)).map((l) => l.filename).sort();
      expect(files).toEqual(['pypi_mint_sample-1.0.0-py3-none-any.whl', 'pypi_mint_sample-1.0.0.tar.gz']);
    }
  });

  test('PyPI is not published to when TestPyPI refused the release', async () => {
    const sample = synthesizeSampleRelease({ flavour: 'poetry', release: { uploader: Uploader.POETRY, testPypiFirst: true } });
    // no publisher registered on TestPyPI
    const testIndex = await startTestEmulator({ audience: 'testpypi', projects: [sample.name] });
    const pypiIndex = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[1])] });

    const run = await runRelease(sample, { testpypi: testIndex, pypi: pypiIndex });

    expect(run.jobs.get('publish_testpypi')!.step('mint').outcome).toBe('failure');
    expect(run.skipped).toEqual(['summary_testpypi', 'publish_pypi', 'summary_pypi']);
    expect(pypiIndex.requests('mint-token')).toEqual([]);
    expect(pypiIndex.uploads()).toEqual([]);
  });
});
