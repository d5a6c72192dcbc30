import { github } from 'projen';

/** Where the shipped action lives in a user's repository. */
export const MINT_ACTION_DIR = '.github/actions/pypi-mint';

/** The step output expression that carries the minted token to the upload step's `env:`. */
export const MINTED_TOKEN = '${{ steps.mint.outputs.api-token }}';

/**
 * Check out only the action (and, when the uploader needs them, the project's metadata files), without
 * persisting the job's GITHUB_TOKEN. Runs before the artifact download, because checkout empties a workspace
 * that is not yet a git checkout.
 */
export function checkoutMintActionStep(extraPaths: string[] = []): github.workflows.JobStep {
  return {
    name: 'Check out the mint action',
    id: 'checkout_mint_action',
    uses: github.ActionRefs.ACTIONS_CHECKOUT,
    with: {
      'persist-credentials': false,
      'sparse-checkout': [`/${MINT_ACTION_DIR}/`, ...extraPaths].join('\n'),
      'sparse-checkout-cone-mode': false,
    },
  };
}

/** The mint step: its `api-token` output is masked and reaches only the step that references it. */
export function mintStep(indexUrl: string): github.workflows.JobStep {
  return {
    name: 'Mint a short-lived PyPI token',
    id: 'mint',
    uses: `./${MINT_ACTION_DIR}`,
    with: { 'index-url': indexUrl },
  };
}
