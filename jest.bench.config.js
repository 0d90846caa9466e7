/** Benchmarks: run by `npm run bench`, never by `npm test`. They print figures; see test/bench/README.md. */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/test/bench/**/*.bench.ts'], testTimeout: 3_600_000, maxWorkers: 1 };
