/**
 * What a user sees when a release goes wrong, end to end: the generated publish job run against the emulator with
 * real twine, and the assertions made on the step log, the annotations and the job summary (what the run page
 * shows), never on internals.
 */
import { PypiIndex, Uploader } from '../../src';
import type { Workflow } from '../../src/rehearsal/types';
import { startTestEmulator } from '../support/emulator';
import { runPublishJob } from '../support/publish-run';
import { buildDists, BuiltDists } from '../support/python-dists';
import { changeSampleSource, emulatorPublisher, SampleRelease, synthesizeSampleRelease } from '../support/sample-release';
import { requireTool } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(180_000);

const ready = requireTool('uv');
const maybe = ready ? describe : describe.skip;

const twine = (release: Parameters<typeof synthesizeSampleRelease>[0]['release'] = {}, name?: string) =>
  synthesizeSampleRelease({ flavour: 'setuptools', name, release: { uploader: Uploader.TWINE, ...release } });

function outcomes(job: { steps: Array<{ id: string; outcome: string }> }): string {
  return job.steps.map((s) => `${s.id}:${s.outcome}`).join(' ');
}

maybe('failure paths, as the user sees them', () => {
  let sample: SampleRelease;
  let dists: BuiltDists;

  beforeAll(() => {
    sample = twine();
    dists = buildDists(sample.dir);
  });

  test('workflow renamed after the publisher was registered: names the file this run used, says to update PyPI', async () => {
    const renamed = twine({ workflowFileName: 'publish.yml' });
    // the publisher on PyPI still names the old file
    const emulator = await startTestEmulator({
      projects: [renamed.name],
      publishers: [{ ...emulatorPublisher(renamed.trustedPublishers[0]), workflow: 'release.yml' }],
    });
    const job = await runPublishJob(renamed, dists, emulator);

    expect(outcomes(job)).toMatch(/mint:failure upload:skipped$/);
    const mint = job.step('mint');
    expect(mint.annotations.some((a) => a.level === 'error' && /refused the token exchange/.test(a.title ?? ''))).toBe(true);
    expect(mint.log).toContain('invalid-publisher');
    expect(mint.log).toMatch(/renamed repository or workflow file/);
    // the file this run came from, as PyPI must now be told
    expect(mint.log).toContain('Workflow name: `publish.yml`');
    expect(mint.log).toContain('job_workflow_ref: octo-org/demo/.github/workflows/publish.yml@refs/tags/v1.0.0');
    expect(job.summary).toContain('| Workflow name | `publish.yml` |');
    expect(emulator.uploads()).toEqual([]);
  });

  test('the guidance links the project\'s own PyPI pages, even for a project named pypi-* (a name, not a token)', async () => {
    const emulator = await startTestEmulator({ projects: [sample.name] }); // no publisher: invalid-publisher
    const job = await runPublishJob(sample, dists, emulator);

    const mint = job.step('mint');
    expect(mint.outcome).toBe('failure');
    expect(sample.name).toBe('pypi-mint-sample');
    expect(mint.log).toContain(`${emulator.pypiUrl}/manage/project/pypi-mint-sample/settings/publishing/`);
    expect(job.summary).toContain(`${emulator.pypiUrl}/manage/project/pypi-mint-sample/settings/publishing/`);
  });

  test('environment mismatch: names the environment of the job and the one to register', async () => {
    const other = twine({ indexes: [PypiIndex.pypi({ environment: 'release' })] });
    const emulator = await startTestEmulator({
      projects: [other.name],
      publishers: [{ ...emulatorPublisher(other.trustedPublishers[0]), environment: 'pypi' }],
    });
    const job = await runPublishJob(other, dists, emulator);

    expect(outcomes(job)).toMatch(/mint:failure upload:skipped$/);
    const mint = job.step('mint');
    expect(mint.log).toContain("Check failed for optional claim 'environment'");
    expect(mint.log).toMatch(/Environment mismatch/);
    expect(mint.log).toContain('This job runs in the environment `release`');
    expect(mint.log).toContain('Environment name: `release`');
    expect(job.summary).toContain('### Environment mismatch');
  });

  test('a job without id-token: write gets no OIDC variables and is told what to add', async () => {
    const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
    const workflow = structuredClone(sample.workflow) as Workflow & { jobs: Record<string, { permissions?: unknown }> };
    workflow.jobs.publish_pypi.permissions = { contents: 'read' };
    const job = await runPublishJob({ ...sample, workflow }, dists, emulator);

    expect(job.idTokenGranted).toBe(false);
    // the attest step is the first to need an OIDC token (for Sigstore); it stops the job before anything is installed
    expect(outcomes(job)).toMatch(/attest:failure install_tools:skipped mint:skipped upload:skipped$/);
    const attest = job.step('attest');
    expect(attest.annotations.some((a) => a.level === 'error')).toBe(true);
    expect(attest.log).toContain('id-token: write');
    expect(job.summary).toContain('id-token: write');
    expect(emulator.requests('oidc-token')).toEqual([]);
    expect(emulator.requests('mint-token')).toEqual([]);
  });

  test('a token scoped to project A cannot upload project B (403, reason shown by twine)', async () => {
    const projectB = twine({}, 'pypi-mint-other');
    const distsB = buildDists(projectB.dir);
    // the publisher (same repository, workflow and environment) is trusted by project A only; B exists too
    const emulator = await startTestEmulator({
      projects: [sample.name, projectB.name],
      publishers: [emulatorPublisher(projectB.trustedPublishers[0], { projects: [sample.name] })],
    });
    const job = await runPublishJob(projectB, distsB, emulator);

    expect(outcomes(job)).toMatch(/mint:success upload:failure$/);
    const upload = job.step('upload');
    expect(upload.log).toMatch(/403 Forbidden/);
    expect(upload.log).toContain("The given token isn't allowed to upload to project 'pypi-mint-other'");
    expect(emulator.uploads()).toEqual([]);
  });

  test('a token used after it expired (emulator clock moved 901 s between mint and upload) is refused with 403', async () => {
    const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
    const job = await runPublishJob(sample, dists, emulator, {
      beforeStep: (step) => {
        if (step.id === 'upload') emulator.clock.advance(901);
      },
    });

    expect(outcomes(job)).toMatch(/mint:success upload:failure$/);
    expect(job.step('upload').log).toMatch(/403 Forbidden/);
    expect(job.step('upload').log).toContain('Invalid API Token: token is expired');
    expect(emulator.uploads()).toEqual([]);
  });

  test('release re-run: identical files upload again fine; a changed file under the same name is refused (400)', async () => {
    const rerun = twine();
    const first = buildDists(rerun.dir);
    const emulator = await startTestEmulator({ projects: [rerun.name], publishers: [emulatorPublisher(rerun.trustedPublishers[0])] });

    const original = await runPublishJob(rerun, first, emulator);
    expect(original.conclusion).toBe('success');
    // "Re-run all jobs": the same artifact, a fresh token
    const again = await runPublishJob(rerun, first, emulator);
    expect(again.conclusion).toBe('success');
    expect(again.step('mint').outputs['api-token']).not.toBe(original.step('mint').outputs['api-token']);

    // a rebuild from changed sources gives files with the same names and other bytes
    changeSampleSource(rerun, 'CHANGED = True');
    const rebuilt = buildDists(rerun.dir);
    expect(rebuilt.files.map((f) => f.filename)).toEqual(first.files.map((f) => f.filename));
    const changed = await runPublishJob(rerun, rebuilt, emulator);
    expect(outcomes(changed)).toMatch(/mint:success upload:failure$/);
    expect(changed.step('upload').log).toMatch(/400 Bad Request/);
    expect(changed.step('upload').log).toContain('File already exists');
    // the index still serves the first build only
    const served = new Map(emulator.uploads().map((u) => [u.filename, u.sha256]));
    for (const f of first.files) expect(served.get(f.filename)).toBe(f.sha256);
  });
});
