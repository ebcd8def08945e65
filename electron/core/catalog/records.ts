import type { Db } from '../db/open.ts';
import { listAllItems, type ItemRow } from '../db/items.ts';
import type { NormalizedRecord } from '../../common/types.ts';

/** An item as `evidence list --json` prints it: the normalized record, its id and its sources. */
export type ListedItem = NormalizedRecord & { id: number; sources: { path: string; name: string }[] };

/**
 * The listing records of `items` (default: every item, by id), each with its sightings' source
 * paths and file names, oldest first.
 */
export function listedItems(db: Db, items: ItemRow[] = listAllItems(db)): ListedItem[] {
  const st = db.prepare('SELECT source_path path, file_name name FROM sightings WHERE item_id = ? ORDER BY id');
  return items.map((it) => ({ id: it.id, ...it.record, sources: st.all(it.id) as { path: string; name: string }[] }));
}
