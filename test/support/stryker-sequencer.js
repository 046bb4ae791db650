// The order of test files for mutation testing (stryker.config.mjs); `npm test` does not use it.
//
// Jest runs the slowest files first, to keep its workers busy. Stryker runs one file at a time and a
// mutant is killed by its first failing test (see stryker-environment.js), so here the file that
// failed last runs first (it likely kills the mutant next to the last one), then the fastest files.
const Sequencer = require('@jest/test-sequencer').default;

class FastFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => [this.hasFailed(test) ? 0 : 1, this.time(test) ?? Number.POSITIVE_INFINITY];
    return [...tests].sort((a, b) => {
      const [failedA, timeA] = rank(a);
      const [failedB, timeB] = rank(b);
      return failedA - failedB || timeA - timeB || (a.path < b.path ? -1 : 1);
    });
  }
}

module.exports = FastFirstSequencer;
