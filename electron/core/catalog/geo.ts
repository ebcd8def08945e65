// Great-circle geometry for "which village was this photo taken in". A spherical Earth is enough:
// gazetteer points are villages' nominal centres, accurate to a few hundred metres, and the
// sphere's error (≤ 0.5 %) is metres at the 5 km radius we search.

/** Mean Earth radius R1 = (2a + b) / 3 of WGS84, in metres (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8;

const rad = (deg: number) => (deg * Math.PI) / 180;

/**
 * Great-circle distance in metres between two points given in decimal degrees WGS84, by the
 * haversine formula (R. W. Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984),
 * on a sphere of radius EARTH_RADIUS_M.
 */
export function haversineMetres(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * A latitude/longitude box (degrees) holding every point within `radiusM` metres of (lat, lon):
 * a cheap index pre-filter before the exact distance. Near the poles or the antimeridian the box
 * widens to the full longitude range rather than wrap.
 */
export function boundingBox(lat: number, lon: number, radiusM: number): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  const dLat = (radiusM / EARTH_RADIUS_M) * (180 / Math.PI);
  const cos = Math.cos(rad(lat));
  const dLon = cos < 1e-6 ? 180 : Math.min(180, dLat / cos);
  const minLon = lon - dLon;
  const maxLon = lon + dLon;
  if (minLon < -180 || maxLon > 180) return { minLat: lat - dLat, maxLat: lat + dLat, minLon: -180, maxLon: 180 };
  return { minLat: lat - dLat, maxLat: lat + dLat, minLon, maxLon };
}
