/**
 * Time bounds: each request has its own limit, the whole step has one, and transient failures (timeouts, resets,
 * 408/429/5xx) get a few more attempts with growing, jittered pauses, never past the step's deadline. Everything
 * else (a refusal, garbage, a redirect) ends the step at once.
 */
import { AttestFailure } from './failure';

export interface Timing {
  /** Longest wait for one answer (OIDC, Fulcio, one Rekor entry). */
  readonly requestTimeoutMs: number;
  /** The whole step, retries included. */
  readonly totalTimeoutMs: number;
  /** The pause before each further attempt; its length is the number of retries. Jitter: +/-25%. */
  readonly backoffMs: readonly number[];
}

/** Sigstore's public services answer in well under a second; 15 s per answer and 2 min in all are generous. */
export const DEFAULT_TIMING: Timing = { requestTimeoutMs: 15_000, totalTimeoutMs: 120_000, backoffMs: [1_000, 3_000, 6_000] };

export async function withAttempts<T>(attempt: () => Promise<T>, timing: Timing, deadline: number,
  onRetry: (failure: AttestFailure, attempt: number, pauseMs: number) => void): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof AttestFailure) || !err.retryable) throw err;
      if (n > timing.backoffMs.length) throw err.final(`gave up after ${n} attempts`);
      const pause = Math.round(timing.backoffMs[n - 1] * (0.75 + Math.random() / 2));
      if (Date.now() + pause >= deadline) {
        throw err.final(`gave up after ${n} attempt${n === 1 ? '' : 's'}: the step's ${timing.totalTimeoutMs / 1000} s limit`);
      }
      onRetry(err, n, pause);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
