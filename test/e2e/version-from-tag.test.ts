/**
 * `versionFromTag` end to end: projects that keep `version = "0.0.0"` in the repository (uv, poetry) are released
 * from a tag by the generated workflow, run job by job against the emulator with the real pinned tools, and install
 * from the emulated index at the tag's version. Hostile tag names stop the build job's first own step before anything
 * runs with them; the same tags in the pattern the step replaces (`${{ github.ref_name }}` inside `run:`) would have
 * run a command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Uploader } from '../../src';
import { runJob } from '../../src/rehearsal';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import type { Workflow } from '../../src/rehearsal/types';
import { startTestEmulator } from '../support/emulator';
import * as leaks from '../support/leaks';
import { runRelease } from '../support/publish-run';
import { emulatorPublisher, SampleRelease, synthesizeSampleRelease } from '../support/sample-release';
import { uvInstall } from '../support/simple-index';
import { rehearsalMachine, requireTool } from '../support/tools';

// builds, tool installs, Node 24 and the uploaders on a loaded 2-core machine: generous, still bounded
jest.setTimeout(300_000);

const ready = requireTool('uv', 'python');
const maybe = ready ? describe : describe.skip;

function outcomes(job: { steps: Array<{ id: string; outcome: string }> }): string {
  return job.steps.map((s) => `${s.id}:${s.outcome}`).join(' ');
}

maybe('version from the tag, end to end', () => {
  // the two releases side by side: each has its own sample and emulator
  test.concurrent.each([
    ['uv', 'v1.2.3', '1.2.3', 'uv version'],
    ['poetry', '1.2.3-rc.1', '1.2.3rc1', 'poetry version'],
  ] as const)('a %s project kept at 0.0.0, tagged %s, is released and installs as %s', async (flavour, tag, version, how) => {
    const sample = synthesizeSampleRelease({ flavour, version: '0.0.0', release: { versionFromTag: true, uploader: Uploader.UV } });
    expect(readFileSync(join(sample.dir, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
    const emulator = await startTestEmulator({ projects: [sample.name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });

    const run = await runRelease(sample, { pypi: emulator }, { event: { name: 'push', ref: `refs/tags/${tag}` } });
    const build = run.jobs.get('build')!;
    expect(outcomes(build)).toMatch(/stamp_version:success build:success check_version:success .*upload_distributions:success$/);
    expect(build.step('stamp_version').log).toContain(`Version ${version} from the tag ${tag}, written with ${how}`);
    expect(build.step('stamp_version').outputs.version).toBe(version);
    expect(build.step('check_version').log).toContain(`matches the tag ${tag}`);
    expect([...run.jobs.values()].map((j) => j.conclusion)).toEqual(['success', 'success', 'success']);
    expect(emulator.uploads().map((u) => u.version)).toEqual([version, version]);
    expect(await uvInstall(emulator.simpleUrl, sample.name, version, 'wheel')).toBe(version);
    // the repository itself is left at its placeholder
    expect(readFileSync(join(sample.dir, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
  });

  describe('hostile tag names', () => {
    const HOSTILE = ['1.0.0$(touch x)', "1.0.0'; touch x; '", '1.0.0%0A::warning::injected', '1.0.0\ntouch x', '1.0.0`touch x`', '1.0.0+local'];
    let sample: SampleRelease;
    beforeAll(() => {
      sample = synthesizeSampleRelease({ flavour: 'uv', version: '0.0.0', release: { versionFromTag: true } });
    });

    test.each(HOSTILE)('%j is refused before anything runs with it', async (tag) => {
      const job = await runJob({
        workflow: sample.workflow,
        workflowFile: sample.workflowFile,
        jobId: 'build',
        issuer: fakeIssuer,
        repoDir: sample.dir,
        repository: sample.repository,
        event: { name: 'push', ref: `refs/tags/${tag}` },
        scan: leaks,
        ...rehearsalMachine(),
        artifacts: {},
        keepTemp: true,
      });
      expect(outcomes(job)).toMatch(/stamp_version:failure build:skipped check_version:skipped/);
      expect(job.annotations.map((a) => a.title)).toEqual(['Tag is not a version']);
      expect(job.step('stamp_version').log).not.toContain('$ uv version');
      expect(existsSync(join(job.workspace, 'x'))).toBe(false);
      expect(job.annotations.some((a) => a.message.includes('injected') && a.level === 'warning')).toBe(false);
      expect(readFileSync(join(job.workspace, 'pyproject.toml'), 'utf8')).toContain('version = "0.0.0"');
    });

    test('the pattern the step replaces, an expression inside run:, runs the tag as a command', async () => {
      const unsafe = JSON.parse(JSON.stringify(sample.workflow)) as Workflow;
      const steps = unsafe.jobs.build.steps!;
      // the job up to the stamp, which interpolates the tag into the script bash runs
      steps.splice(steps.findIndex((s) => s.id === 'stamp_version') + 1);
      (steps[steps.length - 1] as { run?: string }).run = 'uv version --frozen ${{ github.ref_name }}';
      const job = await runJob({
        workflow: unsafe,
        workflowFile: sample.workflowFile,
        jobId: 'build',
        issuer: fakeIssuer,
        repoDir: sample.dir,
        repository: sample.repository,
        event: { name: 'push', ref: 'refs/tags/1.0.0$(touch x)' },
        scan: leaks,
        ...rehearsalMachine(),
        artifacts: {},
        keepTemp: true,
      });
      expect(existsSync(join(job.workspace, 'x'))).toBe(true);
    });
  });

  test('a run that is not on a tag has no version to build: the build job says so', async () => {
    const sample = synthesizeSampleRelease({ flavour: 'uv', version: '0.0.0', release: { versionFromTag: true, triggers: { manualDispatch: true } } });
    const job = await runJob({
      workflow: sample.workflow,
      workflowFile: sample.workflowFile,
      jobId: 'build',
      issuer: fakeIssuer,
      repoDir: sample.dir,
      repository: sample.repository,
      event: { name: 'workflow_dispatch', ref: 'refs/heads/main' },
      scan: leaks,
      ...rehearsalMachine(),
      artifacts: {},
      keepTemp: true,
    });
    expect(outcomes(job)).toMatch(/stamp_version:failure build:skipped/);
    expect(job.annotations.map((a) => a.title)).toEqual(['Not a release tag']);
    expect(job.step('stamp_version').log).toContain("This workflow_dispatch run is on branch 'main', not a tag.");
  });
});

/** The build job asks for no OIDC token: an issuer that is never called. */
const fakeIssuer = {
  oidc: { requestUrl: 'http://127.0.0.1:9/never', requestToken: tempDir('no-oidc-') },
  setRunnerClaims(): void {},
};
