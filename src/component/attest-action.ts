import { join } from 'path';
import { Component, Project, github } from 'projen';
import { PypiAttestActionError } from './errors';
import { PACKAGE_ROOT, withoutHeaderComment, writeShippedAction } from './shipped-file';
import { VendoredStepsReference, vendoredStepUses } from './vendored-steps';

/** Where the shipped attest action lives in a user's repository. */
export const ATTEST_ACTION_DIR = '.github/actions/pypi-attest';

/** The attest step's output: 'true' when every distribution has its attestation. */
export const ATTESTED = '${{ steps.attest.outputs.attested }}';

/**
 * The attest step: signs every file in `packagesDir` with Sigstore (a Fulcio certificate for the job's OIDC identity,
 * a Rekor entry) and writes PEP 740 `<file>.publish.attestation` files next to them for the uploader. It runs
 * after the download and before the mint, in every publish job, so each job attests its own download.
 */
export function attestStep(packagesDir: string, continueWithoutAttestations: boolean, form: VendoredStepsReference): github.workflows.JobStep {
  return {
    name: 'Sign the distributions (PEP 740 attestations)',
    id: 'attest',
    uses: vendoredStepUses(ATTEST_ACTION_DIR, form),
    with: {
      'packages-dir': packagesDir,
      ...(continueWithoutAttestations ? { 'continue-without-attestations': true } : {}),
    },
  };
}

/** This package's attest action: `attest/action.yml` and its bundle, at the package root. */
const ATTEST_SOURCE_DIR = join(PACKAGE_ROOT, 'attest');
const RUNS_MAIN = /^  main: index\.cjs$/m;

/**
 * Writes the attest action into the repository at `.github/actions/pypi-attest/` (action.yml + the bundled
 * index.cjs) as projen-managed files, like PypiMintAction. PypiRelease (with attestations) and PypiPublishRetrofit
 * add it; use `PypiAttestAction.of(project)` to find it.
 */
export class PypiAttestAction extends Component {
  /** The attest action component of the project's root, if one was added. */
  public static of(project: Project): PypiAttestAction | undefined {
    return project.root.components.find((c): c is PypiAttestAction => c instanceof PypiAttestAction);
  }

  /** Adds the attest action to the project's root unless it is there already. */
  public static ensure(project: Project): PypiAttestAction {
    return PypiAttestAction.of(project) ?? new PypiAttestAction(project.root);
  }

  /** Path of the action's directory, relative to the repository root. */
  public readonly directory: string = ATTEST_ACTION_DIR;

  public constructor(project: Project) {
    super(project, 'PypiAttestAction');
    if (project.parent) {
      throw new PypiAttestActionError('add it to the root project (workflows and actions live at the repository root)');
    }
    writeShippedAction(project, {
      directory: ATTEST_ACTION_DIR,
      actionYmlSource: join(ATTEST_SOURCE_DIR, 'action.yml'),
      bundleSource: join(ATTEST_SOURCE_DIR, 'index.cjs'),
      actionYml: shippedActionYml,
      missing: (path) => new PypiAttestActionError(`the attest action is missing at ${path}; this package was built without it (run "npx projen bundle:attest" in projen-pypi-mint)`),
    });
  }
}

/** attest/action.yml without its header comment (which is about this repository); it already runs its sibling bundle. */
function shippedActionYml(source: string): string {
  if (!RUNS_MAIN.test(source)) throw new PypiAttestActionError('attest/action.yml does not run index.cjs; this package is broken');
  return withoutHeaderComment(source);
}
