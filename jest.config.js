// CommonJS on purpose: middy 6 ships ESM only, and jest's ESM mode is still experimental.
// @swc/jest compiles our TypeScript and middy's ESM to CommonJS in one pass.
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/support/test-environment.ts',
  roots: [
    '<rootDir>/test',
    '<rootDir>/functions',
    '<rootDir>/emails',
    '<rootDir>/local',
    '<rootDir>/infra',
    '<rootDir>/scripts',
  ],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  moduleNameMapper: { '^@middy/([a-z-]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/log-privacy.ts', '<rootDir>/test/support/table-cleanup.ts'],
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30_000,
  // A test that times out leaves its loop running (jest cannot cancel it), which kept the whole
  // run from exiting once; CI must end, and the failure is reported all the same.
  forceExit: true,
};
