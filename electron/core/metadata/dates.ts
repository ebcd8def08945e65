// Date normalization for every tag family we read. Rule (issue #2): a date is kept as stored —
// wall-clock text plus the offset the file gives, never shifted into another zone. Nothing here
// uses the machine's time zone: no `new Date(text)`, no local getters.

/** A date tag normalized to ISO 8601 text, and whether that text pins an instant. */
export interface IsoDate {
  /** e.g. "2021-05-04T10:15:00+06:00", "2021-05-04T10:15:00" (zone unknown), "2013-06-14" (date only). */
  value: string;
  /** True when `value` ends in Z or ±hh:mm. */
  hasZone: boolean;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function asText(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  // EXIF ASCII values may carry NUL padding; blanks mean "unknown" (EXIF 2.32 §4.6.5).
  const s = raw.replace(/\0+$/, '').trim();
  return s === '' ? null : s;
}

function validDate(y: number, mo: number, d: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[mo - 1] ?? 0);
}

function validTime(h: number, mi: number, s: number): boolean {
  // 60 is a leap second, which ISO 8601 allows.
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

/**
 * Normalizes a UTC offset to "Z" or "±hh:mm".
 * Accepts "Z", "+03:00", "+0300", "+03", "-08'00'" (PDF), "-04:00" (EXIF 2.32 OffsetTime*).
 * Returns null for blank, malformed or out-of-range (> 14 h) input. Never throws.
 */
export function normalizeOffset(raw: unknown): string | null {
  const s = asText(raw);
  if (s === null) return null;
  if (s === 'Z' || s === 'z') return 'Z';
  const m = /^([+-])(\d{2})(?:[:']?(\d{2})'?)?$/.exec(s);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 14 || mi > 59) return null;
  return `${m[1]}${pad2(h)}:${pad2(mi)}`;
}

function build(y: number, mo: number, d: number, time: string | null, offset: string | null): IsoDate {
  const date = `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}`;
  if (time === null) return { value: date, hasZone: false };
  return { value: `${date}T${time}${offset ?? ''}`, hasZone: offset !== null };
}

/**
 * EXIF DateTimeOriginal / DateTimeDigitized / DateTime ("YYYY:MM:DD HH:MM:SS", EXIF 2.32 §4.6.5)
 * plus the matching OffsetTime* tag ("±HH:MM", EXIF 2.32 0x9010–0x9012) when present.
 * → "2021-05-04T10:15:00+06:00" with an offset, "2021-05-04T10:15:00" without (zone unknown).
 * Returns null for blank, all-zero ("0000:00:00 00:00:00") or impossible values. Never throws.
 */
export function exifDateTime(dateTime: unknown, offset?: unknown): IsoDate | null {
  const s = asText(dateTime);
  if (s === null) return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  if (!validDate(y!, mo!, d!) || !validTime(h!, mi!, se!)) return null;
  return build(y!, mo!, d!, `${pad2(h!)}:${pad2(mi!)}:${pad2(se!)}`, normalizeOffset(offset));
}

/**
 * ISO 8601 / XMP date text (XMP Part 1 §8.2.1.1 Date; QuickTime `com.apple.quicktime.creationdate`;
 * ID3v2.4 TDRC; Vorbis DATE). Precision is kept as stored: "2013", "2013-06", "2013-06-14",
 * "2013-06-14T10:20", "…:SS", "…:SS.sss"; only the form is normalized ("T" separator, offset
 * "±hh:mm"). Returns null for anything else. Never throws.
 */
export function isoDateText(raw: unknown): IsoDate | null {
  const s = asText(raw);
  if (s === null) return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2] === undefined) return y >= 1 ? { value: m[1]!, hasZone: false } : null;
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  if (m[3] === undefined) return { value: `${m[1]}-${m[2]}`, hasZone: false };
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return null;
  if (m[4] === undefined) return build(y, mo, d, null, null);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const se = m[6] === undefined ? 0 : Number(m[6]);
  if (!validTime(h, mi, se)) return null;
  let time = `${m[4]}:${m[5]}`;
  if (m[6] !== undefined) time += `:${m[6]}${m[7] ?? ''}`;
  const offset = m[8] === undefined ? null : normalizeOffset(m[8]);
  if (m[8] !== undefined && offset === null) return null;
  return build(y, mo, d, time, offset);
}

/**
 * QuickTime/MP4 mvhd `creation_time` as printed by ffprobe ("2019-07-24T08:25:57.000000Z").
 * The field is UTC by spec (QuickTime File Format, Movie Header Atom: seconds since
 * 1904-01-01 UTC), so the result always ends in Z; the all-zero fraction ffprobe appends is
 * dropped because mvhd stores whole seconds. Returns null for unparsable text and for the epoch
 * values 1904-01-01T00:00:00 / 1970-01-01T00:00:00, which mean "never set". Never throws.
 */
export function quickTimeUtc(raw: unknown): IsoDate | null {
  const s = asText(raw);
  if (s === null) return null;
  const parsed = isoDateText(s.replace(/(\d{2}:\d{2}:\d{2})\.0+(?=Z$|[+-])/i, '$1'));
  if (parsed === null || !parsed.hasZone) return null;
  if (/^(1904|1970)-01-01T00:00:00(Z|[+-]00:00)$/.test(parsed.value)) return null;
  return parsed;
}

/**
 * Seconds since 1904-01-01T00:00:00Z (QuickTime mvhd creation/modification time) → ISO text
 * with Z, or null for 0 (unset). Pure arithmetic, no time-zone dependency. Never throws.
 */
export function quickTimeSeconds(seconds: number): IsoDate | null {
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const ms = (seconds - 2082844800) * 1000;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  return { value: d.toISOString().replace('.000Z', 'Z'), hasZone: true };
}

