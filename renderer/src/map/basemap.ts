// The offline basemap (resources/map/central-asia.json, Natural Earth, public domain; see
// tools/build-basemap.ts): country and region outlines, rivers and lakes around Kyrgyzstan, loaded once as a
// bundled module (no tile server, no network), and the names the Map screen shows for them in
// each language.
import type { Feature, FeatureCollection, MultiLineString, MultiPolygon } from 'geojson';

export interface RegionProps {
  adm0: string;
  iso: string;
  name_en: string;
  name_ru: string | null;
  lat: number;
  lon: number;
}

export interface Basemap {
  provenance: string;
  licence: string;
  clip: [number, number, number, number];
  /** Country areas (filled), keyed by ISO 3166-1 numeric id. */
  countries: FeatureCollection<MultiPolygon, { name: string }>;
  /** Country borders: the countries' outlines less the cuts the clip rectangle made. */
  borders: Feature<MultiLineString>;
  /** Region (admin-1) outlines as lines, with their names and label points. */
  admin1: FeatureCollection<MultiLineString, RegionProps>;
  /** Batken region's area, shaded. */
  batken: Feature<MultiPolygon>;
  /** Rivers and lake centrelines (Natural Earth 1:50m), unnamed: the data carries no names. */
  rivers: Feature<MultiLineString>;
  /** Lakes and reservoirs (Natural Earth 1:50m), e.g. Issyk-Kul, Toktogul, the Aral Sea; unnamed too. */
  lakes: Feature<MultiPolygon>;
}

let loading: Promise<Basemap> | null = null;

/** The basemap, parsed once (a separate chunk of the renderer build, loaded on first use). */
export function loadBasemap(): Promise<Basemap> {
  loading ??= import('../../../resources/map/central-asia.json?raw').then((m) => JSON.parse(m.default) as Basemap);
  return loading;
}

/** The Batken region's area (Natural Earth KG-B): what the map fits on opening. */
export function batkenRegion(b: Basemap): Feature<MultiPolygon> {
  return b.batken;
}

// Kyrgyz names of Kyrgyzstan's regions (облустар) and of the neighbouring Sughd region; Natural
// Earth has no Kyrgyz names, and for other regions the Russian name is shown to Kyrgyz readers.
const REGION_KY: Record<string, string> = {
  'KG-B': 'Баткен облусу', 'KG-O': 'Ош облусу', 'KG-J': 'Жалал-Абад облусу', 'KG-T': 'Талас облусу', 'KG-C': 'Чүй облусу',
  'KG-N': 'Нарын облусу', 'KG-Y': 'Ысык-Көл облусу', 'KG-GB': 'Бишкек', 'TJ-SU': 'Согд облусу', 'UZ-FA': 'Фергана облусу',
  'UZ-AN': 'Анжиян облусу', 'UZ-NG': 'Наманган облусу', 'TJ-X01~': 'Республикалык баш ийүүдөгү райондор',
};
// Natural Earth names a few regions by their capital or an abbreviation; these read better.
const REGION_FIX: Record<string, { en: string; ru: string }> = {
  'TJ-SU': { en: 'Sughd', ru: 'Согдийская область' },
  'TJ-X01~': { en: 'Districts of Republican Subordination', ru: 'Районы республиканского подчинения' },
  'KG-O': { en: 'Osh', ru: 'Ошская область' },
};

/** A region's name in `lng` (en, ru, ky). */
export function regionName(p: RegionProps, lng: string): string {
  const fix = REGION_FIX[p.iso];
  if (lng === 'ky') return REGION_KY[p.iso] ?? fix?.ru ?? p.name_ru ?? p.name_en;
  if (lng === 'ru') return fix?.ru ?? p.name_ru ?? p.name_en;
  return fix?.en ?? p.name_en;
}

/**
 * Where each country's name is written: a few points inside it, so that one stays on screen from
 * the whole of Central Asia down to the Batken valleys (the nearest to the view's centre wins).
 * Keys are ISO 3166-1 numeric ids as world-atlas gives them; names come from the locale files.
 */
export const COUNTRY_LABELS: Record<string, { code: string; at: [number, number][] }> = {
  '417': { code: 'KG', at: [[74.6, 41.5], [71.75, 39.83], [69.95, 39.82]] },
  '762': { code: 'TJ', at: [[70.8, 38.7], [69.9, 39.5], [70.3, 40.2]] },
  '860': { code: 'UZ', at: [[64.2, 41.4], [71.25, 40.62], [69.6, 40.55]] },
  '398': { code: 'KZ', at: [[68.5, 43.6], [74.5, 43.6]] },
  '156': { code: 'CN', at: [[78.8, 40.2]] },
  '004': { code: 'AF', at: [[68.5, 36.6]] },
  '795': { code: 'TM', at: [[61.0, 38.8]] },
};
