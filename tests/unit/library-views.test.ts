// The Library's paged queries (issue 15 §1) give the items, order and facets the one-call listing
// gave: the reference below is that listing's SQL, ORDER BY and camera check as they were. And a
// view's pages cover every match exactly once, in that order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemFilter, ItemSort } from '../../electron/common/ipc.ts';
import { buildItemFilterQuery } from '../../electron/core/catalog/filters.ts';
import type { Db } from '../../electron/core/db/open.ts';
import { countItems, itemFacets, itemSummaries, orderedItemIds, queryItems } from '../../electron/core/service/items-query.ts';
import { createLibraryViews } from '../../electron/core/service/library-views.ts';
import { seedSyntheticCatalog } from '../../bench/seed-catalog.ts';
import { freshCatalog } from '../helpers/catalog.ts';

const N = 3_000;
let db: Db;

beforeAll(() => {
  db = freshCatalog().db;
  seedSyntheticCatalog(db, N, { realistic: true });
  // What the seed does not have: undated items, a missing make or model, a camera whose model
  // repeats the make, names differing in case only, items whose first sighting is not their only one.
  db.exec(`UPDATE items SET captured_at = NULL WHERE id % 11 = 0;
    UPDATE items SET make = NULL WHERE id % 13 = 0;
    UPDATE items SET make = 'Canon', model = 'Canon EOS 5D' WHERE id % 17 = 0;
    UPDATE items SET model = NULL WHERE id % 19 = 0;
    UPDATE sightings SET file_name = lower(file_name) WHERE item_id % 5 = 0;
    INSERT INTO sightings (item_id, source_path, file_name, bytes, operator, host, ingested_at, run_id)
      SELECT id, '/later/AAA.jpg', 'AAA.jpg', 1, 'op', 'h', '2026-02-01T00:00:00Z', 'r' FROM items WHERE id % 23 = 0;
    UPDATE items SET ingested_at = '2026-01-0' || (id % 9 + 1) || 'T00:00:00Z';
    UPDATE items SET bytes = (id * 7919) % 1000;
    UPDATE items_fts SET camera = (SELECT trim(coalesce(make, '') || ' ' || coalesce(model, '')) FROM items WHERE items.id = items_fts.rowid);`);
}, 60_000);
afterAll(() => db.close());

const cameraOf = (make: string | null, model: string | null): string | null => {
  const m = (make ?? '').trim();
  const n = (model ?? '').trim();
  const text = n.toLowerCase().startsWith(m.toLowerCase()) ? n : `${m} ${n}`.trim();
  return text || null;
};

/** The ids the one-call Library listing gave for `filter` (no text) in `sort`: its SQL and camera check as they were. */
function referenceIds(filter: ItemFilter, sort: ItemSort): number[] {
  const base = buildItemFilterQuery({
    ...(filter.kinds ? { kinds: filter.kinds } : {}), ...(filter.tag ? { tags: [filter.tag] } : {}),
    ...(filter.gps && filter.gps !== 'any' ? { hasGps: filter.gps === 'with' } : {}), ...(filter.untagged ? { untagged: true } : {}),
    ...(filter.from ? { from: filter.from } : {}), ...(filter.to ? { to: filter.to } : {}),
  });
  const order = ({
    capturedAt: `i.captured_at IS NULL, i.captured_at ${sort.dir}, i.id ${sort.dir}`,
    ingestedAt: `i.ingested_at ${sort.dir}, i.id ${sort.dir}`,
    name: `name COLLATE NOCASE ${sort.dir}, i.id ${sort.dir}`,
    bytes: `i.bytes ${sort.dir}, i.id ${sort.dir}`,
    id: `i.id ${sort.dir}`,
  } as Record<string, string>)[sort.by];
  const rows = db.prepare(`SELECT i.id, i.make, i.model, (SELECT s.file_name FROM sightings s WHERE s.item_id = i.id ORDER BY s.id LIMIT 1) AS name
    FROM items i WHERE i.id IN (${base.sql}) ORDER BY ${order}`).all(...base.params) as { id: number; make: string | null; model: string | null }[];
  return rows.filter((r) => !filter.camera || cameraOf(r.make, r.model) === filter.camera).map((r) => r.id);
}

const SORTS: ItemSort[] = (['capturedAt', 'ingestedAt', 'name', 'bytes', 'id'] as const).flatMap((by) => (['asc', 'desc'] as const).map((dir) => ({ by, dir })));
const FILTERS: ItemFilter[] = [
  {}, { gps: 'with' }, { tag: 'школа' }, { camera: 'Canon EOS 5D' }, { camera: 'Apple' }, { camera: 'iPhone 12' }, { camera: 'Nikon' },
  { kinds: ['video', 'audio'], from: '2021-03-01', to: '2021-05-31' }, { untagged: true, gps: 'without' },
];