/**
 * IPTC IIM 4.2 DateCreated (2:55, "CCYYMMDD") with TimeCreated (2:60, "HHMMSS±HHMM"); the
 * same pair shape serves DigitalCreationDate/Time (2:62/2:63). Without a time the date alone
 * is returned ("2022-01-10"). Tolerates "CCYY-MM-DD" and "HH:MM:SS±HH:MM". Never throws.
 */
export function iptcDateTime(date: unknown, time?: unknown): IsoDate | null {
  const ds = asText(date);
  if (ds === null) return null;
  const dm = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(ds);
  if (!dm) return null;
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  if (!validDate(y, mo, d)) return null;
  const ts = asText(time);
  if (ts === null) return build(y, mo, d, null, null);
  const tm = /^(\d{2}):?(\d{2}):?(\d{2})(Z|[+-]\d{2}:?\d{2})?$/.exec(ts);
  if (!tm) return build(y, mo, d, null, null);
  const [h, mi, se] = [Number(tm[1]), Number(tm[2]), Number(tm[3])];
  if (!validTime(h, mi, se)) return build(y, mo, d, null, null);
  return build(y, mo, d, `${tm[1]}:${tm[2]}:${tm[3]}`, normalizeOffset(tm[4]));
}

/**
 * PDF date string (ISO 32000-1 §7.9.4): "D:YYYYMMDDHHmmSSOHH'mm'", every part after the year
 * optional, O one of + - Z. "D:20160119123847Z" → "2016-01-19T12:38:47Z";
 * "D:20161107122451-08'00'" → "2016-11-07T12:24:51-08:00"; no O → wall time (zone unknown).
 * Returns null for malformed text. Never throws.
 */
export function pdfDate(raw: unknown): IsoDate | null {
  const s = asText(raw);
  if (s === null) return null;
  // Some writers put "Z00'00'" where the spec has plain "Z".
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z(?:00'?00'?)?|[+-]\d{2}(?:'?\d{2}'?)?)?'?$/i.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  if (m[2] === undefined) return { value: m[1]!, hasZone: false };
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  if (m[3] === undefined) return { value: `${m[1]}-${m[2]}`, hasZone: false };
  const d = Number(m[3]);
  if (!validDate(y, mo, d)) return null;
  if (m[4] === undefined) return build(y, mo, d, null, null);
  const h = Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const se = m[6] === undefined ? 0 : Number(m[6]);
  if (!validTime(h, mi, se)) return null;
  const time = `${pad2(h)}:${pad2(mi)}:${pad2(se)}`;
  const offset = m[7] === undefined ? null : /^z/i.test(m[7]) ? 'Z' : normalizeOffset(m[7]);
  return build(y, mo, d, time, offset);
}

/**
 * Broadcast Wave bext OriginationDate ("yyyy-mm-dd") + OriginationTime ("hh:mm:ss"), EBU
 * Tech 3285 §2.3: the recorder's local clock, no zone. Any of - _ : space . may separate the
 * fields (the spec allows them). Date alone when the time is missing. Never throws.
 */
export function bwfDateTime(date: unknown, time: unknown): IsoDate | null {
  const ds = asText(date);
  if (ds === null) return null;
  const dm = /^(\d{4})[-_:. ](\d{2})[-_:. ](\d{2})$/.exec(ds);
  if (!dm) return null;
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  if (!validDate(y, mo, d)) return null;
  const tm = /^(\d{2})[-_:. ](\d{2})[-_:. ](\d{2})$/.exec(asText(time) ?? '');
  if (!tm || !validTime(Number(tm[1]), Number(tm[2]), Number(tm[3]))) return build(y, mo, d, null, null);
  return build(y, mo, d, `${tm[1]}:${tm[2]}:${tm[3]}`, null);
}

/**
 * EXIF GPSDateStamp ("YYYY:MM:DD") + GPSTimeStamp (three rationals h, m, s), both UTC by
 * EXIF 2.32 §4.6.6 → "2010-05-15T15:12:07Z" (fractional seconds kept to ms). Null when either
 * part is missing or malformed. Never throws.
 */
export function gpsDateTime(dateStamp: unknown, timeStamp: unknown): IsoDate | null {
  const ds = asText(dateStamp);
  const dm = ds === null ? null : /^(\d{4})[:-](\d{2})[:-](\d{2})$/.exec(ds);
  if (!dm || !Array.isArray(timeStamp) || timeStamp.length < 3) return null;
  const [y, mo, d] = [Number(dm[1]), Number(dm[2]), Number(dm[3])];
  const [h, mi, se] = timeStamp.slice(0, 3).map((v) => (typeof v === 'number' ? v : NaN)) as [number, number, number];
  if (!validDate(y, mo, d) || !Number.isInteger(h) || !Number.isInteger(mi) || !validTime(h, mi, Math.floor(se))) return null;
  const whole = Math.floor(se);
  const ms = Math.round((se - whole) * 1000);
  const secText = ms > 0 ? `${pad2(whole)}.${String(ms).padStart(3, '0').replace(/0+$/, '')}` : pad2(whole);
  return build(y, mo, d, `${pad2(h)}:${pad2(mi)}:${secText}`, 'Z');
}

/**
 * Seconds since midnight → "hh:mm:ss.sss" (time of day, no date, no zone); used for the BWF
 * bext TimeReference (samples since midnight ÷ sample rate). Null for negative/non-finite input.
 */
export function timeOfDay(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  const totalMs = Math.round(seconds * 1000);
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000);
  return `${pad2(Math.floor(s / 3600) % 24)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}.${String(ms).padStart(3, '0')}`;
}
