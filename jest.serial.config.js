/**
 * Tests that assert latency under load (a server attacked while /healthz is timed): run after the
 * main suite, one at a time (npm test passes --runInBand), so no other test's load is in their figures.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/{unit,integration,bot,web}/**/*.serial.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
