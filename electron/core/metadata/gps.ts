// GPS normalization: every source ends as decimal degrees WGS84 (south/west negative) and metres.
import type { Gps } from '../../common/types.ts';

/** A position before validation: degrees and metres, as decoded from one tag family. */
export interface RawPosition {
  lat: number;
  lon: number;
  alt: number | null;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * EXIF GPSLatitude/GPSLongitude (EXIF 2.32 §4.6.6: three RATIONALs degrees, minutes, seconds)
 * → unsigned decimal degrees. Accepts [d, m, s], [d, m] and a bare number (some writers store
 * d.ddd, 0, 0). Returns null when any component is missing, NaN (a 0/0 rational) or negative —
 * such an IFD is malformed and must not yield a position. Never throws.
 */
export function dmsToDegrees(value: unknown): number | null {
  if (finite(value)) return value >= 0 ? value : null;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) return null;
  const parts = Array.from(value as ArrayLike<unknown>);
  if (parts.length < 1 || parts.length > 3 || !parts.every((p) => finite(p) && p >= 0)) return null;
  const [d, m = 0, s = 0] = parts as number[];
  if (m > 60 || s > 60) return null;
  return d! + m / 60 + s / 3600;
}

/**
 * Applies a hemisphere reference: "S"/"W" (EXIF GPSLatitudeRef/GPSLongitudeRef) negate.
 * Anything other than N/S/E/W (including a missing ref) returns null: the sign is unknown.
 */
export function applyRef(degrees: number, ref: unknown): number | null {
  const r = typeof ref === 'string' ? ref.replace(/\0+$/, '').trim().toUpperCase() : '';
  if (r === 'N' || r === 'E') return degrees;
  if (r === 'S' || r === 'W') return -degrees;
  return null;
}

/**
 * EXIF GPSAltitude (RATIONAL metres) with GPSAltitudeRef (BYTE: 0 above, 1 below sea level,
 * EXIF 2.32 §4.6.6) → signed metres. The ref may arrive as a number, a one-byte array or text.
 * Null when the altitude is missing or not finite.
 */
export function altitudeWithRef(altitude: unknown, ref: unknown): number | null {
  if (!finite(altitude)) return null;
  let r: unknown = ref;
  if (Array.isArray(r) || ArrayBuffer.isView(r)) r = Array.from(r as ArrayLike<unknown>)[0];
  if (typeof r === 'string') r = Number(r.trim());
  return r === 1 ? -Math.abs(altitude) : altitude;
}

/**
 * Decodes an EXIF GPS IFD (as exifr returns it with reviveValues off: GPSLatitude arrays,
 * GPSLatitudeRef text, GPSAltitude number, GPSAltitudeRef byte array).
 * Returns null when latitude or longitude is absent, empty or malformed (e.g. 0/0 rationals,
 * no hemisphere ref): an empty GPS IFD is "no position", not 0,0. When coordinates are present
 * but unusable, the reason is pushed to `problems`. Never throws.
 */
export function positionFromExifGps(ifd: Record<string, unknown> | null | undefined, problems: string[] = []): RawPosition | null {
  if (!ifd || (ifd['GPSLatitude'] === undefined && ifd['GPSLongitude'] === undefined)) return null;
  const latAbs = dmsToDegrees(ifd['GPSLatitude']);
  const lonAbs = dmsToDegrees(ifd['GPSLongitude']);
  if (latAbs === null || lonAbs === null) {
    problems.push('EXIF GPS IFD latitude/longitude are empty or malformed');
    return null;
  }
  const lat = applyRef(latAbs, ifd['GPSLatitudeRef']);
  const lon = applyRef(lonAbs, ifd['GPSLongitudeRef']);
  if (lat === null || lon === null) {
    problems.push('EXIF GPS IFD has coordinates but no valid hemisphere ref (N/S/E/W); sign unknown');
    return null;
  }
  return { lat, lon, alt: altitudeWithRef(ifd['GPSAltitude'], ifd['GPSAltitudeRef']) };
}

