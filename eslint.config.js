import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['source/engine/**', 'strategies/**', 'gateways/**', 'source/core/**', 'state/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['ink', 'react', 'ink-testing-library'] }],
    },
  },
  {
    files: ['source/ui/**'],
    rules: { 'no-restricted-imports': ['error', { paths: ['ccxt'] }] },
  },
);
