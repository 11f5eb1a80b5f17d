// Lint rules, including the layer boundaries from the style guide:
// sync/ imports no framework; only client/db/ imports Dexie;
// only edge-server/db/ and hub/db/ import drizzle.
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';

const framework = ['vue', 'pinia', 'dexie', 'hono', 'hono/*', '@hono/*', 'drizzle-orm', 'drizzle-orm/*', 'better-sqlite3', '@electric-sql/*', 'pg', 'workbox-*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', '.data/**', 'public/**', 'tests/bench/results/**', '**/drizzle/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    files: ['sync/**/*.ts'],
    ignores: ['sync/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: framework, message: 'sync/ is pure and isomorphic: it imports no framework.' },
          { group: ['node:*', 'fs', 'path', 'crypto', 'zlib', 'os'], message: 'sync/ runs in the browser too: no Node built-ins.' },
        ],
      }],
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.vue'],
    ignores: ['client/db/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['dexie', 'dexie/*'], message: 'Only client/db/ imports Dexie; use its repositories.' }],
      }],
    },
  },
  {
    files: ['**/*.ts', '**/*.vue'],
    ignores: ['hub/db/**', 'edge-server/db/**', 'client/**', 'sync/**', '**/drizzle.config.ts', 'tests/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['drizzle-orm', 'drizzle-orm/*'], message: 'Only the servers\' db/ folders import drizzle.' }],
      }],
    },
  },
);
