// The Library's queries: item summaries matching a filter in a chosen order, the facets the
// filter bar offers, and everything the Item screen shows about one item.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemDetail, ItemFilter, ItemGroup, ItemGroupBy, ItemSort, ItemSummary } from '../../common/ipc.ts';
import type { Kind } from '../../common/types.ts';
import { itemCustodyEvents } from '../custody/query.ts';
import { lastCheckView } from '../verify/item-checks.ts';
import type { Db } from '../db/open.ts';
import { getDigests, getItem, getRawMetadata, listSightings } from '../db/items.ts';
import type { ItemFilter as CatalogItemFilter } from '../../common/catalog.ts';
import { buildItemFilterWhere } from '../catalog/filters.ts';
import { ftsQuery } from '../catalog/fts.ts';
import { boundsWhere } from '../catalog/map-query.ts';
import { itemLinks } from './catalog-links.ts';
import { getCredentials } from '../c2pa/store.ts';
import type { CredentialVerdict } from '../../common/c2pa.ts';

interface Row {
  id: number;
  sha256: string;
  kind: Kind;
  mime: string | null;
  bytes: number;
  captured_at: string | null;
  ingested_at: string;
  make: string | null;
  model: string | null;
  has_gps: number;
  name: string | null;
  credentials: CredentialVerdict | null;
  duration: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  fps: string | null;
  reel: string | null;
  places: string;
  tags: string;
  tagged: number;
  fixity: string | null;
  incomplete: number;
}

/** SHA-256s that have a thumbnail under derivatives/thumbs/ (or a scrub strip under strips/, with `folder`) (one readdir per prefix folder). */
export function thumbnailSet(derivativesDir: string, folder: 'thumbs' | 'strips' = 'thumbs'): Set<string> {
  const out = new Set<string>();
  const root = join(derivativesDir, folder);
  let dirs: string[] = [];
  try {
    dirs = readdirSync(root);
  } catch {
    return out;
  }
  for (const d of dirs) {
    for (const f of (() => {
      try {
        return readdirSync(join(root, d));
      } catch {
        return [] as string[];
      }
    })()) {
      if (f.endsWith('.jpg')) out.add(f.slice(0, -4));
    }
  }
  return out;
}

/** The kinds an item can have, in the order the facets list their counts (alphabetical, as GROUP BY gave). */
const KINDS: readonly Kind[] = ['audio', 'document', 'image', 'other', 'video'];

