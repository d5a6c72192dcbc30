/**
 * How the publish jobs reach the vendored steps: `$/.github/actions/...` by default (GitHub's self-repository form, no
 * checkout for them), `./.github/actions/...` after a sparse checkout with VendoredStepsReference.CHECKOUT; the
 * workflow's header and the synth log say which, and the runner version `$/` needs.
 */
import { releaseWorkflowViolations } from './invariants';
import { actionlintFindings } from './linters';
import { pythonProject, synth, workflowAt } from './projects';
import { PypiRelease, PypiReleaseOptions, Uploader, VendoredStepsReference } from '../../src';

function release(options: PypiReleaseOptions) {
  const project = pythonProject('uv');
  new PypiRelease(project, options);
  const info = jest.spyOn(project.logger, 'info').mockImplementation(() => undefined);
  const wf = workflowAt(synth(project), '.github/workflows/release.yml');
  return { wf, log: info.mock.calls.map((c) => c.join(' ')).join('\n') };
}

test('default: the publish job checks nothing out, holds only id-token: write, and runs the steps as $/', async () => {
  const { wf, log } = release({});
  const job = wf.doc.jobs.publish_pypi;
  expect((job.steps ?? []).some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(false);
  expect(job.permissions).toEqual({ 'id-token': 'write' });
  expect((job.steps ?? []).filter((s) => s.uses?.startsWith('$/')).map((s) => s.uses)).toEqual(['$/.github/actions/pypi-attest', '$/.github/actions/pypi-tools', '$/.github/actions/pypi-mint']);
  for (const text of [wf.text, log]) {
    expect(text).toMatch(/as \$\/\.github\/actions\/\.\.\. \(GitHub's self-repository form/);
    expect(text).toMatch(/self-hosted runners 2\.336\.0 or newer; on GitHub Enterprise Server\n?(# )?or older runners set vendoredSteps: VendoredStepsReference\.CHECKOUT/);
  }
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
});

test.each([Uploader.UV, Uploader.TWINE, Uploader.POETRY, Uploader.HATCH, Uploader.PDM, Uploader.MATURIN])(
  'with %p too the publish job checks nothing out and holds only id-token: write (its tools come from the $/ tools action)', (uploader) => {
    const { wf } = release({ uploader });
    for (const job of [wf.doc.jobs.publish_pypi]) {
      expect((job.steps ?? []).some((s) => s.uses?.startsWith('actions/checkout@'))).toBe(false);
      expect(job.permissions).toEqual({ 'id-token': 'write' });
      const tools = (job.steps ?? []).find((s) => s.id === 'install_tools');
      expect(tools).toEqual({
        name: uploader === Uploader.UV ? 'Install uv (hash-locked)' : `Install uv, ${uploader.name} (hash-locked)`,
        id: 'install_tools',
        uses: '$/.github/actions/pypi-tools',
        ...(uploader === Uploader.UV ? {} : { with: { tools: uploader.name } }),
      });
    }
    expect(wf.text).not.toContain('setup-uv');
    expect(releaseWorkflowViolations(wf.path, wf.text, wf.doc)).toEqual([]);
  });

test('VendoredStepsReference.CHECKOUT: a sparse checkout of the steps first, ./ references with zizmor\'s reason, and the header says why', async () => {
  const { wf, log } = release({ vendoredSteps: VendoredStepsReference.CHECKOUT, uploader: Uploader.TWINE });
  const job = wf.doc.jobs.publish_pypi;
  expect(job.permissions).toEqual({ 'id-token': 'write', 'contents': 'read' });
  const steps = job.steps ?? [];
  expect(steps[0]).toMatchObject({ id: 'checkout', with: { 'persist-credentials': false, 'sparse-checkout': '/.github/actions/pypi-tools/\n/.github/actions/pypi-mint/\n/.github/actions/pypi-attest/' } });
  expect(steps.filter((s) => s.uses?.startsWith('./')).map((s) => s.uses)).toEqual(['./.github/actions/pypi-attest', './.github/actions/pypi-tools', './.github/actions/pypi-mint']);
  // twine's locked set comes with the tools action's directory
  expect(steps.find((s) => s.id === 'install_tools')?.with).toEqual({ tools: 'twine' });
  // every job runs the tools action in the same form: the build job (full checkout) and the verify job (sparse)
  expect(wf.doc.jobs.build.steps!.find((s) => s.id === 'install_tools')?.uses).toBe('./.github/actions/pypi-tools');
  expect(wf.doc.jobs.summary_pypi.steps![0].with?.['sparse-checkout']).toBe('/.github/actions/pypi-verify/\n/.github/actions/pypi-tools/');
  expect(wf.text).toContain('uses: ./.github/actions/pypi-tools # zizmor: ignore[self-repository] VendoredStepsReference.CHECKOUT');
  expect(wf.text).toContain('uses: ./.github/actions/pypi-mint # zizmor: ignore[self-repository] VendoredStepsReference.CHECKOUT: for runners without $/ (GitHub Enterprise Server, self-hosted older than 2.336.0)');
  for (const text of [wf.text, log]) expect(text).toMatch(/check the vendored steps \(\.github\/actions\/pypi-mint, pypi-attest, pypi-tools\) out and run them as \.\/\.github\/actions\/\.\.\./);
  expect(releaseWorkflowViolations(wf.path, wf.text, wf.doc)).toEqual([]);
  expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
});
