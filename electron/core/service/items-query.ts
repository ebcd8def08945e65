// The Library's queries: item summaries matching a filter in a chosen order, the facets the
// filter bar offers, and everything the Item screen shows about one item.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemDetail, ItemFilter, ItemSort, ItemSummary } from '../../common/ipc.ts';
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
}

/** SHA-256s that have a thumbnail under derivatives/thumbs/ (one readdir per prefix folder). */
export function thumbnailSet(derivativesDir: string): Set<string> {
  const out = new Set<string>();
  const root = join(derivativesDir, 'thumbs');
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
  }
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
export function itemSummaries(db: Db, ids: readonly number[], thumbs: Set<string>): ItemSummary[] {
  if (!ids.length) return [];
  const rows = db.prepare(
    `SELECT i.id, i.sha256, i.kind, i.mime, i.bytes, i.captured_at, i.ingested_at, i.make, i.model, i.has_gps,
       (SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) AS name,
       (SELECT c.verdict FROM item_credentials c WHERE c.item_id = i.id) AS credentials
     FROM items i WHERE i.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(ids)) as Row[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id): ItemSummary[] => {
    const r = byId.get(id);
    return r ? [{
      id: r.id, sha256: r.sha256, name: r.name ?? r.sha256, kind: r.kind, mime: r.mime, bytes: r.bytes,
      capturedAt: r.captured_at, ingestedAt: r.ingested_at, camera: camera(r.make, r.model), hasGps: r.has_gps === 1,
      thumb: thumbs.has(r.sha256), ...(r.credentials ? { credentials: r.credentials } : {}),
    }] : [];
  });
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