const likeEscape = (s: string) => `%${s.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
const camera = (make: string | null, model: string | null): string | null => {
  const m = (make ?? '').trim();
  const n = (model ?? '').trim();
  // Many cameras repeat the make in the model ("Canon" "Canon EOS 5D").
  const text = n.toLowerCase().startsWith(m.toLowerCase()) ? n : `${m} ${n}`.trim();
  return text || null;
};

/** The catalog's filter (common/catalog.ts) for the app's filter fields, text and camera aside. */
function catalogFilter(f: ItemFilter): CatalogItemFilter {
  return {
    ...(f.kinds?.length ? { kinds: f.kinds } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(f.gps && f.gps !== 'any' ? { hasGps: f.gps === 'with' } : {}),
    ...(f.placeId !== undefined ? { places: [String(f.placeId)] } : {}),
    ...(f.personId !== undefined ? { people: [{ id: f.personId }] } : {}),
    ...(f.incidentId !== undefined ? { incidents: [f.incidentId] } : {}),
    ...(f.caseId !== undefined ? { cases: [f.caseId] } : {}),
    ...(f.tag ? { tags: [f.tag] } : {}),
    ...(f.untagged ? { untagged: true } : {}),
    ...(f.credentials ? { credentials: f.credentials } : {}),
  };
}

/** The SQL conditions on `items i` (AND) and their parameters for the Library's filter. */
interface LibraryWhere {
  where: string[];
  args: unknown[];
}

/**
 * The conditions selecting the items matching every given field of `filter` (ItemFilter in
 * common/ipc.ts). The catalog's filter (catalog/filters.ts) decides kinds, dates, GPS, places,
 * people, incidents, cases, tags and untagged; text matches file names and source paths (in the
 * NFC or NFD spelling of the text), camera and SHA-256 prefix here, and what people wrote or
 * linked through the catalog's full-text index; camera is the "Make Model" text itemFacets gives,
 * matched through the items_camera index (migration 008). Throws Error for a filter the catalog
 * refuses.
 */
function libraryWhere(db: Db, filter: ItemFilter): LibraryWhere {
  const base = buildItemFilterWhere(catalogFilter(filter));
  const where = [...base.where];
  const args: unknown[] = [...base.params];
  const text = filter.text?.trim();
  if (text) {
    const like = likeEscape(text);
    // A name is stored as its bytes were (file names are not normalized: NFC and NFD "й" are two
    // files), but what is typed is NFC and a name from a Mac is often NFD: both spellings find it.
    const spellings = [...new Set([text, text.normalize('NFC'), text.normalize('NFD')])].map(likeEscape);
    const parts = [
      "(coalesce(i.make, '') || ' ' || coalesce(i.model, '')) LIKE ? ESCAPE '\\'",
      `EXISTS (SELECT 1 FROM sightings s WHERE s.item_id = i.id AND (${spellings.map(() => "s.file_name LIKE ? ESCAPE '\\' OR s.source_path LIKE ? ESCAPE '\\'").join(' OR ')}))`,
      // The name of the reel (card) a file came from: "CARD (2)", "EOS_DIGITAL".
      "i.id IN (SELECT s.item_id FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE r.name LIKE ? ESCAPE '\\')",
    ];
    args.push(like, ...spellings.flatMap((l) => [l, l]), like);
    if (/^[0-9a-f]{6,64}$/iu.test(text)) {
      parts.push('i.sha256 LIKE ?');
      args.push(`${text.toLowerCase()}%`);
    }
    const fts = ftsQuery(text);
    if (fts) {
      parts.push('i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)');
      args.push(fts);
    }
    where.push(`(${parts.join(' OR ')})`);
  }
  if (filter.camera) {
    // The (make, model) pairs shown as this camera: usually one, "Canon" + "Canon EOS 5D" and
    // "" + "Canon EOS 5D" both show as "Canon EOS 5D".
    const pairs = cameraPairs(db).filter((p) => camera(p.make, p.model) === filter.camera);
    if (!pairs.length) where.push('0');
    else {
      where.push(`(${pairs.map(() => "(coalesce(i.make, '') = ? AND coalesce(i.model, '') = ?)").join(' OR ')})`);
      for (const p of pairs) args.push(p.make, p.model);
    }
  }
  if (filter.bbox) {
    const b = boundsWhere(filter.bbox);
    where.push(b.sql);
    args.push(...b.args);
  }
  return { where, args };
}

const whereSql = (w: string[]) => (w.length ? ` WHERE ${w.join(' AND ')}` : '');

/**
 * How `sort` orders the matches, as one or more segments read one after the other: each a
 * condition and an ORDER BY an index can answer (migration 008 indexes ingested_at and bytes).
 * Items without a capture time come last in either direction: a descending order puts SQLite's
 * NULLs last by itself; an ascending one reads them as a second segment.
 */
function sortSegments(sort: ItemSort): { cond: string | null; order: string }[] {
  const d = sort.dir === 'asc' ? 'ASC' : 'DESC';
  switch (sort.by) {
    case 'capturedAt':
      return d === 'DESC'
        ? [{ cond: null, order: 'i.captured_at DESC, i.id DESC' }]
        : [{ cond: 'i.captured_at IS NOT NULL', order: 'i.captured_at ASC, i.id ASC' }, { cond: 'i.captured_at IS NULL', order: 'i.id ASC' }];
    case 'ingestedAt':
      return [{ cond: null, order: `i.ingested_at ${d}, i.id ${d}` }];
    case 'bytes':
      return [{ cond: null, order: `i.bytes ${d}, i.id ${d}` }];
    case 'name':
      return [{ cond: null, order: `(SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) COLLATE NOCASE ${d}, i.id ${d}` }];
    case 'id':
      return [{ cond: null, order: `i.id ${d}` }];
    // The columns below have no index of their own (kind and camera aside): a million items
    // sort in a temporary b-tree, about a second; the default orders stay indexed.
    case 'kind':
      return [{ cond: null, order: `i.kind ${d}, i.id ${d}` }];
    case 'camera':
      return [{ cond: null, order: `coalesce(i.make, '') ${d}, coalesce(i.model, '') ${d}, i.id ${d}` }];
    case 'duration':
      return [{ cond: null, order: `json_extract(i.record, '$.durationSec') ${d} NULLS LAST, i.id ${d}` }];
    case 'codec':
      return [{ cond: null, order: `json_extract(i.record, '$.codec') ${d} NULLS LAST, i.id ${d}` }];
    case 'resolution':
      return [{ cond: null, order: `json_extract(i.record, '$.width') * json_extract(i.record, '$.height') ${d} NULLS LAST, i.id ${d}` }];
    case 'reel':
      return [{ cond: null, order: `${REEL_OF_ITEM} ${d} NULLS LAST, i.id ${d}` }];
  }
}

/** The name of the card/reel of item i's first sighting (NULL for sightings recorded before reels). */
const REEL_OF_ITEM = '(SELECT r.name FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.item_id = i.id ORDER BY s.id LIMIT 1)';

/**
 * Each item's group key under `group`, for every item of the catalog: `keyOf[id]` is an index
 * into `keys`, -1 for an item without one (no capture day, no reel recorded for its first
 * sighting, no place). One pass over an index or a table in rowid order: the day from the
 * captured_at index (covering), the reel of each item's first sighting (sightings in id order),
 * the first place linked (item_places in its primary-key order, ord deciding).
 */
function groupKeys(db: Db, group: Exclude<ItemGroupBy, 'none'>): { keyOf: Int32Array; keys: string[] } {
  const maxId = (db.prepare('SELECT max(id) FROM items').pluck().get() as number | null) ?? 0;
  const keyOf = new Int32Array(maxId + 1).fill(-1);
  const keys: string[] = [];
  const index = new Map<string, number>();
  const idx = (k: string) => {
    let i = index.get(k);
    if (i === undefined) index.set(k, (i = keys.push(k) - 1));
    return i;
  };
  if (group === 'day') {
    for (const [id, day] of db.prepare('SELECT id, substr(captured_at, 1, 10) FROM items INDEXED BY items_captured_at WHERE captured_at IS NOT NULL').raw().iterate() as IterableIterator<[number, string]>) keyOf[id] = idx(day);
  } else if (group === 'reel') {
    const names = new Map((db.prepare('SELECT id, name FROM reels').raw().all() as [number, string][]));
    const seen = new Uint8Array(maxId + 1);
    for (const [item, reel] of db.prepare('SELECT item_id, reel_id FROM sightings ORDER BY id').raw().iterate() as IterableIterator<[number, number | null]>) {
      if (item > maxId || seen[item]) continue;
      seen[item] = 1;
      if (reel !== null && names.has(reel)) keyOf[item] = idx(names.get(reel)!);
    }
  } else {
    let last = -1;
    let lastOrd = 0;
    for (const [item, place, ord] of db.prepare('SELECT item_id, place_id, ord FROM item_places ORDER BY item_id, place_id').raw().iterate() as IterableIterator<[number, string, number]>) {
      if (item > maxId) continue;
      // The first place is the lowest ord, ties by id (rows come by id within an item).
      if (item !== last) {
        last = item;
        lastOrd = ord;
        keyOf[item] = idx(place);
      } else if (ord < lastOrd) {
        lastOrd = ord;
        keyOf[item] = idx(place);
      }
    }
  }
  return { keyOf, keys };
}

/**
 * Grouping by day in capture-time order: the capture-time order (captured_at index) already puts
 * each day in one run, since the day is the first 10 characters of the text it orders by; the
 * runs are counted as the ids are read, one indexed query per sort segment.
 */
function dayRuns(db: Db, filter: ItemFilter, sort: ItemSort): { ids: number[]; groups: ItemGroup[] } {
  const w = libraryWhere(db, filter);
  const ids: number[] = [];
  const groups: ItemGroup[] = [];
  let cur: ItemGroup | null = null;
  for (const seg of sortSegments(sort)) {
    const where = seg.cond ? [...w.where, seg.cond] : w.where;
    for (const [id, day] of db.prepare(`SELECT i.id, substr(i.captured_at, 1, 10) FROM items i${whereSql(where)} ORDER BY ${seg.order}`).raw().iterate(...w.args) as IterableIterator<[number, string | null]>) {
      ids.push(id);
      if (!cur || cur.key !== day) groups.push((cur = { key: day, count: 0 }));
      cur.count++;
    }
  }
  return { ids, groups };
}

/**
 * The ids of the items matching `filter` grouped by `group` and, within a group, in the order
 * `sort` gives; `groups` are the runs of one key in that order, with their counts (null key,
 * the items without a day, reel or place, last). Days run newest first unless sorting by capture
 * time ascending; reels and places by name/id. The order is the ungrouped view's (orderedItemIds,
 * indexed) split by key in one stable pass, with the keys read in one pass over an index
 * (groupKeys); by day in capture-time order, the runs of the indexed order itself (dayRuns). At
 * a million items about one second, never a re-sort of the items in SQL. Throws Error for a
 * filter the catalog refuses.
 */
export function groupedItemIds(db: Db, filter: ItemFilter, sort: ItemSort, group: ItemGroupBy): { ids: number[]; groups: ItemGroup[] | null } {
  if (group === 'day' && sort.by === 'capturedAt') return dayRuns(db, filter, sort);
  const ordered = orderedItemIds(db, filter, sort);
  if (group === 'none') return { ids: ordered, groups: null };
  const { keyOf, keys } = groupKeys(db, group);
  const desc = group === 'day' && !(sort.by === 'capturedAt' && sort.dir === 'asc');
  // Slot k + 1 counts key k; slot 0 the items without one (placed last).
  const counts = new Int32Array(keys.length + 1);
  for (const id of ordered) counts[(keyOf[id] ?? -1) + 1]!++;
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0) * (desc ? -1 : 1));
  const start = new Int32Array(keys.length + 1);
  const groups: ItemGroup[] = [];
  let at = 0;
  for (const k of order) {
    if (!counts[k + 1]) continue;
    start[k + 1] = at;
    at += counts[k + 1]!;
    groups.push({ key: keys[k]!, count: counts[k + 1]! });
  }
  if (counts[0]) {
    start[0] = at;
    groups.push({ key: null, count: counts[0] });
  }
  const ids = new Array<number>(ordered.length);
  for (const id of ordered) ids[start[(keyOf[id] ?? -1) + 1]!++] = id;
  return { ids, groups };
}

/**
 * Ids of the items matching `filter` (see libraryWhere), in the order `sort` gives: name is the
 * file name of the item's first sighting (case-insensitive), ties by id in the same direction,
 * items without a capture time last when sorting by it. One indexed SELECT per sort segment; the
 * ids of a million items take 8 MB. Throws Error for a filter the catalog refuses.
 */
export function orderedItemIds(db: Db, filter: ItemFilter, sort: ItemSort): number[] {
  const w = libraryWhere(db, filter);
  const out: number[] = [];
  for (const seg of sortSegments(sort)) {
    const where = seg.cond ? [...w.where, seg.cond] : w.where;
    for (const id of db.prepare(`SELECT i.id FROM items i${whereSql(where)} ORDER BY ${seg.order}`).pluck().iterate(...w.args) as IterableIterator<number>) out.push(id);
  }
  return out;
}

/** How many items match `filter` (see libraryWhere), counted in SQL. */
export function countItems(db: Db, filter: ItemFilter): number {
  const w = libraryWhere(db, filter);
  return db.prepare(`SELECT count(*) FROM items i${whereSql(w.where)}`).pluck().get(...w.args) as number;
}

/**
 * Library summaries of the items `ids`, in that order (one SELECT for all of them); ids of no
 * item are left out. `thumbs` says which SHA-256s have a thumbnail.
 */
export function itemSummaries(db: Db, ids: readonly number[], thumbs: Set<string>, strips?: Set<string>): ItemSummary[] {
  if (!ids.length) return [];
  // One row per item with every column of the list view: a page is 200 items, so the
  // subqueries (each an index lookup) and the JSON reads cost a few milliseconds.
  const rows = db.prepare(
    `SELECT i.id, i.sha256, i.kind, i.mime, i.bytes, i.captured_at, i.ingested_at, i.make, i.model, i.has_gps,
       (SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) AS name,
       (SELECT c.verdict FROM item_credentials c WHERE c.item_id = i.id) AS credentials,
       json_extract(i.record, '$.durationSec') AS duration, json_extract(i.record, '$.width') AS width,
       json_extract(i.record, '$.height') AS height, json_extract(i.record, '$.codec') AS codec,
       CASE WHEN i.kind = 'video' THEN (SELECT json_extract(st.value, '$.avg_frame_rate') FROM json_each(i.raw_metadata, '$.ffprobe.streams') st
         WHERE json_extract(st.value, '$.codec_type') = 'video' LIMIT 1) END AS fps,
       ${REEL_OF_ITEM} AS reel,
       (SELECT json_group_array(place_id) FROM (SELECT ip.place_id FROM item_places ip WHERE ip.item_id = i.id ORDER BY ip.ord, ip.place_id)) AS places,
       (SELECT json_group_array(tag) FROM (SELECT t.tag FROM item_tags t WHERE t.item_id = i.id ORDER BY t.tag)) AS tags,
       (EXISTS (SELECT 1 FROM item_places x WHERE x.item_id = i.id) OR EXISTS (SELECT 1 FROM item_people x WHERE x.item_id = i.id)
         OR EXISTS (SELECT 1 FROM item_incidents x WHERE x.item_id = i.id) OR EXISTS (SELECT 1 FROM item_cases x WHERE x.item_id = i.id)
         OR EXISTS (SELECT 1 FROM item_tags x WHERE x.item_id = i.id)) AS tagged,
       (SELECT f.outcome FROM item_fixity f WHERE f.item_id = i.id) AS fixity,
       EXISTS (SELECT 1 FROM sightings s JOIN reel_runs rr ON rr.reel_id = s.reel_id WHERE s.item_id = i.id AND rr.missing > 0
         AND rr.started_at = (SELECT max(r2.started_at) FROM reel_runs r2 WHERE r2.reel_id = rr.reel_id)) AS incomplete
     FROM items i WHERE i.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id): ItemSummary[] => {
    const r = byId.get(id);
    return r ? [{
      id: r.id, sha256: r.sha256, name: r.name ?? r.sha256, kind: r.kind, mime: r.mime, bytes: r.bytes,
      capturedAt: r.captured_at, ingestedAt: r.ingested_at, camera: camera(r.make, r.model), hasGps: r.has_gps === 1,
      thumb: thumbs.has(r.sha256), ...(r.credentials ? { credentials: r.credentials } : {}),
      durationSec: r.duration, width: r.width, height: r.height, codec: r.codec, fps: frameRate(r.fps), reel: r.reel,
      places: JSON.parse(r.places) as string[], tags: JSON.parse(r.tags) as string[], tagged: r.tagged === 1,
      fixityFailed: r.fixity !== null && r.fixity !== 'pass', incompleteCard: r.incomplete === 1, strip: strips?.has(r.sha256) ?? false,
    }] : [];
  });
}

