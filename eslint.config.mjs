import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.waymark/', 'coverage/', 'dev/ferretdb/', 'dev/test-server/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and free of I/O (see ARCHITECTURE.md).
    files: ['workflows/**/*.ts', 'journeys/**/*.ts'],
    ignores: ['journeys/**/templates.ts', 'journeys/templates.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code may not use Node built-ins.' })),
            { name: 'mongoose', message: 'Workflow code does no I/O: read MongoDB in an activity.' },
            { name: 'mongodb', message: 'Workflow code does no I/O: read MongoDB in an activity.' },
            { name: 'nodemailer', message: 'Workflow code does no I/O: send through the deliver activity.' },
            { name: 'twilio', message: 'Workflow code does no I/O: send through the deliver activity.' },
            { name: '@temporalio/client', message: 'Workflow code may not use the Temporal client.' },
            { name: '@temporalio/activity', message: 'Workflow code may not use the activity context.' },
          ],
          patterns: [
            {
              group: ['**/models/**', '**/models', '**/api/**', '**/worker/**', '**/routing/**', '**/config/**'],
              message: 'Workflow code may not import I/O modules.',
            },
            {
              group: ['**/activities/**', '**/activities', '!**/activities/types'],
              allowTypeImports: true,
              message: 'Workflow code imports activity *types* only (import type).',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use workflow time: new Date() inside the sandbox, or j.now().' },
        {
          object: 'Math',
          property: 'random',
          message: 'Use the SDK: deterministic splits or uuid4() from @temporalio/workflow.',
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop from @temporalio/workflow.' },
        { name: 'process', message: 'Workflow code may not read the process environment.' },
        { name: 'fetch', message: 'Workflow code does no I/O.' },
      ],
    },
  },
);
