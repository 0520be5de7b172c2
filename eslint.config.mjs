// Lint rules, including the folder boundaries from ARCHITECTURE: the engine never
// imports the editor or the server; the client reaches the server only through protocol/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Package names are matched as given; project folders only in relative imports that climb
// out of the folder ('../../server/x'), so neither a package path such as
// '@modelcontextprotocol/sdk/server/index.js' nor a sibling './client' is mistaken for them.
const banned = (packages, folders, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...(packages.length ? [{ group: packages, message }] : []),
        { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message },
      ],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'test-artifacts/',
      'bench-results/',
      '.vscode-test/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['engine/**/*.ts'],
    rules: banned(
      ['vscode', 'vscode-languageclient*', 'vscode-languageserver*'],
      ['server', 'client', 'protocol'],
      'engine/ is editor-free: it may import npm libraries only, never vscode, server/ or client/.',
    ),
  },
  {
    files: ['protocol/**/*.ts'],
    // The exceptions: the media extension list and the server's launch environment, files
    // with no imports of their own.
    rules: banned(
      ['vscode'],
      ['engine(?!/media/extensions$|/runtime/server-env$)', 'server', 'client'],
      'protocol/ holds types only.',
    ),
  },
  {
    files: ['server/**/*.ts'],
    rules: banned(
      ['vscode', 'vscode-languageclient*'],
      ['client'],
      'server/ never imports the editor.',
    ),
  },
  {
    files: ['client/**/*.ts'],
    rules: banned([], ['engine', 'server'], 'client/ talks to the engine only through protocol/.'),
  },
  {
    files: ['media/**/*.js'],
    languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
);
