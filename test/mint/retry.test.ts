/**
 * The retry and time-bound rules, unit-level and in-process (runAction with shortened timing, which only
 * in-process callers can do: the bundle always runs with the production defaults).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskedValues, oidcEnv, theError } from './harness';
import type { Emulator } from '../../src/emulator';
import { retryAfterMs } from '../../src/kit/http';
import { ActionFailure } from '../../src/mint/messages';
import { DEFAULT_TIMING, retryDelayMs, runAction, Timing, withRetries } from '../../src/mint/run';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';

const transient = (retryAfter?: number) => new ActionFailure('network', 'Network error', 'reset', { retryable: true, retryAfterMs: retryAfter });

describe('retry rules', () => {
  test('production defaults: 5 attempts, 10 s per request, 60 s in all', () => {
    expect(DEFAULT_TIMING).toEqual({
      requestTimeoutMs: 10_000, totalTimeoutMs: 60_000, backoffMs: [1_000, 2_000, 4_000, 8_000], maxRetryAfterMs: 20_000,
    });
  });

  test('backoff is exponential with -25%..+25% jitter; Retry-After wins up to its cap', () => {
    expect(retryDelayMs(transient(), 0, DEFAULT_TIMING, () => 0)).toBe(750);
    expect(retryDelayMs(transient(), 0, DEFAULT_TIMING, () => 1)).toBe(1250);
    expect(retryDelayMs(transient(), 3, DEFAULT_TIMING, () => 0.5)).toBe(8000);
    expect(retryDelayMs(transient(5_000), 0, DEFAULT_TIMING, () => 0.5)).toBe(5000);
    expect(retryDelayMs(transient(3_600_000), 0, DEFAULT_TIMING, () => 0.5)).toBe(20_000);
  });

  test('Retry-After: seconds or an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
  });

  test('non-retryable failures end at once; the limit and the deadline end retries', async () => {
    let clock = 0;
    const hooks = { now: () => clock, sleep: async (ms: number) => { clock += ms; }, random: () => 0.5, onRetry: jest.fn() };
    let calls = 0;
    const fatal = new ActionFailure('mint-rejected', 'x', 'no');
    await expect(withRetries(async () => { calls++; throw fatal; }, DEFAULT_TIMING, 1e9, hooks)).rejects.toBe(fatal);
    expect(calls).toBe(1);

    calls = 0;
    await expect(withRetries(async () => { calls++; throw transient(); }, DEFAULT_TIMING, 1e9, hooks))
      .rejects.toThrow(/gave up after 5 attempts: retry limit reached/);
    expect(calls).toBe(5);

    calls = 0;
    clock = 0;
    await expect(withRetries(async () => { calls++; throw transient(); }, DEFAULT_TIMING, 2_500, hooks))
      .rejects.toThrow(/gave up after 2 attempts: the next attempt would pass the 60 s time limit/);
  });
});

describe('runAction in-process with short timing', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  });
  afterEach(() => emu.faults.clear());

  const fast: Timing = { requestTimeoutMs: 300, totalTimeoutMs: 3_000, backoffMs: [20, 20, 20, 20], maxRetryAfterMs: 50 };

  async function runInProcess(timing: Partial<Timing> = fast) {
    const dir = mkdtempSync(join(tmpdir(), 'pypi-mint-inproc-'));
    const files = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_ENV: join(dir, 'env'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const lines: string[] = [];
    const started = Date.now();
    const code = await runAction({ ...oidcEnv(emu), ...files, 'INPUT_INDEX-URL': emu.uploadUrl }, { write: (l) => lines.push(l) }, timing);
    const stdout = lines.join('\n');
    const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8');
    recordOutput('in-process stdout', stdout, true);
    recordOutput('in-process summary', summary, false);
    return { code, stdout, summary, output: readFileSync(files.GITHUB_OUTPUT, 'utf8'), durationMs: Date.now() - started };
  }

  const reuse = { status: 422, body: JSON.stringify({ message: 'Token request failed', errors: [{ code: 'invalid-reuse-token', description: 'invalid token: already used' }] }) };

  test('a 503 that never ends: five attempts, five fresh JWTs, then a clear failure', async () => {
    const before = emu.requests('mint-token').length;
    emu.faults.inject('mint-token', ...Array(6).fill({ status: 503, body: 'unavailable' }));
    const r = await runInProcess();
    expect(r.code).toBe(1);
    expect(emu.requests('mint-token').length - before).toBe(5);
    expect(new Set(maskedValues(r.stdout).filter((v) => v.startsWith('eyJ'))).size).toBe(5);
    expect(theError(r.stdout).message).toMatch(/answered HTTP 503[\s\S]*gave up after 5 attempts: retry limit reached/);
    expect(r.output).toBe('');
  });

  test('invalid-reuse-token every time: explained after the retries', async () => {
    emu.faults.inject('mint-token', ...Array(5).fill(reuse));
    const r = await runInProcess();
    expect(r.code).toBe(1);
    const { message } = theError(r.stdout);
    expect(message).toContain('invalid-reuse-token: invalid token: already used');
    expect(message).toContain('Token already used');
    expect(r.summary).toContain('(gave up after 5 attempts: retry limit reached)');
  });

  test('the total bound holds against a server that stalls every answer', async () => {
    emu.faults.inject('mint-token', ...Array(20).fill({ delayMs: 1_000 }));
    const r = await runInProcess({ requestTimeoutMs: 400, totalTimeoutMs: 1_000, backoffMs: [50, 50, 50, 50, 50, 50], maxRetryAfterMs: 50 });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toMatch(/^(Request timed out|Time limit reached)$/);
    expect(theError(r.stdout).message).toContain('(gave up after');
    expect(theError(r.stdout).message).toContain('the next attempt would pass the 1 s time limit)');
    expect(r.durationMs).toBeLessThan(1_000 + 300);
  });

  test('a Retry-After beyond the cap is cut to the cap', async () => {
    emu.faults.inject('audience', { status: 429, headers: { 'retry-after': '3600' }, body: '' });
    const r = await runInProcess();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('retrying in 0.1 s');
    expect(r.durationMs).toBeLessThan(2_000);
  });
});
