/**
 * The production request timeout (10 s), through the committed bundle under both runtimes: a server that sends
 * its headers and then stalls is abandoned, and the next attempt (with a fresh JWT) mints. Kept in its own file
 * because each case waits out the real timeout; the in-process tests cover the other timing rules quickly.
 */
import { maskedValues, oidcEnv, runBundledAction } from './harness';
import type { Emulator } from '../../src/emulator';
import { DEFAULT_TIMING } from '../../src/mint/run';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { runtimes } from '../support/node';

describe.each(runtimes())('request timeout under %s', (runtime, node) => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  });

  test('a mint-token answer that stalls after its headers times out, and a fresh attempt mints', async () => {
    // (the stalled answer would be a refusal: if the action waited for it, the run would fail)
    emu.faults.inject('mint-token', {
      status: 422,
      headers: { 'content-type': 'application/json' },
      bodyDelayMs: DEFAULT_TIMING.requestTimeoutMs + 5_000,
      body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-publisher', description: 'too late' }] }),
    });
    const r = await runBundledAction({ node, label: runtime, inputs: { 'index-url': emu.uploadUrl }, env: oidcEnv(emu) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Attempt 1 failed \(timeout: .* did not answer within 10\.0 s\)/);
    expect(new Set(maskedValues(r.stdout).filter((v) => v.startsWith('eyJ'))).size).toBe(2);
    expect(r.durationMs).toBeGreaterThanOrEqual(DEFAULT_TIMING.requestTimeoutMs);
    expect(r.durationMs).toBeLessThan(DEFAULT_TIMING.totalTimeoutMs);
  }, 40_000);
});
