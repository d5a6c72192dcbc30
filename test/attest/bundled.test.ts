/**
 * The committed bundle attest/index.cjs, run as the runner runs it (Node 24, inputs as INPUT_ variables, nothing
 * inherited from this process's environment) against the emulator's OIDC issuer, Fulcio and Rekor: it attests two
 * distributions with one certificate, and a Fulcio answer that stalls past the production request timeout (15 s)
 * is abandoned and retried.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestationFiles, readAttestation, SDIST, verifyLikePypi, WHEEL, workspaceWith } from './harness';
import { DEFAULT_TIMING } from '../../src/attest/run';
import type { Emulator } from '../../src/emulator';
import { annotations, maskedValues, ATTEST_BUNDLE, runBundledAction } from '../mint/harness';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';
import { NODE24 } from '../support/node';

let emu: Emulator;
beforeEach(async () => {
  emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
});
afterEach(async () => emu.close());

const run = (workspace: string) => runBundledAction({
  node: NODE24,
  bundle: ATTEST_BUNDLE,
  cwd: workspace,
  label: 'attest bundle',
  inputs: { 'fulcio-url': emu.sigstore.fulcioUrl, 'rekor-url': emu.sigstore.rekorUrl },
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: emu.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken },
});

test('two distributions: attested under one certificate, verified as PyPI verifies them', async () => {
  const { workspace, dist } = workspaceWith(SDIST, WHEEL);
  const r = await run(workspace);
  expect(annotations(r.stdout, 'error')).toEqual([]);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(maskedValues(r.stdout)).toHaveLength(1);
  expect({ fulcio: emu.requests('fulcio').length, rekor: emu.requests('rekor').length, oidc: emu.requests('oidc-token').length })
    .toEqual({ fulcio: 1, rekor: 2, oidc: 1 });
  expect(r.outputs.attested).toBe('true');
  expect(attestationFiles(dist)).toEqual([`${WHEEL}.publish.attestation`, `${SDIST}.publish.attestation`]);
  for (const name of [SDIST, WHEEL]) {
    const text = readFileSync(join(dist, `${name}.publish.attestation`), 'utf8');
    recordOutput(`${name}.publish.attestation`, text, false);
    const sha256 = createHash('sha256').update(readFileSync(join(dist, name))).digest('hex');
    expect(verifyLikePypi(emu, readAttestation(join(dist, `${name}.publish.attestation`)), name, sha256))
      .toBe('https://docs.pypi.org/attestations/publish/v1');
  }
  expect(r.summary).toContain(`| \`${SDIST}\` |`);
});

test('Fulcio stalling past the request timeout: abandoned, retried, attested', async () => {
  emu.faults.inject('fulcio', { delayMs: DEFAULT_TIMING.requestTimeoutMs + 3_000 });
  const { workspace, dist } = workspaceWith(SDIST);
  const r = await run(workspace);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Attempt 1 failed \(Request timed out: Fulcio did not answer within 15\.0 s\.\); trying again/);
  expect(emu.requests('fulcio')).toHaveLength(2);
  expect(attestationFiles(dist)).toEqual([`${SDIST}.publish.attestation`]);
}, 60_000);
