// The Library grouped by capture day, card/reel and place (issue 16 §2): a grouped view holds the
// same items as the ungrouped one, each group one contiguous run whose count is what a GROUP BY
// counts; and a page carries every column of the list view (duration, size in pixels, frame rate,
// codec, reel, places, tags, badges).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../electron/core/db/open.ts';
import { frameRate, groupedItemIds, itemSummaries, orderedItemIds } from '../../electron/core/service/items-query.ts';
import { seedSyntheticCatalog } from '../../bench/seed-catalog.ts';
import { freshCatalog } from '../helpers/catalog.ts';

let db: Db;
beforeAll(() => {
  db = freshCatalog().db;
  seedSyntheticCatalog(db, 2_000, { realistic: true });
  db.exec(`UPDATE items SET captured_at = NULL WHERE id % 11 = 0;
    INSERT INTO reels (id, name, name_source, root_path, root_bytes, created_at, created_run) VALUES
      (1, 'CARD_A', 'given', '/a', x'2f61', '2026-01-01T00:00:00Z', 'r1'), (2, 'CARD_B', 'given', '/b', x'2f62', '2026-01-01T00:00:00Z', 'r2');
    INSERT INTO reel_runs (reel_id, run_id, root_path, root_bytes, started_at, files, missing) VALUES
      (1, 'r1', '/a', x'2f61', '2026-01-01T00:00:00Z', 10, 0), (2, 'r2', '/b', x'2f62', '2026-01-01T00:00:00Z', 10, 3);
    UPDATE sightings SET reel_id = CASE WHEN item_id % 3 = 0 THEN 1 WHEN item_id % 3 = 1 THEN 2 END;
    UPDATE items SET record = json_set(record, '$.durationSec', (id % 100) / 10.0, '$.codec', 'h264'),
      raw_metadata = json('{"ffprobe":{"streams":[{"codec_type":"audio"},{"codec_type":"video","avg_frame_rate":"30000/1001"}]}}') WHERE kind = 'video';
    INSERT INTO item_fixity (item_id, checked_at, outcome) VALUES (5, '2026-01-02T00:00:00Z', 'altered'), (10, '2026-01-02T00:00:00Z', 'pass');`);
}, 60_000);
afterAll(() => db.close());

/** The runs of `groups` checked against the view: contiguous, counts adding up, every item's key right. */
function checkRuns(ids: number[], groups: { key: string | null; count: number }[], keyOf: (id: number) => string | null) {
  expect(groups.reduce((s, g) => s + g.count, 0)).toBe(ids.length);
  expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length); // each key one run
  let at = 0;
  for (const g of groups) {
    for (const id of ids.slice(at, at + g.count)) expect(keyOf(id)).toBe(g.key);
    at += g.count;
  }
  expect(groups[groups.length - 1]!.key).toBeNull(); // the items without one come last
}

describe('grouped Library views', () => {
  it('by day: the items of the ungrouped view, one run per day, counts equal to GROUP BY, newest day first', () => {
    for (const sort of [{ by: 'capturedAt', dir: 'desc' }, { by: 'capturedAt', dir: 'asc' }, { by: 'name', dir: 'asc' }] as const) {
      const { ids, groups } = groupedItemIds(db, {}, sort, 'day');
      expect([...ids].sort((a, b) => a - b)).toEqual(orderedItemIds(db, {}, { by: 'id', dir: 'asc' }));
      const keyOf = (id: number) => db.prepare('SELECT substr(captured_at, 1, 10) FROM items WHERE id = ?').pluck().get(id) as string | null;
      checkRuns(ids, groups!, keyOf);
      const ref = new Map((db.prepare('SELECT substr(captured_at, 1, 10) d, count(*) n FROM items GROUP BY d').all() as { d: string | null; n: number }[]).map((r) => [r.d, r.n]));
      for (const g of groups!) expect(g.count).toBe(ref.get(g.key));
      const days = groups!.filter((g) => g.key).map((g) => g.key!);
      expect(days).toEqual([...days].sort().reverse().map((d) => d).sort(sort.dir === 'asc' && sort.by === 'capturedAt' ? undefined : (a, b) => b.localeCompare(a)));
    }
  });

  it('by reel and by place, with a filter: counts equal to GROUP BY of the first sighting’s reel / first place', () => {
    const { ids, groups } = groupedItemIds(db, { gps: 'with' }, { by: 'bytes', dir: 'desc' }, 'reel');
    checkRuns(ids, groups!, (id) => db.prepare('SELECT r.name FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.item_id = ? ORDER BY s.id LIMIT 1').pluck().get(id) as string ?? null);
    expect(groups!.map((g) => g.key)).toEqual(['CARD_A', 'CARD_B', null]);
    expect(groups![0]!.count).toBe(db.prepare('SELECT count(*) FROM items i JOIN sightings s ON s.item_id = i.id WHERE s.reel_id = 1 AND i.has_gps = 1').pluck().get());
    const byPlace = groupedItemIds(db, {}, { by: 'id', dir: 'asc' }, 'place');
    checkRuns(byPlace.ids, byPlace.groups!, (id) => db.prepare('SELECT place_id FROM item_places WHERE item_id = ? ORDER BY ord, place_id LIMIT 1').pluck().get(id) as string ?? null);
    expect(byPlace.groups!.filter((g) => g.key).map((g) => g.count)).toEqual([100, 100, 100, 100, 100]); // 2,000 / 4 across 5 places
  });

  it('sorts by duration and reel, in SQL', () => {
    const byDur = orderedItemIds(db, { kinds: ['video'] }, { by: 'duration', dir: 'desc' });
    const durs = byDur.map((id) => db.prepare("SELECT json_extract(record, '$.durationSec') FROM items WHERE id = ?").pluck().get(id) as number);
    expect(durs).toEqual([...durs].sort((a, b) => b - a));
    expect(durs[0]).toBe(9.6); // video ids are 1 mod 5: the longest is id % 100 = 96
  });
});

describe('a page carries the list view’s columns', () => {
  it('duration, frame rate, codec, reel, places, tags, fixity and incomplete-card badges', () => {
    const [v5, v10, v12] = itemSummaries(db, [5, 10, 12], new Set());
    expect(v5).toMatchObject({ kind: 'image', durationSec: null, fps: null, reel: null, fixityFailed: true, incompleteCard: false });
    expect(v10).toMatchObject({ kind: 'image', fixityFailed: false, reel: 'CARD_B', incompleteCard: true });
    const v6 = itemSummaries(db, [6], new Set())[0]!;
    expect(v6).toMatchObject({ kind: 'video', durationSec: 0.6, fps: 29.97, codec: 'h264', reel: 'CARD_A', incompleteCard: false, fixityFailed: false, tags: [] });
    expect(v12).toMatchObject({ places: ['maksat'], tags: [], tagged: true });
    expect(itemSummaries(db, [7], new Set())[0]).toMatchObject({ tags: ['дом'], tagged: true, places: [] });
    expect(itemSummaries(db, [1], new Set())[0]).toMatchObject({ tagged: false });
  });
  it('frameRate reads ffprobe rationals', () => {
    expect(frameRate('30000/1001')).toBe(29.97);
    expect(frameRate('25/1')).toBe(25);
    expect(frameRate('0/0')).toBeNull();
    expect(frameRate(null)).toBeNull();
  });
});
