// What the Map screen and `evidence list --gps-mismatch` read: the gazetteer's places with a
// position, the items with GPS binned into a grid for the visible box, and the items whose GPS
// lies far from a place they are tagged to (a photo from Italy tagged to Kok-Tash is a mistake a
// court would find first). All of it is indexed SQL: map_cells and items_gps (migration 017) for
// positions, item_places for links, so a million items stay interactive.
import type { Db } from '../db/open.ts';
import { EARTH_RADIUS_M } from './geo.ts';

/** A latitude/longitude box in decimal degrees WGS84, west ≤ east (no antimeridian crossing). */
export interface GeoBounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** The default distance, in kilometres, beyond which an item's GPS is flagged against its place. */
export const DEFAULT_MISMATCH_KM = 25;

/** A place of the gazetteer that has a position, with its names and how many items are tagged to it. */
export interface MapPlace {
  id: string;
  nameEn: string;
  nameRu: string | null;
  nameKy: string | null;
  kind: string;
  district: string | null;
  lat: number;
  lon: number;
  itemCount: number;
}

/**
 * Live (not merged) places with both coordinates, with the number of items linked to each,
 * ordered so that places with items and towns come first (the label placer keeps the first of
 * two colliding labels).
 */
export function mapPlaces(db: Db): MapPlace[] {
  return db.prepare(`SELECT p.id, p.name_en nameEn, p.name_ru nameRu, p.name_ky nameKy, p.kind, p.district, p.lat, p.lon,
      (SELECT count(*) FROM item_places ip WHERE ip.place_id = p.id) itemCount
    FROM places p WHERE p.merged_into IS NULL AND p.lat IS NOT NULL AND p.lon IS NOT NULL
    ORDER BY itemCount > 0 DESC, p.kind = 'town' DESC, itemCount DESC, p.id`).all() as MapPlace[];
}

/** One grid cell of positioned items: their mean position and count; `id` is the item when the cell holds one. */
export interface MapCluster {
  lat: number;
  lon: number;
  n: number;
  id: number | null;
}

/** The cell sizes (degrees) of map_cells' levels 0..3 (migration 017 map_levels). */
const LEVELS = [1, 0.1, 0.01, 0.001] as const;

/**
 * The items with GPS inside `bounds`, binned into square cells of `cellDeg` degrees (the caller
 * picks the cell from its zoom: about 40 screen pixels), one row per non-empty cell with the mean
 * position and the count; the densest `limit` cells (default 5000) when there are more
 * (`truncated`). `total` counts the positioned items in the box.
 *
 * The binning reads map_cells (migration 017), the positions pre-binned by triggers, at the
 * coarsest level at least four times finer than `cellDeg`, so a view of a million items reads a
 * few thousand rows; a cell of that level straddling the box's edge counts whole (an error of at
 * most a quarter of a cluster). Views finer than 0.004° bin the items themselves through the
 * items_gps index. A cell holding one item answers its id. Throws RangeError for a cell that is
 * not a positive number.
 */
export function mapClusters(db: Db, bounds: GeoBounds, cellDeg: number, limit = 5000): { total: number; clusters: MapCluster[]; truncated: boolean } {
  if (!(cellDeg > 0) || !Number.isFinite(cellDeg)) throw new RangeError(`map cell ${cellDeg}: give a positive number of degrees`);
  const level = LEVELS.findIndex((size) => size <= cellDeg / 4);
  let rows: MapCluster[];
  let total: number;
  if (level < 0) {
    const box = [bounds.south, bounds.north, bounds.west, bounds.east];
    rows = db.prepare(`SELECT avg(gps_lat) lat, avg(gps_lon) lon, count(*) n, min(id) id
      FROM items INDEXED BY items_gps
      WHERE has_gps = 1 AND gps_lat BETWEEN ? AND ? AND gps_lon BETWEEN ? AND ?
      GROUP BY CAST((gps_lat - ?) / ? AS INTEGER), CAST((gps_lon - ?) / ? AS INTEGER)
      ORDER BY n DESC LIMIT ?`).all(...box, bounds.south, cellDeg, bounds.west, cellDeg, limit + 1) as MapCluster[];
    total = db.prepare('SELECT count(*) FROM items INDEXED BY items_gps WHERE has_gps = 1 AND gps_lat BETWEEN ? AND ? AND gps_lon BETWEEN ? AND ?').pluck().get(...box) as number;
  } else {
    const size = LEVELS[level]!;
    const range = [level, Math.floor(bounds.south / size), Math.floor(bounds.north / size), Math.floor(bounds.west / size), Math.floor(bounds.east / size)];
    const where = 'WHERE level = ? AND gy BETWEEN ? AND ? AND gx BETWEEN ? AND ?';
    rows = db.prepare(`SELECT sum(sum_lat) / sum(n) lat, sum(sum_lon) / sum(n) lon, sum(n) n, NULL id FROM map_cells ${where}
      GROUP BY CAST(((gy + 0.5) * ? - ?) / ? AS INTEGER), CAST(((gx + 0.5) * ? - ?) / ? AS INTEGER)
      ORDER BY n DESC LIMIT ?`).all(...range, size, bounds.south, cellDeg, size, bounds.west, cellDeg, limit + 1) as MapCluster[];
    total = (db.prepare(`SELECT coalesce(sum(n), 0) FROM map_cells ${where}`).pluck().get(...range) as number);
    // A cell of one item: its mean is the item's position, up to the rounding of sums kept by triggers.
    const one = db.prepare('SELECT id, gps_lat lat, gps_lon lon FROM items INDEXED BY items_gps WHERE has_gps = 1 AND gps_lat BETWEEN ? AND ? AND gps_lon BETWEEN ? AND ? ORDER BY id LIMIT 1');
    for (const r of rows) {
      if (r.n !== 1) continue;
      const hit = one.get(r.lat - 1e-7, r.lat + 1e-7, r.lon - 1e-7, r.lon + 1e-7) as MapCluster | undefined;
      if (hit) Object.assign(r, { id: hit.id, lat: hit.lat, lon: hit.lon });
    }
  }
  const truncated = rows.length > limit;
  if (truncated) rows.length = limit;
  for (const r of rows) if (r.n > 1) r.id = null;
  return { total, clusters: rows, truncated };
}

