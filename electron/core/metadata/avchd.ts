// AVCHD (.MTS/.M2TS) camera metadata. Camcorders and cameras writing AVCHD store the recording
// date with its time zone, the maker and (Sony) the model only inside the H.264 video stream: in
// an SEI user_data_unregistered message (ITU-T H.264 §D.1.6) whose UUID is
// 17ee8c60-f84d-11d9-8cd6-0800200c9a66, followed by "MDPM" (Modified DV Pack Meta) and a list
// of 5-byte entries (1-byte tag, 4 bytes of data). ffprobe does not expose it.
//
// The MDPM layout is not published by its owners (it derives from IEC 61834-4 DV packs); the
// reference description is ExifTool's lib/Image/ExifTool/H264.pm (%H264::MDPM, ProcessSEI):
//   0x18 + 0x19  DateTimeOriginal: tz byte, then BCD yyyy mm | dd hh mm ss. tz byte: 0x20 sign
//                (set = west, "-"), 0x1e hours (value >> 1), 0x01 half hour, 0x40 DST flag
//   0xb1..0xba   GPS: LatitudeRef, Latitude d/m/s, LongitudeRef, Longitude d/m/s, AltitudeRef,
//                Altitude; each number a rational32u (16-bit numerator / 16-bit denominator)
//   0xe0         MakeModel: int16u maker code (0x0103 Panasonic, 0x0108 Sony, 0x1011 Canon,
//                0x1104 JVC)
//   0xe4..0xe6   Model name (Sony only), text
// Transport stream framing per ISO/IEC 13818-1 (§2.4.3 packets, §2.4.4 PAT/PMT, §2.4.3.6 PES);
// BDAV/AVCHD adds a 4-byte arrival time stamp before each 188-byte packet (192-byte packets).
import { exifDateTime, type IsoDate } from './dates.ts';
import type { RawPosition } from './gps.ts';
import type { ByteSource } from './io.ts';

/** What the MDPM of the first SEI that carries one says. */
export interface MdpmInfo {
  /** DateTimeOriginal with the camera's UTC offset, e.g. "2008-12-31T23:16:24+01:00". */
  dateTime: IsoDate | null;
  /** The DST flag of the time-zone byte (ExifTool prints " DST"); the offset is kept as stored. */
  dst: boolean;
  /** The 0xe0 maker code as stored (e.g. 0x1011), and its name when ExifTool's table knows it. */
  makeCode: number | null;
  make: string | null;
  model: string | null;
  gps: RawPosition | null;
  /** How many bytes of the file were read to find it. */
  bytesRead: number;
}

/** Maker codes of MDPM tag 0xe0 (ExifTool H264.pm %convMake). */
export const MDPM_MAKERS: Readonly<Record<number, string>> = { 0x0103: 'Panasonic', 0x0108: 'Sony', 0x1011: 'Canon', 0x1104: 'JVC' };

const MDPM_UUID = Buffer.from('17ee8c60f84d11d98cd60800200c9a66', 'hex');
/** At most this much of the file is read: a few frames at AVCHD bit rates (≤ 28 Mbit/s). */
export const MDPM_READ_CAP_BYTES = 4 * 1024 * 1024;
const CHUNK_PACKETS = 512;

const bcd = (b: number): number | null => ((b >> 4) <= 9 && (b & 0x0f) <= 9 ? (b >> 4) * 10 + (b & 0x0f) : null);

function mdpmDate(d18: Buffer, d19: Buffer): { date: IsoDate | null; dst: boolean } {
  const tz = d18[0]!;
  const parts = [d18[1]!, d18[2]!, d18[3]!, d19[0]!, d19[1]!, d19[2]!, d19[3]!].map(bcd);
  if (parts.some((p) => p === null)) return { date: null, dst: false };
  const [c, y, mo, d, h, mi, s] = parts as number[];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const hours = (tz >> 1) & 0x0f;
  // 0xff (every bit set) is what an unset byte looks like; it would decode to -15:30.
  const offset = tz === 0xff ? null : `${tz & 0x20 ? '-' : '+'}${p2(hours)}:${tz & 0x01 ? '30' : '00'}`;
  return { date: exifDateTime(`${p2(c!)}${p2(y!)}:${p2(mo!)}:${p2(d!)} ${p2(h!)}:${p2(mi!)}:${p2(s!)}`, offset), dst: tz !== 0xff && (tz & 0x40) !== 0 };
}

const rational32u = (b: Buffer): number | null => {
  const den = b.readUInt16BE(2);
  return den === 0 ? null : b.readUInt16BE(0) / den;
};

