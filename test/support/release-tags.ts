/**
 * Release tags as projects on PyPI push them, and tags that are not releases: what the default tag rules of both
 * components (PypiRelease's tag patterns, PypiGitlabRelease's tag pattern) must start, and must not.
 */
import { createRunContext } from '../../src/rehearsal/run-context';
import { whyNotTriggered } from '../../src/rehearsal/triggers';

/** Tags as projects on PyPI push them (CPython-style two parts, CalVer, pre/post/dev releases, one number). */
export const RELEASE_TAGS = [
  '1', 'v1', '2024', '3.10', 'v3.10', '24.1', 'v24.1', '2024.1', '2024.1.1', 'v2024.12.0', '1.0', '1.2.3', 'v1.2.3',
  '1.0rc1', 'v1.0rc1', '1.0.0a1', '2.0.0b3', 'v0.1.0.dev0', '1.2.3.post1', 'v1.2.3.post1', '1.2.3.dev4', '1rc1', '4a2',
  '0.0.1', 'v10.20.30', '1.2.3-rc.1', '1.2.3+local',
];

/** Tags that are not releases: no run starts. */
export const OTHER_TAGS = ['latest', 'stable', 'nightly', 'main', 'release-1.2.3', 'docs-v1', 'v1.2.3/extra', 'vnext', 'v', 'x1.2', 'pkg-v1.2.3'];

/** Whether a push of the tag starts a GitHub workflow with these `on.push.tags` patterns (the rehearsal's reading). */
export function githubStarts(patterns: readonly string[], tag: string): boolean {
  const ctx = createRunContext({ workflowFile: 'release.yml', event: { name: 'push', ref: `refs/tags/${tag}` } });
  return whyNotTriggered({ push: { tags: [...patterns] } }, ctx) === undefined;
}
