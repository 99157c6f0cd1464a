import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/**
 * The layers (docs/architecture.md): each source folder and the folders it may import. Every arrow points one way,
 * so there is no circle between folders; `import-x/no-cycle` catches circles inside one.
 */
export const layers = {
  signals: [],
  sdk: ['signals'],
  segments: ['signals'],
  journeys: ['signals', 'sdk', 'segments'],
  workflows: ['signals', 'sdk', 'segments', 'journeys'],
  config: [],
  models: [],
  // The Temporal payload codec (node:crypto): clients and workers use it, workflow code never sees it.
  codec: ['config'],
  // Prometheus metrics: the registry and its families, imported by whoever counts.
  metrics: [],
  delivery: ['config', 'models', 'metrics', 'signals', 'sdk', 'journeys'],
  // Erasure, export and retention: what Waymark holds about a customer, and for how long.
  privacy: ['config', 'models', 'routing', 'sdk'],
  activities: ['config', 'models', 'metrics', 'delivery', 'privacy', 'signals', 'sdk', 'segments', 'journeys'],
  routing: ['config', 'models', 'metrics', 'signals', 'sdk', 'segments', 'journeys'],
  // Journey analytics and experiment reports: read-only over the ledger, the experiment records and visibility.
  analytics: ['config', 'models', 'routing', 'signals', 'sdk', 'segments', 'journeys'],
  // Journey diagrams, read from the journeys' code with the TypeScript compiler API.
  diagrams: ['signals', 'sdk', 'journeys'],
  worker: [
    'config',
    'codec',
    'privacy',
    'models',
    'metrics',
    'delivery',
    'activities',
    'routing',
    'signals',
    'sdk',
    'segments',
    'journeys',
    'workflows',
  ],
  api: [
    'config',
    'codec',
    'models',
    'metrics',
    'delivery',
    'privacy',
    'routing',
    'analytics',
    'signals',
    'sdk',
    'segments',
    'journeys',
    'diagrams',
  ],
  // The testing kit and the simulation: the real worker on the time-skipping server, providers that send nothing.
  testing: ['config', 'codec', 'models', 'delivery', 'routing', 'signals', 'sdk', 'journeys', 'worker', 'dev'],
  cli: [
    'config',
    'codec',
    'models',
    'delivery',
    'privacy',
    'routing',
    'analytics',
    'signals',
    'sdk',
    'segments',
    'journeys',
    'diagrams',
    'testing',
  ],
  // The embedded stack starts the API and the worker (npm start).
  dev: ['config', 'codec', 'privacy', 'sdk', 'api', 'worker'],
};
const sourceFolders = Object.keys(layers);

/** Code replayed by Temporal: deterministic and free of I/O (sdk/ runtime, journeys/, workflows/). */
const workflowCode = ['sdk/**/*.ts', 'workflows/**/*.ts', 'journeys/**/*.ts'];
const workflowCodeIgnores = ['journeys/**/templates.ts', 'journeys/templates.ts', 'journeys/template-types.ts'];

/** What workflow code may not import: Node built-ins, I/O modules, activity values (types only). */
const workflowImports = {
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
      group: [
        '**/models/**',
        '**/models',
        '**/api/**',
        '**/worker/**',
        '**/routing/**',
        '**/config/**',
        '**/codec/**',
        '**/privacy/**',
      ],
      message: 'Workflow code may not import I/O modules.',
    },
    {
      group: ['**/activities/**', '**/activities', '**/delivery/**', '**/delivery'],
      allowTypeImports: true,
      message: 'Workflow code imports activity *types* only (import type).',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.waymark/',
      'coverage/',
      'dev/ferretdb/',
      'dev/test-server/',
      'dev/**/target/',
      'test/lint/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Type-aware: a promise nobody awaits (a workflow step, a route's send) is a bug that type checking alone misses.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // lint-probe.ts: the files test/lint feeds on stdin to pin the rules (they exist nowhere on disk).
        projectService: {
          allowDefaultProject: ['*/lint-probe.ts', '*/*/lint-probe.ts'],
          defaultProject: 'tsconfig.json',
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: sourceFolders.map((folder) => ({
            target: `./${folder}`,
            from: sourceFolders
              .filter((other) => other !== folder && !layers[folder].includes(other))
              .map((f) => `./${f}`),
            message: `${folder}/ may import only ${layers[folder].join(', ') || 'no other folder'} (docs/architecture.md).`,
          })),
        },
      ],
    },
  },
  {
    files: ['signals/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\.)', message: 'signals/ import zod only.' }] },
      ],
    },
  },
  {
    files: ['models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!mongoose$|\\.)', message: 'models/ import mongoose only.' }] },
      ],
    },
  },
  {
    files: ['metrics/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!prom-client$|\\.)', message: 'metrics/ import prom-client only.' }] },
      ],
    },
  },
  {
    // Workflow code is replayed: it must be deterministic and free of I/O (docs/architecture.md).
    files: workflowCode,
    ignores: workflowCodeIgnores,
    rules: {
      'no-restricted-imports': ['error', workflowImports],
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
  {
    // A journey version is frozen while its runs are open: it never imports another version's file (the folder's
    // index.ts gathers the versions for the catalog).
    files: ['journeys/*/v*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...workflowImports,
          patterns: [
            ...workflowImports.patterns,
            {
              regex: '^\\./v\\d+$',
              message: 'A journey version is self-contained: copy what it needs from the other version.',
            },
          ],
        },
      ],
    },
  },
);
