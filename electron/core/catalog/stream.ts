// `evidence list` at a million items: the matching items stream out of one SELECT in id order,
// and what each row needs from the other tables (sightings, places, people, incidents, cases,
// tags, notes) is read for a batch of rows at once, one statement per table per batch, never one
// per row. Memory stays that of one batch whatever the count.
import type { ItemFilter, ItemTags, PersonRole } from '../../common/catalog.ts';
import { sourceOf, type SourceRef } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { buildItemFilterWhere } from './filters.ts';
import type { TaggedItem } from './listing.ts';

/** Which part of the matches to read, in id order. */
export interface ListWindow {
  /** Only items whose id is greater (a cursor: the last id of the previous page). */
  afterId?: number;
  /** Matches to skip first (after `afterId`, when both are given). */
  offset?: number;
  /** At most this many items; all when absent. */
  limit?: number;
}

/** Rows read per batch: one statement per linked table per batch. */
const BATCH = 1000;

interface BatchRow {
  id: number;
  record: string;
}

/**
 * The listing records (catalog/listing.ts TaggedItem: normalized record, id, sources oldest
 * first, catalog links) of the items matching `filter`, ascending by id, within `window`: the
 * same records, in the same order, as `taggedItems(db, filterItemIds(db, filter))`. Lazy: the
 * items are read while the caller iterates, BATCH at a time. Throws Error as
 * buildItemFilterWhere does for a filter it refuses, and RangeError for a negative or fractional
 * window value.
 */
export function streamTaggedItems(db: Db, filter: ItemFilter, window: ListWindow = {}): Generator<TaggedItem> {
  for (const [k, v] of Object.entries(window)) {
    if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) throw new RangeError(`${k} ${String(v)}: give a whole number ≥ 0`);
  }
  const { where, params } = buildItemFilterWhere(filter);
  const args: unknown[] = [...params];
  if (window.afterId !== undefined) {
    where.push('i.id > ?');
    args.push(window.afterId);
  }
  args.push(window.limit ?? -1, window.offset ?? 0);
  const sql = `SELECT i.id, i.record FROM items i${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id LIMIT ? OFFSET ?`;
  // Checked and prepared now, so that a refused filter throws here, not at the first row.
  return batches(db, db.prepare(sql).iterate(...args) as IterableIterator<BatchRow>);
}

function* batches(db: Db, rows: IterableIterator<BatchRow>): Generator<TaggedItem> {
  let batch: BatchRow[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length === BATCH) {
      yield* completeBatch(db, batch);
      batch = [];
    }
  }
  if (batch.length) yield* completeBatch(db, batch);
}

/**
 * The batch's item ids as a condition on `item_id`: a range when the ids are dense (the whole
 * archive, --has-gps), read along the table's item_id index in one pass; a JSON list otherwise
 * (--search matching one item in a thousand), each id looked up.
 */
function idCondition(ids: number[]): { sql: string; args: unknown[] } {
  const lo = ids[0]!;
  const hi = ids[ids.length - 1]!;
  if (hi - lo < 4 * ids.length) return { sql: 'item_id BETWEEN ? AND ?', args: [lo, hi] };
  return { sql: 'item_id IN (SELECT value FROM json_each(?))', args: [JSON.stringify(ids)] };
}

/** Groups rows by their item_id into `into` (keyed by item id), keeping their order. */
function group<R extends { item_id: number }, V>(rows: R[], map: (r: R) => V): Map<number, V[]> {
  const out = new Map<number, V[]>();
  for (const r of rows) {
    let list = out.get(r.item_id);
    if (!list) out.set(r.item_id, (list = []));
    list.push(map(r));
  }
  return out;
}

function* completeBatch(db: Db, rows: BatchRow[]): Generator<TaggedItem> {
  const c = idCondition(rows.map((r) => r.id));
  const all = <R>(sql: string) => stmt(db, sql.replace('$IDS', c.sql)).all(...c.args) as R[];
  const sources = group(all<{ item_id: number; path: string; name: string; pathBytes: Buffer | null }>(
    'SELECT item_id, source_path path, file_name name, path_bytes pathBytes FROM sightings WHERE $IDS ORDER BY item_id, id'),
  (r): SourceRef => sourceOf(r.path, r.name, r.pathBytes));
  const places = group(all<{ item_id: number; place_id: string }>('SELECT item_id, place_id FROM item_places WHERE $IDS ORDER BY item_id, ord, place_id'), (r) => r.place_id);
  const people = group(all<{ item_id: number; id: number; role: PersonRole }>('SELECT item_id, person_id id, role FROM item_people WHERE $IDS ORDER BY item_id, person_id, role'),
    (r) => ({ id: r.id, role: r.role }));
  const incidents = group(all<{ item_id: number; v: number }>('SELECT item_id, incident_id v FROM item_incidents WHERE $IDS ORDER BY item_id, incident_id'), (r) => r.v);
  const cases = group(all<{ item_id: number; v: number }>('SELECT item_id, case_id v FROM item_cases WHERE $IDS ORDER BY item_id, case_id'), (r) => r.v);
  const tags = group(all<{ item_id: number; v: string }>('SELECT item_id, tag v FROM item_tags WHERE $IDS ORDER BY item_id, tag'), (r) => r.v);
  const notes = new Map(all<{ item_id: number; description: string | null; notes: string | null }>('SELECT item_id, description, notes FROM item_notes WHERE $IDS')
    .map((r) => [r.item_id, r]));
  for (const r of rows) {
    const n = notes.get(r.id);
    const catalog: ItemTags = {
      places: places.get(r.id) ?? [], people: people.get(r.id) ?? [], incidents: incidents.get(r.id) ?? [], cases: cases.get(r.id) ?? [],
      tags: tags.get(r.id) ?? [], description: n?.description ?? null, notes: n?.notes ?? null,
    };
    // The id goes first, as listedItems puts it: parsed into place rather than copied by a spread.
    const it = JSON.parse(r.record.length > 2 ? `{"id":${r.id},${r.record.slice(1)}` : `{"id":${r.id}}`) as TaggedItem;
    it.sources = sources.get(r.id) ?? [];
    it.catalog = catalog;
    yield it;
  }
}
