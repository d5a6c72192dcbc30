import { FileBase, IResolver, Project, github } from 'projen';
import { PinnedTool, TOOLS_ACTION_DIR, TOOL_COMMANDS, TOOL_VERSIONS, vendorToolRequirements, vendoredRequirementsPath } from './pins';
import { VendoredStepsReference, vendoredStepUses } from './vendored-steps';

/**
 * The vendored composite action that installs the pinned Python tools in a job: uv with the runner's own pip, then
 * every other tool with that uv, each from its hash-locked set in the action's own `requirements/` (every file
 * checked against its sha256, wheels only), into `$RUNNER_TEMP`, with only the tools' commands put on PATH. No
 * third-party action, no download without a checksum, and no checkout: run as `$/.github/actions/pypi-tools` the
 * runner fetches it (and its locked sets) from the released commit.
 */
export { TOOLS_ACTION_DIR, vendoredRequirementsPath };

/** The step id of the install in every generated job. */
export const INSTALL_TOOLS_STEP_ID = 'install_tools';

/**
 * The step that installs uv and `tools` (uv first: it installs the others). The names reach the action's shell only
 * through its `env:`; the action refuses one it has no locked set for.
 */
export function installToolsStep(tools: readonly PinnedTool[], form: VendoredStepsReference): github.workflows.JobStep {
  const others = [...new Set(tools.filter((t) => t !== 'uv'))];
  return {
    name: `Install ${['uv', ...others].join(', ')} (hash-locked)`,
    id: INSTALL_TOOLS_STEP_ID,
    uses: vendoredStepUses(TOOLS_ACTION_DIR, form),
    ...(others.length > 0 ? { with: { tools: others.join(' ') } } : {}),
  };
}

/** The action's shell: validate every name first, install uv with pip, the rest with that uv, one bin/ on PATH. */
export function toolsActionScript(): string {
  const known = Object.keys(TOOL_COMMANDS) as PinnedTool[];
  const links = known.filter((t) => t !== 'uv')
    .map((t) => `    ${t}) commands="${TOOL_COMMANDS[t].join(' ')}" ;;`);
  return [
    'set -f # the names are words, never globs',
    'locks="$GITHUB_ACTION_PATH/requirements"',
    'root="$RUNNER_TEMP/pypi-mint-tools"',
    'for tool in $TOOLS; do',
    '  case "$tool" in',
    `    ${known.join('|')}) ;;`,
    `    *) echo "::error title=pypi-tools::unknown tool '$tool': this action installs ${known.join(', ')}"; exit 1 ;;`,
    '  esac',
    '  if [ ! -f "$locks/$tool.txt" ]; then',
    '    echo "::error title=pypi-tools::no locked set for $tool in $locks (it has: $(cd "$locks" && ls | sed -n \'s/\\.txt$//p\' | tr \'\\n\' \' \')); add the tool to the release component so it vendors the set"',
    '    exit 1',
    '  fi',
    'done',
    '# uv with the runner\'s pip: every file checked against its sha256, wheels only, no pip configuration read; the set',
    '# is complete (uv has no dependencies), so pip resolves nothing',
    'python3 -m pip install --isolated --quiet --disable-pip-version-check --no-input --root-user-action=ignore --require-hashes \\',
    '  --only-binary :all: --no-deps --target "$root/uv" --requirement "$locks/uv.txt"',
    'mkdir -p "$root/bin"',
    'ln -sf "$root/uv/bin/uv" "$root/bin/uv"',
    'ln -sf "$root/uv/bin/uvx" "$root/bin/uvx"',
    '"$root/bin/uv" --version',
    '# every other tool in a fresh virtual environment of its own, by uv, the same checks; only its commands on PATH',
    'for tool in $TOOLS; do',
    '  [ "$tool" = uv ] && continue',
    '  case "$tool" in',
    ...links,
    '  esac',
    '  "$root/bin/uv" venv --no-config --quiet "$root/$tool"',
    '  "$root/bin/uv" pip install --no-config --quiet --python "$root/$tool/bin/python" --require-hashes --only-binary :all: \\',
    '    --requirement "$locks/$tool.txt"',
    '  for command in $commands; do ln -sf "$root/$tool/bin/$command" "$root/bin/$command"; done',
    'done',
    'echo "$root/bin" >> "$GITHUB_PATH"',
  ].join('\n');
}

/** The action.yml. */
export function toolsActionYml(): string {
  const script = toolsActionScript().split('\n').map((l) => (l === '' ? '' : `        ${l}`)).join('\n');
  return [
    'name: pypi-mint tools',
    `description: Installs uv ${TOOL_VERSIONS.uv} and the pinned Python tools from the hash-locked sets next to this file (sha256-checked wheels only) and puts their commands on PATH.`,
    'inputs:',
    '  tools:',
    '    description: The tools to install besides uv, separated by spaces (e.g. "twine"); each needs its locked set in requirements/ next to this file.',
    '    required: false',
    '    default: ""',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - name: Install the pinned tools',
    '      shell: bash',
    '      env:',
    '        TOOLS: ${{ inputs.tools }}',
    // zizmor's github-env: the one line written to GITHUB_PATH is this action's own directory under RUNNER_TEMP
    '      run: | # zizmor: ignore[github-env] GITHUB_PATH gets only $RUNNER_TEMP/pypi-mint-tools/bin, made by this step',
    script,
    '',
  ].join('\n');
}

class ToolsActionYml extends FileBase {
  public constructor(project: Project) {
    super(project, `${TOOLS_ACTION_DIR}/action.yml`, { readonly: true, committed: true });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return `# ${this.marker}\n${toolsActionYml()}`;
  }
}

/**
 * Writes the tools action into the repository (once) and the locked sets of uv and of `tools` next to it (each once),
 * as projen-managed files.
 */
export function vendorToolsAction(project: Project, tools: readonly PinnedTool[]): void {
  const root = project.root;
  if (root.tryFindFile(`${TOOLS_ACTION_DIR}/action.yml`) === undefined) new ToolsActionYml(root);
  for (const tool of ['uv' as const, ...tools]) vendorToolRequirements(root, tool);
}
