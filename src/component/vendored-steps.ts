import { github } from 'projen';

/**
 * The oldest Actions runner that resolves GitHub's self-repository form (`uses: $/.github/actions/...`, the workflow's
 * own repository at the running commit).
 */
export const SELF_REPOSITORY_MIN_RUNNER = '2.336.0';

/**
 * How a publish job runs the vendored steps (`.github/actions/pypi-mint/` and `.github/actions/pypi-attest/`).
 */
export enum VendoredStepsReference {
  /**
   * `uses: $/.github/actions/...`: GitHub's self-repository form. The runner fetches the steps from the workflow's own
   * repository at the commit that is running, so the publish job checks nothing out for them (and needs no
   * `contents: read` for them): the steps that run are exactly those of the released commit. Needs GitHub.com, or
   * self-hosted runners 2.336.0 or newer.
   */
  SELF_REPOSITORY = 'self-repository',

  /**
   * `uses: ./.github/actions/...` after a sparse `actions/checkout` of the steps' directories (no credentials kept),
   * with `contents: read`: for GitHub Enterprise Server versions and self-hosted runners older than 2.336.0, which do
   * not know the `$/` form.
   */
  CHECKOUT = 'checkout',
}

/** The `uses:` of a vendored step in the given form. */
export function vendoredStepUses(dir: string, form: VendoredStepsReference): string {
  return form === VendoredStepsReference.CHECKOUT ? `./${dir}` : `$/${dir}`;
}

/**
 * Checks out only the given paths of the repository (sparse, patterns), without persisting the job's GITHUB_TOKEN.
 * Runs before the artifact download, because checkout empties a workspace that is not yet a git checkout.
 */
export function sparseCheckoutStep(name: string, paths: string[]): github.workflows.JobStep {
  return {
    name,
    id: 'checkout',
    uses: github.ActionRefs.ACTIONS_CHECKOUT,
    with: {
      'persist-credentials': false,
      'sparse-checkout': paths.join('\n'),
      'sparse-checkout-cone-mode': false,
    },
  };
}

/** What the publish jobs need of the runner, for the workflow header and the synth log. */
export function vendoredStepsGuide(form: VendoredStepsReference, option: string): string[] {
  if (form === VendoredStepsReference.CHECKOUT) {
    return [
      'The publish jobs check the vendored steps (.github/actions/pypi-mint, pypi-attest, pypi-tools) out and run them as ./.github/actions/...',
      `(${option}: VendoredStepsReference.CHECKOUT). Runners ${SELF_REPOSITORY_MIN_RUNNER} or newer on GitHub.com can run them as $/.github/actions/...`,
      'with no checkout in the job that holds id-token: write: VendoredStepsReference.SELF_REPOSITORY, the default.',
    ];
  }
  return [
    'The publish jobs run the vendored steps as $/.github/actions/... (GitHub\'s self-repository form: the released commit\'s',
    `own files, no checkout). It needs GitHub.com or self-hosted runners ${SELF_REPOSITORY_MIN_RUNNER} or newer; on GitHub Enterprise Server`,
    `or older runners set ${option}: VendoredStepsReference.CHECKOUT.`,
  ];
}

/**
 * In the checkout form, zizmor's self-repository audit asks for `$/`: each `./` reference carries the inline ignore
 * and the reason (the option chose runners that lack the form).
 */
export function checkoutFormIgnores(form: VendoredStepsReference): (yamlText: string) => string {
  if (form !== VendoredStepsReference.CHECKOUT) return (yamlText) => yamlText;
  const reason = `VendoredStepsReference.CHECKOUT: for runners without $/ (GitHub Enterprise Server, self-hosted older than ${SELF_REPOSITORY_MIN_RUNNER})`;
  return (yamlText) => yamlText.replace(/^(\s*(?:- )?uses: \.\/\.github\/actions\/pypi-(?:mint|attest|tools))$/gm, `$1 # zizmor: ignore[self-repository] ${reason}`);
}
