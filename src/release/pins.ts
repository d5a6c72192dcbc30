import { github } from 'projen';

/**
 * Versions the generated workflows pin. One place, so a bump is one commit and the tests see it.
 *
 * Actions go through projen's `github.actions` provider when the workflow renders, so a user can re-pin any of
 * them globally with `project.github.actions.set('astral-sh/setup-uv', 'astral-sh/setup-uv@<sha>')`.
 */

/** astral-sh/setup-uv v8.1.0: installs the pinned uv and puts `uv tool` binaries on PATH. */
export const SETUP_UV_ACTION = 'astral-sh/setup-uv@08807647e7069bb48b6ef5acd8ec9567f424441b';

/** actions/setup-node v7.0.0 by commit (projen's ActionRefs names it by tag): the retrofit's packaging job. */
export const SETUP_NODE_ACTION = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';
/** actions/setup-python v7.0.0 by commit (projen's ActionRefs names it by tag): the retrofit's packaging job. */
export const SETUP_PYTHON_ACTION = 'actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97';

/**
 * The release each SHA pin stands for, written as a `# vX.Y.Z` comment after the `uses:` line (what zizmor and
 * Dependabot read). projen pins actions/* itself (github.ActionRefs); a SHA re-pinned by the user through
 * `github.actions.set` is not in this table and gets no comment rather than a wrong one.
 */
export const PIN_VERSIONS: Readonly<Record<string, string>> = {
  [github.ActionRefs.ACTIONS_CHECKOUT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_UPLOAD_ARTIFACT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT]: 'v8.0.1',
  [SETUP_UV_ACTION]: 'v8.1.0',
  [SETUP_NODE_ACTION]: 'v7.0.0',
  [SETUP_PYTHON_ACTION]: 'v7.0.0',
};

/** The Python tools the build and publish jobs install, each at an exact version. */
export const TOOL_VERSIONS = {
  uv: '0.13.8',
  build: '1.6.1',
  twine: '7.0.0',
  poetry: '2.5.1',
  hatch: '1.18.2',
  pdm: '2.29.4',
  flit: '4.2.0',
  maturin: '1.16.0',
} as const;

export type PinnedTool = keyof typeof TOOL_VERSIONS;

/** `tool==version`, the argument `uv tool install` takes. */
export function pinnedRequirement(tool: PinnedTool): string {
  return `${tool}==${TOOL_VERSIONS[tool]}`;
}

/**
 * Dependencies a tool must be installed with at an exact version, because the tool's own bounds admit a release that
 * breaks it. pdm 2.29.4 asks for `hishel>=1.4.0`; hishel 2.0.0 removed the `SyncSqliteStorage` pdm uses, so every
 * `pdm publish` would end in an AttributeError. 1.4.0 is the hishel pdm's own `locked` extra names.
 */
export const TOOL_COMPANIONS: Readonly<Partial<Record<PinnedTool, readonly string[]>>> = {
  pdm: ['hishel==1.4.0'],
};

/** `uv tool install 'twine==7.0.0'`: how a job installs a pinned tool (uv itself comes from setup-uv). */
export function uvToolInstallCommand(tool: PinnedTool): string {
  const companions = (TOOL_COMPANIONS[tool] ?? []).map((r) => ` --with '${r}'`).join('');
  return `uv tool install '${pinnedRequirement(tool)}'${companions}`;
}
