/**
 * GitLab CI/CD as a trusted publisher: the facts the component (which writes `.gitlab-ci.yml`) and the shipped steps
 * (which run in its jobs) share. warehouse: `warehouse/oidc/models/gitlab.py` (matching) and
 * `warehouse/oidc/forms/gitlab.py` (the form); GitLab: https://docs.gitlab.com/ci/secrets/id_token_authentication/.
 */

/** The issuer PyPI trusts for GitLab (gitlab.com; self-managed instances only as an organisation's custom issuer). */
export const GITLAB_ISSUER = 'https://gitlab.com';

/**
 * The job variables the publish job's `id_tokens` fill: GitLab signs one JWT per entry when the job starts (there is
 * no endpoint to ask for another). The steps read them from here.
 */
export const GITLAB_ID_TOKEN_VARIABLES = {
  /** For the index (its audience: `pypi`, `testpypi`, ...): read by the mint step. */
  index: 'PYPI_ID_TOKEN',
  /** Audience `sigstore`: read by the attest step, as sigstore-python reads it too. */
  sigstore: 'SIGSTORE_ID_TOKEN',
} as const;

/**
 * The file the mint step writes in a GitLab job (its path in this variable; the job creates it with `mktemp`): one
 * `export NAME='value'` line per variable the uploader reads, sourced by the upload command and deleted before the
 * upload starts. GitLab has no step outputs, and a dotenv report would carry the token into an artifact.
 */
export const GITLAB_MINT_OUTPUT_VARIABLE = 'PYPI_MINT_OUTPUT';

/** The claims of a GitLab ID token that decide trusted publishing, plus the ones that explain a mismatch. */
export const GITLAB_CLAIMS_THAT_MATTER = [
  'project_path',
  'namespace_path',
  'ci_config_ref_uri',
  'ref_path',
  'sha',
  'environment',
  'pipeline_source',
] as const;

/** PyPI's "add a trusted publisher" form for GitLab: its labels, in the form's order. */
export const GITLAB_PUBLISHER_FORM_LABELS = {
  namespace: 'Namespace',
  project: 'Project name',
  workflowFilepath: 'Top-level pipeline file path',
  environment: 'Environment name',
} as const;

/** The values of one GitLab trusted publisher; `undefined` when not known. */
export interface GitlabPublisherFormValues {
  /** User or group, with subgroups (`group/subgroup`). */
  readonly namespace?: string;
  /** The project's path name, without the namespace. */
  readonly project?: string;
  /** The top-level pipeline file's path in the repository, e.g. `.gitlab-ci.yml`. */
  readonly workflowFilepath?: string;
  /** The job's `environment` (optional on the form: empty accepts any). */
  readonly environment?: string;
}

export function gitlabPublisherFormFields(values: GitlabPublisherFormValues): Array<readonly [string, string | undefined]> {
  return [
    [GITLAB_PUBLISHER_FORM_LABELS.namespace, values.namespace],
    [GITLAB_PUBLISHER_FORM_LABELS.project, values.project],
    [GITLAB_PUBLISHER_FORM_LABELS.workflowFilepath, values.workflowFilepath],
    [GITLAB_PUBLISHER_FORM_LABELS.environment, values.environment],
  ];
}

/** `project_path` split as PyPI splits it: at its last `/`. */
export function splitProjectPath(projectPath: string): { namespace?: string; project: string } {
  const slash = projectPath.lastIndexOf('/');
  return slash < 0 ? { project: projectPath } : { namespace: projectPath.slice(0, slash), project: projectPath.slice(slash + 1) };
}

/** The pipeline file PyPI matches on: the part of `ci_config_ref_uri` after `//` and before `@` (warehouse's regex). */
export function pipelineFilepath(ciConfigRefUri: string | undefined): string | undefined {
  return ciConfigRefUri ? /(?<=\/\/)(.*[^/]\.(yml|yaml))(?=@)/.exec(ciConfigRefUri)?.[0] : undefined;
}

/** The form's values for the job these claims describe. */
export function gitlabPublisherFromClaims(claim: (name: string) => string | undefined): GitlabPublisherFormValues {
  const path = claim('project_path');
  const split = path === undefined ? undefined : splitProjectPath(path);
  return {
    namespace: split?.namespace,
    project: split?.project,
    workflowFilepath: pipelineFilepath(claim('ci_config_ref_uri')),
    environment: claim('environment'),
  };
}

/** warehouse's form rules (`oidc/forms/gitlab.py`), as messages; empty when the values are valid. */
export function gitlabPublisherProblems(values: Required<Omit<GitlabPublisherFormValues, 'environment'>> & { environment?: string }): string[] {
  const out: string[] = [];
  const special = /[._-]{2}/;
  const atomOrGit = (v: string) => /\.(atom|git)$/i.test(v);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-_./+]*[a-zA-Z0-9]$/.test(values.namespace) || special.test(values.namespace) || atomOrGit(values.namespace)) {
    out.push(`namespace "${values.namespace}" is not a GitLab user or group path PyPI accepts (letters, digits, "-", "_", ".", "+" and "/" for subgroups; no two of "._-" in a row; not ending in .git or .atom)`);
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9]$/.test(values.project) || special.test(values.project) || atomOrGit(values.project)) {
    out.push(`project "${values.project}" is not a GitLab project name PyPI accepts (letters, digits, "-", "_" and "."; no two of "._-" in a row; not ending in .git or .atom)`);
  }
  if (!/\.ya?ml$/.test(values.workflowFilepath) || values.workflowFilepath.startsWith('/') || values.workflowFilepath.endsWith('/')) {
    out.push(`pipeline file path "${values.workflowFilepath}" must end in .yml or .yaml and not start or end with "/" (PyPI's rule)`);
  }
  if (values.environment !== undefined && !/^[a-zA-Z0-9\-_/${} ]+$/.test(values.environment)) {
    out.push(`environment "${values.environment}" may contain only letters, digits, spaces and - _ / $ { } (PyPI's rule for GitLab)`);
  }
  return out;
}
