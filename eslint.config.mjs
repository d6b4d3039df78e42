// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no Nest or ORM, no
// non-workflow Temporal packages, and activities only as types.
const nodeBuiltins = builtinModules; // the `node:*` forms are a pattern below
const workflowRestrictions = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'Workflow code is deterministic: no Node built-ins.',
  })),
  patterns: [
    { group: ['node:*'], message: 'Workflow code is deterministic: no Node built-ins.' },
    { group: ['@nestjs/*', '@mikro-orm/*'], message: 'Workflow code must not import Nest or the ORM.' },
    {
      group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
      message: 'Workflow code imports only @temporalio/workflow (and @temporalio/common).',
    },
    {
      regex: '/libs/plan/src(/index|/markdown/.*|/plan\\.document)?$',
      allowTypeImports: true,
      message: 'Workflow code takes the plan from libs/plan/src/model: the parsers need Node built-ins.',
    },
    {
      regex: '/libs/auth/src(/index|/tokens|/auth\\.config)?$',
      allowTypeImports: true,
      message: 'Workflow code takes names from libs/auth/src/names: tokens and secrets need Node built-ins.',
    },
    {
      group: ['**/activities', '**/activities/*', '**/apps/*', '**/libs/persistence/*', '**/libs/temporal/*'],
      allowTypeImports: true,
      message: 'Activities and app code enter workflows by `import type` only.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'apps/web/src/gql/**',
      '.tools/**',
      'data/**',
      'coverage/**',
      'test/fixtures/lint/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['test/fixtures/lint/workflows/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts', 'test/fixtures/lint/workflows/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', workflowRestrictions] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { ...globals.node },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
