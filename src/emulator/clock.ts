/**
 * The emulator's clock. Token issue, verification and expiry all read it, so a test can move time instead of
 * waiting for it. It runs with real time, shifted by an offset.
 */
export interface Clock {
  /** Current emulator time, in milliseconds since the epoch. */
  now(): number;
  /** Jump to `ms` (time keeps running from there). */
  set(ms: number): void;
  /** Move forward (or back, when negative) by `seconds`. */
  advance(seconds: number): void;
  /** Back to real time. */
  reset(): void;
}

export function createClock(): Clock {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    set: (ms: number) => {
      offsetMs = ms - Date.now();
    },
    advance: (seconds: number) => {
      offsetMs += seconds * 1000;
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}

/** Seconds since the epoch, as JWT and PyPI `expires` fields count them. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
