/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js)$': ['@swc/jest'] },
  // ESM-only dependencies (required by @fastify/swagger-ui) are compiled to CommonJS for Jest on Node 20.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
  // The servers are shared by every suite: suites run in band (npm test passes --runInBand).
  maxWorkers: 1,
};