/** ffprobe's "30000/1001" as frames per second (29.97, two decimals); null for none or "0/0". */
export function frameRate(text: string | null): number | null {
  const m = /^(\d+)\/(\d+)$/u.exec(text ?? '');
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return null;
  return Math.round((Number(m[1]) / Number(m[2])) * 100) / 100;
}

/**
 * Every item matching `filter`, sorted by `sort`, as Library summaries: orderedItemIds then
 * itemSummaries, for callers that need them all at once (a few thousand); the Library pages
 * through a view instead (service/library-views.ts). Throws Error for a filter the catalog refuses.
 */
export function queryItems(db: Db, filter: ItemFilter, sort: ItemSort, thumbs: Set<string>): ItemSummary[] {
  const ids = orderedItemIds(db, filter, sort);
  const out: ItemSummary[] = [];
  // json_each over a million ids would build one 7 MB argument; 10,000 at a time keeps it small.
  for (let i = 0; i < ids.length; i += 10_000) out.push(...itemSummaries(db, ids.slice(i, i + 10_000), thumbs));
  return out;
}

/**
 * The distinct (make, model) pairs in the catalog, a missing one as '', in index order: a skip
 * scan over items_camera (migration 008), one indexed step per pair, not a read of every item.
 */
export function cameraPairs(db: Db): { make: string; model: string }[] {
  const next = db.prepare(`SELECT coalesce(make, '') make, coalesce(model, '') model FROM items
    WHERE (coalesce(make, ''), coalesce(model, '')) > (?, ?) ORDER BY coalesce(make, ''), coalesce(model, '') LIMIT 1`);
  const first = db.prepare("SELECT coalesce(make, '') make, coalesce(model, '') model FROM items ORDER BY coalesce(make, ''), coalesce(model, '') LIMIT 1");
  const out: { make: string; model: string }[] = [];
  for (let p = first.get() as { make: string; model: string } | undefined; p; p = next.get(p.make, p.model) as typeof p | undefined) out.push(p);
  return out;
}

