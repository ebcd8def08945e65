// Filters on a 100,000-item catalog: each filter's query (the one `evidence list` runs) timed on
// the catalog as built, and on a copy with every secondary index dropped, the same SQL, so the
// ratio is what the indexes buy. Median of 5 runs each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ItemFilter } from '../electron/common/catalog.ts';
import { buildItemFilterQuery } from '../electron/core/catalog/filters.ts';
import { loadMigrationSteps, openDb } from '../electron/core/db/open.ts';
import { seedSyntheticCatalog } from './seed-catalog.ts';

// openDb creates catalogs here directly: the migrations' data steps must be loaded first.
await loadMigrationSteps();

const FILTERS: [string, ItemFilter][] = [
  ['--place', { places: ['kok-tash-batken'] }],
  ['--person', { people: [{ id: 1 }] }],
  ['--incident', { incidents: [1] }],
  ['--case', { cases: [1] }],
  ['--tag', { tags: ['школа'] }],
  ['--kind', { kinds: ['video'] }],
  ['--from/--to', { from: '2021-03-01', to: '2021-03-05' }],
  ['--has-gps', { hasGps: true }],
  ['--untagged', { untagged: true }],
  ['--search', { search: 'сгоревший' }],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeQuery(db: Database.Database, f: ItemFilter): number {
  const q = buildItemFilterQuery(f);
  const st = db.prepare(q.sql);
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    st.all(...q.params);
    runs.push(performance.now() - t);
  }
  return median(runs);
}

/** Prints the filter table; returns rows for the summary. */
export function benchCatalog(n = 100_000): { what: string; indexedMs: number; scanMs: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'ea-bench-catalog-'));
  try {
    const db = openDb(join(dir, 'archive.sqlite'));
    seedSyntheticCatalog(db, n);
    db.exec(`VACUUM INTO '${join(dir, 'noindex.sqlite')}'`);
    db.close();
    const indexed = new Database(join(dir, 'archive.sqlite'), { readonly: true });
    const bare = new Database(join(dir, 'noindex.sqlite'));
    for (const { name } of bare.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").all() as { name: string }[]) bare.exec(`DROP INDEX "${name}"`);
    const rows = FILTERS.map(([what, f]) => ({ what, indexedMs: timeQuery(indexed, f), scanMs: timeQuery(bare, f) }));
    indexed.close();
    bare.close();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
