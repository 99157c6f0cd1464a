import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';
const el = (type) => ({ element: { type } });
export default [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js'] } },
      'boundaries/elements': [
        { type: 'signals', pattern: 'signals' },
        { type: 'sdk', pattern: 'sdk' },
        { type: 'journeys', pattern: 'journeys' },
        { type: 'activities', pattern: 'activities' },
        { type: 'routing', pattern: 'routing' },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          checkAllOrigins: true,
          policies: [
            { from: el('sdk'), allow: { to: el('signals') } },
            {
              from: el('sdk'),
              allow: { to: { module: { origin: 'external', source: ['@temporalio/workflow', '@temporalio/common'] } } },
            },
            { from: el('activities'), allow: { to: el(['sdk', 'journeys']) } },
            { from: el('activities'), allow: { to: el('routing'), dependency: { kind: 'type' } } },
            { from: el('activities'), allow: { to: { module: { origin: 'core' } } } },
          ],
        },
      ],
    },
  },
];
