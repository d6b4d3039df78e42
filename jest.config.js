// Three suites, one runner. Unit specs live beside the code; workflow suites run real workflows on the
// time-skipping test server; e2e suites drive the built API and worker over HTTP against a dev server.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
// One PostgreSQL server per run for the suites that also run on PostgreSQL (a throwaway one, or the
// server TEST_DATABASE_URL names); see test/support/postgres-global.ts. Jest runs it once for both.
const postgres = {
  globalSetup: '<rootDir>/test/support/postgres-global.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      ...postgres,
      displayName: 'unit',
      setupFiles: ['<rootDir>/test/support/postgres-worker.ts'],
      testMatch: [
        '<rootDir>/{apps,libs,workflows,activities,scripts}/**/*.spec.ts',
        '<rootDir>/test/unit/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/test/workflows/**/*.test.ts'],
    },
    {
      ...common,
      ...postgres,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e.ts'],
    },
  ],
};
