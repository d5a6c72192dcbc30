/**
 * Real uploaders send PEP 740 attestations to the emulator: the pinned twine `--attestations` and `uv publish`, each
 * picking up the `<dist>.publish.attestation` files next to a wheel and an sdist built by `uv build`
 * (attestations signed against the emulator's Fulcio and Rekor). The emulator accepts them and serves the
 * provenance; a distribution changed after signing is refused with PyPI's message, which the uploader shows.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TOOL_VERSIONS } from '../../../src/component/pins';
import type { Emulator } from '../../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { recordOutput, registerSecret } from '../../support/leaks';
import { attest } from '../../support/pep740';
import { requireTool, runTool, tool, toolEnv } from '../../support/tools';
import { exchange } from '../client';
import { buildSampleDist, type SampleDist } from '../sample-dist';

const haveTools = requireTool('twine', 'uv', 'python');
const maybe = haveTools ? describe : describe.skip;

let em: Emulator;
const dists: SampleDist[] = [];
beforeAll(async () => {
  // Built first: the build blocks the event loop, which must not stall the loopback connections later on.
  if (haveTools) {
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) dists.push(buildSampleDist('emu-attested', version));
    dists.push(buildSampleDist('emu-attested', '1.2.0', 'two')); // same file names as 1.2.0, other bytes
  }
  em = await startTestEmulator({ projects: ['emu-attested'], publishers: [defaultPublisher(['emu-attested'])] });
}, 180_000);

async function token(): Promise<string> {
  const minted = await exchange(em);
  registerSecret(minted.body.token!);
  return minted.body.token!;
}

/** Sign each file and write `<file>.publish.attestation` next to it, as the attest step does. */
async function attestAll(files: string[]): Promise<void> {
  for (const file of files) {
    const attestation = await attest(em, basename(file), readFileSync(file));
    writeFileSync(`${file}.publish.attestation`, JSON.stringify(attestation));
  }
}

/** The uploader's output on one line, without colours or terminal-width wrapping. */
function flat(run: { stdout: string; stderr: string }): string {
  // eslint-disable-next-line no-control-regex
  return `${run.stdout}\n${run.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ');
}

/** What `dist/*` expands to: each distribution and, when there is one, its attestation (both uploaders group them). */
function withAttestations(files: string[]): string[] {
  return files.flatMap((f) => [f, ...(existsSync(`${f}.publish.attestation`) ? [`${f}.publish.attestation`] : [])]);
}

async function twine(tokenValue: string, files: string[]) {
  const run = await runTool(tool('twine'), ['upload', '--attestations', '--non-interactive', '--disable-progress-bar', ...withAttestations(files)], {
    timeoutMs: 120_000,
    // the token travels in the environment, never on the command line
    env: toolEnv({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: tokenValue, TWINE_REPOSITORY_URL: em.uploadUrl }),
  });
  recordOutput('twine stdout', run.stdout, true);
  recordOutput('twine stderr', run.stderr, false);
  return run;
}

async function uvPublish(tokenValue: string, files: string[]) {
  const run = await runTool(tool('uv'), ['publish', '--publish-url', em.uploadUrl, ...withAttestations(files)], {
    timeoutMs: 120_000,
    env: toolEnv({ UV_PUBLISH_TOKEN: tokenValue }),
  });
  recordOutput('uv publish stdout', run.stdout, true);
  recordOutput('uv publish stderr', run.stderr, false);
  return run;
}

function expectProvenance(files: string[]): void {
  for (const file of files) {
    const upload = em.uploads().find((u) => u.filename === basename(file));
    expect(upload?.provenance).toEqual({
      version: 1,
      attestation_bundles: [{
        publisher: { kind: 'GitHub', repository: 'octo-org/demo', workflow: 'release.yml', environment: 'pypi' },
        attestations: [JSON.parse(readFileSync(`${file}.publish.attestation`, 'utf8'))],
      }],
    });
  }
}

maybe('uploaders that send attestations', () => {
  test(`twine ${TOOL_VERSIONS.twine} --attestations: accepted, provenance stored`, async () => {
    const dist = dists[0];
    await attestAll([dist.wheel, dist.sdist]);
    const run = await twine(await token(), [dist.wheel, dist.sdist]);
    expect({ code: run.code, output: flat(run) }).toEqual({ code: 0, output: expect.any(String) });
    expectProvenance([dist.wheel, dist.sdist]);
  });

  test(`uv ${TOOL_VERSIONS.uv} publish uploads the adjacent attestations: accepted, provenance stored`, async () => {
    const dist = dists[1];
    await attestAll([dist.wheel, dist.sdist]);
    const run = await uvPublish(await token(), [dist.wheel, dist.sdist]);
    expect({ code: run.code, output: flat(run) }).toEqual({ code: 0, output: expect.any(String) });
    expectProvenance([dist.wheel, dist.sdist]);
  });

  test('a distribution changed between attest and upload: both uploaders show PyPI\'s refusal', async () => {
    const dist = dists[2];
    await attestAll([dist.wheel]);
    // another build under the same name replaces the wheel after it was signed
    const signed = readFileSync(dist.wheel);
    writeFileSync(dist.wheel, readFileSync(dists[3].wheel));
    expect(readFileSync(dist.wheel).equals(signed)).toBe(false);
    const expected = 'Invalid attestations supplied during upload: Could not verify the uploaded artifact using the included attestation: ' +
      'Verification failed: subject does not match distribution digest';
    const byTwine = await twine(await token(), [dist.wheel]);
    expect(byTwine.code).not.toBe(0);
    expect(flat(byTwine)).toContain(expected);
    const byUv = await uvPublish(await token(), [dist.wheel]);
    expect(byUv.code).not.toBe(0);
    expect(flat(byUv)).toContain(expected);
    expect(em.uploads().some((u) => u.filename === basename(dist.wheel))).toBe(false);
  });
});
