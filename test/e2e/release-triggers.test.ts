/**
 * Which events start the generated release workflow, judged with GitHub's own filter semantics (the harness's
 * trigger check): version tags in both spellings by default, nothing else; releases and manual runs when asked.
 */
import { createRunContext, RunEvent } from '../../src/rehearsal/run-context';
import { whyNotTriggered } from '../../src/rehearsal/triggers';
import { synthesizeSampleRelease } from '../support/sample-release';

function starts(on: unknown, event: RunEvent): boolean {
  return whyNotTriggered(on, createRunContext({ workflowFile: 'release.yml', event })) === undefined;
}

describe('release workflow triggers', () => {
  test('default: a pushed version tag in any form, v-prefixed or not, pre-releases included; no branch, no other tag', () => {
    const { workflow } = synthesizeSampleRelease({ flavour: 'setuptools' });
    for (const tag of ['v1.2.3', '1.2.3', 'v10.0.0rc1', '2.0.0.post1', 'v1', '3.10', '2024.1']) {
      expect([tag, starts(workflow.on, { name: 'push', ref: `refs/tags/${tag}` })]).toEqual([tag, true]);
    }
    for (const ref of ['refs/tags/latest', 'refs/tags/vnext', 'refs/tags/release-1.2.3', 'refs/heads/main']) {
      expect([ref, starts(workflow.on, { name: 'push', ref })]).toEqual([ref, false]);
    }
    expect(starts(workflow.on, { name: 'release', ref: 'refs/tags/v1.2.3' })).toBe(false);
    expect(starts(workflow.on, { name: 'workflow_dispatch' })).toBe(false);
    expect(starts(workflow.on, { name: 'pull_request_target', ref: 'refs/heads/main' })).toBe(false);
  });

  test('a published GitHub release and a manual dispatch, when enabled', () => {
    const { workflow } = synthesizeSampleRelease({ flavour: 'setuptools', release: { triggers: { versionTags: false, githubRelease: true, manualDispatch: true } } });
    expect(starts(workflow.on, { name: 'release', ref: 'refs/tags/v1.2.3' })).toBe(true);
    expect(starts(workflow.on, { name: 'release', ref: 'refs/tags/v1.2.3', payload: { action: 'created' } })).toBe(false);
    expect(starts(workflow.on, { name: 'workflow_dispatch' })).toBe(true);
    expect(starts(workflow.on, { name: 'push', ref: 'refs/tags/v1.2.3' })).toBe(false);
  });
});
