// Numbers, sizes and times for the chosen language, through Intl. Capture times are shown as
// the file stored them: a wall time stays a wall time (never shifted to this computer's zone),
// and an offset, when the file gave one, is printed beside it.
import { dateTimeFormat, numberFormat } from './intl-cache.ts';

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "1.5 MB" in `lng` (decimal units, as file managers show them). */
export function formatBytes(n: number, lng: string): string {
  let v = n;
  let i = 0;
  while (v >= 1000 && i < BYTE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return numberFormat(lng, { style: 'unit', unit: BYTE_UNITS[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}

export function formatNumber(n: number, lng: string): string {
  return numberFormat(lng).format(n);
}

/** A duration in seconds as "1:02:03" or "2:03". */
export function formatDuration(sec: number, lng: string): string {
  const s = Math.max(0, Math.round(sec));
  const nf = (x: number) => numberFormat(lng, { minimumIntegerDigits: 2 }).format(x);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${nf(m)}:${nf(s % 60)}` : `${m}:${nf(s % 60)}`;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/u;

/**
 * A capture time as stored ("2021-04-29T14:02:11+06:00", "…Z", or a bare wall time), formatted
 * in `lng` without any time-zone conversion; the zone text follows when the file gave one.
 * Unparseable text is returned as it is.
 */
export function formatCaptured(text: string | null, lng: string): string {
  if (!text) return '';
  const m = WALL.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi, s, zone] = m;
  const wall = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)));
  const body = dateTimeFormat(lng, {
    dateStyle: 'medium', ...(h !== undefined ? { timeStyle: 'medium' as const } : {}), timeZone: 'UTC',
  }).format(wall);
  return zone ? `${body} ${zone === 'Z' ? 'UTC' : zone}` : body;
}

/** An instant (UTC ISO 8601, e.g. an ingest time) in this computer's time zone, with the zone named. */
export function formatInstant(iso: string, lng: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // dateStyle/timeStyle cannot be combined with timeZoneName, hence the separate fields.
  return dateTimeFormat(lng, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(d);
}

/** An altitude or distance in metres, e.g. "4 m" / "4 м". */
export function formatMetres(m: number, lng: string): string {
  return numberFormat(lng, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(m);
}

/** A distance in kilometres with one decimal, e.g. "2.4 km" / "2,4 км". */
export function formatKm(metres: number, lng: string): string {
  return numberFormat(lng, { style: 'unit', unit: 'kilometer', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(metres / 1000);
}

const CAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/u;

/**
 * A calendar date as stored (ISO 8601 "YYYY-MM-DD", or a partial "YYYY-MM" / "YYYY", as catalog
 * birth dates are) in `lng`: "29.04.2021" in ru and ky, "4/29/2021" in en; a partial date keeps
 * only what is known ("04.2021", "2021"). Other text is returned as it is.
 */
export function formatCalendarDate(iso: string | null, lng: string): string {
  if (!iso) return '';
  const m = CAL.exec(iso);
  if (!m) return iso;
  const [, y, mo, d] = m;
  const parts = dateFieldOrder(lng);
  const sep = dateSeparator(lng);
  const val = { day: d, month: mo, year: y } as Record<DatePart, string | undefined>;
  return parts.filter((p) => val[p] !== undefined).map((p) => val[p]).join(sep);
}

export type DatePart = 'day' | 'month' | 'year';

/**
 * The order in which `lng` writes day, month and year. Russian and Kyrgyz write dd.mm.yyyy (GOST
 * R 7.0.64 §5; ICU's Kyrgyz short pattern "y-dd-MM" is not what people there write by hand);
 * other languages follow Intl's numeric date pattern.
 */
export function dateFieldOrder(lng: string): DatePart[] {
  const base = lng.toLowerCase().split('-')[0];
  if (base === 'ru' || base === 'ky') return ['day', 'month', 'year'];
  const parts = dateTimeFormat(lng, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(2021, 3, 29)));
  const order = parts.map((p) => p.type).filter((t): t is DatePart => t === 'day' || t === 'month' || t === 'year');
  return order.length === 3 ? order : ['year', 'month', 'day'];
}

/** The separator between day, month and year in `lng` ("." in ru and ky, "/" in en). */
export function dateSeparator(lng: string): string {
  const base = lng.toLowerCase().split('-')[0];
  if (base === 'ru' || base === 'ky') return '.';
  const parts = dateTimeFormat(lng, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(2021, 3, 29)));
  return parts.find((p) => p.type === 'literal')?.value ?? '-';
}

/** What a date field holds: the text of each part as typed. */
export interface DateParts {
  day: string;
  month: string;
  year: string;
}

/**
 * The ISO 8601 date the parts make: `{ ok: true, iso }` with "YYYY-MM-DD", or with `partial`
 * "YYYY-MM" / "YYYY" when day (and month) are empty; `iso` is '' when all parts are empty.
 * `{ ok: false }` for a day the month does not have (30.02), a month outside 1–12, a year not of
 * four digits, or a day without a month.
 */
export function datePartsToIso(p: DateParts, partial = false): { ok: true; iso: string } | { ok: false } {
  const day = p.day.trim();
  const month = p.month.trim();
  const year = p.year.trim();
  if (!day && !month && !year) return { ok: true, iso: '' };
  if (!/^\d{4}$/u.test(year) || Number(year) < 1) return { ok: false };
  if (!month) return partial && !day ? { ok: true, iso: year } : { ok: false };
  if (!/^\d{1,2}$/u.test(month) || Number(month) < 1 || Number(month) > 12) return { ok: false };
  const mm = month.padStart(2, '0');
  if (!day) return partial ? { ok: true, iso: `${year}-${mm}` } : { ok: false };
  if (!/^\d{1,2}$/u.test(day)) return { ok: false };
  const dim = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(day) < 1 || Number(day) > dim) return { ok: false };
  return { ok: true, iso: `${year}-${mm}-${day.padStart(2, '0')}` };
}

/** The parts of a stored ISO date ("YYYY-MM-DD", "YYYY-MM", "YYYY"); empty parts for '' or other text. */
export function isoToDateParts(iso: string | null | undefined): DateParts {
  const m = CAL.exec(iso ?? '');
  if (!m) return { day: '', month: '', year: '' };
  return { year: m[1]!, month: m[2] ?? '', day: m[3] ?? '' };
}
