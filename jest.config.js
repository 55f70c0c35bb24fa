/** Unit tests never touch a service; engine and integration tests always use the real ones. */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
module.exports = {
  // Integration tests wait on real brokers and servers; unit tests finish far sooner.
  testTimeout: 120000,
  projects: [
    { displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], transform, testEnvironment: 'node' },
    // Engine conformance: answers of the MongoDB-wire server MONGODB_URI names, checked against plain TypeScript.
    { displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'], transform, testEnvironment: 'node' },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      transform,
      testEnvironment: 'node',
    },
  ],
};
