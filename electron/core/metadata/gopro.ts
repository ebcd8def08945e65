// GoPro GPMF telemetry: the GPS receiver's UTC clock (GPSU) from the first telemetry sample, to
// tell whether the camera's mvhd creation_time is UTC (as the field's spec says) or local wall
// time (as many GoPro cameras write it). GPMF is GoPro's KLV format, documented in
// github.com/gopro/gpmf-parser README ("GPMF Introduction": 4-byte key, 1-byte type, 1-byte
// struct size, 2-byte repeat; payload padded to 4 bytes; type 0 = nested; GPSU type 'U' =
// UTC "yymmddhhmmss.sss"; GPSF = fix: 0 none, 2 2D, 3 3D).
import { fourCC, type ByteSource } from './io.ts';

/** The GPS clock of the first GPMF sample. */
export interface GoProGpsClock {
  /** GPSU as ISO 8601 UTC text, e.g. "2019-11-18T23:45:14.000Z". */
  utc: string;
  /** GPSF fix type (0 none, 2 2D, 3 3D), or null when the sample has no GPSF. */
  fix: number | null;
}

/** A GPMF sample is a few KB; a larger declared size is not one. */
const MAX_SAMPLE_BYTES = 1024 * 1024;

function walk(buf: Buffer, start: number, end: number, out: { gpsu?: string; gpsf?: number }, depth = 0): void {
  let p = start;
  while (p + 8 <= end && depth < 8 && (out.gpsu === undefined || out.gpsf === undefined)) {
    const key = fourCC(buf, p);
    const type = buf[p + 4]!;
    const len = buf[p + 5]! * buf.readUInt16BE(p + 6);
    const dataEnd = Math.min(p + 8 + len, end);
    if (type === 0) walk(buf, p + 8, dataEnd, out, depth + 1);
    else if (key === 'GPSU' && type === 0x55 && out.gpsu === undefined) out.gpsu = buf.toString('latin1', p + 8, Math.min(p + 24, dataEnd));
    else if (key === 'GPSF' && type === 0x4c && dataEnd - p >= 12 && out.gpsf === undefined) out.gpsf = buf.readUInt32BE(p + 8);
    p += 8 + Math.ceil(len / 4) * 4;
  }
}

/**
 * Parses GPSU/GPSF out of one GPMF payload. Returns null when there is no well-formed GPSU
 * ("yymmddhhmmss.sss", years 2000–2099 as GPMF defines). Never throws.
 */
export function gpmfGpsClock(buf: Buffer): GoProGpsClock | null {
  const out: { gpsu?: string; gpsf?: number } = {};
  try {
    walk(buf, 0, buf.length, out);
  } catch {
    return null;
  }
  const m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d{1,3})?$/.exec(out.gpsu ?? '');
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const ms = (m[7] ?? '.000').padEnd(4, '0');
  const utc = `20${y}-${mo}-${d}T${h}:${mi}:${s}${ms}Z`;
  if (Number.isNaN(Date.parse(utc))) return null;
  return { utc, fix: out.gpsf ?? null };
}

/** Reads the first GPMF sample at `sample` (from MoovInfo.gpmdFirstSample) and parses its clock. */
export async function readGoProGpsClock(src: ByteSource, sample: { offset: number; size: number }): Promise<GoProGpsClock | null> {
  if (sample.size > MAX_SAMPLE_BYTES || sample.offset + sample.size > src.size) return null;
  return gpmfGpsClock(await src.read(sample.offset, sample.size));
}

/** How the camera's clock relates to UTC, judged from mvhd creation_time against GPSU. */
export type ClockVerdict =
  | { kind: 'utc'; differenceSec: number }
  | { kind: 'local'; offset: string; differenceSec: number }
  | { kind: 'unknown'; differenceSec: number };

/**
 * GPSU may lag or lead the recording start by seconds up to minutes (time to a fix); no zone is
 * within 5 minutes of UTC. A local clock must sit within 2 minutes of a quarter-hour offset, so
 * that a difference such as 40 minutes (no zone has it) stays unknown.
 */
const AGREE_SEC = 5 * 60;
const LOCAL_SLACK_SEC = 2 * 60;

/**
 * Compares mvhd creation_time (ISO text ending in Z, as read) with the GPS clock (UTC).
 * Within 5 minutes: the camera clock was UTC. Within 2 minutes of a whole quarter hour up to
 * 14 h: the camera clock was local time at that offset (UTC+offset = creation_time). Otherwise
 * unknown. Pure arithmetic on explicit-UTC text: no machine time zone involved.
 */
export function judgeCameraClock(creationZ: string, gps: GoProGpsClock): ClockVerdict {
  const diff = (Date.parse(creationZ) - Date.parse(gps.utc)) / 1000;
  if (!Number.isFinite(diff)) return { kind: 'unknown', differenceSec: NaN };
  if (Math.abs(diff) <= AGREE_SEC) return { kind: 'utc', differenceSec: diff };
  const quarters = Math.round(diff / 900);
  if (Math.abs(diff - quarters * 900) <= LOCAL_SLACK_SEC && Math.abs(quarters) <= 14 * 4) {
    const min = Math.abs(quarters) * 15;
    const offset = `${quarters < 0 ? '-' : '+'}${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
    return { kind: 'local', offset, differenceSec: diff };
  }
  return { kind: 'unknown', differenceSec: diff };
}
