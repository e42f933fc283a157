/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testMatch: ['<rootDir>/*/src/**/*.test.ts', '<rootDir>/infra/**/*.test.ts', '<rootDir>/client/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/\\.next/'],
  // The client's end-to-end tests run `npm start`, which serves the built client: build it once, up front.
  globalSetup: '<rootDir>/client/e2e/global-setup.ts',
  setupFiles: ['<rootDir>/jest.setup.ts'],
  maxWorkers: 2,
  testTimeout: 30_000,
};
