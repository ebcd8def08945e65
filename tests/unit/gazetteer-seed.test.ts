import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { buildGazetteerSeed, seedCsv } from '../../electron/core/catalog/gazetteer-build.ts';
import { gazetteerSeedPath } from '../../electron/core/catalog/gazetteer.ts';
import { getPlace, listPlaces } from '../../electron/core/catalog/places.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { freshCatalog } from '../helpers/catalog.ts';

const SOURCE = join(SHARED_DIR, 'data', 'gazetteer-batken.csv');
const seed = parse(readFileSync(gazetteerSeedPath(), 'utf8'), { columns: true }) as Record<string, string>[];

describe.skipIf(!existsSync(SOURCE))('the shipped seed and its source', () => {
  it('is exactly what tools/build-gazetteer.ts builds from shared/data/gazetteer-batken.csv', () => {
    expect(readFileSync(gazetteerSeedPath(), 'utf8')).toBe(seedCsv(buildGazetteerSeed(readFileSync(SOURCE, 'utf8'))));
  });

  it('keeps every place id of the source', () => {
    const src = parse(readFileSync(SOURCE, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(src).toHaveLength(43);
    expect(seed.filter((r) => r.country === 'KG').map((r) => r.id)).toEqual(src.map((r) => r.id));
  });
});

describe('seed licensing', () => {
  it('ships no coordinate from a restricted source (Bellingcat / Yandex)', () => {
    for (const r of seed) expect(r.coord_source, r.id).not.toMatch(/bellingcat|yandex/i);
    for (const id of ['min-bulak', 'min-oruk', 'dostuk-batken', 'arka', 'borborduk']) {
      const r = seed.find((x) => x.id === id)!;
      expect([r.lat, r.lon], id).toEqual(['', '']);
      expect(r.notes).toMatch(/withheld/);
    }
  });

  it('gives every shipped coordinate a source, a redistributable licence and an attribution', () => {
    const withCoord = seed.filter((r) => r.lat);
    expect(withCoord).toHaveLength(36);
    for (const r of withCoord) {
      expect(r.coord_source, r.id).not.toBe('');
      expect(['CC-BY-4.0', 'CC-BY-SA-4.0'], r.id).toContain(r.coord_licence);
      expect(r.coord_attribution, r.id).toMatch(r.coord_licence === 'CC-BY-4.0' ? /GeoNames.*Who's On First/ : /Wikipedia/);
    }
    expect(seed.find((r) => r.id === 'kok-tash-batken')).toMatchObject({ lat: '39.94910', lon: '70.52804', coord_licence: 'CC-BY-4.0' });
    expect(seed.find((r) => r.id === 'maksat')).toMatchObject({ lat: '40.13972', lon: '69.71417', coord_licence: 'CC-BY-SA-4.0' });
  });

  it('adds the four Tajik border villages as places of Tajikistan', () => {
    const tj = seed.filter((r) => r.country === 'TJ');
    expect(tj.map((r) => r.id).sort()).toEqual(['chorkuh', 'lakkon', 'ovchi-kalacha', 'vorukh']);
    expect(tj.find((r) => r.id === 'lakkon')!.lat).toBe('');
    expect(existsSync(join(gazetteerSeedPath(), '..', 'ATTRIBUTION.md'))).toBe(true);
  });
});

describe('a new archive', () => {
  const { db } = freshCatalog();
  afterAll(() => db.close());

  it('is seeded with the gazetteer by migration 002, attribution kept per place', () => {
    expect(listPlaces(db)).toHaveLength(47);
    const p = getPlace(db, 'kok-tash-batken')!;
    expect(p).toMatchObject({ nameKy: 'Көк-Таш', nameRu: 'Кок-Таш', nameEn: 'Kok-Tash', country: 'KG', district: 'Batken', lat: 39.9491, lon: 70.52804, origin: 'seed' });
    expect(p.altNames).toContain('Koktash');
    expect(p.coordAttribution).toMatch(/GeoNames feature 8382909/);
    expect(p.extra.affected_2021).toBe('yes');
    expect(getPlace(db, 'vorukh')).toMatchObject({ country: 'TJ', lat: 39.85333, lon: 70.57694, coordLicence: 'CC-BY-SA-4.0' });
  });

  it('has foreign keys on and the pseudonym secret set', () => {
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect((db.prepare("SELECT value FROM settings WHERE key = 'register.pseudonym_key'").get() as { value: string }).value).toMatch(/^[0-9a-f]{64}$/);
    expect(() => db.prepare("INSERT INTO item_places (item_id, place_id) VALUES (999, 'batken')").run()).toThrow(/FOREIGN KEY/);
  });
});
