/**
 * The action's public contract (inputs, outputs, runtime) as data. The root `action.yml` is checked against it by a
 * test, and the projen component can write the same text into users' `.github/actions/pypi-mint/action.yml`.
 * No imports: anything may read this file.
 */

export interface ActionParameter {
  readonly description: string;
  readonly required?: boolean;
  readonly default?: string;
}

export const ACTION_NAME = 'PyPI trusted publishing token mint';

export const ACTION_DESCRIPTION =
  'Exchange the job\'s GitHub OIDC identity for a short-lived (15 min), project-scoped PyPI upload token, ' +
  'for any uploader (twine, uv, poetry, hatch, pdm, flit, maturin). Needs `permissions: id-token: write`.';

export const ACTION_INPUTS: Readonly<Record<'index-url' | 'audience' | 'export-env', ActionParameter>> = {
  'index-url': {
    description: 'Upload URL (https://upload.pypi.org/legacy/, https://test.pypi.org/legacy/) or index root of the ' +
      'index to mint for. https only, except loopback hosts.',
    required: false,
    default: 'https://upload.pypi.org/legacy/',
  },
  'audience': {
    description: 'OIDC audience to request (pypi, testpypi). Empty: ask the index (GET /_/oidc/audience).',
    required: false,
    default: '',
  },
  'export-env': {
    description: 'Comma separated tools whose environment variables are also written to GITHUB_ENV, visible to every ' +
      'later step of the job: twine, uv, poetry (or poetry:<repository>), hatch, pdm, flit, maturin. Empty: only the ' +
      'step outputs (safer).',
    required: false,
    default: '',
  },
};

export const ACTION_OUTPUTS: Readonly<Record<'api-token' | 'expires', { readonly description: string }>> = {
  'api-token': { description: 'The minted PyPI token (masked in logs). Pass it to the upload step\'s env only.' },
  'expires': { description: 'When the token expires, in unix seconds.' },
};

export const ACTION_RUNS = { using: 'node24', main: 'action/index.cjs' } as const;

export const ACTION_BRANDING = { icon: 'upload-cloud', color: 'blue' } as const;
