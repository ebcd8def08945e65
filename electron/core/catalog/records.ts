import type { Db } from '../db/open.ts';
import { listAllItems, sourceOf, type ItemRow, type SourceRef } from '../db/items.ts';
import type { NormalizedRecord } from '../../common/types.ts';

/** An item as `evidence list --json` prints it: the normalized record, its id and its sources. */
export type ListedItem = NormalizedRecord & { id: number; sources: SourceRef[] };

/**
 * The listing records of `items` (default: every item, by id), each with its sightings' source
 * paths and file names, oldest first: display forms (ingest/filename.ts displayName), with
 * `pathBytes` and `nameBytes` (base64) where a display form is not the name itself (db/items.ts
 * sourceOf).
 */
export function listedItems(db: Db, items: ItemRow[] = listAllItems(db)): ListedItem[] {
  const st = db.prepare('SELECT source_path path, file_name name, path_bytes pathBytes FROM sightings WHERE item_id = ? ORDER BY id');
  return items.map((it) => ({
    id: it.id, ...it.record,
    sources: (st.all(it.id) as { path: string; name: string; pathBytes: Buffer | null }[]).map((r) => sourceOf(r.path, r.name, r.pathBytes)),
  }));
}
