// Loads the shipped gazetteer seed into a new archive (run by migration 002).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/open.ts';
import { addPlace } from './places.ts';
import { logPlaces } from './place-audit.ts';

/**
 * Absolute path of the shipped seed: resources/gazetteer/places.csv (override with
 * $EVIDENCE_GAZETTEER_SEED). Found from the sources (electron/core/catalog/) or from the
 * prebuilt CLI bundle (dist/cli/), whichever this module runs as.
 */
export function gazetteerSeedPath(): string {
  if (process.env.EVIDENCE_GAZETTEER_SEED) return process.env.EVIDENCE_GAZETTEER_SEED;
  const candidates = ['../../../resources/gazetteer/places.csv', '../../resources/gazetteer/places.csv'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/**
 * Inserts every place of the seed CSV (see gazetteer-build.ts for its columns) with origin
 * `seed`, keeping coordinate source, licence and attribution per place and the research fields
 * (affected_2021/2022, affected_source) in `extra`. Returns the number of places added.
 * Throws Error naming the row for an invalid row: a broken seed must not half-load.
 */
export function loadGazetteerSeed(db: Db, file = gazetteerSeedPath()): number {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  const now = new Date().toISOString();
  rows.forEach((r, i) => {
    const num = (v: string | undefined) => (v ? Number(v) : null);
    const opt = (v: string | undefined) => (v ? v : null);
    try {
      addPlace(db, {
        id: r.id, nameEn: r.name_en ?? '', nameKy: opt(r.name_ky), nameRu: opt(r.name_ru),
        altNames: (r.alt_names ?? '').split('|').map((s) => s.trim()).filter(Boolean), country: r.country, district: opt(r.district),
        ayilAymak: opt(r.ayil_aymak), kind: r.kind || 'village', lat: num(r.lat), lon: num(r.lon), coordSource: opt(r.coord_source),
        coordLicence: opt(r.coord_licence), coordAttribution: opt(r.coord_attribution), notes: opt(r.notes),
      }, { origin: 'seed', now, audit: false, extra: Object.fromEntries(['affected_2021', 'affected_2022', 'affected_source'].filter((k) => r[k]).map((k) => [k, r[k]!])) });
    } catch (e) {
      throw new Error(`${file} row ${i + 2}: ${(e as Error).message}`);
    }
  });
  logPlaces(db, rows.map((r) => r.id!), 'seeded from the shipped gazetteer', 'Evidence Archive (seed gazetteer)');
  return rows.length;
}

/** A place as the shipped seed gives it: the values a set for public release may publish for a seed village. */
export interface SeedPlace {
  id: string;
  nameEn: string;
  nameKy: string | null;
  nameRu: string | null;
  country: string;
  district: string | null;
  ayilAymak: string | null;
  kind: string;
  lat: number | null;
  lon: number | null;
  coordSource: string | null;
  coordLicence: string | null;
  coordAttribution: string | null;
}

const shipped = new Map<string, Map<string, SeedPlace>>();

/**
 * The places of the shipped seed CSV (`file`, default gazetteerSeedPath()) by id, as loadGazetteerSeed
 * reads them, ignoring whatever users have since edited in the archive: read once per file and cached.
 * Throws Error when the file cannot be read.
 */
export function shippedSeedPlaces(file = gazetteerSeedPath()): ReadonlyMap<string, SeedPlace> {
  let m = shipped.get(file);
  if (!m) {
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
    const num = (v: string | undefined) => (v ? Number(v) : null);
    const opt = (v: string | undefined) => (v ? v : null);
    m = new Map(rows.map((r) => [r.id!, {
      id: r.id!, nameEn: r.name_en ?? '', nameKy: opt(r.name_ky), nameRu: opt(r.name_ru), country: r.country!, district: opt(r.district),
      ayilAymak: opt(r.ayil_aymak), kind: r.kind || 'village', lat: num(r.lat), lon: num(r.lon), coordSource: opt(r.coord_source),
      coordLicence: opt(r.coord_licence), coordAttribution: opt(r.coord_attribution),
    }]));
    shipped.set(file, m);
  }
  return m;
}
