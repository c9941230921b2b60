// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/**
 * Workflow code runs in Temporal's deterministic sandbox and is replayed: it may not touch the
 * network, the file system, the clock or randomness except through the SDK, and it must never carry
 * activity implementations (it may import their *types*).
 */
const workflowRestrictedImports = {
  paths: [
    { name: '@temporalio/activity', message: 'Activity APIs do not belong in workflow code.' },
    { name: '@temporalio/worker', message: 'Worker APIs do not belong in workflow code.' },
    {
      name: '@temporalio/client',
      message: 'Use child workflows or activities, not a client, from a workflow.',
    },
    { name: 'pino', message: 'Use `log` from @temporalio/workflow (replay-aware).' },
    ...builtinModules.flatMap((name) => [
      { name, message: 'Node built-ins are not deterministic: do this in an activity.' },
      { name: `node:${name}`, message: 'Node built-ins are not deterministic: do this in an activity.' },
    ]),
  ],
  patterns: [
    { group: ['@aws-sdk/*', '@smithy/*'], message: 'AWS calls belong in activities.' },
    {
      group: ['**/activities/**', '**/activities'],
      allowTypeImports: true,
      message: 'Import activity types only (import type …).',
    },
    { group: ['fastify', '@fastify/*', '**/api/**'], message: 'The API does not belong in workflow code.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'test-results/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', workflowRestrictedImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No process state in workflow code.' },
        { name: 'require', message: 'Use static imports.' },
        { name: 'fetch', message: 'Network I/O belongs in activities.' },
        { name: 'setInterval', message: 'Use sleep() or a condition with a timeout.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use uuid4() or a seeded value from the SDK.' },
        { object: 'crypto', property: 'randomUUID', message: 'Use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
  prettier,
);
