/** Browser tests: headless Debian Chromium driven by playwright-core (`npm run test:browser`). */
const base = require('./jest.config');

module.exports = { ...base, testMatch: ['<rootDir>/test/web/**/*.browser.ts'], testTimeout: 120_000, maxWorkers: 1 };