describe('Library queries give the one-call listing’s items and order', () => {
  for (const filter of FILTERS) {
    it(`filter ${JSON.stringify(filter)}: every sort, and the count`, () => {
      const ref = referenceIds(filter, { by: 'id', dir: 'asc' });
      if (filter.camera !== 'Nikon') expect(ref.length).toBeGreaterThan(0);
      expect(countItems(db, filter)).toBe(ref.length);
      for (const sort of SORTS) expect(orderedItemIds(db, filter, sort), JSON.stringify(sort)).toEqual(referenceIds(filter, sort));
    });
  }

  it('text finds file names (either case), camera, SHA-256 prefix and descriptions, as before', () => {
    const sha = db.prepare('SELECT sha256 FROM items WHERE id = 77').pluck().get() as string;
    expect(orderedItemIds(db, { text: sha.slice(0, 10) }, { by: 'id', dir: 'asc' })).toEqual([77]);
    expect(orderedItemIds(db, { text: 'img_0000015' }, { by: 'id', dir: 'asc' })).toEqual([15]);
    expect(orderedItemIds(db, { text: 'сгоревший' }, { by: 'id', dir: 'asc' })).toEqual([1000, 2000, 3000]);
    // Make and model as typed; every item with one of these cameras (and only those: no file name or description says EOS).
    const eos = [...referenceIds({ camera: 'Canon EOS 5D' }, { by: 'id', dir: 'asc' }), ...referenceIds({ camera: 'EOS 5D' }, { by: 'id', dir: 'asc' })].sort((a, b) => a - b);
    expect(orderedItemIds(db, { text: 'EOS 5', kinds: ['image'] }, { by: 'id', dir: 'asc' })).toEqual(eos.filter((id) => id % 5 === 0));
  });

  it('summaries come in the order asked, with the first sighting’s name and the camera as shown before', () => {
    const ids = [23, 5, 17, 999_999, 1];
    const s = itemSummaries(db, ids, new Set());
    expect(s.map((x) => x.id)).toEqual([23, 5, 17, 1]);
    expect(s[0]).toMatchObject({ name: 'IMG_0000023.JPG', camera: 'Apple iPhone 12' });
    expect(s[1]).toMatchObject({ name: 'img_0000005.jpg' });
    expect(s[2]).toMatchObject({ camera: 'Canon EOS 5D' });
    expect(queryItems(db, { gps: 'with' }, { by: 'name', dir: 'desc' }, new Set()).map((x) => x.id)).toEqual(referenceIds({ gps: 'with' }, { by: 'name', dir: 'desc' }));
  });

  it('facets: the cameras, kind counts and tags the full scans gave', () => {
    const pairs = db.prepare('SELECT DISTINCT make, model FROM items WHERE make IS NOT NULL OR model IS NOT NULL').all() as { make: string | null; model: string | null }[];
    const kinds: Record<string, number> = {};
    for (const r of db.prepare('SELECT kind, count(*) n FROM items GROUP BY kind').all() as { kind: string; n: number }[]) kinds[r.kind] = r.n;
    const f = itemFacets(db);
    expect(f).toEqual({
      cameras: [...new Set(pairs.map((c) => cameraOf(c.make, c.model)).filter((c): c is string => !!c))].sort((a, b) => a.localeCompare(b)),
      kinds,
      tags: (db.prepare('SELECT DISTINCT tag FROM item_tags ORDER BY tag').pluck().all() as string[]),
    });
    expect(f.cameras).toEqual(['Apple', 'Apple iPhone 12', 'Canon', 'Canon EOS 5D', 'EOS 5D', 'iPhone 12']);
    expect(Object.keys(f.kinds)).toEqual(['audio', 'document', 'image', 'other', 'video']);
  });

  it('facets and paging read indexes, never every item', () => {
    const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan("SELECT coalesce(make, '') make, coalesce(model, '') model FROM items WHERE (coalesce(make, ''), coalesce(model, '')) > (?, ?) ORDER BY coalesce(make, ''), coalesce(model, '') LIMIT 1", '', ''))
      .toMatch(/INDEX items_camera/u);
    expect(plan('SELECT i.id FROM items i ORDER BY i.captured_at DESC, i.id DESC')).toMatch(/SCAN i USING COVERING INDEX items_captured_at/u);
    expect(plan('SELECT i.id FROM items i ORDER BY i.ingested_at ASC, i.id ASC')).toMatch(/SCAN i USING COVERING INDEX items_ingested_at/u);
    expect(plan('SELECT i.id FROM items i ORDER BY i.bytes DESC, i.id DESC')).toMatch(/SCAN i USING COVERING INDEX items_bytes/u);
  });
});

describe('Library views', () => {
  it('pages of any size cover every match exactly once, in order', () => {
    const views = createLibraryViews();
    const filter: ItemFilter = { gps: 'without' };
    const sort: ItemSort = { by: 'capturedAt', dir: 'asc' };
    const { view, total } = views.open(db, filter, sort);
    const expected = referenceIds(filter, sort);
    expect(total).toBe(expected.length);
    for (const size of [1, 7, 200, 1000, total + 5]) {
      const seen: number[] = [];
      for (let offset = 0; offset < total; offset += size) seen.push(...itemSummaries(db, views.ids(view, offset, size)!, new Set()).map((s) => s.id));
      expect(seen).toEqual(expected);
    }
    expect(views.ids(view)).toEqual(expected);
    expect(views.ids(view, total)).toEqual([]);
  });

  it('a view keeps its items while the catalog changes, and the fifth view expires the first', () => {
    const views = createLibraryViews();
    const first = views.open(db, { tag: 'школа' }, { by: 'id', dir: 'asc' });
    db.prepare("INSERT INTO item_tags (item_id, tag) VALUES (1, 'школа')").run();
    expect(views.ids(first.view)![0]).toBe(14);
    expect(views.open(db, { tag: 'школа' }, { by: 'id', dir: 'asc' }).total).toBe(first.total + 1);
    db.prepare("DELETE FROM item_tags WHERE item_id = 1 AND tag = 'школа'").run();
    for (let i = 0; i < 3; i++) views.open(db, {}, { by: 'id', dir: 'asc' });
    expect(views.ids(first.view)).toBeNull();
  });
});
