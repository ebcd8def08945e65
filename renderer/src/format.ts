// Numbers, sizes and times for the chosen language, through Intl. Capture times are shown as
// the file stored them: a wall time stays a wall time (never shifted to this computer's zone),
// and an offset, when the file gave one, is printed beside it.

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "1.5 MB" in `lng` (decimal units, as file managers show them). */
export function formatBytes(n: number, lng: string): string {
  let v = n;
  let i = 0;
  while (v >= 1000 && i < BYTE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return new Intl.NumberFormat(lng, { style: 'unit', unit: BYTE_UNITS[i], unitDisplay: 'short', maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
}

export function formatNumber(n: number, lng: string): string {
  return new Intl.NumberFormat(lng).format(n);
}

/** A duration in seconds as "1:02:03" or "2:03". */
export function formatDuration(sec: number, lng: string): string {
  const s = Math.max(0, Math.round(sec));
  const nf = (x: number) => new Intl.NumberFormat(lng, { minimumIntegerDigits: 2 }).format(x);
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
  const body = new Intl.DateTimeFormat(lng, {
    dateStyle: 'medium', ...(h !== undefined ? { timeStyle: 'medium' as const } : {}), timeZone: 'UTC',
  }).format(wall);
  return zone ? `${body} ${zone === 'Z' ? 'UTC' : zone}` : body;
}

/** An instant (UTC ISO 8601, e.g. an ingest time) in this computer's time zone, with the zone named. */
export function formatInstant(iso: string, lng: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // dateStyle/timeStyle cannot be combined with timeZoneName, hence the separate fields.
  return new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }).format(d);
}

/** An altitude or distance in metres, e.g. "4 m" / "4 м". */
export function formatMetres(m: number, lng: string): string {
  return new Intl.NumberFormat(lng, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 }).format(m);
}
