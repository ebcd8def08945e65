// Places in and out of the archive as CSV (the seed's columns, RFC 4180) and GeoJSON (RFC 7946).
// Every exported place carries its coordinate's source, licence and attribution.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Place, PlaceInput } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { fromSpreadsheetSafe, toSafeCsv } from '../export/csv.ts';
import { SEED_COLUMNS } from './gazetteer-build.ts';
import { addPlace, getPlace, listPlaces } from './places.ts';

/**
 * CSV of places (not merged away) with the seed's columns plus parent_id; alt names `|`-separated;
 * cells a spreadsheet would run as a formula are quoted with "'" (importPlaces removes the quote).
 */
export function placesToCsv(places: Place[]): string {
  const columns = [...SEED_COLUMNS, 'parent_id'];
  return toSafeCsv(columns, places.map((p) => {
    const row: Record<string, string> = {
      id: p.id, country: p.country, kind: p.kind, name_en: p.nameEn, name_ky: p.nameKy ?? '', name_ru: p.nameRu ?? '', alt_names: p.altNames.join('|'),
      district: p.district ?? '', ayil_aymak: p.ayilAymak ?? '', lat: p.lat === null ? '' : String(p.lat), lon: p.lon === null ? '' : String(p.lon),
      coord_source: p.coordSource ?? '', coord_licence: p.coordLicence ?? '', coord_attribution: p.coordAttribution ?? '', notes: p.notes ?? '',
      parent_id: p.parentId ?? '', ...p.extra,
    };
    return columns.map((c) => row[c] ?? '');
  }), { recordDelimiter: '\n' });
}

/**
 * GeoJSON FeatureCollection (RFC 7946): one Feature per place, Point geometry [lon, lat] in WGS84,
 * or geometry null for a place without a coordinate; properties hold names and attribution.
 */
export function placesToGeoJson(places: Place[]): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    features: places.map((p) => ({
      type: 'Feature', id: p.id,
      geometry: p.lat === null || p.lon === null ? null : { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: {
        id: p.id, name_en: p.nameEn, name_ky: p.nameKy, name_ru: p.nameRu, alt_names: p.altNames, country: p.country, kind: p.kind,
        district: p.district, ayil_aymak: p.ayilAymak, parent_id: p.parentId, coord_source: p.coordSource, coord_licence: p.coordLicence,
        coord_attribution: p.coordAttribution, notes: p.notes,
      },
    })),
  }, null, 2) + '\n';
}

/** Every live place, as CSV or GeoJSON text. */
export function exportPlaces(db: Db, format: 'csv' | 'geojson'): string {
  const places = listPlaces(db);
  return format === 'csv' ? placesToCsv(places) : placesToGeoJson(places);
}

export interface PlacesImportReport {
  file: string;
  rows: number;
  imported: { row: number; id: string }[];
  errors: { row: number; reason: string }[];
}

const opt = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
function numOrNull(v: unknown, field: string): number | null {
  if (v === null || v === undefined || v === '' || v === 'null') return null;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${field} "${String(v)}": not a number`);
  return n;
}
function altNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).map((s) => s.trim()).filter(Boolean);
  return typeof v === 'string' ? v.split('|').map((s) => s.trim()).filter(Boolean) : [];
}

/**
 * A PlaceInput from exported columns/properties. GeoJSON from QGIS or OpenStreetMap names a
 * feature `name` (OSM adds `name:en`, `name:ky`, `name:ru`), so those stand in for name_en,
 * name_ky and name_ru when our own columns are absent.
 */
function inputFromProps(r: Record<string, unknown>, lat: number | null, lon: number | null): PlaceInput {
  return {
    id: opt(r.id) ?? undefined, nameEn: opt(r.name_en) ?? opt(r['name:en']) ?? opt(r.name) ?? '',
    nameKy: opt(r.name_ky) ?? opt(r['name:ky']), nameRu: opt(r.name_ru) ?? opt(r['name:ru']), altNames: altNames(r.alt_names),
    country: (opt(r.country) ?? 'KG').toUpperCase(), district: opt(r.district), ayilAymak: opt(r.ayil_aymak), kind: opt(r.kind) ?? undefined,
    parentId: opt(r.parent_id), lat, lon, coordSource: opt(r.coord_source), coordLicence: opt(r.coord_licence),
    coordAttribution: opt(r.coord_attribution), notes: opt(r.notes),
  };
}

const geoJsonSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({
    type: z.literal('Feature'),
    geometry: z.union([z.null(), z.object({ type: z.literal('Point'), coordinates: z.array(z.number()).min(2) }), z.object({ type: z.string() })]),
    properties: z.record(z.string(), z.unknown()).nullable(),
  })),
});

/**
 * Imports places from CSV (columns as exported; only name_en, or `name`, is required; a "'" that
 * placesToCsv put before a formula character is removed) or GeoJSON (Point features; properties as
 * exported, or `name` / `name:en` / `name:ky` / `name:ru` as QGIS and OpenStreetMap write them).
 * Each row in its own savepoint: invalid rows, rows whose id is taken, and non-Point geometries are
 * reported with their row (CSV line, or feature index from 1) and skipped. Imported places get origin `import`. Throws Error when the file cannot be parsed.
 */
export function importPlaces(db: Db, file: string): PlacesImportReport {
  const ext = extname(file).toLowerCase();
  const text = readFileSync(file, 'utf8');
  let rows: { row: number; build: () => PlaceInput }[];
  try {
    if (ext === '.csv') {
      const recs = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
      rows = recs.map((r) => {
        const rec = Object.fromEntries(Object.entries(r.record).map(([k, v]) => [k, fromSpreadsheetSafe(v)]));
        return { row: r.info.lines, build: () => inputFromProps(rec, numOrNull(rec.lat, 'lat'), numOrNull(rec.lon, 'lon')) };
      });
    } else if (ext === '.geojson' || ext === '.json') {
      const parsed = geoJsonSchema.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(`not a GeoJSON FeatureCollection: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      rows = parsed.data.features.map((f, i) => ({
        row: i + 1,
        build: () => {
          const g = f.geometry;
          if (g && g.type !== 'Point') throw new Error(`geometry ${g.type}: only Point (or null) places can be imported`);
          const c = g && 'coordinates' in g ? (g.coordinates as number[]) : null;
          return inputFromProps(f.properties ?? {}, c ? c[1]! : null, c ? c[0]! : null);
        },
      }));
    } else {
      throw new Error(`unsupported file type "${ext}" (use .csv or .geojson)`);
    }
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const report: PlacesImportReport = { file, rows: rows.length, imported: [], errors: [] };
  db.transaction(() => {
    for (const r of rows) {
      try {
        const input = r.build();
        if (input.id && getPlace(db, input.id)) throw new Error(`place ${input.id} already exists (use \`evidence place edit\`, or leave id empty for a new one)`);
        const p = db.transaction(() => addPlace(db, input, { origin: 'import' }))();
        report.imported.push({ row: r.row, id: p.id });
      } catch (e) {
        report.errors.push({ row: r.row, reason: (e as Error).message });
      }
    }
  })();
  return report;
}