/** The SQL condition (on `items i`) and its parameters for "GPS inside `b`", for the Library's filter. */
export function boundsWhere(b: GeoBounds): { sql: string; args: number[] } {
  return { sql: 'i.id IN (SELECT id FROM items INDEXED BY items_gps WHERE has_gps = 1 AND gps_lat BETWEEN ? AND ? AND gps_lon BETWEEN ? AND ?)', args: [b.south, b.north, b.west, b.east] };
}

/** An item whose GPS lies farther than the threshold from a place it is tagged to. */
export interface GpsMismatch {
  itemId: number;
  sha256: string;
  /** The file name of its first sighting. */
  name: string;
  itemLat: number;
  itemLon: number;
  placeId: string;
  placeNameEn: string;
  placeNameRu: string | null;
  placeNameKy: string | null;
  placeLat: number;
  placeLon: number;
  /** Great-circle distance in metres (haversine on a sphere of EARTH_RADIUS_M, as geo.ts). */
  distanceM: number;
}

// Haversine in SQL (SQLite's math functions), the same formula as geo.ts haversineMetres.
const HAVERSINE = `2 * ${EARTH_RADIUS_M} * asin(min(1, sqrt(
  power(sin(radians(p.lat - i.gps_lat) / 2), 2) + cos(radians(i.gps_lat)) * cos(radians(p.lat)) * power(sin(radians(p.lon - i.gps_lon) / 2), 2))))`;

/**
 * Item–place links where the item's GPS (has_gps: a device's 0,0 "no fix" is not a position) lies
 * more than `maxKm` kilometres (great-circle) from the place's coordinates, farthest first, then by
 * item id; places without coordinates are not judged. `itemId` limits it to one item (the Item
 * screen's flag). Answers one page (`offset`, `limit`, default 0 and 500) and the total count.
 * Throws RangeError for a threshold that is not a positive number.
 */
export function gpsMismatches(db: Db, opts: { maxKm?: number; itemId?: number; offset?: number; limit?: number } = {}): { total: number; rows: GpsMismatch[] } {
  const maxKm = opts.maxKm ?? DEFAULT_MISMATCH_KM;
  if (!(maxKm > 0) || !Number.isFinite(maxKm)) throw new RangeError(`GPS mismatch threshold ${maxKm} km: give a positive number of kilometres`);
  const from = `FROM item_places ip JOIN items i ON i.id = ip.item_id JOIN places p ON p.id = ip.place_id
    WHERE i.has_gps = 1 AND p.lat IS NOT NULL AND p.lon IS NOT NULL${opts.itemId !== undefined ? ' AND i.id = ?' : ''}`;
  const args: unknown[] = opts.itemId !== undefined ? [opts.itemId] : [];
  const inner = `SELECT i.id itemId, i.sha256, i.gps_lat itemLat, i.gps_lon itemLon, p.id placeId, p.name_en placeNameEn, p.name_ru placeNameRu,
      p.name_ky placeNameKy, p.lat placeLat, p.lon placeLon, ${HAVERSINE} distanceM ${from}`;
  const total = db.prepare(`SELECT count(*) FROM (${inner}) WHERE distanceM > ?`).pluck().get(...args, maxKm * 1000) as number;
  const rows = db.prepare(`SELECT m.*, coalesce((SELECT s.file_name FROM sightings s WHERE s.item_id = m.itemId ORDER BY s.id LIMIT 1), '') name
    FROM (${inner}) m WHERE m.distanceM > ? ORDER BY m.distanceM DESC, m.itemId, m.placeId LIMIT ? OFFSET ?`)
    .all(...args, maxKm * 1000, opts.limit ?? 500, opts.offset ?? 0) as GpsMismatch[];
  return { total, rows };
}
