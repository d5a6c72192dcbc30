/**
 * PyPI's "add a trusted publisher" form for GitHub: the four fields it asks for (in the form's order and with its
 * labels) and the two pages that have it. warehouse: `warehouse/oidc/forms/github.py` and the routes
 * `manage.project.settings.publishing` and `manage.account.publishing`.
 */

/** The values of one GitHub trusted publisher. `undefined` when not known (e.g. before any OIDC token). */
export interface PublisherFormValues {
  /** GitHub owner (user or organisation) of the repository. */
  readonly owner?: string;
  /** Repository name, without the owner. */
  readonly repositoryName?: string;
  /** File name of the workflow in `.github/workflows/`, e.g. "release.yml". */
  readonly workflowFileName?: string;
  /** GitHub environment name; the form's only optional field (empty accepts any environment). */
  readonly environment?: string;
}

/** The form's field labels, in the form's order. */
export const PUBLISHER_FORM_LABELS = {
  owner: 'Owner',
  repositoryName: 'Repository name',
  workflowFileName: 'Workflow name',
  environment: 'Environment name',
} as const;

/** One field of the form: its label and the value to enter. */
export type PublisherFormField = readonly [label: string, value: string | undefined];

/** The four fields with their values, in the form's order. */
export function publisherFormFields(values: PublisherFormValues): PublisherFormField[] {
  return [
    [PUBLISHER_FORM_LABELS.owner, values.owner],
    [PUBLISHER_FORM_LABELS.repositoryName, values.repositoryName],
    [PUBLISHER_FORM_LABELS.workflowFileName, values.workflowFileName],
    [PUBLISHER_FORM_LABELS.environment, values.environment],
  ];
}

/** "owner/name" split at the first "/": what the form asks for as Owner and Repository name. */
export function splitRepository(repository: string): { owner?: string; repositoryName: string } {
  const slash = repository.indexOf('/');
  return slash < 0 ? { repositoryName: repository } : { owner: repository.slice(0, slash), repositoryName: repository.slice(slash + 1) };
}

/** A project's page on the index (`webRoot` without a trailing slash). */
export function projectPageUrl(webRoot: string, projectName: string): string {
  return `${webRoot}/p/${projectName}`;
}

/** Where an existing project's trusted publishers are managed. */
export function projectPublishingUrl(webRoot: string, projectName: string): string {
  return `${webRoot}/manage/project/${projectName}/settings/publishing/`;
}

/** Where a pending publisher is added, for a project that does not exist on the index yet. */
export function pendingPublisherUrl(webRoot: string): string {
  return `${webRoot}/manage/account/publishing/`;
}
