/**
 * Jest's test order: the end-to-end suites first (test/e2e/, test/docs/, test/bindings/: real builds, real tool
 * installs, rehearsals; minutes each), then the rest. A clean clone has no timings from an earlier run, and jest's
 * fallback (the largest file first) would start a long suite last with the other workers idle by then. Within each
 * group, jest's own order (the previous run's durations, else file size).
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONG = [/\/test\/e2e\//, /\/test\/docs\//, /\/test\/bindings\//];

class LongSuitesFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const rank = (t) => (LONG.some((re) => re.test(t.path)) ? 0 : 1);
    // Array.prototype.sort is stable: jest's order holds within each group
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongSuitesFirst;
