/**
 * The sentences both steps say in the same words: what the kit reports on its own behalf, whichever step runs it.
 * Each step's messages.ts keeps its own words and builds its own failures; these are shared so they exist once.
 */

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const retryWords = {
  gaveUp: (attempts: number, reason: string) => `(gave up after ${plural(attempts, 'attempt')}: ${reason})`,
  retryLimit: 'retry limit reached',
  pastDeadline: (totalMs: number) => `the next attempt would pass the ${Math.round(totalMs / 1000)} s time limit`,
};
