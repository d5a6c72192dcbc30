import { join } from 'path';
import { Component, Project, github } from 'projen';
import { PypiMintActionError } from './errors';
import { PinnedTool, toolRequirementsFile } from './pins';
import { PACKAGE_ROOT, Sha256File, ShippedFile } from './shipped-file';
import { VendoredStepsReference, vendoredStepUses } from './vendored-steps';

/** Where the shipped action lives in a user's repository. */
export const MINT_ACTION_DIR = '.github/actions/pypi-mint';

/** The step output expression that carries the minted token to the upload step's `env:`. */
export const MINTED_TOKEN = '${{ steps.mint.outputs.api-token }}';

/**
 * The mint step: its `api-token` output is masked and reaches only the step that references it. `audience` only when
 * given (a custom index that announces `pypi` or `testpypi`); otherwise the step knows PyPI's and asks any other index.
 */
export function mintStep(indexUrl: string, audience: string | undefined, form: VendoredStepsReference): github.workflows.JobStep {
  return {
    name: 'Mint a short-lived PyPI token',
    id: 'mint',
    uses: vendoredStepUses(MINT_ACTION_DIR, form),
    with: { 'index-url': indexUrl, ...(audience === undefined ? {} : { audience }) },
  };
}

/**
 * This package's action: the root `action.yml` (the one contract, also what `uses: <owner>/projen-pypi-mint@<sha>`
 * runs) and its bundle, at the package root.
 */
const ACTION_YML_SOURCE = join(PACKAGE_ROOT, 'action.yml');
const BUNDLE_SOURCE = join(PACKAGE_ROOT, 'action', 'index.cjs');
/** The root action.yml runs `action/index.cjs`; the copy sits next to its bundle. */
const ROOT_RUNS_MAIN = /^  main: action\/index\.cjs$/m;

/**
 * Writes the mint action into the repository at `.github/actions/pypi-mint/` (action.yml + the bundled
 * index.cjs) as projen-managed files: read-only, marked generated, tracked, removed when the component goes away.
 * PypiRelease and PypiPublishRetrofit add it; use `PypiMintAction.of(project)` to find it.
 */
export class PypiMintAction extends Component {
  /** The mint action component of the project's root, if one was added. */
  public static of(project: Project): PypiMintAction | undefined {
    return project.root.components.find((c): c is PypiMintAction => c instanceof PypiMintAction);
  }

  /** Adds the mint action to the project's root unless it is there already. */
  public static ensure(project: Project): PypiMintAction {
    return PypiMintAction.of(project) ?? new PypiMintAction(project.root);
  }

  /** Path of the action's directory, relative to the repository root. */
  public readonly directory: string = MINT_ACTION_DIR;

  public constructor(project: Project) {
    super(project, 'PypiMintAction');
    if (project.parent) {
      throw new PypiMintActionError('add it to the root project (workflows and actions live at the repository root)');
    }
    const missing = (path: string) => new PypiMintActionError(`the mint action is missing at ${path}; this package was built without it (run "npx projen bundle:action" in projen-pypi-mint)`);
    new ShippedFile(project, `${MINT_ACTION_DIR}/action.yml`, ACTION_YML_SOURCE, '#', shippedActionYml, missing);
    const bundle = new ShippedFile(project, `${MINT_ACTION_DIR}/index.cjs`, BUNDLE_SOURCE, '//', (body) => body, missing);
    new Sha256File(project, `${MINT_ACTION_DIR}/index.cjs.sha256`, bundle, 'index.cjs');
  }
}

/**
 * The root action.yml with `runs.main` pointed at the copied bundle and its header comment (which is about this
 * repository) left out: the same inputs, outputs and runtime, from the one source.
 */
function shippedActionYml(rootActionYml: string): string {
  if (!ROOT_RUNS_MAIN.test(rootActionYml)) {
    throw new PypiMintActionError(`${ACTION_YML_SOURCE} does not run action/index.cjs; this package is broken`);
  }
  const lines = rootActionYml.replace(ROOT_RUNS_MAIN, '  main: index.cjs').split('\n');
  const firstKey = lines.findIndex((line) => line !== '' && !line.startsWith('#'));
  return lines.slice(firstKey).join('\n');
}

/** Where a job finds a pinned tool's locked set: next to the action (a publish job that installs one checks it out). */
export function vendoredRequirementsPath(tool: PinnedTool): string {
  return `${MINT_ACTION_DIR}/requirements/${tool}.txt`;
}

/**
 * Writes the locked set of a tool the workflow installs into the repository (a projen-managed copy of the one this
 * package ships, like the action), once per tool.
 */
export function vendorToolRequirements(project: Project, tool: PinnedTool): void {
  const path = vendoredRequirementsPath(tool);
  if (project.root.tryFindFile(path) === undefined) {
    new ShippedFile(project.root, path, join(PACKAGE_ROOT, toolRequirementsFile(tool)), '#', (body) => body,
      (source) => new PypiMintActionError(`the locked set of ${tool} is missing at ${source}; this package is broken`));
  }
}
