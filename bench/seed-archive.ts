// `node bin/run-ts.mjs bench/seed-archive.ts DIR N`: a new archive at DIR holding N synthetic items
// (bench/seed-catalog.ts, realistic records and one sighting each; no objects on disk), for the
// list and Library benchmarks and for trying the desktop on a big catalog. DIR must not exist.
import { existsSync } from 'node:fs';
import { openArchive } from '../electron/core/archive.ts';
import { seedSyntheticCatalog } from './seed-catalog.ts';

/** Creates the archive `dir` and seeds `n` items into it; returns the seconds it took. */
export async function seedArchive(dir: string, n: number): Promise<number> {
  if (existsSync(dir)) throw new Error(`${dir}: exists; give a new folder`);
  const t = performance.now();
  const a = await openArchive(dir, { create: true });
  try {
    seedSyntheticCatalog(a.db, n, { realistic: true });
    a.db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    await a.close();
  }
  return (performance.now() - t) / 1000;
}

if (process.argv[1]?.endsWith('seed-archive.ts')) {
  const [dir, n] = process.argv.slice(2);
  if (!dir || !Number.isInteger(Number(n))) {
    console.error('usage: node bin/run-ts.mjs bench/seed-archive.ts DIR N');
    process.exit(2);
  }
  const s = await seedArchive(dir, Number(n));
  console.log(`${dir}: ${Number(n).toLocaleString('en')} items in ${s.toFixed(1)} s`);
}
