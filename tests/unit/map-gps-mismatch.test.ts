// Items whose GPS lies far from the place they are tagged to (issue 16 §3), with real photos of
// the corpus: a photo taken in Germany tagged to Kok-Tash (Batken) is flagged with its distance,
// a photo taken in Rome tagged to a place in Rome is not; the CLI's `list --gps-mismatch` and the
// Map's binning query read the same archive.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineMetres } from '../../electron/core/catalog/geo.ts';
import { gpsMismatches, mapClusters, mapPlaces } from '../../electron/core/catalog/map-query.ts';
import { openArchive, type Archive } from '../../electron/core/archive.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, loadExpected, MEDIA_DIR } from '../helpers/corpus.ts';

const GERMANY = 'metadata-extractor-images/jpg/Sony DSC-HX5V (2).jpg'; // 51.778615 N, 8.365638 E: 4,832 km from Kok-Tash
const ROME = 'metadata-extractor-images/jpg/Apple iPhone 4.jpg'; // 41.853 N, 12.488833 E
// Kok-Tash, Batken district, as the shipped gazetteer gives it (resources/gazetteer/places.csv).
const KOK_TASH = { lat: 39.9491, lon: 70.52804 };
// The Colosseum, Rome (41°53′25″N 12°29′32″E): about 4 km from where the iPhone photo was taken.
const COLOSSEUM = { lat: 41.890278, lon: 12.492222 };

