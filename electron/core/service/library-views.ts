// The Library's views: the ordered ids of a filter's matches, made once when the user picks a
// filter or an order, then read a window at a time as the grid scrolls. Pages of one view never
// repeat or skip an item, even while an ingest adds items, and a window anywhere in a million
// items costs one lookup by id instead of an ORDER BY … OFFSET that re-sorts the matches.
import type { ItemFilter, ItemGroup, ItemGroupBy, ItemSort } from '../../common/ipc.ts';
import type { Db } from '../db/open.ts';
import { groupedItemIds } from './items-query.ts';

/** Views kept at once: the Library's current one plus a few the Export or Catalog screens made. */
const KEEP = 4;

/** The views of one open archive. */
export interface LibraryViews {
  /**
   * Orders the matches of `filter` by `sort`, grouped by `group` when given (items-query.ts
   * groupedItemIds); answers the new view's id, count and, when grouped, its groups in order.
   */
  open(db: Db, filter: ItemFilter, sort: ItemSort, group?: ItemGroupBy): { view: string; total: number; groups?: ItemGroup[] };
  /** Ids at positions [offset, offset + limit) of `view` (all from offset when limit is absent); null for an unknown or expired view. */
  ids(view: string, offset?: number, limit?: number): number[] | null;
  /** Forgets every view (the archive closed). */
  clear(): void;
}

/** An empty set of views; the oldest is dropped when a fifth is opened. */
export function createLibraryViews(): LibraryViews {
  const views = new Map<string, Int32Array | Float64Array>();
  let n = 0;
  return {
    open(db, filter, sort, group = 'none') {
      const { ids, groups } = groupedItemIds(db, filter, sort, group);
      // Catalog ids are SQLite rowids; below 2^31 they fit 4 bytes each.
      const packed = ids.every((id) => id < 2 ** 31) ? Int32Array.from(ids) : Float64Array.from(ids);
      const view = `v${++n}`;
      views.set(view, packed);
      while (views.size > KEEP) views.delete(views.keys().next().value!);
      return { view, total: packed.length, ...(groups ? { groups } : {}) };
    },
    ids(view, offset = 0, limit) {
      const v = views.get(view);
      if (!v) return null;
      return Array.from(v.subarray(offset, limit === undefined ? undefined : offset + limit));
    },
    clear() {
      views.clear();
    },
  };
}
