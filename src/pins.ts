/**
 * Versions the generated workflows pin. One place, so a bump is one commit and the tests see it.
 *
 * Actions go through projen's `github.actions` provider when the workflow renders, so a user can re-pin any of
 * them globally with `project.github.actions.set('astral-sh/setup-uv', 'astral-sh/setup-uv@<sha>')`.
 */

/** astral-sh/setup-uv v8.1.0: installs the pinned uv and puts `uv tool` binaries on PATH. */
export const SETUP_UV_ACTION = 'astral-sh/setup-uv@08807647e7069bb48b6ef5acd8ec9567f424441b';

/** The Python tools the build and publish jobs install, each at an exact version. */
export const TOOL_VERSIONS = {
  'uv': '0.13.8',
  'build': '1.6.1',
  'twine': '7.0.0',
  'poetry': '2.5.1',
  'hatch': '1.18.2',
  'pdm': '2.29.4',
  'flit': '4.2.0',
  'maturin': '1.16.0',
  /** Verifies PEP 740 attestations as PyPI does (trailofbits/pypi-attestations, on sigstore-python). */
  'pypi-attestations': '0.0.30',
} as const;

export type PinnedTool = keyof typeof TOOL_VERSIONS;

/** `tool==version`, the argument `uv tool install` takes. */
export function pinnedRequirement(tool: PinnedTool): string {
  return `${tool}==${TOOL_VERSIONS[tool]}`;
}

/** Name of the artifact that carries `dist/` from the build job to the publish jobs. */
export const DIST_ARTIFACT = 'python-distributions';