function mdpmGps(tags: Map<number, Buffer>): RawPosition | null {
  const coord = (refTag: number, first: number, neg: string): number | null => {
    const ref = tags.get(refTag)?.toString('latin1', 0, 1);
    const dms = [first, first + 1, first + 2].map((t) => (tags.has(t) ? rational32u(tags.get(t)!) : null));
    if (!ref || dms.some((v) => v === null || v < 0)) return null;
    const deg = dms[0]! + dms[1]! / 60 + dms[2]! / 3600;
    return ref === neg ? -deg : deg;
  };
  const lat = coord(0xb1, 0xb2, 'S');
  const lon = coord(0xb5, 0xb6, 'W');
  if (lat === null || lon === null) return null;
  const altBuf = tags.get(0xba);
  let alt = altBuf ? rational32u(altBuf) : null;
  if (alt !== null && tags.get(0xb9)?.readUInt32BE(0)) alt = -alt;
  return { lat, lon, alt };
}

/**
 * Decodes an MDPM payload (the bytes after UUID + "MDPM": count, then count × 5-byte entries,
 * tags ascending; ExifTool stops at the first entry out of order, so do we).
 * Returns null when the payload is empty. Never throws.
 */
export function parseMdpm(payload: Buffer, bytesRead = 0): MdpmInfo | null {
  if (payload.length < 1) return null;
  const count = payload[0]!;
  const tags = new Map<number, Buffer>();
  let last = -1;
  for (let i = 0, p = 1; i < count && p + 5 <= payload.length; i++, p += 5) {
    const tag = payload[p]!;
    if (tag <= last) break;
    last = tag;
    tags.set(tag, payload.subarray(p + 1, p + 5));
  }
  const d18 = tags.get(0x18);
  const d19 = tags.get(0x19);
  const { date, dst } = d18 && d19 ? mdpmDate(d18, d19) : { date: null, dst: false };
  const makeCode = tags.get(0xe0)?.readUInt16BE(0) ?? null;
  const make = makeCode === null ? null : (MDPM_MAKERS[makeCode] ?? null);
  let model: string | null = null;
  if (make === 'Sony') {
    const text = [0xe4, 0xe5, 0xe6].map((t) => tags.get(t) ?? Buffer.alloc(0));
    model = Buffer.concat(text).toString('latin1').replace(/\0[\s\S]*$/, '').trim() || null;
  }
  return { dateTime: date, dst, makeCode, make, model, gps: mdpmGps(tags), bytesRead };
}

/** Removes H.264 emulation prevention bytes (00 00 03 → 00 00), H.264 §7.4.1. */
function unescapeRbsp(nal: Buffer): Buffer {
  const out = Buffer.allocUnsafe(nal.length);
  let n = 0;
  let zeros = 0;
  for (const b of nal) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    out[n++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, n);
}

/** Finds the MDPM payload in one SEI RBSP (H.264 §7.3.2.3.1 sei_message). */
function mdpmInSei(rbsp: Buffer): Buffer | null {
  let p = 0;
  while (p < rbsp.length && rbsp[p] !== 0x80) {
    let type = 0;
    let size = 0;
    while (p < rbsp.length && rbsp[p] === 0xff) type += rbsp[p++]!;
    type += rbsp[p++] ?? 0;
    while (p < rbsp.length && rbsp[p] === 0xff) size += rbsp[p++]!;
    size += rbsp[p++] ?? 0;
    if (p + size > rbsp.length) return null;
    if (type === 5 && size > 20 && rbsp.subarray(p, p + 16).equals(MDPM_UUID) && rbsp.toString('latin1', p + 16, p + 20) === 'MDPM') {
      return rbsp.subarray(p + 20, p + size);
    }
    p += size;
  }
  return null;
}

/** Scans an H.264 Annex B elementary stream for SEI NAL units (type 6) carrying MDPM. */
export function findMdpmInAnnexB(es: Buffer): Buffer | null {
  let start = es.indexOf(Buffer.from([0, 0, 1]));
  while (start >= 0) {
    const nalStart = start + 3;
    const next = es.indexOf(Buffer.from([0, 0, 1]), nalStart);
    if (nalStart < es.length && (es[nalStart]! & 0x1f) === 6) {
      // A trailing zero before the next start code belongs to a 4-byte start code.
      let end = next < 0 ? es.length : next;
      while (end > nalStart && es[end - 1] === 0) end--;
      const found = mdpmInSei(unescapeRbsp(es.subarray(nalStart + 1, end)));
      if (found) return found;
    }
    start = next;
  }
  return null;
}

