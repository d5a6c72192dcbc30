/**
 * Bounded retries. Transient failures (5xx, 429, timeouts, connection resets, and PyPI's `invalid-reuse-token`,
 * which happens when an earlier answer was lost after the index had used the JWT) are retried with exponential
 * backoff and jitter; every other failure ends the run at once. The caller builds each attempt from scratch, so
 * every mint attempt gets a fresh JWT. Nothing runs past the overall deadline: the whole action is bounded by
 * `totalTimeoutMs`.
 */
import { ActionFailure } from './errors';

export interface Timing {
  /** Longest wait for one HTTP request, headers and body included. */
  readonly requestTimeoutMs: number;
  /** Hard bound on the whole action, retries included. */
  readonly totalTimeoutMs: number;
  /** Base delay before retry 1, 2, ...; its length is the number of retries. Jitter adds -25%..+25%. */
  readonly backoffMs: readonly number[];
  /** A server's Retry-After is honoured up to this much. */
  readonly maxRetryAfterMs: number;
}

/** Production defaults: 5 attempts, 10 s per request, everything over within 60 s. */
export const DEFAULT_TIMING: Timing = {
  requestTimeoutMs: 10_000,
  totalTimeoutMs: 60_000,
  backoffMs: [1_000, 2_000, 4_000, 8_000],
  maxRetryAfterMs: 20_000,
};

export interface RetryHooks {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Called before each retry, to log what failed and when the next attempt starts. */
  readonly onRetry: (failure: ActionFailure, attempt: number, delayMs: number) => void;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryDelayMs(failure: ActionFailure, retryIndex: number, timing: Timing, random: () => number): number {
  const base = timing.backoffMs[Math.min(retryIndex, timing.backoffMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (0.75 + 0.5 * random()));
  const asked = failure.retryAfterMs === undefined ? 0 : Math.min(failure.retryAfterMs, timing.maxRetryAfterMs);
  return Math.max(jittered, asked);
}

function gaveUp(failure: ActionFailure, attempts: number, reason: string): ActionFailure {
  return new ActionFailure(failure.code, failure.title, `${failure.message}\n(gave up after ${attempts} attempt${
    attempts === 1 ? '' : 's'}: ${reason})`, {
    status: failure.status, indexErrors: failure.indexErrors, retryable: false,
  });
}

export async function withRetries<T>(attempt: (n: number) => Promise<T>, timing: Timing, deadline: number,
  hooks: RetryHooks): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ActionFailure) || !err.retryable) throw err;
      if (n > timing.backoffMs.length) throw gaveUp(err, n, 'retry limit reached');
      const delay = retryDelayMs(err, n - 1, timing, hooks.random);
      if (hooks.now() + delay >= deadline) {
        throw gaveUp(err, n, `the next attempt would pass the ${Math.round(timing.totalTimeoutMs / 1000)} s time limit`);
      }
      hooks.onRetry(err, n, delay);
      await hooks.sleep(delay);
    }
  }
}
