// `evidence credentials ITEM`: validate an item's Content Credentials again, on demand, from the
// archived original (read only), with the trust anchors configured now.
import { existsSync } from 'node:fs';
import type { CredentialReport } from '../../common/c2pa.ts';
import type { Archive } from '../archive.ts';
import { getItem } from '../db/items.ts';
import { objectPath } from '../objects.ts';
import { scanC2pa } from './read.ts';
import { recordCredentials } from './store.ts';

/**
 * Reads the C2PA manifest store of item `itemId` from its object in objects/ again, validates it,
 * replaces the item's stored report and records a custody event (PREMIS "validation", trigger
 * "on demand") even when no store is found. Needs an archive opened for writing. Throws Error when
 * the item does not exist or its object is missing (run `evidence verify`).
 */
export async function revalidateCredentials(archive: Archive, itemId: number, actor: string): Promise<CredentialReport> {
  if (!archive.writable) throw new Error(`${archive.dir}: archive opened read-only; validating credentials records a custody event and needs the write lock`);
  const item = getItem(archive.db, itemId);
  if (!item) throw new Error(`item ${itemId}: no such item`);
  const sha256 = item.record.sha256;
  const path = objectPath(archive.objectsDir, sha256);
  if (!existsSync(path)) throw new Error(`item ${itemId}: its object ${path} is missing; run \`evidence verify\``);
  const scan = await scanC2pa(path);
  return archive.db.transaction(() => recordCredentials(archive.db, { itemId, sha256, scan, actor, trigger: 'on demand' }))();
}
