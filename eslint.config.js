// Lint rules: type-aware typescript-eslint (floating promises are errors) plus the purity ban
// that keeps src/core deterministic (see docs/ARCHITECTURE.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const coreBans = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'fs', 'os', 'path', 'crypto', 'net', 'tls', 'zlib'],
          message: 'src/core is pure: no I/O imports.',
        },
      ],
    },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'src/core is pure: no process.' },
    { name: 'setTimeout', message: 'src/core is pure: time arrives as ticks.' },
    { name: 'setInterval', message: 'src/core is pure: time arrives as ticks.' },
    { name: 'setImmediate', message: 'src/core is pure: time arrives as ticks.' },
    { name: 'queueMicrotask', message: 'src/core is pure.' },
    { name: 'performance', message: 'src/core is pure: time arrives as ticks.' },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'src/core is pure: use the injected PRNG.' },
    { object: 'Date', property: 'now', message: 'src/core is pure: time arrives as ticks.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: 'NewExpression[callee.name="Date"]',
      message: 'src/core is pure: time arrives as ticks.',
    },
    { selector: ':function[async=true]', message: 'src/core is synchronous.' },
    { selector: 'AwaitExpression', message: 'src/core is synchronous.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', '.build-*/', 'node_modules/', 'local-cluster/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js', '.ci/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  { files: ['src/core/**/*.ts'], rules: coreBans },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
