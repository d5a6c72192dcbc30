import { github } from 'projen';
import { PIN_VERSIONS } from './pins';

/** One edit of a rendered workflow file's YAML text. */
export type WorkflowYamlEdit = (yamlText: string) => string;

/**
 * Applies edits to the workflow file's rendered YAML, in order. projen's YamlFile has no comment API (it renders
 * from JSON), so this wraps the file's own rendering and leaves everything else untouched.
 */
export function editRenderedWorkflow(workflow: github.GithubWorkflow, ...edits: WorkflowYamlEdit[]): void {
  const file = workflow.file;
  if (!file) return;
  const renderable = file as unknown as { synthesizeContent(resolver: unknown): string | undefined };
  const render = renderable.synthesizeContent.bind(file);
  renderable.synthesizeContent = (resolver: unknown) => {
    const text = render(resolver);
    return text === undefined ? undefined : edits.reduce((yamlText, edit) => edit(yamlText), text);
  };
}

/** Puts comment lines right after projen's marker line (or first, when there is none). */
export function headerComment(lines: string[]): WorkflowYamlEdit {
  const comment = lines.map((l) => (l ? `# ${l}` : '#')).join('\n');
  return (text) => {
    const markerEnd = text.startsWith('# ') ? text.indexOf('\n') + 1 : 0;
    return `${text.slice(0, markerEnd)}${comment}\n${text.slice(markerEnd)}`;
  };
}

/**
 * projen's JSON patch appends the top-level `permissions: {}` after the jobs; readers (and reviewers) look for it
 * before them.
 */
export function permissionsFirst(yamlText: string): string {
  const line = 'permissions: {}\n';
  if (!yamlText.endsWith(`\n${line}`) || !yamlText.includes('\njobs:\n')) return yamlText;
  return yamlText.slice(0, -line.length).replace('\njobs:\n', `\n${line}jobs:\n`);
}

/**
 * Appends `# vX.Y.Z` to every `uses:` line whose full pin is in PIN_VERSIONS, and says why a job holds
 * `id-token: write` (zizmor's undocumented-permissions).
 */
export function annotatePins(yamlText: string): string {
  return yamlText.replace(/^(\s*id-token: write)$/gm, '$1 # trusted publishing: the mint step exchanges the job\'s OIDC token').replace(/^(\s*(?:- )?uses: )(\S+@[0-9a-f]{40})$/gm, (line, _prefix: string, ref: string) => {
    const version = PIN_VERSIONS[ref];
    return version ? `${line} # ${version}` : line;
  });
}

/** Why a job holds a write permission, by job id and permission (`contents`, `id-token`, ...). */
export type PermissionReasons = Record<string, Record<string, string>>;

/**
 * Appends the reason to each `<permission>: write` line of the jobs named in `reasons` (zizmor's
 * undocumented-permissions); a write permission without a reason gets `fallback`'s, or stays as it is.
 */
export function documentPermissions(reasons: PermissionReasons, fallback?: (jobId: string, permission: string) => string): WorkflowYamlEdit {
  return (yamlText) => {
    let inJobs = false;
    let job: string | undefined;
    return yamlText.split('\n').map((line) => {
      if (/^\S/.test(line)) {
        inJobs = line === 'jobs:';
        job = undefined;
        return line;
      }
      const jobHeader = inJobs ? /^ {2}([A-Za-z0-9_-]+):$/.exec(line) : null;
      if (jobHeader) {
        job = jobHeader[1];
        return line;
      }
      const permission = job !== undefined ? /^ {6}([a-z-]+): write$/.exec(line) : null;
      if (!permission || job === undefined) return line;
      const reason = reasons[job]?.[permission[1]] ?? fallback?.(job, permission[1]);
      return reason ? `${line} # ${reason}` : line;
    }).join('\n');
  };
}
