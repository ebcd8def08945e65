// One item filter for `evidence list`, `evidence export` and the app: builds a parameterised
// SELECT whose every condition can be answered by an index (link tables by (x, item_id), items by
// kind / captured_at / has_gps, FTS5 for text and camera), so 10^5 items stay interactive.
// tests/unit/catalog-filters.test.ts checks the plan of each filter with EXPLAIN QUERY PLAN.
// A place stands for its whole subtree (places.parent_id): a village's items include those tagged
// to a yard or street in it, so `export --place <village>` is the village's whole evidence set.
import { checkFilterDate, type ItemFilter } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { ftsQuery } from './fts.ts';
import { normalizeTag } from './tagging.ts';

/** A statement and its parameters. */
export interface BuiltQuery {
  sql: string;
  params: (string | number)[];
}

/** The day after an ISO date (YYYY-MM-DD), for an inclusive `to` date. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A SELECT of the ids of `n` places (bound as `?` parameters, in order) and of every place below
 * them (children, grandchildren, … by places.parent_id). UNION, not UNION ALL: a parent cycle
 * (A under B under A, which an edit can make) ends once no new id turns up. Each step searches
 * places_parent, so it costs the size of the subtree, not of the gazetteer.
 */
export function placeSubtreeSql(n: number): string {
  return `WITH RECURSIVE place_tree(id) AS (VALUES ${Array(n).fill('(?)').join(', ')} ` +
    'UNION SELECT p.id FROM places p JOIN place_tree t ON p.parent_id = t.id) SELECT id FROM place_tree';
}

/**
 * The SQL selecting the ids of items matching `f` (unordered). Fields combine with AND;
 * values inside one field with OR. Dates compare with capturedAt as stored (ISO 8601 text: local
 * wall time or with its offset), so `--from 2021-04-29` means "captured on or after 29 April as the
 * camera's clock read it"; `to` as a date includes that whole day. A search is FTS5 over
 * description, notes, tags and linked names in any script (see fts.ts). A place matches items
 * tagged to it or to any place within it (sub-places, at any depth). Throws Error for a
 * malformed date or an empty search.
 */
