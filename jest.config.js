// Six suites, one runner. Unit specs live beside the code and are pure (no database server, no process);
// integration specs beside the code start PostgreSQL or child processes; workflow suites run real workflows
// on the time-skipping test server; e2e suites drive the built API and worker over HTTP against a dev server;
// `web` runs the console's component tests (React Testing Library on jsdom); `browser` drives Debian's Chromium
// (playwright-core) through the built console against the real stack.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };
// One PostgreSQL server per run for the suites that also run on PostgreSQL (a throwaway one, or the
// server TEST_DATABASE_URL names); see test/support/postgres-global.ts. Jest runs it once for both.
const postgres = {
  globalSetup: '<rootDir>/test/support/postgres-global.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
};

// Specs beside the code that start PostgreSQL or child processes (concurrent writers, migrators, ESLint):
// the `integration` project, so that `unit` stays pure and fast. Every spec runs in exactly one of the two.
const integrationSpecs = [
  '<rootDir>/apps/cli/src/audit-verify-all.spec.ts',
  '<rootDir>/libs/persistence/src/audit-log.service.spec.ts',
  '<rootDir>/libs/persistence/src/bound-parameters.spec.ts',
  '<rootDir>/libs/persistence/src/migrate.spec.ts',
  '<rootDir>/libs/persistence/src/migrations/*.spec.ts',
  '<rootDir>/test/unit/workflow-lint.spec.ts',
  '<rootDir>/test/unit/console-codegen.spec.ts',
];
const specs = [
  '<rootDir>/{apps,libs,workflows,activities,scripts}/**/*.spec.ts',
  '<rootDir>/test/unit/**/*.spec.ts',
];

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: specs,
      // Jest's ignore patterns are regular expressions over the path.
      testPathIgnorePatterns: [
        '/node_modules/',
        '/apps/cli/src/audit-verify-all\\.spec\\.ts$',
        '/libs/persistence/src/audit-log\\.service\\.spec\\.ts$',
        '/libs/persistence/src/bound-parameters\\.spec\\.ts$',
        '/libs/persistence/src/migrate\\.spec\\.ts$',
        '/libs/persistence/src/migrations/[^/]*\\.spec\\.ts$',
        '/test/unit/workflow-lint\\.spec\\.ts$',
        '/test/unit/console-codegen\\.spec\\.ts$',
      ],
    },
    {
      ...common,
      ...postgres,
      displayName: 'integration',
      setupFiles: ['<rootDir>/test/support/postgres-worker.ts'],
      testMatch: integrationSpecs,
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
    {
      displayName: 'web',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/apps/web/src/**/*.test.tsx'],
      transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/apps/web/tsconfig.jest.json' }] },
      moduleFileExtensions: ['tsx', 'ts', 'js', 'json'],
      moduleNameMapper: { '\\.css$': 'identity-obj-proxy' },
      setupFiles: ['<rootDir>/apps/web/test/setup.ts'],
      // Dialogs and typing on jsdom take a while on a busy machine.
      setupFilesAfterEnv: ['<rootDir>/apps/web/test/timeout.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser.ts'],
      // Builds the console (vite) when its sources changed since the last build.
      globalSetup: '<rootDir>/test/browser/support/global-setup.ts',
    },
  ],
};
