/** @type {import('jest').Config} */
const swc = JSON.parse(require('node:fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swc.$schema;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/{unit,integration,bot,web}/**/*.test.ts'],
  // Latency-asserting tests run alone afterwards (jest.serial.config.js).
  testPathIgnorePatterns: ['/node_modules/', '\\.serial\\.test\\.ts$'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  cacheDirectory: '<rootDir>/.cache/jest',
  maxWorkers: 2,
  // Generous: process tests start servers, and a loaded CI machine is slow; a hung test still ends.
  testTimeout: 180_000,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};
