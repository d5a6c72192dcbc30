/**
 * Every invariant of docs/architecture.md, actionlint and shellcheck, over the options matrix: pip/setuptools, poetry and uv
 * projects x every build tool x every uploader, with index sets, triggers and versionFromTag rotating through the cells.
 * Combinations that cannot work must be refused at synth instead.
 */
import { releaseWorkflowViolations } from './invariants';
import { actionlintFindings, runBlocks, shellcheckFindings } from './linters';
import { FLAVOURS, PythonFlavour, pythonProject, synth, workflowAt } from './projects';
import { zizmorFindings } from './zizmor';
import { BuildTool, PypiIndex, PypiRelease, PypiReleaseOptions, PypiReleaseTriggers, Uploader, VendoredStepsReference } from '../../src';

const BUILD_TOOLS: Array<[string, BuildTool]> = [
  ['UV', BuildTool.UV], ['POETRY', BuildTool.POETRY], ['PYPA_BUILD', BuildTool.PYPA_BUILD], ['HATCH', BuildTool.HATCH],
  ['PDM', BuildTool.PDM], ['FLIT', BuildTool.FLIT], ['MATURIN', BuildTool.MATURIN],
];
const UPLOADERS: Array<[string, Uploader]> = [
  ['UV', Uploader.UV], ['TWINE', Uploader.TWINE], ['POETRY', Uploader.POETRY], ['HATCH', Uploader.HATCH],
  ['PDM', Uploader.PDM], ['FLIT', Uploader.FLIT], ['MATURIN', Uploader.MATURIN],
];
const INDEX_SETS: Array<{ label: string; options: () => Partial<PypiReleaseOptions> }> = [
  { label: 'PyPI', options: () => ({}) },
  { label: 'TestPyPI then PyPI', options: () => ({ testPypiFirst: true }) },
  { label: 'PyPI + TestPyPI in parallel', options: () => ({ indexes: [PypiIndex.pypi(), PypiIndex.testPypi()] }) },
  {
    label: 'PyPI + custom',
    options: () => ({ indexes: [PypiIndex.pypi({ environment: 'release' }), PypiIndex.custom({ name: 'internal', uploadUrl: 'https://upload.pkg.example.com/legacy/' })] }),
  },
];
const TRIGGERS: Array<{ label: string; triggers?: PypiReleaseTriggers }> = [
  { label: 'tags (default)' },
  { label: 'release + dispatch', triggers: { versionTags: false, githubRelease: true, manualDispatch: true } },
  { label: 'all', triggers: { githubRelease: true, manualDispatch: true } },
  { label: 'custom tags', triggers: { tagPatterns: ['release-[0-9]+*'] } },
];

/** Why a combination cannot work, or undefined when it must synthesize. */
function expectedRefusal(flavour: PythonFlavour, build: string, upload: string, versionFromTag: boolean): RegExp | undefined {
  if (upload === 'FLIT') return /Uploader\.FLIT cannot upload the files the build job made/;
  if (build === 'POETRY' && flavour !== 'poetry') return /BuildTool\.POETRY builds poetry projects only/;
  if (flavour === 'pip' && ['HATCH', 'PDM', 'FLIT', 'MATURIN'].includes(build)) return new RegExp(`BuildTool\\.${build} needs a pyproject.toml`);
  if (versionFromTag && flavour === 'pip') return /versionFromTag cannot work here: the project keeps its version in setup\.py/;
  return undefined;
}

/** The vendored steps' form: `$/` (the default) in most cells, the checkout form in every third. */
const FORMS: Array<{ label: string; vendoredSteps?: VendoredStepsReference }> = [
  { label: '$/ (default)' },
  { label: '$/ (default)' },
  { label: 'checkout form', vendoredSteps: VendoredStepsReference.CHECKOUT },
];

