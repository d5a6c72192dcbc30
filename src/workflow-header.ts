import { github } from 'projen';
import { SETUP_UV_ACTION } from './pins';

/**
 * The release each SHA pin stands for, written as a `# vX.Y.Z` comment after the `uses:` line (what zizmor and
 * Dependabot read). A SHA re-pinned by the user through `github.actions.set` is not in this table and gets no
 * comment rather than a wrong one.
 */
const PIN_VERSIONS: Record<string, string> = {
  [github.ActionRefs.ACTIONS_CHECKOUT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_UPLOAD_ARTIFACT]: 'v7.0.1',
  [github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT]: 'v8.0.1',
  [SETUP_UV_ACTION]: 'v8.1.0',
};

/**
 * Puts comment lines right after projen's marker line of a workflow file, and version comments after known SHA
 * pins. projen's YamlFile has no comment API (it renders from JSON), so this wraps the file's own rendering and
 * leaves everything else untouched.
 */
export function prependHeaderComment(workflow: github.GithubWorkflow, lines: string[]): void {
  const file = workflow.file;
  if (!file) return;
  const renderable = file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const render = renderable.synthesizeContent.bind(file);
  const comment = lines.map((l) => (l ? `# ${l}` : '#')).join('\n');
  renderable.synthesizeContent = (resolver: unknown) => {
    const text = render(resolver);
    if (text === undefined) return undefined;
    const markerEnd = text.startsWith('# ') ? text.indexOf('\n') + 1 : 0;
    return annotatePins(permissionsFirst(`${text.slice(0, markerEnd)}${comment}\n${text.slice(markerEnd)}`));
  };
}

/**
 * projen's JSON patch appends the top-level `permissions: {}` after the jobs; readers (and reviewers) look for it
 * before them.
 */
function permissionsFirst(yamlText: string): string {
  const line = 'permissions: {}\n';
  if (!yamlText.endsWith(`\n${line}`) || !yamlText.includes('\njobs:\n')) return yamlText;
  return yamlText.slice(0, -line.length).replace('\njobs:\n', `\n${line}jobs:\n`);
}

/**
 * Appends `# vX.Y.Z` to every `uses:` line whose full pin is in the table, and says why a job holds
 * `id-token: write` (zizmor's undocumented-permissions).
 */
export function annotatePins(yamlText: string): string {
  return yamlText.replace(/^(\s*id-token: write)$/gm, '$1 # trusted publishing: the mint step exchanges the job\'s OIDC token').replace(/^(\s*(?:- )?uses: )(\S+@[0-9a-f]{40})$/gm, (line, _prefix: string, ref: string) => {
    const version = PIN_VERSIONS[ref];
    return version ? `${line} # ${version}` : line;
  });
}
