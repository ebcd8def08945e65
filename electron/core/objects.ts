// The content-addressed layout of originals, apart from archive.ts so worker threads can use it
// without loading the catalog, the lock and their dependencies.
import { join } from 'node:path';

/**
 * Path of an original in the content-addressed store:
 * `objects/sha256/<2 hex>/<2 hex>/<64 hex>` (spreads files over 65,536 folders).
 */
export function objectPath(objectsDir: string, sha256: string): string {
  return join(objectsDir, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}
