/**
 * The release guards end to end, with the real pinned tools of `.tools/` against the emulator:
 * - pdm publishes without running the project's publish hooks (a hook that would write a marker file leaves none);
 * - a tag that does not match the built version stops the build job before anything is handed to a publish job;
 * - re-running a release whose upload partly succeeded finishes, while a changed file under an existing name fails;
 * - the summary job lists what was published.
 * Each guard is also run without its change (the generated step edited back), to show the test would catch it.
 */
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Uploader } from '../../src';
import { uploaderSpec } from '../../src/component/uploader';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import type { Workflow } from '../../src/rehearsal/types';
import { startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';
import { runPublishJob, runRelease } from '../support/publish-run';
import { buildDists, BuiltDists } from '../support/python-dists';
import { changeSampleSource, emulatorPublisher, SampleRelease, synthesizeSampleRelease } from '../support/sample-release';
import { simpleLinks } from '../support/simple-index';
import { requireTool, runTool, tool, toolEnv } from '../support/tools';

// each test spawns builds, Node 24 and the uploaders: generous on a loaded 2-core machine, still bounded
jest.setTimeout(240_000);

const ready = requireTool('uv', 'twine', 'pdm');
const maybe = ready ? describe : describe.skip;

function outcomes(job: { steps: Array<{ id: string; outcome: string }> }): string {
  return job.steps.map((s) => `${s.id}:${s.outcome}`).join(' ');
}

/** The same workflow with one step's `run:` changed (the guard taken out). */
function withRun(workflow: Workflow, jobId: string, stepId: string, edit: (run: string) => string): Workflow {
  const copy = JSON.parse(JSON.stringify(workflow)) as Workflow;
  const step = copy.jobs[jobId].steps!.find((s) => s.id === stepId)!;
  (step as { run?: string }).run = edit(step.run!);
  return copy;
}

/** A dist/ artifact holding only some of the built files. */
function subset(dists: BuiltDists, keep: (filename: string) => boolean): BuiltDists {
  const dir = tempDir('dist-subset-');
  const files = dists.files.filter((f) => keep(f.filename));
  for (const f of files) copyFileSync(f.path, join(dir, f.filename));
  return { dir, files: files.map((f) => ({ ...f, path: join(dir, f.filename) })) };
}

maybe('release guards, end to end', () => {
  test('pdm publishes without running the project\'s pre_publish/post_publish hooks', async () => {
    const sample = synthesizeSampleRelease({ flavour: 'poetry', release: { uploader: Uploader.PDM } });
    const markers = tempDir('pdm-hooks-');
    const pyproject = join(sample.dir, 'pyproject.toml');
    chmodSync(pyproject, 0o644);
    appendFileSync(pyproject, [
      '', '[tool.pdm.scripts]',
      `pre_publish = {shell = "touch ${markers}/pre_publish"}`,
      `post_publish = {shell = "touch ${markers}/post_publish"}`, '',
    ].join('\n'));
    // what actions/upload-artifact hands over: the files, not uv's hidden dist/.gitignore (pdm uploads all of dist/)
    const dists = subset(buildDists(sample.dir), () => true);
    const publisher = emulatorPublisher(sample.trustedPublishers[0]);

    const emulator = await startTestEmulator({ projects: [sample.name], publishers: [publisher] });
    const job = await runPublishJob(sample, dists, emulator);
    expect(outcomes(job)).toMatch(/mint:success upload:success$/);
    expect(emulator.uploads().map((u) => u.filename).sort()).toEqual(dists.files.map((f) => f.filename));
    expect([existsSync(join(markers, 'pre_publish')), existsSync(join(markers, 'post_publish'))]).toEqual([false, false]);

    // without --skip=:all still none: pdm runs in a scratch directory whose generated project has no hooks
    const unguarded = withRun(sample.workflow, 'publish_pypi', 'upload', (run) => run.replace(' --skip=:all', ''));
    const other = await startTestEmulator({ projects: [sample.name], publishers: [publisher] });
    const hooked = await runPublishJob({ ...sample, workflow: unguarded }, dists, other);
    expect(hooked.step('upload').outcome).toBe('success');
    expect([existsSync(join(markers, 'pre_publish')), existsSync(join(markers, 'post_publish'))]).toEqual([false, false]);

    // the hooks are live: pdm publish run in the project's directory, as the job used to, runs pre_publish
    mkdirSync(join(sample.dir, 'dist'), { recursive: true });
    for (const f of dists.files) copyFileSync(f.path, join(sample.dir, 'dist', f.filename));
    const third = await startTestEmulator({ projects: [sample.name], publishers: [publisher] });
    const env = uploaderSpec(Uploader.PDM).env('pypi-stand-in-for-the-minted-token', third.uploadUrl, third.simpleUrl);
    const direct = await runTool(tool('pdm'), ['publish', '--no-build'], { cwd: sample.dir, env: toolEnv(env), timeoutMs: 120_000 });
    recordOutput('pdm in the project directory stdout', direct.stdout, true);
    recordOutput('pdm in the project directory stderr', direct.stderr, false);
    expect(existsSync(join(markers, 'pre_publish'))).toBe(true);
  });

  test('a tag that does not match the version stops the build job: nothing is handed over, nothing uploaded', async () => {
    const sample = synthesizeSampleRelease({ flavour: 'setuptools', release: { uploader: Uploader.TWINE } });
    const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });

    const run = await runRelease(sample, { pypi: emulator }, { event: { name: 'push', ref: 'refs/tags/v1.0.1' } });
    const build = run.jobs.get('build')!;
    expect(outcomes(build)).toMatch(/build:success check_version:failure( [a-z0-9_]+:skipped)* upload_distributions:skipped$/);
    expect(outcomes(build)).toContain('check_upload_rules:skipped check_metadata:skipped');
    expect(build.step('check_version').log).toContain('has version 1.0.0, but the tag v1.0.1 says 1.0.1 (PEP 440, normalised). Nothing was uploaded');
    expect(build.annotations.map((a) => a.title)).toContain('Version does not match the tag');
    expect(run.skipped).toEqual(['publish_pypi', 'summary_pypi']);
    expect(emulator.requests('mint-token')).toEqual([]);
    expect(emulator.uploads()).toEqual([]);

    // without the check, the same push would have published 1.0.0 for the tag v1.0.1
    const unchecked = withRun(sample.workflow, 'build', 'check_version', () => 'true');
    const other = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
    const published = await runRelease({ ...sample, workflow: unchecked }, { pypi: other }, { event: { name: 'push', ref: 'refs/tags/v1.0.1' } });
    expect(outcomes(published.jobs.get('build')!)).toMatch(/check_version:success .*upload_distributions:success$/);
    expect(published.jobs.get('publish_pypi')?.conclusion).toBe('success');
    expect(other.uploads().map((u) => u.version)).toEqual(['1.0.0', '1.0.0']);

    // the matching tag, v-prefixed or not, goes through (and the summary job lists the files)
    const ok = await runRelease(sample, { pypi: emulator }, { event: { name: 'push', ref: 'refs/tags/1.0.0' } });
    expect([...ok.jobs.values()].map((j) => j.conclusion)).toEqual(['success', 'success', 'success']);
    const summary = ok.jobs.get('summary_pypi')!.summary;
    expect(summary).toContain(`Project: https://pypi.org/p/${sample.name}`);
    for (const u of emulator.uploads()) expect(summary).toMatch(new RegExp(`\\| ${u.filename.replace(/\./g, '\\.')} \\| \\d+ \\| ${u.sha256} \\| installable \\|`));
  });

  describe.each([['uv', Uploader.UV], ['twine', Uploader.TWINE]] as const)('re-runs with %s', (_name, uploader) => {
    let sample: SampleRelease;
    let dists: BuiltDists;

    beforeAll(() => {
      sample = synthesizeSampleRelease({ flavour: 'setuptools', release: { uploader } });
      dists = buildDists(sample.dir);
    });

    test('one of two files uploaded, the job re-run: both are on the index and the job succeeds', async () => {
      const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
      // the first attempt got the wheel up and then failed
      const partial = await runPublishJob(sample, subset(dists, (f) => f.endsWith('.whl')), emulator);
      expect(partial.conclusion).toBe('success');
      expect(emulator.uploads().map((u) => u.filename)).toEqual([dists.files.find((f) => f.filename.endsWith('.whl'))!.filename]);

      const rerun = await runPublishJob(sample, dists, emulator);
      expect(outcomes(rerun)).toMatch(/mint:success upload:success$/);
      const served = (await simpleLinks(emulator.simpleUrl, sample.name)).map((l) => [l.filename, l.sha256]).sort();
      expect(served).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());
      if (uploader === Uploader.UV) {
        // uv found the identical wheel on the simple API and did not send it again
        expect(rerun.step('upload').log).toMatch(/already exists/i);
        expect(emulator.requests('upload')).toHaveLength(2);
      }
    });

    test('a re-run with changed bytes under an existing name fails with the index\'s message', async () => {
      const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
      expect((await runPublishJob(sample, dists, emulator)).conclusion).toBe('success');
      const changedSample = synthesizeSampleRelease({ flavour: 'setuptools', release: { uploader } });
      changeSampleSource(changedSample, 'CHANGED = True');
      const changed = buildDists(changedSample.dir);
      expect(changed.files.map((f) => f.filename)).toEqual(dists.files.map((f) => f.filename));
      const job = await runPublishJob(sample, changed, emulator);
      expect(outcomes(job)).toMatch(/mint:success upload:failure$/);
      // uv compares hashes on the simple API before sending anything; twine gets PyPI's 400
      expect(job.step('upload').log).toContain(uploader === Uploader.UV
        ? `Local file and index file do not match for \`${dists.files[0].filename}\``
        : 'File already exists');
      const served = new Map(emulator.uploads().map((u) => [u.filename, u.sha256]));
      for (const f of dists.files) expect(served.get(f.filename)).toBe(f.sha256);
    });
  });
});
