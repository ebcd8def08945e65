// What `PRAGMA integrity_check` (run by every whole-archive `verify`, issue 15 f15a 3) costs on a
// catalog of N items and 4N custody rows, against `quick_check` (which does not check that
// indexes match their tables) and the custody chain's own recomputation.
// Run: node bin/run-ts.mjs bench/integrity-check.ts [items] (default 20000).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openArchive } from '../electron/core/archive.ts';
import { appendCustodyEvent, verifyCustodyLog } from '../electron/core/custody/log.ts';
import { seedSyntheticCatalog } from './seed-catalog.ts';

const n = Number(process.argv[2] ?? 20000);
const dir = mkdtempSync(join(tmpdir(), 'ea-integrity-'));
try {
  const a = await openArchive(join(dir, 'arc'), { create: true });
  seedSyntheticCatalog(a.db, n, { realistic: true });
  const shas = a.db.prepare('SELECT sha256 FROM items').pluck().all() as string[];
  a.db.transaction(() => {
    for (let i = 0; i < 4 * n; i++) {
      appendCustodyEvent(a.db, { actor: 'bench', type: i % 4 ? 'metadata modification' : 'ingestion', item: shas[i % shas.length]!, detail: { note: `event ${i}`, fields: { description: 'Сгоревший дом' } } });
    }
  })();
  const time = (label: string, f: () => unknown) => {
    const t0 = performance.now();
    const r = f();
    console.log(`${label}: ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(r).slice(0, 60));
  };
  console.log(`catalog: ${n} items, ${a.db.prepare('SELECT count(*) FROM custody_events').pluck().get()} custody rows, ${(statSync(join(dir, 'arc', 'archive.sqlite')).size / 1e6).toFixed(1)} MB`);
  time('PRAGMA quick_check', () => a.db.pragma('quick_check'));
  time('PRAGMA integrity_check', () => a.db.pragma('integrity_check'));
  time('custody chain recomputed', () => verifyCustodyLog(a.db).rows);
  await a.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