/**
 * Distinct cameras, item counts per kind and the tags in use, for the filter bar; each from an
 * index (items_camera, items_kind, item_tags_tag), stepping from one distinct value to the next,
 * so a million items cost a few dozen index lookups.
 */
export function itemFacets(db: Db): { cameras: string[]; kinds: Record<string, number>; tags: string[] } {
  const cameras = [...new Set(cameraPairs(db).map((c) => camera(c.make, c.model)).filter((c): c is string => !!c))].sort((a, b) => a.localeCompare(b));
  const kinds: Record<string, number> = {};
  const countKind = db.prepare('SELECT count(*) FROM items WHERE kind = ?').pluck();
  for (const k of KINDS) {
    const n = countKind.get(k) as number;
    if (n) kinds[k] = n;
  }
  const nextTag = db.prepare('SELECT tag FROM item_tags WHERE tag > ? ORDER BY tag LIMIT 1').pluck();
  const tags: string[] = [];
  for (let t = nextTag.get('') as string | undefined; t !== undefined; t = nextTag.get(t) as string | undefined) tags.push(t);
  return { cameras, kinds, tags };
}

/**
 * Everything the Item screen shows about item `id`: its summary, normalized and raw metadata,
 * digests, sightings, custody timeline and catalog links (null without the catalog). Null when
 * there is no such item.
 */
