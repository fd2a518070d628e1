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

// The layers of src/ and what each may import (docs/ARCHITECTURE.md): every import points down.
const FOLDERS = [
  'core',
  'codec',
  'keys',
  'config',
  'sql',
  'storage',
  'gcache',
  'net',
  'transfer',
  'mysql',
  'engine',
  'node',
  'cli',
];
const LAYERS = {
  core: [],
  codec: ['core'],
  keys: ['core', 'codec'],
  config: ['core'],
  sql: ['core', 'codec'],
  storage: ['core', 'codec'],
  gcache: ['core', 'codec', 'keys'],
  net: ['core', 'codec'],
  transfer: ['core', 'codec', 'keys', 'gcache', 'net', 'storage'],
  mysql: ['core', 'codec'],
  engine: ['core', 'codec', 'config', 'storage', 'sql', 'mysql'],
  node: FOLDERS.filter((f) => f !== 'node' && f !== 'cli'),
  cli: FOLDERS.filter((f) => f !== 'cli'),
};

/** The import patterns a file of `folder` may not use: every folder not below it. */
function layerBan(folder) {
  const banned = FOLDERS.filter((f) => f !== folder && !LAYERS[folder].includes(f));
  return {
    group: banned.flatMap((f) => [`../${f}/*`, `../../${f}/*`, `../../../${f}/*`]),
    message: `src/${folder} may import only from ${LAYERS[folder].map((f) => `src/${f}`).join(', ') || 'itself'} (layers point down: docs/ARCHITECTURE.md).`,
  };
}

function layerRules(folder) {
  const ban = layerBan(folder);
  const patterns = ban.group.length > 0 ? [ban] : [];
  if (patterns.length === 0 && folder !== 'core') return {};
  if (folder === 'core') patterns.push(...coreBans['no-restricted-imports'][1].patterns);
  return { 'no-restricted-imports': ['error', { patterns }] };
}

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
  {
    // One SQLite build in the process: an error of another build's class is not `instanceof`
    // the one the store uses (a temporary table's 1062 came out as 1105 that way).
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'better-sqlite3',
              message:
                "Use src/storage/sqlite.js (the build the store opens); types only from 'better-sqlite3'.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  { files: ['src/core/**/*.ts'], rules: coreBans },
  ...FOLDERS.map((folder) => ({ files: [`src/${folder}/**/*.ts`], rules: layerRules(folder) })),
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
