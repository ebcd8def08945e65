import { defineConfig } from 'vitest/config';

export default defineConfig({
  // One SQLite build per process, the program's own (SQLCipher-capable, see electron/core/db/open.ts):
  // two copies in one process would each hold their own POSIX locks on the same catalog.
  resolve: { alias: [{ find: /^better-sqlite3$/u, replacement: 'better-sqlite3-multiple-ciphers' }] },
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    setupFiles: ['tests/helpers/setup-env.ts'],
  },
});