export function buildItemFilterQuery(f: ItemFilter): BuiltQuery {
  const { where, params } = buildItemFilterWhere(f);
  // No ORDER BY: ordering by rowid tempts the planner to scan items in id order instead of using
  // the filter's index; filterItemIds sorts the (integer) ids instead.
  return { sql: `SELECT i.id FROM items i${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
}

/**
 * The conditions of buildItemFilterQuery on `items i`, one SQL expression each (to be joined by
 * AND; none for an empty filter), with their parameters in order: for callers that select other
 * columns, order or page the matches themselves (catalog/stream.ts, service/items-query.ts).
 * Throws Error as buildItemFilterQuery does.
 */
export function buildItemFilterWhere(f: ItemFilter): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const inList = (n: number) => Array(n).fill('?').join(', ');
  if (f.places?.length) {
    // Items tagged to any of the places or to a place within one of them (placeSubtreeSql).
    where.push(`i.id IN (SELECT item_id FROM item_places WHERE place_id IN (${placeSubtreeSql(f.places.length)}))`);
    params.push(...f.places);
  }
  for (const p of f.people ?? []) {
    // Each --person narrows further: items concerning all the people named.
    if (p.role) {
      where.push('i.id IN (SELECT item_id FROM item_people WHERE person_id = ? AND role = ?)');
      params.push(p.id, p.role);
    } else {
      where.push('i.id IN (SELECT item_id FROM item_people WHERE person_id = ?)');
      params.push(p.id);
    }
  }
  if (f.incidents?.length) {
    where.push(`i.id IN (SELECT item_id FROM item_incidents WHERE incident_id IN (${inList(f.incidents.length)}))`);
    params.push(...f.incidents);
  }
  if (f.cases?.length) {
    where.push(`i.id IN (SELECT item_id FROM item_cases WHERE case_id IN (${inList(f.cases.length)}))`);
    params.push(...f.cases);
  }
  if (f.tags?.length) {
    where.push(`i.id IN (SELECT item_id FROM item_tags WHERE tag IN (${inList(f.tags.length)}))`);
    params.push(...f.tags.map(normalizeTag));
  }
  if (f.kinds?.length) {
    where.push(`i.kind IN (${inList(f.kinds.length)})`);
    params.push(...f.kinds);
  }
  if (f.from) {
    checkFilterDate('--from', f.from);
    where.push('i.captured_at >= ?');
    params.push(f.from);
  }
  if (f.to) {
    checkFilterDate('--to', f.to);
    where.push('i.captured_at < ?');
    params.push(DATE_RE.test(f.to) ? nextDay(f.to) : f.to);
  }
  if (f.camera !== undefined) {
    const q = ftsQuery(f.camera, 'camera');
    if (!q) throw new Error(`--camera "${f.camera}": give a make or model word`);
    where.push('i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)');
    params.push(q);
  }
  if (f.hasGps !== undefined) {
    where.push('i.has_gps = ?');
    params.push(f.hasGps ? 1 : 0);
  }
  if (f.untagged) {
    for (const t of ['item_places', 'item_people', 'item_incidents', 'item_cases', 'item_tags']) where.push(`NOT EXISTS (SELECT 1 FROM ${t} WHERE item_id = i.id)`);
  }
  if (f.reels?.length) {
    // By the reel's name as stored, or ignoring letter case (reels.name is unique either way in practice).
    where.push(`i.id IN (SELECT s.item_id FROM sightings s WHERE s.reel_id IN (SELECT id FROM reels WHERE name IN (${inList(f.reels.length)}) OR lower(name) IN (${inList(f.reels.length)})))`);
    params.push(...f.reels, ...f.reels.map((r) => r.toLowerCase()));
  }
  if (f.credentials !== undefined) {
    // item_credentials (migration 015) by its (verdict, item_id) index; an item never checked has no row and counts as absent.
    const verdicts = {
      valid: ['valid-trusted', 'valid-untrusted'], 'valid-trusted': ['valid-trusted'], 'valid-untrusted': ['valid-untrusted'], invalid: ['invalid'], absent: ['valid-trusted', 'valid-untrusted', 'invalid'],
    }[f.credentials];
    if (!verdicts) throw new Error(`--credentials ${String(f.credentials)}: one of absent, valid, valid-trusted, valid-untrusted, invalid`);
    where.push(`i.id ${f.credentials === 'absent' ? 'NOT IN' : 'IN'} (SELECT item_id FROM item_credentials WHERE verdict IN (${inList(verdicts.length)}))`);
    params.push(...verdicts);
  }
  if (f.search !== undefined) {
    const q = ftsQuery(f.search);
    if (!q) throw new Error(`--search "${f.search}": give at least one word`);
    // Reel (card) names are searchable too: items sighted on a reel whose name holds the search
    // text, in any letter case (reels are few; the items come by the sightings' reel index).
    where.push('(i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?) OR i.id IN (SELECT s.item_id FROM sightings s WHERE s.reel_id IN (SELECT id FROM reels WHERE instr(lower(name), lower(?)) > 0)))');
    params.push(q, f.search.trim());
  }
  return { where, params };
}

/** Ids of the items matching `f`, ascending. Throws Error as buildItemFilterQuery does. */
export function filterItemIds(db: Db, f: ItemFilter): number[] {
  const q = buildItemFilterQuery(f);
  return (db.prepare(q.sql).pluck().all(...q.params) as number[]).sort((a, b) => a - b);
}

/** True when the filter has no condition, i.e. it selects every item. */
export function isFilterEmpty(f: ItemFilter): boolean {
  return !Object.values(f).some((v) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== false));
}

/**
 * For every place (merged ones included), how many distinct items lie within it: tagged to it or
 * to a place below it, i.e. what `{ places: [id] }` selects. Places without items are absent.
 * One pass: the (place, ancestor) pairs, cycle-safe by UNION, joined to item_places by its
 * place index.
 */
export function itemCountsWithinPlaces(db: Db): Map<string, number> {
  const rows = db.prepare(`WITH RECURSIVE within_place(place_id, ancestor) AS (
      SELECT id, id FROM places
      UNION SELECT w.place_id, p.parent_id FROM within_place w JOIN places p ON p.id = w.ancestor WHERE p.parent_id IS NOT NULL)
    SELECT w.ancestor AS k, count(DISTINCT ip.item_id) AS n FROM within_place w JOIN item_places ip ON ip.place_id = w.place_id GROUP BY w.ancestor`)
    .all() as { k: string; n: number }[];
  return new Map(rows.map((r) => [r.k, r.n]));
}
