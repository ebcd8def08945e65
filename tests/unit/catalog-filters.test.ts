// Every item filter is answered from an index, proven with EXPLAIN QUERY PLAN on a catalog of
// 100,000 synthetic items (rows inserted straight into SQLite in one transaction).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemFilter } from '../../electron/common/catalog.ts';
import { buildItemFilterQuery, filterItemIds, itemCountsWithinPlaces } from '../../electron/core/catalog/filters.ts';
import type { Db } from '../../electron/core/db/open.ts';
import { createCatalogAdapter } from '../../electron/core/service/catalog-adapter.ts';
import { freshCatalog } from '../helpers/catalog.ts';
import { seedSyntheticCatalog } from '../../bench/seed-catalog.ts';

const N = 100_000;
let db: Db;

beforeAll(() => {
  db = freshCatalog().db;
  seedSyntheticCatalog(db, N);
  // No ANALYZE: a real archive has no statistics either.
}, 120_000);
afterAll(() => db.close());

function plan(f: ItemFilter): string {
  const q = buildItemFilterQuery(f);
  return (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...q.params) as { detail: string }[]).map((r) => r.detail).join('\n');
}

describe(`item filters on ${N.toLocaleString('en')} items`, () => {
  const cases: [string, () => ItemFilter, RegExp, number][] = [
    ['--place', () => ({ places: ['kok-tash-batken'] }), /SEARCH item_places USING (COVERING )?INDEX item_places_place \(place_id=\?\)/, N / 20],
    ['--person', () => ({ people: [{ id: 1 }] }), /SEARCH item_people USING (COVERING )?INDEX item_people_person \(person_id=\?\)/, N / 50],
    ['--person ID:role', () => ({ people: [{ id: 1, role: 'depicts' }] }), /SEARCH item_people USING (COVERING )?INDEX item_people_person \(person_id=\? AND role=\?\)/, N / 50],
    ['--incident', () => ({ incidents: [1] }), /SEARCH item_incidents USING (COVERING )?INDEX item_incidents_incident \(incident_id=\?\)/, Math.floor(N / 70)],
    ['--case', () => ({ cases: [1] }), /SEARCH item_cases USING (COVERING )?INDEX item_cases_case \(case_id=\?\)/, Math.floor(N / 90)],
    ['--tag', () => ({ tags: ['ШКОЛА'] }), /SEARCH item_tags USING (COVERING )?INDEX item_tags_tag \(tag=\?\)/, Math.floor(N / 14)],
    ['--kind', () => ({ kinds: ['video'] }), /SEARCH i USING (COVERING )?INDEX items_kind \(kind=\?\)/, N / 5],
    ['--from/--to', () => ({ from: '2021-03-01', to: '2021-03-05' }), /SEARCH i USING (COVERING )?INDEX items_captured_at \(captured_at>\? AND captured_at<\?\)/, -1],
    ['--camera', () => ({ camera: 'canon' }), /VIRTUAL TABLE INDEX \d+:M/, Math.floor(N / 3)],
    ['--has-gps', () => ({ hasGps: true }), /SEARCH i USING (COVERING )?INDEX items_has_gps \(has_gps=\?\)/, N / 2],
    ['--no-gps', () => ({ hasGps: false }), /SEARCH i USING (COVERING )?INDEX items_has_gps \(has_gps=\?\)/, N / 2],
    ['--search', () => ({ search: 'сгоревший' }), /VIRTUAL TABLE INDEX \d+:M/, N / 1000],
  ];
  for (const [name, f, re, count] of cases) {
    it(`${name} uses its index`, () => {
      const p = plan(f());
      expect(p, p).toMatch(re);
      const started = performance.now();
      const ids = filterItemIds(db, f());
      const ms = performance.now() - started;
      if (count >= 0) expect(ids.length).toBe(count);
      else expect(ids.length).toBe(db.prepare("SELECT count(*) c FROM items WHERE captured_at >= '2021-03-01' AND captured_at < '2021-03-06'").pluck().get());
      expect(ms, `${name} took ${ms.toFixed(0)} ms`).toBeLessThan(3000);
    });
  }

  it('--place walks the place tree by places_parent and reads item_places by its place index, never scanning it', () => {
    const p = plan({ places: ['kok-tash-batken', 'ak-sai'] });
    expect(p, p).toMatch(/SEARCH p USING (COVERING )?INDEX places_parent \(parent_id=\?\)/);
    expect(p, p).toMatch(/SEARCH item_places USING (COVERING )?INDEX item_places_place \(place_id=\?\)/);
    expect(p, p).not.toMatch(/SCAN (item_places|places|i\b)/);
  });

  it('--untagged probes each link table by its primary key, never scans one', () => {
    const p = plan({ untagged: true });
    for (const t of ['item_places', 'item_people', 'item_incidents', 'item_cases', 'item_tags']) {
      expect(p).toMatch(new RegExp(`SEARCH ${t} USING PRIMARY KEY \\(item_id=\\?\\)`));
      expect(p).not.toMatch(new RegExp(`SCAN ${t}`));
    }
    const ids = filterItemIds(db, { untagged: true });
    expect(ids.every((i) => i % 4 !== 0 && i % 7 !== 0 && i % 50 !== 0 && i % 70 !== 0 && i % 90 !== 0)).toBe(true);
    expect(ids.length).toBe(db.prepare('SELECT count(*) FROM items WHERE id % 4 <> 0 AND id % 7 <> 0 AND id % 50 <> 0 AND id % 70 <> 0 AND id % 90 <> 0').pluck().get());
  });

  it('--credentials reads item_credentials by its verdict index (migration 015); absent takes in items never checked', () => {
    const put = db.prepare("INSERT INTO item_credentials (item_id, verdict, report, validated_at) VALUES (?, ?, '{}', '2026-01-01T00:00:00.000Z')");
    db.transaction(() => {
      for (let i = 100; i <= N; i += 100) put.run(i, 'valid-untrusted');
      for (let i = 50; i <= N; i += 100) put.run(i, 'invalid');
      for (let i = 25; i <= N; i += 100) put.run(i, 'absent');
    })();
    for (const c of ['valid', 'invalid', 'absent'] as const) {
      const p = plan({ credentials: c });
      expect(p, p).toMatch(/SEARCH item_credentials USING (COVERING )?INDEX item_credentials_verdict \(verdict=\?\)/);
    }
    expect(filterItemIds(db, { credentials: 'valid' })).toEqual(Array.from({ length: N / 100 }, (_, k) => (k + 1) * 100));
    expect(filterItemIds(db, { credentials: 'invalid' })).toEqual(Array.from({ length: N / 100 }, (_, k) => k * 100 + 50));
    expect(filterItemIds(db, { credentials: 'absent' })).toHaveLength(N - 2 * (N / 100));
    expect(filterItemIds(db, { credentials: 'valid', kinds: ['video'] }).every((i) => i % 100 === 0)).toBe(true);
    db.prepare('DELETE FROM item_credentials').run();
  });

  it('combines filters with AND', () => {
    // kok-tash-batken: i % 20 == 0 (so even, so no GPS); 'школа': i % 14 == 0 → i % 140 == 0.
    const ids = filterItemIds(db, { places: ['kok-tash-batken'], tags: ['школа'], hasGps: false });
    expect(ids).toEqual(Array.from({ length: Math.floor(N / 140) }, (_, k) => (k + 1) * 140));
    expect(filterItemIds(db, { places: ['kok-tash-batken'], hasGps: true })).toEqual([]);
  });

  it('a place takes in its sub-places, in the filter and in the per-place counts; a parent cycle terminates', () => {
    // ak-sai: i % 20 == 16 (i % 4 == 0, i % 5 == 1); maksat: i % 20 == 12. Maksat goes under Ak-Sai.
    const akSai = Array.from({ length: N / 20 }, (_, k) => 20 * k + 16);
    const both = [...akSai, ...akSai.map((i) => i - 4)].sort((a, b) => a - b);
    const adapter = createCatalogAdapter(db);
    const placeCount = (id: string) => adapter.list('place').find((r) => r.id === id)!.itemCount;
    try {
      db.prepare("UPDATE places SET parent_id = 'ak-sai' WHERE id = 'maksat'").run();
      expect(filterItemIds(db, { places: ['ak-sai'] })).toEqual(both);
      expect(filterItemIds(db, { places: ['maksat'] })).toEqual(akSai.map((i) => i - 4));
      expect(filterItemIds(db, { places: ['ak-sai', 'maksat'] })).toEqual(both);
      const started = performance.now();
      const counts = itemCountsWithinPlaces(db);
      const ms = performance.now() - started;
      expect(ms, `counts took ${ms.toFixed(0)} ms`).toBeLessThan(3000);
      expect(Object.fromEntries([...counts].filter(([k]) => ['ak-sai', 'maksat', 'kok-tash-batken', 'batken'].includes(k)))).toEqual({ 'ak-sai': N / 10, maksat: N / 20, 'kok-tash-batken': N / 20, batken: N / 20 });
      expect(placeCount('ak-sai')).toBe(N / 10);
      expect(adapter.get('place', 'ak-sai').itemCount).toBe(N / 10);
      expect(adapter.get('place', 'maksat').itemCount).toBe(N / 20);

      // A cycle: Ak-Sai under Maksat under Ak-Sai. Each is within the other; nothing else joins.
      db.prepare("UPDATE places SET parent_id = 'maksat' WHERE id = 'ak-sai'").run();
      expect(filterItemIds(db, { places: ['maksat'] })).toEqual(both);
      expect(filterItemIds(db, { places: ['ak-sai'] })).toEqual(both);
      expect(itemCountsWithinPlaces(db).get('maksat')).toBe(N / 10);
      expect(adapter.get('place', 'maksat').itemCount).toBe(N / 10);
      expect(filterItemIds(db, { places: ['kok-tash-batken'] })).toHaveLength(N / 20);
    } finally {
      db.prepare("UPDATE places SET parent_id = NULL WHERE id IN ('ak-sai', 'maksat')").run();
    }
  });

  it('refuses a malformed date', () => {
    expect(() => filterItemIds(db, { from: '29.04.2021' })).toThrow(/--from 29.04.2021: expected an ISO 8601 date/);
    expect(() => filterItemIds(db, { from: '2021-02-30' })).toThrow(/--from 2021-02-30: no such date or time/);
    expect(() => filterItemIds(db, { to: '2021-04-29T25:99' })).toThrow(/--to 2021-04-29T25:99: no such date or time/);
  });
});
