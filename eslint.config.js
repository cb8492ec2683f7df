// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import local from './eslint-rules/no-import-cycle.js';

/** Layer rules: dependencies point inward (domain ← application ← adapters ← bootstrap). */
const layer = (files, pattern, message) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ ...pattern, message, allowTypeImports: false }] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'coverage', 'bench/results', 'docs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
  layer(
    ['src/domain/**/*.ts'],
    // Only siblings: anything that does not start with "./" is outside src/domain.
    { regex: '^(?!\\./)' },
    'src/domain is pure: it imports only src/domain (no packages, no other layer).',
  ),
  layer(
    ['src/application/**/*.ts'],
    {
      group: [
        '**/adapters/**',
        '**/bootstrap/**',
        'inversify',
        'ioredis',
        'kafkajs',
        '@mikro-orm/*',
        'hono',
        'hono/*',
        '@hono/*',
        'zod',
        'pino',
        'prom-client',
      ],
    },
    'src/application depends on the domain and its own ports only.',
  ),
  layer(
    ['src/adapters/**/*.ts'],
    { group: ['**/bootstrap/**', 'inversify'] },
    'adapters never import the composition root or the container.',
  ),
  {
    // No file of src reaches itself through its imports (eslint-rules/no-import-cycle.js).
    files: ['src/**/*.ts'],
    plugins: { local },
    rules: { 'local/no-import-cycle': 'error' },
  },
);
