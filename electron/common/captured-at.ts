// A capture time whose zone is unknown is the camera's wall-clock time, nothing more: printed
// with "Z" or an offset it reads as a UTC instant, and a court takes it as one (issue 14 hostile
// test, f14b §4). A record keeps the value as read (an mvhd creation_time is stored as its "UTC"
// text, which compare_expected.py and `list --json` read) with capturedAtHasZone beside it; what a
// person reads — human output, items.csv, items.json — gets the wall-clock time without a zone
// designator and an explicit "zone unknown".

// ISO 8601 §4.2.5.1 zone designator after a time of day: "Z", "±hh:mm", "±hhmm" or "±hh".
const ZONE = /(T\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * `value` (an ISO 8601 date-time as stored) without its zone designator: "2019-11-18T15:45:32Z"
 * → "2019-11-18T15:45:32", "2021-04-11T15:47:53-05:00" → "2021-04-11T15:47:53". A date alone,
 * or a time with no designator, is returned unchanged. Pure.
 */
export function wallClockTime(value: string): string {
  return value.replace(ZONE, '$1');
}

/**
 * The capture time as a reader may take it: `value` as stored when its zone is known
 * (`hasZone`), else its wall-clock time (wallClockTime), which the caller must mark as
 * "zone unknown". Null stays null. Pure.
 */
export function capturedAtForReaders(value: string | null, hasZone: boolean): string | null {
  if (value === null) return null;
  return hasZone ? value : wallClockTime(value);
}

/**
 * The bag-info.txt element by which an evidence set declares that its evidence/items.csv gives a
 * capture time of unknown zone as wall-clock time (wallClockTime), while evidence/items.json keeps
 * the value as recorded at ingest (the metadata extraction event pins it) with capturedAtHasZone
 * and capturedAtZone ("known" | "unknown") beside it. verify-bag expects such cells only where a
 * set declares it, so sets written before keep verifying.
 */
export const CAPTURE_TIMES_ELEMENT = 'Evidence-Capture-Times';

/** Its value, for people reading bag-info.txt. */
export const CAPTURE_TIMES_DECLARATION = 'where capturedAtZone is "unknown", the capture time is the camera\'s wall-clock time in an unknown time zone, ' +
  'not UTC: evidence/items.csv gives it without a zone designator; evidence/items.json keeps capturedAt as read from the file at ingest ' +
  '(a "Z" there comes from the file format, e.g. QuickTime\'s creation_time, not from a known zone)';
