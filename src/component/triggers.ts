import { github } from 'projen';
import { PypiReleaseConfigError } from './errors';

/**
 * What starts a release. The default is a push of a version tag (`v1.2.3` or `1.2.3`, pre-releases included).
 */
export interface PypiReleaseTriggers {
  /**
   * Publish when a version tag is pushed.
   *
   * @default true
   */
  readonly versionTags?: boolean;

  /**
   * Tag filter patterns (GitHub's glob syntax) that count as version tags.
   *
   * @default ["v[0-9]+.[0-9]+.[0-9]+*", "[0-9]+.[0-9]+.[0-9]+*"]
   */
  readonly tagPatterns?: string[];

  /**
   * Publish when a GitHub release is published. Do not combine with `versionTags` if publishing a release also
   * pushes its tag: the upload would run twice (the second run re-uploads identical files).
   *
   * @default false
   */
  readonly githubRelease?: boolean;

  /**
   * Allow publishing by hand (workflow_dispatch) from the selected ref.
   *
   * @default false
   */
  readonly manualDispatch?: boolean;
}

/** Version tags, `v1.2.3` and `1.2.3`, pre-releases included (GitHub's workflow filter syntax). */
export const DEFAULT_TAG_PATTERNS = ['v[0-9]+.[0-9]+.[0-9]+*', '[0-9]+.[0-9]+.[0-9]+*'];

/** The workflow's `on:`; refuses a set of triggers that could never start it. */
export function renderTriggers(triggers: PypiReleaseTriggers): github.workflows.Triggers {
  const versionTags = triggers.versionTags ?? true;
  const patterns = triggers.tagPatterns ?? DEFAULT_TAG_PATTERNS;
  if (versionTags && patterns.length === 0) {
    throw new PypiReleaseConfigError('triggers.tagPatterns is empty; give at least one pattern or set versionTags: false');
  }
  const on: github.workflows.Triggers = {
    ...(versionTags ? { push: { tags: [...patterns] } } : {}),
    ...(triggers.githubRelease ? { release: { types: ['published'] } } : {}),
    ...(triggers.manualDispatch ? { workflowDispatch: {} } : {}),
  };
  if (Object.keys(on).length === 0) {
    throw new PypiReleaseConfigError('triggers: every trigger is off, so the workflow could never run; enable versionTags, githubRelease or manualDispatch');
  }
  return on;
}
