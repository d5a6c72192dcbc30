/**
 * jest's order, with the long end-to-end suites first: jest runs two workers here, and a long suite started last
 * runs alone at the end while the other worker idles. On a fresh clone jest knows no durations and orders by file
 * size, which puts some of the longest suites (real projects, every uploader) late.
 */
const Sequencer = require('@jest/test-sequencer').default;

const LONG_FIRST = [/[/\\]test[/\\]e2e[/\\]/, /[/\\]test[/\\]bindings[/\\]/, /[/\\]test[/\\](docs|rehearsal)[/\\]/];

function rank(test) {
  const i = LONG_FIRST.findIndex((re) => re.test(test.path));
  return i < 0 ? LONG_FIRST.length : i;
}

class LongSuitesFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    const known = ordered.every((t) => t.duration != null);
    // with every duration known from an earlier run, jest's order (longest first) is already the right one
    return known ? ordered : [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongSuitesFirst;
