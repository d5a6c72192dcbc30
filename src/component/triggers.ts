import { github } from 'projen';
import { PypiReleaseConfigError } from './errors';
import { matchesFilters } from './tag-filter';

/**
 * What starts a release. The default is a push of a version tag in any form projects tag, with or without `v`
 * (`1`, `3.10`, `2024.1.1`, `1.0rc1`, `1.2.3.post1`, `1.2.3.dev4`); the build job's version check is the gate.
 */
export interface PypiReleaseTriggers {
  /**
   * Publish when a version tag is pushed.
   *
   * @default true
   */
  readonly versionTags?: boolean;

  /**
   * Tag filter patterns (GitHub's filter syntax) that count as version tags. When the project's version is known
   * (a static version in pyproject.toml or projen's `version`), synth refuses patterns its tag (`v<version>` or
   * `<version>`) would not match: such a push would start no run at all.
   *
   * @default - every PEP 440 version with or without "v": ["v[0-9]+", "v[0-9]+.*", "v[0-9]+[a-z]*", "[0-9]+",
   * "[0-9]+.*", "[0-9]+[a-z]*"]
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

/**
 * Version tags with or without `v`, in GitHub's filter syntax: one number (`1`, `2024`), a number and a dot
 * followed by anything (`3.10`, `24.1`, `2024.1.1`, `1.0rc1`, `1.2.3.post1`, `1.2.3.dev4`), a number and a letter
 * (`1rc1`, `2a1`). `*` never matches `/`. Broad on purpose: the build job's version check refuses a tag that names
 * no PEP 440 version, or another version than the distributions', before anything is uploaded.
 */
export const DEFAULT_TAG_PATTERNS = ['v[0-9]+', 'v[0-9]+.*', 'v[0-9]+[a-z]*', '[0-9]+', '[0-9]+.*', '[0-9]+[a-z]*'];

/**
 * Refuses tag patterns under which the project's own version could not be released: no tag naming it would start the
 * workflow. A tag names the version as the build job's check reads it: the version itself, `v<version>`, or either
 * after a prefix that ends in "-", "_", "/" or "v" (`release-1.2.3`, `pkg/v1.2.3`); a pattern's literal prefix is tried.
 * `source` says where the version came from.
 */
export function checkVersionTagTriggers(triggers: PypiReleaseTriggers, version: string, source: string): void {
  if (triggers.versionTags === false) return;
  const patterns = triggers.tagPatterns ?? DEFAULT_TAG_PATTERNS;
  if (patterns.length === 0) return; // renderTriggers refuses an empty list
  const prefixes = new Set(['']);
  for (const p of patterns) {
    const literal = /^[^[*?+!\\]*/.exec(p)![0];
    if (/(^|[-_/v])$/.test(literal)) prefixes.add(literal.replace(/v$/, ''));
  }
  const tags = [...prefixes].flatMap((prefix) => [`${prefix}v${version}`, `${prefix}${version}`]);
  if (tags.some((tag) => matchesFilters(tag, patterns))) return;
  throw new PypiReleaseConfigError(`the project's version ${version} (${source}) could not be released: no tag naming it (${tags.slice(0, 4).join(', ')}) matches triggers.tagPatterns ${JSON.stringify(patterns)}, so pushing it would start no workflow run at all. Add a pattern that matches it (e.g. "v${version.replace(/[0-9]+/g, '[0-9]+')}"), or leave triggers.tagPatterns unset for the default, which takes every version form`);
}

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
