/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testMatch: ['<rootDir>/*/src/**/*.test.ts', '<rootDir>/infra/**/*.test.ts'],
  setupFiles: ['<rootDir>/jest.setup.ts'],
  maxWorkers: 2,
  testTimeout: 30_000,
};