export function itemDetail(db: Db, id: number, thumbs: Set<string>): ItemDetail | null {
  const it = getItem(db, id);
  if (!it) return null;
  const sightings = listSightings(db, id);
  const rec = it.record;
  return {
    summary: {
      id, sha256: rec.sha256, name: sightings[0]?.name ?? rec.sha256, kind: rec.kind, mime: rec.mime, bytes: rec.bytes,
      capturedAt: rec.capturedAt, ingestedAt: it.ingestedAt, camera: camera(rec.make, rec.model),
      hasGps: !!rec.gps && !rec.gps.noFix, thumb: thumbs.has(rec.sha256),
    },
    record: rec,
    raw: getRawMetadata(db, id),
    digests: getDigests(db, id),
    sightings,
    custody: itemCustodyEvents(db, rec.sha256),
    warnings: it.warnings,
    metadataError: it.metadataError,
    links: itemLinks(db, id),
    credentials: (getCredentials(db, id)?.report as unknown as Record<string, unknown> | undefined) ?? null,
    lastCheck: lastCheckView(db, id),
  };
}

/**
 * What a scrub strip or contact sheet of item `id` is made from (derivatives/filmstrip.ts): its
 * content, kind, duration in seconds, first file name and frame rate. Null when there is no
 * such item.
 */
export function clipOf(db: Db, id: number): { sha256: string; kind: Kind; durationSec: number | null; name: string; fps: number | null } | null {
  const r = db.prepare(`SELECT i.sha256, i.kind, json_extract(i.record, '$.durationSec') AS duration,
      (SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) AS name,
      (SELECT json_extract(st.value, '$.avg_frame_rate') FROM json_each(i.raw_metadata, '$.ffprobe.streams') st
        WHERE json_extract(st.value, '$.codec_type') = 'video' LIMIT 1) AS fps
    FROM items i WHERE i.id = ?`).get(id) as { sha256: string; kind: Kind; duration: number | null; name: string | null; fps: string | null } | undefined;
  return r ? { sha256: r.sha256, kind: r.kind, durationSec: r.duration, name: r.name ?? r.sha256, fps: frameRate(r.fps) } : null;
}
