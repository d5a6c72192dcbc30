/**
 * The settings a PyPI trusted publisher is made of (PROTOCOL.md section 3); the rules are in publisher-rules.ts.
 */

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
  /** Repository name, without the owner. */
  readonly repository: string;
  /** Workflow file name, e.g. "release.yml" (PyPI keys the publisher on it). */
  readonly workflowFileName: string;
  /** GitHub environment name the publish job runs in. */
  readonly environment: string;
  /** Where to add the publisher when the project already exists on the index. */
  readonly projectSettingsUrl: string;
  /** Where to add a pending publisher when the project does not exist on the index yet. */
  readonly pendingPublisherUrl: string;
}
