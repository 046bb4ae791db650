// The Jest environment for mutation testing (stryker.config.mjs); `npm test` does not use it.
//
// 1. Stryker's per-test coverage credits code to the test that runs it, between `test_start` and
//    `test_done`. Code run by a `beforeAll` hook (many of our tests run the CLI once there and check
//    the outcome in several tests) would count as "static" and make Stryker run every related test
//    file for each of its mutants. This environment credits what a `beforeAll` hook runs to every
//    test in the hook's describe block: when Stryker runs any of those tests, Jest runs the hook too.
// 2. While a mutant is active, the first failing test kills it: the remaining tests of its file and
//    of the files after it are skipped instead of run for nothing (Stryker turns Jest's `bail` off).
const { TestEnvironment } = require('jest-environment-node');

const HOOK_ID = 'beforeAll hook (credited to the tests of its block)';

/** The active mutant a test has failed for: it is killed, nothing else needs to run for it. */
let killedMutant;

/** The test's name as Stryker's Jest environment names it: describe names, then the test's. */
function fullName(test) {
  const names = [test.name];
  for (let block = test.parent; block?.parent; block = block.parent) names.unshift(block.name);
  return names.join(' ').trimStart();
}

function testsUnder(block) {
  return block.children.flatMap((child) => (child.type === 'test' ? [child] : testsUnder(child)));
}

class StrykerEnvironment extends TestEnvironment {
  async handleTestEvent(event, state) {
    const stryker = this.global.__stryker__;
    if (!stryker) return;
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant && event.name === 'test_done' && event.test.errors.length > 0) killedMutant = mutant;
    if (mutant && mutant === killedMutant && (event.name === 'test_done' || event.name === 'run_start')) {
      for (const test of testsUnder(state.rootDescribeBlock)) test.mode = 'skip';
      return;
    }
    if (event.hook?.type !== 'beforeAll') return;
    if (event.name === 'hook_start') {
      stryker.currentTestId = HOOK_ID;
    } else if (event.name === 'hook_success' || event.name === 'hook_failure') {
      stryker.currentTestId = undefined;
      const perTest = stryker.mutantCoverage?.perTest;
      const covered = perTest?.[HOOK_ID];
      if (!covered) return;
      delete perTest[HOOK_ID];
      for (const test of testsUnder(event.hook.parent)) {
        perTest[fullName(test)] ??= {};
        const counts = perTest[fullName(test)];
        for (const [id, hits] of Object.entries(covered)) counts[id] = (counts[id] ?? 0) + hits;
      }
    }
  }
}

module.exports = StrykerEnvironment;
