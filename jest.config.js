module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': ['@swc/jest'],
  },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  globalSetup: '<rootDir>/test/support/moto-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/moto-global-teardown.ts',
  collectCoverageFrom: ['lib/**/*.ts', 'ops/**/*.ts', 'lambda/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: {
    './lib/': { lines: 95 },
  },
  testTimeout: 60000,
};
