import type { ItemTags } from '../../common/catalog.ts';
import { getItem, type ItemRow } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import { listedItems, type ListedItem } from './records.ts';
import { getItemTags } from './tagging.ts';

/** A listing record (normalized record + id + sources) with what the item is tagged with under `catalog`. */
export type TaggedItem = ListedItem & { catalog: ItemTags };

/** Listing records of the items `ids`, in that order, each with its tags. Unknown ids are skipped. */
export function taggedItems(db: Db, ids: number[]): TaggedItem[] {
  const rows = ids.map((id) => getItem(db, id)).filter((r): r is ItemRow => r !== null);
  return listedItems(db, rows).map((it) => ({ ...it, catalog: getItemTags(db, it.id) }));
}
