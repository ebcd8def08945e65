// The content-addressed layout of originals, apart from archive.ts so worker threads can use it
// without loading the catalog, the lock and their dependencies.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { syncDir } from './durable.ts';
import { makeDirs } from './dirs.ts';

/**
 * Path of an original in the content-addressed store:
 * `objects/sha256/<2 hex>/<2 hex>/<64 hex>` (spreads files over 65,536 folders).
 */
export function objectPath(objectsDir: string, sha256: string): string {
  return join(objectsDir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** The 256 first-level folders of the store (`00`–`ff`), made in advance: see prepareObjectStore. */
const FIRST_LEVEL = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Makes `objectsDir`/sha256/ and its 256 first-level folders where missing, and syncs the parent
 * of every folder it made, up to the archive folder holding `objectsDir`: a new folder's entry is
 * durable only once its parent is synced, and an object in a lost folder is a lost object. The
 * store then only ever gains second-level folders, whose entries the ingest workers sync. Called
 * when an archive is opened for writing. Throws fs errors.
 */
export async function prepareObjectStore(objectsDir: string): Promise<void> {
  const root = join(objectsDir, 'sha256');
  const made = makeDirs(root);
  const have = new Set(readdirSync(root));
  const missing = FIRST_LEVEL.filter((n) => !have.has(n));
  for (const n of missing) makeDirs(join(root, n));
  if (missing.length) await syncDir(root);
  if (made !== undefined) await syncParents(root, made);
}

/**
 * Syncs the parent of `dir` and of each of its ancestors up to and including `topMade`, the first
 * folder that one recursive mkdir made on the way to `dir`: the folders whose entries are new.
 */
export async function syncParents(dir: string, topMade: string): Promise<void> {
  for (let d = dir; dirname(d) !== d; d = dirname(d)) {
    await syncDir(dirname(d));
    if (d === topMade) return;
  }
}
