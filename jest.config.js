// One jest run for the app (test/) and every package (packages/*/test). Workspace packages resolve
// to their TypeScript sources, as tsconfig.json's paths do, so tests never run a stale build.
module.exports = {
  testEnvironment: 'node',
  // lib/ too: Jest's dependency graph (--findRelatedTests, which mutation testing uses to pick the
  // tests of a module) only follows imports through files under the roots.
  roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/packages/[^/]+/(lib|dist|assets)/'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
    '^.+\\.m?js$': ['@swc/jest'],
  },
  // The drill report's chart libraries ship as ES modules only, which Jest cannot require on
  // Node 20: they are compiled like our own sources. (The CLI's build reads them with esbuild.)
  transformIgnorePatterns: [
    `/node_modules/(?!(${require('./packages/cli/scripts/chart-libraries.cjs').join('|')})/)`,
  ],
  moduleNameMapper: {
    '^s3-dr-naming$': '<rootDir>/packages/naming/src/index.ts',
    '^s3-dr-cdk$': '<rootDir>/packages/cdk/src/index.ts',
  },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  globalSetup: '<rootDir>/test/support/moto-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/moto-global-teardown.ts',
  collectCoverageFrom: [
    'lib/**/*.ts',
    'lambda/**/*.ts',
    'packages/*/src/**/*.ts',
    'packages/*/lambda/**/*.ts',
  ],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: {
    './lib/': { lines: 95 },
    './packages/cdk/src/': { lines: 95 },
  },
  testTimeout: 60000,
};
