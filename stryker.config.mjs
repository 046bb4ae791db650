// Mutation testing: `npm run mutation` (not part of `npm test`); see "Mutation testing" in BENCHMARKS.md.
// One module: `npm run mutation -- --mutate packages/cli/src/shared/copy.ts` (or `…/copy.ts:40-60`).

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: {
      // Credits what a beforeAll hook runs to the tests of its block; the first failure kills.
      testEnvironment: './test/support/stryker-environment.js',
      // The file that failed last first, then the fastest.
      testSequencer: '<rootDir>/test/support/stryker-sequencer.js',
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // The machine is shared: one test run at a time. For more, pass `--concurrency N` on the command
  // line (not here): test/support/with-moto.ts reads it there and starts one moto_server per test
  // process, as the runs must not share one (each resets its server when it starts).
  concurrency: 1,
  // Reruns test only the mutants whose code or covering tests changed.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Where a wrong line loses data or hides a failure.
  mutate: [
    'packages/cli/src/commands/restore/plan.ts',
    'packages/cli/src/commands/restore/run.ts',
    'packages/cli/src/commands/restore/journal.ts',
    'packages/cli/src/shared/copy.ts',
    'packages/cli/src/commands/verify/compare.ts',
    'packages/cli/src/shared/versions.ts',
    'packages/cdk/src/replication-role.ts',
    'packages/cdk/src/replication-alarms.ts',
    'packages/cdk/lambda/canary.ts',
  ],
  // tsconfig.json stays out of the sandbox: nothing in a test run reads it (swc and esbuild don't
  // type-check), and Stryker's tsconfig rewriting needs the TypeScript 5 API, which TypeScript 7
  // does not have.
  ignorePatterns: [
    'tsconfig.json',
    'cdk.out',
    'cdk.out.*',
    'coverage',
    'bench/.work',
    'reports',
    'packages/*/lib',
    'packages/*/dist',
    'packages/*/.jsii',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
