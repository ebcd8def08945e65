// The Library's queries: item summaries matching a filter in a chosen order, the facets the
// filter bar offers, and everything the Item screen shows about one item.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ItemDetail, ItemFilter, ItemSort, ItemSummary } from '../../common/ipc.ts';
import type { Kind } from '../../common/types.ts';
import { listCustodyEvents } from '../custody/log.ts';
import type { Db } from '../db/open.ts';
import { getDigests, getItem, getRawMetadata, listSightings } from '../db/items.ts';
import type { ItemFilter as CatalogItemFilter } from '../../common/catalog.ts';
import { buildItemFilterQuery } from '../catalog/filters.ts';
import { ftsQuery } from '../catalog/fts.ts';
import { itemLinks } from './catalog-links.ts';

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
  };
}

/**
 * Items matching every given field of `filter` (ItemFilter in common/ipc.ts), sorted by `sort`
 * (items without a capture time last when sorting by it), as Library summaries. The catalog's
 * filter (catalog/filters.ts) decides kinds, dates, GPS, places, people, incidents, cases, tags
 * and untagged; text matches file names and source paths (in the NFC or NFD spelling of the text),
 * camera and SHA-256 prefix here, and what people wrote or linked through the catalog's full-text
 * index. `thumbs` says which SHA-256s
 * have a thumbnail. Throws Error for a filter the catalog refuses.
 */
export function queryItems(db: Db, filter: ItemFilter, sort: ItemSort, thumbs: Set<string>): ItemSummary[] {
  const base = buildItemFilterQuery(catalogFilter(filter));
  const where: string[] = [`i.id IN (${base.sql})`];
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
    ];
    args.push(like, ...spellings.flatMap((l) => [l, l]));
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
  const order = {
    capturedAt: `i.captured_at IS NULL, i.captured_at ${sort.dir}, i.id ${sort.dir}`,
    ingestedAt: `i.ingested_at ${sort.dir}, i.id ${sort.dir}`,
    name: `name COLLATE NOCASE ${sort.dir}, i.id ${sort.dir}`,
    bytes: `i.bytes ${sort.dir}, i.id ${sort.dir}`,
    id: `i.id ${sort.dir}`,
  }[sort.by];
  const rows = db.prepare(
    `SELECT i.id, i.sha256, i.kind, i.mime, i.bytes, i.captured_at, i.ingested_at, i.make, i.model, i.has_gps,
       (SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) AS name
     FROM items i ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}`,
  ).all(...args) as Row[];
  const out = rows.map((r): ItemSummary => ({
    id: r.id, sha256: r.sha256, name: r.name ?? r.sha256, kind: r.kind, mime: r.mime, bytes: r.bytes,
    capturedAt: r.captured_at, ingestedAt: r.ingested_at, camera: camera(r.make, r.model), hasGps: r.has_gps === 1,
    thumb: thumbs.has(r.sha256),
  }));
  return filter.camera ? out.filter((s) => s.camera === filter.camera) : out;
}

/** Distinct cameras, item counts per kind and the tags in use, for the filter bar. */
export function itemFacets(db: Db): { cameras: string[]; kinds: Record<string, number>; tags: string[] } {
  const cams = db.prepare('SELECT DISTINCT make, model FROM items WHERE make IS NOT NULL OR model IS NOT NULL').all() as { make: string | null; model: string | null }[];
  const cameras = [...new Set(cams.map((c) => camera(c.make, c.model)).filter((c): c is string => !!c))].sort((a, b) => a.localeCompare(b));
  const kinds: Record<string, number> = {};
  for (const r of db.prepare('SELECT kind, count(*) n FROM items GROUP BY kind').all() as { kind: string; n: number }[]) kinds[r.kind] = r.n;
  const tags = (db.prepare('SELECT DISTINCT tag FROM item_tags ORDER BY tag').all() as { tag: string }[]).map((r) => r.tag);
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
    custody: listCustodyEvents(db, { item: rec.sha256 }),
    warnings: it.warnings,
    metadataError: it.metadataError,
    links: itemLinks(db, id),
  };
}
