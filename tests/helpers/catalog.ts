// Test helpers for the case catalog: a fresh migrated catalog in a temp folder, and synthetic
// items inserted straight into SQLite (fast; no media needed for catalog logic).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { NormalizedRecord } from '../../electron/common/types.ts';
import { insertItem } from '../../electron/core/db/items.ts';
import { loadMigrationSteps, openDb, type Db } from '../../electron/core/db/open.ts';

// openDb creates catalogs here directly: the migrations' data steps must be loaded first.
await loadMigrationSteps();

/** A new catalog (all migrations applied, gazetteer seeded) in a fresh temp folder. */
export function freshCatalog(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ea-catalog-'));
  return { db: openDb(join(dir, 'archive.sqlite')), dir };
}

/** A normalized record for synthetic item `n`; fields overridable. */
export function fakeRecord(n: number, over: Partial<NormalizedRecord> = {}): NormalizedRecord {
  return {
    sha256: createHash('sha256').update(`item-${n}`).digest('hex'), bytes: 1000 + n, mime: 'image/jpeg', kind: 'image',
    make: 'Apple', model: 'iPhone 12', serial: null, serialSource: null, capturedAt: '2021-04-29T10:00:00', capturedAtSource: 'EXIF DateTimeOriginal', capturedAtHasZone: false,
    otherDates: [], gps: null, orientation: 1, width: 100, height: 100, durationSec: null, codec: null, ...over,
  };
}

/** Inserts a synthetic item through the real insertItem and returns its id. */
export function addFakeItem(db: Db, n: number, over: Partial<NormalizedRecord> = {}): number {
  return insertItem(db, fakeRecord(n, over), {}, null, [], new Date().toISOString());
}
