/**
 * Composite actions in the rehearsal runner (the vendored pypi-tools action is one): `run` steps in order with
 * GITHUB_ACTION_PATH, `inputs.*` and `github.action_path` in expressions, the step's env, outputs from the action's
 * steps, GITHUB_PATH/GITHUB_ENV reaching later steps, both `$/` and `./` forms; what the harness does not run is
 * refused by name.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runJob, RunJobOptions } from '../../src/rehearsal';
import type { Workflow, WorkflowStep } from '../../src/rehearsal/types';
import * as leaks from '../support/leaks';
import { rehearsalMachine } from '../support/tools';

const issuer = {
  oidc: { requestUrl: 'http://127.0.0.1:9/token?api-version=2.0', requestToken: 'request-token-for-composite-tests' },
  setRunnerClaims: () => undefined,
};

let repo: string;

function writeAction(dir: string, action: unknown): void {
  mkdirSync(join(repo, dir), { recursive: true });
  writeFileSync(join(repo, dir, 'action.yml'), stringify(action));
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'composite-'));
  writeAction('.github/actions/greet', {
    name: 'greet',
    inputs: { who: { required: true }, greeting: { default: 'hello' } },
    outputs: { message: { value: '${{ steps.say.outputs.message }}' } },
    runs: {
      using: 'composite',
      steps: [
        {
          id: 'say',
          shell: 'bash',
          env: { WHO: '${{ inputs.who }}', GREETING: '${{ inputs.greeting }}', FROM: '${{ github.action_path }}' },
          run: [
            'test "$FROM" = "$GITHUB_ACTION_PATH"',
            'test -z "${INPUT_WHO:-}"',
            'mkdir -p "$RUNNER_TEMP/greet-bin"',
            'printf \'#!/bin/sh\\necho greeted-by-tool\\n\' > "$RUNNER_TEMP/greet-bin/greet-tool"',
            'chmod +x "$RUNNER_TEMP/greet-bin/greet-tool"',
            'echo "$RUNNER_TEMP/greet-bin" >> "$GITHUB_PATH"',
            'echo "GREETED=$WHO" >> "$GITHUB_ENV"',
            'echo "message=$GREETING, $WHO" >> "$GITHUB_OUTPUT"',
          ].join('\n'),
        },
        // the PATH and env the first step added hold for the next one
        { name: 'Use the tool', shell: 'sh', run: 'greet-tool && test "$GREETED" = "${{ inputs.who }}" && cat "$GITHUB_ACTION_PATH/action.yml" >/dev/null' },
      ],
    },
  });
  writeAction('.github/actions/fails', {
    name: 'fails',
    runs: { using: 'composite', steps: [{ shell: 'bash', run: 'echo "::error::first step failed"; exit 3' }, { shell: 'bash', run: 'touch "$RUNNER_TEMP/not-reached"' }] },
  });
  writeAction('.github/actions/uses-step', { name: 'u', runs: { using: 'composite', steps: [{ uses: 'actions/checkout@v4' }] } });
  writeAction('.github/actions/conditional', { name: 'c', runs: { using: 'composite', steps: [{ if: 'always()', shell: 'bash', run: 'true' }] } });
  writeAction('.github/actions/no-shell', { name: 'n', runs: { using: 'composite', steps: [{ run: 'true' }] } });
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

function run(steps: WorkflowStep[], extra: Partial<RunJobOptions> = {}) {
  const workflow: Workflow = {
    name: 'w',
    on: { push: { tags: ['v*'] } },
    jobs: { j: { 'runs-on': 'ubuntu-latest', 'permissions': { contents: 'read' }, steps } },
  };
  return runJob({
    workflow,
    workflowFile: 'w.yml',
    jobId: 'j',
    issuer,
    repoDir: repo,
    urlMap: {},
    event: { name: 'push', ref: 'refs/tags/v1.2.3', sha: 'b'.repeat(40) },
    scan: leaks,
    ...rehearsalMachine(),
    ...extra,
  });
}

describe('composite actions', () => {
  test('$/: run steps with inputs, action path, outputs, and PATH/env for the steps after', async () => {
    const job = await run([
      { id: 'greet', uses: '$/.github/actions/greet', with: { who: 'pypi' } },
      { id: 'after', run: 'greet-tool\necho "env=$GREETED"\necho "out=${{ steps.greet.outputs.message }}"' },
    ]);
    expect(job.step('greet')).toMatchObject({ outcome: 'success', kind: 'local-action' });
    expect(job.step('greet').outputs).toEqual({ message: 'hello, pypi' });
    expect(job.step('greet').stdout).toContain('greeted-by-tool');
    expect(job.step('after').outcome).toBe('success');
    expect(job.step('after').stdout).toContain('greeted-by-tool\nenv=pypi\nout=hello, pypi');
  });

  test('./ after a checkout, an input overriding a default', async () => {
    const job = await run([
      { id: 'checkout', uses: 'actions/checkout@v4', with: { 'persist-credentials': false } },
      { id: 'greet', uses: './.github/actions/greet', with: { who: 'index', greeting: 'hi' } },
    ]);
    expect(job.step('greet').outcome).toBe('success');
    expect(job.step('greet').outputs.message).toBe('hi, index');
  });

  test('a failing step fails the action there: the steps after it do not run', async () => {
    const job = await run([{ id: 'fails', uses: '$/.github/actions/fails' }, { id: 'next', run: 'test ! -e "$RUNNER_TEMP/not-reached"' }]);
    expect(job.step('fails')).toMatchObject({ outcome: 'failure', exitCode: 3 });
    expect(job.step('fails').annotations[0].message).toBe('first step failed');
    expect(job.step('next').outcome).toBe('skipped');
  });

  test('an unknown input is refused as for a node action', async () => {
    await expect(run([{ id: 'greet', uses: '$/.github/actions/greet', with: { whom: 'x' } }]))
      .rejects.toThrow("step 'greet': unexpected input(s) whom; valid inputs are who, greeting");
  });

  test.each([
    ['uses-step', "'uses' is beyond the harness"],
    ['conditional', "'if' is beyond the harness"],
    ['no-shell', 'a composite run step needs shell:'],
  ])('%s: refused with what the harness does not run', async (name, message) => {
    await expect(run([{ id: 'x', uses: `$/.github/actions/${name}` }])).rejects.toThrow(message);
    await expect(run([{ id: 'x', uses: `$/.github/actions/${name}` }])).rejects.toThrow(`$/.github/actions/${name} (composite) step 1`);
  });
});
