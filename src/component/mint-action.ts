import { join } from 'path';
import { Component, Project, github } from 'projen';
import { PypiMintActionError } from './errors';
import { PACKAGE_ROOT, withoutHeaderComment, writeShippedAction } from './shipped-file';
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
    writeShippedAction(project, {
      directory: MINT_ACTION_DIR,
      actionYmlSource: ACTION_YML_SOURCE,
      bundleSource: BUNDLE_SOURCE,
      actionYml: shippedActionYml,
      missing: (path) => new PypiMintActionError(`the mint action is missing at ${path}; this package was built without it (run "npx projen bundle:action" in projen-pypi-mint)`),
    });
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
  return withoutHeaderComment(rootActionYml.replace(ROOT_RUNS_MAIN, '  main: index.cjs'));
}
