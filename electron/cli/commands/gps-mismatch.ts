// `evidence list --gps-mismatch [KM]`: the items whose GPS lies farther than KM kilometres
// (default 25) from a place they are tagged to, farthest first, with the distance. A photo taken
// in another country and tagged to a Batken village is the mistake this catches.
import { DEFAULT_MISMATCH_KM, gpsMismatches } from '../../core/catalog/map-query.ts';
import type { Db } from '../../core/db/open.ts';
import { t } from '../i18n/index.ts';
import { UsageError, type Io } from '../io.ts';
import { printable } from './text.ts';

/**
 * The threshold `--gps-mismatch` was given: true (the flag alone) → DEFAULT_MISMATCH_KM; a
 * string → that many kilometres. Throws UsageError for a value that is not a positive number.
 */
export function mismatchKm(value: string | true): number {
  if (value === true) return DEFAULT_MISMATCH_KM;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(t('map:badKm', { value }));
  return n;
}

/**
 * Prints every mismatch (one line each: item id, distance in km with one decimal, place id and
 * name, item position, file name) and a count line; with `json`, an array of the GpsMismatch
 * rows (distanceM in metres, English keys). Reads in pages of 1000, so any number is listed.
 * Returns the exit code: 0 (a mismatch found is a finding, not an error).
 */
export function printGpsMismatches(db: Db, io: Io, maxKm: number, json: boolean): number {
  const all = [];
  for (let offset = 0; ; offset += 1000) {
    const page = gpsMismatches(db, { maxKm, offset, limit: 1000 });
    all.push(...page.rows);
    if (page.rows.length < 1000) break;
  }
  if (json) {
    io.out(`${JSON.stringify(all, null, 2)}\n`);
    return 0;
  }
  let text = '';
  for (const m of all) {
    const km = (m.distanceM / 1000).toFixed(1);
    text += `${printable(`${String(m.itemId).padStart(5)}  ${t('map:km', { km }).padStart(10)}  ${m.placeId} (${m.placeNameEn})  GPS ${m.itemLat.toFixed(5)},${m.itemLon.toFixed(5)}  ${m.name}`)}\n`;
  }
  text += `${t('map:mismatches', { count: all.length, km: maxKm })}\n`;
  io.out(text);
  return 0;
}
