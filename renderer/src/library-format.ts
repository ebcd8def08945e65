// Words and numbers of the Library's tiles and list: a file name shortened in its middle (the
// camera's prefix and the clip number both stay), a capture time in the reader's language, a
// frame size and rate. Dates go through Intl with the chosen language, never the computer's.
import { dateTimeFormat, numberFormat } from './intl-cache.ts';

/**
 * `name` in at most `max` characters (code points), cut in its middle with "…": the start and
 * the end (the clip number and the extension) both stay, "iphone_13_pro…_0042.mov". Unchanged
 * when it fits.
 */
export function middleEllipsis(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const keep = Math.max(2, max - 1);
  const tail = Math.ceil(keep * 0.45);
  return `${chars.slice(0, keep - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/u;

/**
 * A capture time as stored, shortly ("12 May 2021, 14:02" in en, "12 мая 2021 г., 14:02" in ru),
 * as the wall time the file gave (no zone conversion). '' for none; the text itself when unreadable.
 */
export function formatCaptureShort(text: string | null | undefined, lng: string): string {
  if (!text) return '';
  const m = WALL.exec(text);
  if (!m) return text;
  const [, y, mo, d, h, mi] = m;
  const when = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0)));
  return dateTimeFormat(lng, { dateStyle: 'medium', ...(h !== undefined ? { timeStyle: 'short' as const } : {}), timeZone: 'UTC' }).format(when);
}

/** A capture day "2021-05-12" as a group heading: "Wednesday, 12 May 2021" in the reader's language. */
export function formatDay(day: string, lng: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(day);
  if (!m) return day;
  return dateTimeFormat(lng, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

/** "1920×1080" or ''. */
export const formatResolution = (w: number | null | undefined, h: number | null | undefined): string => (w && h ? `${w}×${h}` : '');

/** "29.97" / "25" in the reader's number format, or ''. */
export const formatFps = (fps: number | null | undefined, lng: string): string =>
  fps ? numberFormat(lng, { maximumFractionDigits: 2 }).format(fps) : '';

let measureCtx: CanvasRenderingContext2D | null = null;

/**
 * `name` middle-ellipsized (middleEllipsis) to the most characters whose width in `font` (a CSS
 * font shorthand) fits `px` pixels, measured on a canvas; a rough 7 px per character where no
 * canvas is available.
 */
export function fitMiddle(name: string, px: number, font: string): string {
  measureCtx ??= typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  const ctx = measureCtx;
  if (!ctx) return middleEllipsis(name, Math.floor(px / 7));
  ctx.font = font;
  if (ctx.measureText(name).width <= px) return name;
  let lo = 2;
  let hi = [...name].length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(middleEllipsis(name, mid)).width <= px) lo = mid;
    else hi = mid - 1;
  }
  return middleEllipsis(name, lo);
}
