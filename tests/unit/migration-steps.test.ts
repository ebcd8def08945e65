// The migrations' data steps (gazetteer seed, incident/case baseline) load only when a catalog is
// created or upgraded; openDb refuses, changing nothing, when they are due and were not loaded.
// This file never calls loadMigrationSteps itself: each test file runs in its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationStepsNotLoadedError, needsMigrationSteps, openDb, SCHEMA_VERSION, storedUserVersion } from '../../electron/core/db/open.ts';
import { openArchive } from '../../electron/core/archive.ts';

const dir = mkdtempSync(join(tmpdir(), 'ea-steps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('migration data steps', () => {
  it('openDb refuses to create a catalog without them, and leaves the file unmigrated', () => {
    const file = join(dir, 'new.sqlite');
    expect(needsMigrationSteps(file)).toBe(true);
    expect(() => openDb(file)).toThrow(MigrationStepsNotLoadedError);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) c FROM sqlite_master WHERE type = 'table'").get()).toEqual({ c: 0 });
    db.close();
  });

  it('openArchive loads them when it creates a catalog, which then needs them no more', async () => {
    const a = await openArchive(join(dir, 'archive'), { create: true });
    try {
      expect(a.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      // The seed gazetteer came from the data step of migration 002.
      expect((a.db.prepare("SELECT count(*) c FROM places WHERE origin = 'seed'").get() as { c: number }).c).toBeGreaterThan(10);
    } finally {
      await a.close();
    }
    const file = join(dir, 'archive', 'archive.sqlite');
    expect(storedUserVersion(file)).toBe(SCHEMA_VERSION);
    expect(needsMigrationSteps(file)).toBe(false);
    openDb(file).close(); // an up-to-date catalog opens without them
  });

  it('storedUserVersion reads the header: 0 for a missing or empty file, the pragma otherwise', () => {
    expect(storedUserVersion(join(dir, 'missing.sqlite'))).toBe(0);
    const file = join(dir, 'v3.sqlite');
    const db = new Database(file);
    db.pragma('user_version = 3');
    db.close();
    expect(storedUserVersion(file)).toBe(3);
    // Migration 004 (a data step) is still due from version 3.
    expect(needsMigrationSteps(file)).toBe(true);
  });
});
