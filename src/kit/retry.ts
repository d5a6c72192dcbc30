/**
 * Retries and the deadline. Transient failures (those a step marks retryable: 5xx, 429, timeouts, resets) are
 * retried with exponential backoff and jitter, a server's Retry-After honoured up to a cap; every other failure ends
 * the run at once. Nothing runs past the step's deadline: a pause that would cross it is not taken, every request
 * timer is clamped to it (http.ts), and `Deadline` tells a step when the time is up so it writes nothing after.
 */
import { OUT_OF_TIME, type StepFailure } from './failure';
import { retryWords } from './words';

export interface Timing {
  /** Longest wait for one HTTP request, headers and body included. */
  readonly requestTimeoutMs: number;
  /** Hard bound on the whole step, retries included. */
  readonly totalTimeoutMs: number;
  /** Base delay before retry 1, 2, ...; its length is the number of retries. Jitter adds -25%..+25%. */
  readonly backoffMs: readonly number[];
  /** A server's Retry-After is honoured up to this much. */
  readonly maxRetryAfterMs: number;
}

export interface RetryHooks<F extends StepFailure> {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Called before each retry, to log what failed and when the next attempt starts. */
  readonly onRetry: (failure: F, attempt: number, delayMs: number) => void;
  /** Is this thrown value one of the step's failures (anything else is a bug and never retried)? */
  readonly isFailure: (err: unknown) => err is F;
  /** The same failure, final, with `gaveUpNote`'s line saying why the step stopped trying. */
  readonly gaveUp: (failure: F, attempts: number, why: 'limit' | 'deadline') => F;
}

/**
 * The one line that says why the retries stopped: `limit` (retries used up) or `deadline` (the step's time limit,
 * `totalMs`, leaves no room for another attempt). Both steps print it after the failure that ended the retries.
 */
export function gaveUpNote(attempts: number, why: 'limit' | 'deadline', totalMs: number): string {
  return retryWords.gaveUp(attempts, why === 'limit' ? retryWords.retryLimit : retryWords.pastDeadline(totalMs));
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryDelayMs(failure: StepFailure, retryIndex: number, timing: Timing, random: () => number): number {
  const base = timing.backoffMs[Math.min(retryIndex, timing.backoffMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (0.75 + 0.5 * random()));
  const asked = failure.retryAfterMs === undefined ? 0 : Math.min(failure.retryAfterMs, timing.maxRetryAfterMs);
  return Math.max(jittered, asked);
}

export async function withRetries<T, F extends StepFailure>(attempt: (n: number) => Promise<T>, timing: Timing, deadline: number,
  hooks: RetryHooks<F>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!hooks.isFailure(err)) throw err;
      // a request that found no time left to start: the deadline, not the server, ended the retries
      if (err.code === OUT_OF_TIME) throw hooks.gaveUp(err, n, 'deadline');
      if (!err.retryable) throw err;
      // the deadline first: an attempt its clamped timer cut at the limit ends here whatever the count
      const delay = retryDelayMs(err, n - 1, timing, hooks.random);
      if (hooks.now() + delay >= deadline) throw hooks.gaveUp(err, n, 'deadline');
      if (n > timing.backoffMs.length) throw hooks.gaveUp(err, n, 'limit');
      hooks.onRetry(err, n, delay);
      await hooks.sleep(delay);
    }
  }
}

/**
 * The step's overall time limit as a promise race: `run` either finishes first or is abandoned, and from the
 * moment the limit is reached `expired` is true, so work that was abandoned but is still running can check it
 * before every write and write nothing.
 */
export class Deadline {
  readonly at: number;
  private done = false;

  constructor(readonly totalMs: number, now: () => number = Date.now) {
    this.at = now() + totalMs;
  }

  get expired(): boolean {
    return this.done;
  }

  /** Runs `work`; rejects with `onExpiry()` when the limit is reached first (and marks the deadline expired). */
  async race<T>(work: () => Promise<T>, onExpiry: () => Error): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.done = true;
        reject(onExpiry());
      }, Math.max(0, this.totalMs));
    });
    const running = work();
    running.catch(() => undefined); // a late failure of abandoned work is of no interest
    try {
      return await Promise.race([running, limit]);
    } finally {
      clearTimeout(timer);
    }
  }
}