const CELLS = FLAVOURS.flatMap((flavour) => BUILD_TOOLS.flatMap(([build]) => UPLOADERS.map(([upload]) => ({ flavour, build, upload }))))
  .map((cell, i) => ({
    ...cell,
    indexes: INDEX_SETS[i % INDEX_SETS.length],
    triggers: TRIGGERS[Math.floor(i / 2) % TRIGGERS.length],
    form: FORMS[Math.floor(i / 5) % FORMS.length],
    versionFromTag: i % 3 === 0,
    cell: i,
  }));

/** Every cell's workflow, for one zizmor run per persona after the last cell. */
const SYNTHESIZED: Record<string, string> = {};

describe.each(CELLS)('$flavour project, BuildTool.$build, Uploader.$upload, $indexes.label, $triggers.label, $form.label, versionFromTag: $versionFromTag', ({ flavour, build, upload, indexes, triggers, form, versionFromTag, cell }) => {
  const refusal = expectedRefusal(flavour, build, upload, versionFromTag);
  const make = () => {
    const project = pythonProject(flavour);
    const release = new PypiRelease(project, {
      buildTool: BUILD_TOOLS.find(([n]) => n === build)![1],
      uploader: UPLOADERS.find(([n]) => n === upload)![1],
      triggers: triggers.triggers,
      vendoredSteps: form.vendoredSteps,
      versionFromTag,
      ...indexes.options(),
    });
    return { project, release };
  };

  if (refusal) {
    test('is refused at synth with a message that says why and what works', () => {
      expect(make).toThrow(refusal);
      expect(make).toThrow(/use (BuildTool|Uploader)\.|create the project with uv: true or poetry: true/);
    });
    return;
  }

  test('keeps every invariant and passes actionlint and shellcheck', async () => {
    const { project, release } = make();
    const result = synth(project);
    const wf = workflowAt(result, '.github/workflows/release.yml');
    SYNTHESIZED[`cell-${cell}-${flavour}-${build}-${upload}.yml`.toLowerCase()] = wf.text;
    // the pull-request checks workflow that comes with it is a GitHub workflow too
    SYNTHESIZED[`cell-${cell}-${flavour}-${build}-${upload}-checks.yml`.toLowerCase()] = String(result.files['.github/workflows/release-checks.yml']);
    expect(releaseWorkflowViolations(wf.path, wf.text, wf.doc)).toEqual([]);
    expect(await actionlintFindings(wf.text, wf.path)).toEqual([]);
    expect(shellcheckFindings(runBlocks(wf.path, wf.doc))).toEqual([]);
    // one publish job per index, in order, TestPyPI gating PyPI when asked
    const publishJobs = Object.keys(wf.doc.jobs).filter((id) => id.startsWith('publish_'));
    expect(publishJobs).toEqual(release.indexes.map((i) => `publish_${i.name}`));
    if (indexes.label === 'TestPyPI then PyPI') {
      expect(wf.doc.jobs.publish_pypi.needs).toEqual(['build', 'publish_testpypi']);
    } else {
      for (const id of publishJobs) expect(wf.doc.jobs[id].needs).toEqual('build');
    }
    // the shipped action comes along
    expect(result.files['.github/actions/pypi-mint/action.yml']).toBeDefined();
    expect(result.files['.github/actions/pypi-mint/index.cjs']).toBeDefined();
    expect(wf.doc.jobs.build.steps!.some((step) => step.id === 'stamp_version')).toBe(versionFromTag);
  });
});

// after every cell above (jest runs a file's tests in order): one zizmor run over all of them per persona
describe('zizmor over every cell of the matrix', () => {
  test.each(['regular', 'pedantic'] as const)('the %s persona finds nothing (or only what carries an inline ignore and its reason)', (persona) => {
    const synthesized = Object.keys(SYNTHESIZED).length;
    expect(synthesized).toBe(2 * CELLS.filter((c) => !expectedRefusal(c.flavour, c.build, c.upload, c.versionFromTag)).length);
    expect(zizmorFindings(SYNTHESIZED, persona)).toEqual([]);
  });
});
