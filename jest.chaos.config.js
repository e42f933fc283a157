/** `npm run test:chaos`: restarts the machine's PostgreSQL, NATS and Redis, so it runs alone, after `npm test`. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = { ...base, globalSetup: undefined, testMatch: ['<rootDir>/infra/chaos/**/*.chaos.ts'], maxWorkers: 1, testTimeout: 900_000 };
