// Layering of DESIGN.md §1, enforced: common imports nothing of ours; core imports common;
// cli and main import core and common; preload and renderer import common only. Only main/ and
// preload/ may import 'electron'.
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'out/**', 'release/**', 'renderer/dist/**', 'tests/e2e/screenshots/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.js'],
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', {
        zones: [
          zone('./electron/common', './electron/core', 'common must not import core'),
          zone('./electron/common', './electron/cli', 'common must not import cli'),
          zone('./electron/common', './electron/main', 'common must not import main'),
          zone('./electron/common', './electron/preload', 'common must not import preload'),
          zone('./electron/common', './renderer', 'common must not import renderer'),
          zone('./electron/core', './electron/cli', 'core must not import cli'),
          zone('./electron/core', './electron/main', 'core must not import main'),
          zone('./electron/core', './electron/preload', 'core must not import preload'),
          zone('./electron/core', './renderer', 'core must not import renderer'),
          zone('./electron/cli', './electron/main', 'cli must not import main'),
          zone('./electron/preload', './electron/core', 'preload imports common only'),
          zone('./electron/preload', './electron/cli', 'preload imports common only'),
          zone('./electron/preload', './electron/main', 'preload imports common only'),
          zone('./renderer', './electron/core', 'renderer imports common only'),
          zone('./renderer', './electron/cli', 'renderer imports common only'),
          zone('./renderer', './electron/main', 'renderer imports common only'),
          zone('./renderer', './electron/preload', 'renderer imports common only'),
        ],
      }],
    },
  },
  {
    files: ['electron/common/**', 'electron/core/**', 'electron/cli/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "only electron/main and electron/preload may import 'electron'" }] }] },
  },
  {
    files: ['electron/common/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'common runs anywhere: no node:* imports' }], paths: [{ name: 'electron', message: 'common must not import electron' }] }] },
  },
);
