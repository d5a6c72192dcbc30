/**
 * The trusted publisher each publish job needs on its index: the values (the four fields of PyPI's form, from
 * src/pypi/publisher-form.ts), PyPI's rules for them, and the guide that tells users what to enter. warehouse
 * validates the same values in `warehouse/oidc/forms/github.py`.
 */
import { ConfigErrorClass, PypiReleaseConfigError } from './errors';
import { publisherFormFields } from '../pypi';

/**
 * What to enter on an index so that it trusts one publish job of the generated workflow.
 */
export interface TrustedPublisher {
  /** The index these settings are for, e.g. "PyPI" or "TestPyPI". */
  readonly indexName: string;
  /** The distribution (project) name on the index. */
  readonly distributionName: string;
  /** GitHub owner (user or organisation) of the repository. */
  readonly owner: string;
  /** Repository name, without the owner (the form's "Repository name"). */
  readonly repositoryName: string;
  /** Workflow file name, e.g. "release.yml" (PyPI keys the publisher on it). */
  readonly workflowFileName: string;
  /** GitHub environment name the publish job runs in. */
  readonly environment: string;
  /** Where to add the publisher when the project already exists on the index. */
  readonly projectSettingsUrl: string;
  /** Where to add a pending publisher when the project does not exist on the index yet. */
  readonly pendingPublisherUrl: string;
}

const FORBIDDEN_ENVIRONMENT_CHARS = ['\'', '"', '`', ',', ';', '\\'];

/** PyPI's rules for an environment name (warehouse validates the same on the publisher form). */
export function validateEnvironmentName(environment: string, Fail: ConfigErrorClass, where?: string): void {
  const at = where ? `${where}: ` : '';
  if (environment.length === 0) {
    throw new Fail(`${at}the environment name is empty; PyPI needs one to pin the publisher to the job`);
  }
  if (environment.length > 255) {
    throw new Fail(`${at}environment name "${environment.slice(0, 40)}…" has ${environment.length} characters; PyPI allows at most 255`);
  }
  if (environment.trim() !== environment) {
    throw new Fail(`${at}environment name "${environment}" starts or ends with whitespace, which PyPI refuses`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(environment)) {
    throw new Fail(`${at}environment name ${JSON.stringify(environment)} contains a control character, which PyPI refuses`);
  }
  const bad = FORBIDDEN_ENVIRONMENT_CHARS.find((c) => environment.includes(c));
  if (bad !== undefined) {
    throw new Fail(`${at}environment name "${environment}" contains ${JSON.stringify(bad)}; PyPI refuses any of ' " \` , ; \\`);
  }
}

/** PyPI's rules for the workflow file name, plus "top-level file": the name alone, no directory. */
export function validateWorkflowFileName(fileName: string): void {
  if (fileName.includes('/') || fileName.includes('\\')) {
    throw new PypiReleaseConfigError(`workflow file name "${fileName}" contains a path separator; give the file name only (it lives in .github/workflows/, and PyPI matches the bare name)`);
  }
  if (!/\.ya?ml$/.test(fileName) || /^\.ya?ml$/.test(fileName)) {
    throw new PypiReleaseConfigError(`workflow file name "${fileName}" must be a name ending in .yml or .yaml (PyPI refuses other names)`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(fileName)) {
    throw new PypiReleaseConfigError(`workflow file name "${fileName}" may contain only letters, digits, ".", "_" and "-"`);
  }
}

/** PEP 508 / PyPI project names: letters, digits, ".", "_", "-", starting and ending with a letter or digit. */
export function validateDistributionName(name: string, Fail: ConfigErrorClass = PypiReleaseConfigError): void {
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name)) {
    throw new Fail(`distribution name "${name}" is not a valid PyPI project name (letters, digits, ".", "_" and "-", starting and ending with a letter or digit); set distributionName`);
  }
}

/** GitHub's rules for "owner/name". */
export function parseRepository(repository: string, Fail: ConfigErrorClass = PypiReleaseConfigError): { owner: string; repositoryName: string } {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(repository);
  if (!match || match[2] === '.' || match[2] === '..' || match[1].endsWith('-')) {
    throw new Fail(`repository "${repository}" is not a GitHub "owner/name" (e.g. "octo-org/demo")`);
  }
  return { owner: match[1], repositoryName: match[2] };
}

/** The header comment of the generated workflow: per index, exactly what to enter on it. */
export function renderTrustedPublisherGuide(publishers: TrustedPublisher[]): string[] {
  const lines = [
    'Trusted publishing: before the first release, tell each index below to trust this workflow.',
    'Enter exactly these values (PyPI matches them against the job\'s OIDC token).',
  ];
  const row = (label: string, value: string) => `  ${`${label}:`.padEnd(19)}${value}`;
  for (const p of publishers) {
    lines.push(
      '',
      `${p.indexName} (project "${p.distributionName}")`,
      ...publisherFormFields(p).map(([label, value]) => row(label, value ?? '')),
      row('Existing project', p.projectSettingsUrl),
      row('New project', `${p.pendingPublisherUrl} (add a pending publisher)`),
    );
  }
  return lines;
}
