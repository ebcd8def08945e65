// GPS → village. A suggestion is not a fact: it lists the places within a radius of where the
// camera said it was; it becomes a tag only when a person accepts it, and the acceptance is then
// that person's act in the custody log (tagging.ts).
import type { Place } from '../../common/catalog.ts';
import type { NormalizedRecord } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { boundingBox, haversineMetres } from './geo.ts';
import { getPlace } from './places.ts';
import { getItemTags, tagItem, type TagResult } from './tagging.ts';

/** Default search radius for place suggestions, metres. */
export const DEFAULT_SUGGEST_RADIUS_M = 5000;

export interface PlaceSuggestion {
  placeId: string;
  nameEn: string;
  nameLocal: string | null;
  country: string;
  district: string | null;
  /** Great-circle (haversine) distance from the item's GPS position to the place's point, metres, rounded to 0.1 m. */
  distanceM: number;
  /** True when the item is already tagged with this place. */
  tagged: boolean;
}

export interface ItemSuggestions {
  itemId: number;
  sha256: string;
  gps: { lat: number; lon: number };
  /** Nearest first; empty when no place with a coordinate lies within the radius. */
  suggestions: PlaceSuggestion[];
}

/**
 * Places with a coordinate within `radiusM` metres (great circle) of (lat, lon), nearest first.
 * Uses the places_latlon index through a bounding box, then the exact haversine distance.
 */
export function placesNear(db: Db, lat: number, lon: number, radiusM = DEFAULT_SUGGEST_RADIUS_M): { place: Place; distanceM: number }[] {
  const b = boundingBox(lat, lon, radiusM);
  const rows = db.prepare(`SELECT id, lat, lon FROM places WHERE lat IS NOT NULL AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND merged_into IS NULL`)
    .all(b.minLat, b.maxLat, b.minLon, b.maxLon) as { id: string; lat: number; lon: number }[];
  return rows
    .map((r) => ({ id: r.id, distanceM: haversineMetres(lat, lon, r.lat, r.lon) }))
    .filter((r) => r.distanceM <= radiusM)
    .sort((a, b2) => a.distanceM - b2.distanceM || a.id.localeCompare(b2.id))
    .map((r) => ({ place: getPlace(db, r.id)!, distanceM: r.distanceM }));
}

/**
 * Place suggestions for items with a usable GPS position (has_gps: a device's 0,0 "no fix" is
 * never used), all items or those in `itemIds`. Items without a position are left out; items with
 * one but nothing within the radius are returned with an empty list. Throws Error for a radius
 * that is not a positive number of metres.
 */
export function suggestPlaces(db: Db, opts: { radiusM?: number; itemIds?: number[] } = {}): ItemSuggestions[] {
  const radiusM = opts.radiusM ?? DEFAULT_SUGGEST_RADIUS_M;
  if (!Number.isFinite(radiusM) || radiusM <= 0) throw new Error(`radius ${radiusM}: give a positive number of metres`);
  const rows = (opts.itemIds
    ? opts.itemIds.map((id) => db.prepare('SELECT id, sha256, record FROM items WHERE id = ? AND has_gps = 1').get(id))
    : db.prepare('SELECT id, sha256, record FROM items WHERE has_gps = 1 ORDER BY id').all()
  ).filter(Boolean) as { id: number; sha256: string; record: string }[];
  const out: ItemSuggestions[] = [];
  for (const r of rows) {
    const gps = (JSON.parse(r.record) as NormalizedRecord).gps;
    if (!gps || gps.noFix || !Number.isFinite(gps.lat) || !Number.isFinite(gps.lon)) continue;
    const tagged = new Set(getItemTags(db, r.id).places);
    out.push({
      itemId: r.id, sha256: r.sha256, gps: { lat: gps.lat, lon: gps.lon },
      suggestions: placesNear(db, gps.lat, gps.lon, radiusM).map(({ place, distanceM }) => ({
        placeId: place.id, nameEn: place.nameEn, nameLocal: place.nameKy ?? place.nameRu, country: place.country, district: place.district,
        distanceM: Math.round(distanceM * 10) / 10, tagged: tagged.has(place.id),
      })),
    });
  }
  return out;
}

export interface AcceptOutcome {
  itemId: number;
  sha256: string;
  status: 'accepted' | 'already placed' | 'no suggestion';
  placeId?: string;
  distanceM?: number;
  result?: TagResult;
}

/**
 * Accepts the nearest suggestion of each item (all with GPS, or `itemIds`) as a place tag, as
 * `actor`'s act: one `metadata modification` event per item with `via: 'accepted suggestion'` and
 * the suggestion (place, distance, radius, GPS position). Items already tagged with any place are
 * left alone (a person placed them); items with nothing in range are reported, not tagged.
 */
export function acceptSuggestions(db: Db, opts: { actor: string; radiusM?: number; itemIds?: number[] }): AcceptOutcome[] {
  const radiusM = opts.radiusM ?? DEFAULT_SUGGEST_RADIUS_M;
  return db.transaction(() => suggestPlaces(db, { radiusM, itemIds: opts.itemIds }).map((s): AcceptOutcome => {
    if (getItemTags(db, s.itemId).places.length) return { itemId: s.itemId, sha256: s.sha256, status: 'already placed' };
    const best = s.suggestions[0];
    if (!best) return { itemId: s.itemId, sha256: s.sha256, status: 'no suggestion' };
    const result = tagItem(db, s.itemId, { addPlaces: [best.placeId] }, {
      actor: opts.actor, via: 'accepted suggestion',
      extra: { suggestion: { placeId: best.placeId, distanceM: best.distanceM, radiusM, gps: s.gps, method: 'haversine great-circle distance to the place point' } },
    });
    return { itemId: s.itemId, sha256: s.sha256, status: 'accepted', placeId: best.placeId, distanceM: best.distanceM, result };
  }))();
}
