import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  {
    ignores: [
      // AssemblyScript: compiled by asc, not valid TypeScript for the linter.
      'src/main/core/export/wasm/*.as.ts',
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      '.bench-tmp/**'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The renderer never reaches Electron or Node directly: everything goes through `api`.
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', 'node:*', '../../main/*', '../main/*'] }
      ]
    }
  },
  {
    files: ['src/main/core/**/*.ts', 'src/main/serve/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      // The core runs in plain Node (serve mode, tests): Electron stays in src/main/electron.
      'no-restricted-imports': ['error', { paths: ['electron'] }]
    }
  },
  prettier
)