/**
 * XMP exif:GPSLatitude / exif:GPSLongitude (XMP Specification Part 2 §1.2.7.4 GPSCoordinate:
 * "DDD,MM,SSk" or "DDD,MM.mmk", k one of N S E W) → signed decimal degrees, or null.
 */
export function parseXmpCoordinate(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$/i.exec(raw);
  if (!m) return null;
  const deg = dmsToDegrees([Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]);
  return deg === null ? null : applyRef(deg, m[4]);
}

/** An XMP rational ("324145/1000") or decimal text → number, or null. */
export function parseXmpRational(raw: unknown): number | null {
  if (finite(raw)) return raw;
  if (typeof raw !== 'string') return null;
  const m = /^\s*(-?\d+(?:\.\d+)?)(?:\s*\/\s*(\d+(?:\.\d+)?))?\s*$/.exec(raw);
  if (!m) return null;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  return den === 0 ? null : num / den;
}

function iso6709Part(sign: string, digits: string, frac: string | undefined, degDigits: 2 | 3): number | null {
  const f = frac ? Number(`0${frac}`) : 0;
  let deg: number;
  if (digits.length === degDigits) deg = Number(digits) + f;
  else if (digits.length === degDigits + 2) deg = Number(digits.slice(0, degDigits)) + (Number(digits.slice(degDigits)) + f) / 60;
  else if (digits.length === degDigits + 4) {
    deg =
      Number(digits.slice(0, degDigits)) +
      Number(digits.slice(degDigits, degDigits + 2)) / 60 +
      (Number(digits.slice(degDigits + 2)) + f) / 3600;
  } else return null;
  return sign === '-' ? -deg : deg;
}

/**
 * ISO 6709:2008 Annex H string as used by QuickTime `com.apple.quicktime.location.ISO6709`,
 * 3GPP/MP4 `©xyz` and ffprobe's `location` tag: "+32.0929+034.8620+028.516/" or
 * "+33.1268-117.3273/". Latitude ±DD[MM[SS]][.f], longitude ±DDD[MM[SS]][.f], optional
 * altitude ±A[.f] metres, optional "CRS…" suffix, terminating "/". Returns null when malformed
 * or out of range. Never throws.
 */
export function parseIso6709(raw: unknown): RawPosition | null {
  if (typeof raw !== 'string') return null;
  const m = /^\s*([+-])(\d+)(\.\d+)?([+-])(\d+)(\.\d+)?(?:([+-]\d+(?:\.\d+)?))?(?:CRS[^/]*)?\/?\s*$/.exec(raw);
  if (!m) return null;
  const lat = iso6709Part(m[1]!, m[2]!, m[3], 2);
  const lon = iso6709Part(m[4]!, m[5]!, m[6], 3);
  if (lat === null || lon === null || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon, alt: m[7] === undefined ? null : Number(m[7]) };
}

/**
 * Final check shared by all sources: rejects out-of-range or non-finite coordinates (returns
 * null and adds a warning), and keeps exactly 0,0 as stored with `noFix: true` plus a warning,
 * because devices write 0,0 when they had no fix. Never throws.
 */
export function finalizeGps(pos: RawPosition | null, source: string, warnings: string[]): Gps | null {
  if (pos === null) return null;
  const { lat, lon } = pos;
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    warnings.push(`GPS from ${source} is out of range (${lat}, ${lon}); ignored`);
    return null;
  }
  const alt = pos.alt !== null && Number.isFinite(pos.alt) ? pos.alt : null;
  const gps: Gps = { lat, lon, alt, source };
  if (lat === 0 && lon === 0) {
    gps.noFix = true;
    warnings.push(`GPS 0,0 from ${source} is a device's no-fix value, not a place`);
  }
  return gps;
}