function packetSize(head: Buffer): 188 | 192 | null {
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return 188;
  if (head.length >= 197 && head[4] === 0x47 && head[196] === 0x47) return 192;
  if (head.length === 192 && head[4] === 0x47) return 192;
  if (head.length === 188 && head[0] === 0x47) return 188;
  return null;
}

/** Program-specific section payload after the pointer field, or null. */
function section(payload: Buffer, pusi: boolean): Buffer | null {
  if (!pusi || payload.length < 1) return null;
  const s = payload.subarray(1 + payload[0]!);
  if (s.length < 8) return null;
  const len = ((s[1]! & 0x0f) << 8) | s[2]!;
  return s.subarray(0, Math.min(s.length, 3 + len));
}

/**
 * Reads an MPEG-2 transport stream (188-byte packets, or 192-byte BDAV/AVCHD packets) from the
 * start: PAT → PMT → the first H.264 stream (stream_type 0x1b), reassembling its PES payload
 * until an SEI with MDPM data is found, at most `capBytes` of the file (default 4 MiB).
 * Returns null when the file is not a transport stream or no MDPM was found within the cap.
 * Throws only on I/O errors.
 */
export async function readAvchdMdpm(src: ByteSource, capBytes = MDPM_READ_CAP_BYTES): Promise<MdpmInfo | null> {
  const size = packetSize(await src.read(0, 197));
  if (size === null) return null;
  const skip = size - 188;
  let pmtPid = -1;
  let videoPid = -1;
  const pesVideoPids = new Set<number>();
  let es: Buffer[] = [];
  let esBytes = 0;
  const limit = Math.min(src.size, capBytes);
  for (let pos = 0; pos < limit; pos += size * CHUNK_PACKETS) {
    const chunk = await src.read(pos, size * CHUNK_PACKETS);
    for (let o = 0; o + size <= chunk.length; o += size) {
      const pkt = chunk.subarray(o + skip, o + size);
      if (pkt[0] !== 0x47) return null; // lost sync: not (or no longer) a transport stream
      const pusi = (pkt[1]! & 0x40) !== 0;
      const pid = ((pkt[1]! & 0x1f) << 8) | pkt[2]!;
      const afc = (pkt[3]! >> 4) & 3;
      if ((afc & 1) === 0) continue;
      const payload = pkt.subarray(afc & 2 ? 5 + pkt[4]! : 4);
      if (pid === 0) {
        const s = section(payload, pusi);
        // PAT (§2.4.4.3): 8-byte header, then program_number(16) + PID(13) pairs, CRC last.
        for (let p = 8; s && p + 4 <= s.length - 4; p += 4) {
          if (s.readUInt16BE(p) !== 0) {
            pmtPid = s.readUInt16BE(p + 2) & 0x1fff;
            break;
          }
        }
      } else if (pid === pmtPid && videoPid < 0) {
        const s = section(payload, pusi);
        if (s && s.length >= 12) {
          // PMT (§2.4.4.8): 12-byte header incl. program_info, then stream entries.
          let p = 12 + (s.readUInt16BE(10) & 0x0fff);
          while (p + 5 <= s.length - 4) {
            if (s[p] === 0x1b) {
              videoPid = s.readUInt16BE(p + 1) & 0x1fff;
              break;
            }
            p += 5 + (s.readUInt16BE(p + 3) & 0x0fff);
          }
        }
      } else if (pid === videoPid || (videoPid < 0 && (pesVideoPids.has(pid) || (pusi && payload[3]! >= 0xe0 && payload[3]! <= 0xef)))) {
        if (videoPid < 0) pesVideoPids.add(pid);
        let data = payload;
        if (pusi && data.length >= 9 && data[0] === 0 && data[1] === 0 && data[2] === 1) {
          // A PES packet holds whole access units (AVCHD puts one per PES), so the previous one
          // is complete: scan it and drop it.
          if (esBytes > 0) {
            const found = findMdpmInAnnexB(Buffer.concat(es));
            if (found) return parseMdpm(found, pos + o + size);
          }
          es = [];
          esBytes = 0;
          data = data.subarray(9 + data[8]!);
        }
        es.push(Buffer.from(data));
        esBytes += data.length;
      }
    }
  }
  const found = esBytes > 0 ? findMdpmInAnnexB(Buffer.concat(es)) : null;
  return found ? parseMdpm(found, limit) : null;
}