describe.skipIf(!HAS_CORPUS)('GPS far from the tagged place', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-map-mismatch-'));
  const archive = join(work, 'archive');
  const A = ['--archive', archive];
  const ids: Record<string, number> = {};
  let a: Archive;

  beforeAll(async () => {
    const card = join(work, 'card');
    mkdirSync(card);
    copyFileSync(join(MEDIA_DIR, GERMANY), join(card, 'germany.jpg'));
    copyFileSync(join(MEDIA_DIR, ROME), join(card, 'rome.jpg'));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    const listed = await cliJson<{ id: number; sha256: string }[]>('list', '--json', ...A);
    const expected = loadExpected();
    for (const [key, path] of [['germany', GERMANY], ['rome', ROME]] as const) ids[key] = listed.find((i) => i.sha256 === expected[path]!.sha256)!.id;
    expect((await cliJson<{ id: string }>('place', 'add', 'Colosseum', '--lat', String(COLOSSEUM.lat), '--lon', String(COLOSSEUM.lon), '--country', 'IT', '--json', ...A)).id).toBe('colosseum');
    expect((await runCli('tag', String(ids.germany), '--place', 'kok-tash-batken', ...A)).code).toBe(0);
    expect((await runCli('tag', String(ids.rome), '--place', 'colosseum', ...A)).code).toBe(0);
    a = await openArchive(archive, { write: false });
  }, 60_000);

  afterAll(async () => {
    await a?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('flags the photo from Germany tagged to Kok-Tash, with its great-circle distance, and not the one from Rome tagged to Rome', () => {
    const r = gpsMismatches(a.db, { maxKm: 25 });
    expect(r.total).toBe(1);
    const m = r.rows[0]!;
    expect(m).toMatchObject({ itemId: ids.germany, placeId: 'kok-tash-batken', placeNameEn: 'Kok-Tash', placeNameRu: 'Кок-Таш', name: 'germany.jpg' });
    expect(m.itemLat).toBeCloseTo(51.778615, 5);
    expect(m.itemLon).toBeCloseTo(8.365638, 5);
    // The SQL haversine agrees with geo.ts to the millimetre: 4,832 km.
    expect(m.distanceM).toBeCloseTo(haversineMetres(m.itemLat, m.itemLon, KOK_TASH.lat, KOK_TASH.lon), 3);
    expect(Math.round(m.distanceM / 1000)).toBe(4832);
    // The Rome photo is 4.2 km from the Colosseum: not flagged at 25 km, flagged at 4 km.
    const rome = haversineMetres(41.853, 12.488833, COLOSSEUM.lat, COLOSSEUM.lon);
    expect(rome).toBeGreaterThan(4000);
    expect(rome).toBeLessThan(4300);
    expect(gpsMismatches(a.db, { maxKm: 25, itemId: ids.rome }).total).toBe(0);
    expect(gpsMismatches(a.db, { maxKm: 4, itemId: ids.rome }).rows.map((x) => [x.placeId, Math.round(x.distanceM)])).toEqual([['colosseum', Math.round(rome)]]);
    // A threshold beyond the distance clears the German photo too.
    expect(gpsMismatches(a.db, { maxKm: 5000 }).total).toBe(0);
    expect(() => gpsMismatches(a.db, { maxKm: 0 })).toThrow(/positive number/);
  });

  it('flags only the far link of an item tagged to two places', async () => {
    expect((await runCli('tag', String(ids.rome), '--place', 'kok-tash-batken', ...A)).code).toBe(0);
    const r = gpsMismatches(a.db, { maxKm: 25 });
    expect(r.rows.map((x) => [x.itemId, x.placeId])).toEqual([[ids.germany, 'kok-tash-batken'], [ids.rome, 'kok-tash-batken']]);
    expect(gpsMismatches(a.db, { maxKm: 25, itemId: ids.rome }).rows.map((x) => x.placeId)).toEqual(['kok-tash-batken']);
    expect((await runCli('untag', String(ids.rome), '--place', 'kok-tash-batken', ...A)).code).toBe(0);
  });

  it('lists them with `evidence list --gps-mismatch`, in text with the distance and as JSON', async () => {
    let r = await runCli('list', '--gps-mismatch', ...A);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\s*${ids.germany}\\s+4831\\.7 km\\s+kok-tash-batken \\(Kok-Tash\\)\\s+GPS 51\\.77862,8\\.36564\\s+germany\\.jpg$`));
    expect(lines[1]).toBe('1 item–place link with GPS more than 25 km from the place');
    const json = await cliJson<{ itemId: number; distanceM: number }[]>('list', '--gps-mismatch', '3', '--json', ...A);
    expect(json.map((x) => x.itemId).sort()).toEqual([ids.germany, ids.rome].sort());
    r = await runCli('list', '--gps-mismatch', 'far', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: --gps-mismatch far: give a positive number of kilometres\n']);
  });

  it('bins positions for the map and lists the gazetteer with item counts', () => {
    const world = { west: -180, south: -90, east: 180, north: 90 };
    const coarse = mapClusters(a.db, world, 90);
    expect(coarse.total).toBe(2);
    // Germany and Rome fall in one 90° cell: one cluster of 2 at their mean position.
    expect(coarse.clusters).toEqual([{ lat: expect.closeTo((51.778615 + 41.853) / 2, 5), lon: expect.closeTo((8.365638 + 12.488833) / 2, 5), n: 2, id: null }]);
    const fine = mapClusters(a.db, world, 1);
    expect(fine.clusters.map((c) => [c.n, c.id]).sort()).toEqual([[1, ids.germany], [1, ids.rome]].sort());
    expect(mapClusters(a.db, { west: 60, south: 35, east: 80, north: 45 }, 0.1).total).toBe(0);
    // Views finer than the finest pre-binned level read the items themselves.
    expect(mapClusters(a.db, { west: 8.36, south: 51.77, east: 8.37, north: 51.78 }, 0.001).clusters).toEqual([{ lat: expect.closeTo(51.778615, 5), lon: expect.closeTo(8.365638, 5), n: 1, id: ids.germany }]);
    const places = mapPlaces(a.db);
    expect(places.find((p) => p.id === 'kok-tash-batken')).toMatchObject({ nameKy: 'Көк-Таш', lat: 39.9491, itemCount: 1 });
    expect(places.find((p) => p.id === 'min-bulak')).toBeUndefined(); // no coordinates in the seed
  });
});

describe('pre-binned positions (map_cells, kept by triggers)', () => {
  it('follow items added, moved and un-positioned, at every level', async () => {
    const { freshCatalog, addFakeItem } = await import('../helpers/catalog.ts');
    const { db } = freshCatalog();
    const cells = () => db.prepare('SELECT level, gy, gx, n, round(sum_lat, 6) lat, round(sum_lon, 6) lon FROM map_cells ORDER BY level, gy, gx').all();
    const rebuilt = () => db.prepare(`SELECT l.level, CAST(floor(i.gps_lat / l.size) AS INTEGER) gy, CAST(floor(i.gps_lon / l.size) AS INTEGER) gx, count(*) n,
      round(sum(i.gps_lat), 6) lat, round(sum(i.gps_lon), 6) lon FROM items i, map_levels l WHERE i.has_gps = 1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`).all();
    const a = addFakeItem(db, 1, { gps: { lat: KOK_TASH.lat, lon: KOK_TASH.lon, alt: null, source: 'EXIF GPS IFD' } });
    const b = addFakeItem(db, 2, { gps: { lat: 39.87438, lon: 70.52211, alt: null, source: 'EXIF GPS IFD' } }); // Ak-Sai
    addFakeItem(db, 3); // no GPS
    expect(cells()).toHaveLength(7); // two items, four levels: one 1° cell, different cells from 0.1° down
    expect(cells()).toEqual(rebuilt());
    db.prepare('UPDATE items SET gps_lat = ?, gps_lon = ? WHERE id = ?').run(51.778615, 8.365638, b);
    expect(cells()).toEqual(rebuilt());
    db.prepare('UPDATE items SET has_gps = 0 WHERE id = ?').run(a);
    expect(cells()).toEqual(rebuilt());
    expect(cells()).toHaveLength(4);
    const batken = { west: 69.3, south: 39.4, east: 71.5, north: 40.4 };
    expect(mapClusters(db, batken, 0.05).total).toBe(0);
    db.prepare('UPDATE items SET has_gps = 1 WHERE id = ?').run(a);
    const r = mapClusters(db, batken, 0.05);
    expect(r).toEqual({ total: 1, truncated: false, clusters: [{ lat: KOK_TASH.lat, lon: KOK_TASH.lon, n: 1, id: a }] });
    db.close();
  });
});
