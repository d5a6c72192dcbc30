/**
 * What the kit needs of a step's failure: a stable code, a title for the annotation, whether another attempt may
 * succeed (and after how long the server asked us to wait). Each step has its own failure class and its own words;
 * the kit builds failures only through the words a step hands it (`HttpWords`, `OidcWords`, `RetryWords`).
 */
export interface StepFailure extends Error {
  readonly code: string;
  readonly title: string;
  /** Transient: another attempt may succeed. */
  readonly retryable: boolean;
  /** The server asked for this pause (Retry-After), already parsed. */
  readonly retryAfterMs?: number;
}

/**
 * The code of the failure a step's `HttpWords.deadline` builds (a request with no time left to start): the retry
 * loop reads it as the deadline ending the retries.
 */
export const OUT_OF_TIME = 'deadline-exceeded';

export type Env = Record<string, string | undefined>;
