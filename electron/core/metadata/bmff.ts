// ISO base media file format (ISO/IEC 14496-12) box walking, shared by the sniffer (track
// handlers decide audio vs video), HEIF (meta box) and the A/V reader (mvhd, udta boxes that
// ffprobe does not expose: 3GPP loci, GoPro GPMF, Voice Memos 'date').
import { fourCC, type ByteSource } from './io.ts';
import { quickTimeSeconds } from './dates.ts';

/** One box header: type, where its payload starts and where the box ends (absolute offsets). */
export interface BoxHeader {
  type: string;
  start: number;
  payload: number;
  end: number;
}

/** moov boxes larger than this are not read (a 2-hour phone video has a moov of a few MB). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const MAX_BOXES = 100_000;

/**
 * Iterates the boxes in `buf[start, end)` (ISO/IEC 14496-12 §4.2: 32-bit size, 64-bit
 * largesize when size is 1, size 0 = to the end). Stops silently at the first malformed header.
 */
export function* boxesIn(buf: Buffer, start: number, end: number): Generator<BoxHeader> {
  let pos = start;
  for (let i = 0; pos + 8 <= end && i < MAX_BOXES; i++) {
    let size = buf.readUInt32BE(pos);
    const type = fourCC(buf, pos + 4);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) return;
      size = Number(buf.readBigUInt64BE(pos + 8));
      header = 16;
    } else if (size === 0) size = end - pos;
    if (size < header || pos + size > end) return;
    yield { type, start: pos, payload: pos + header, end: pos + size };
    pos += size;
  }
}

/**
 * Lists the top-level boxes of a file by reading only their headers (mdat is skipped, not
 * read). Returns [] when the file does not start with a plausible box. Throws only on I/O errors.
 */
export async function topLevelBoxes(src: ByteSource): Promise<BoxHeader[]> {
  const out: BoxHeader[] = [];
  let pos = 0;
  while (pos + 8 <= src.size && out.length < MAX_BOXES) {
    const h = await src.read(pos, 16);
    if (h.length < 8) break;
    let size = h.readUInt32BE(0);
    const type = fourCC(h, 4);
    let header = 8;
    if (!/^[\x20-\x7e\xa9]{4}$/.test(type)) break;
    if (size === 1) {
      if (h.length < 16) break;
      size = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (size === 0) size = src.size - pos;
    if (size < header) break;
    // A truncated last box is still listed: its header is real, its end is clamped.
    out.push({ type, start: pos, payload: pos + header, end: Math.min(pos + size, src.size) });
    pos += size;
  }
  return out;
}

/** Major and compatible brands of the ftyp box at offset 0, or null when there is none. */
export async function readFtyp(src: ByteSource): Promise<{ major: string; compatible: string[] } | null> {
  const h = await src.read(0, 64);
  if (h.length < 16 || fourCC(h, 4) !== 'ftyp') return null;
  const size = Math.min(h.readUInt32BE(0), h.length);
  const compatible: string[] = [];
  for (let p = 16; p + 4 <= size; p += 4) compatible.push(fourCC(h, p));
  return { major: fourCC(h, 8), compatible };
}

/** What the A/V reader and the sniffer need from a moov box. */
export interface MoovInfo {
  /** hdlr handler_type of each trak, in file order ("vide", "soun", "meta", "tmcd", ...). */
  handlers: string[];
  mvhd: { creationTime: string | null; modificationTime: string | null; timescale: number; duration: number } | null;
  /** moov/udta/loci (3GPP TS 26.244 §8.2.8): fixed-point 16.16 degrees and metres. */
  loci: { lat: number; lon: number; alt: number; name: string } | null;
  /** moov/udta/'date' (Apple Voice Memos), ISO 8601 text as stored. */
  udtaDate: string | null;
  /** GoPro: udta/FIRM firmware text and the GPMF MINF model name. */
  goProFirmware: string | null;
  goProModel: string | null;
  /**
   * Where the first sample of the GoPro GPMF telemetry track (sample entry 'gpmd') is: absolute
   * file offset and size in bytes (ISO/IEC 14496-12 §8.7.3 stsz, §8.7.5 stco/co64). Null when
   * there is no such track. Absent in records read before this field existed.
   */
  gpmdFirstSample?: { offset: number; size: number } | null;
}

function cString(buf: Buffer, start: number, end: number): { text: string; next: number } {
  // 3GPP strings are UTF-8, or UTF-16 when they start with a BOM (3GPP TS 26.244 §8.2).
  if (start + 2 <= end && buf.readUInt16BE(start) === 0xfeff) {
    let p = start + 2;
    while (p + 2 <= end && buf.readUInt16BE(p) !== 0) p += 2;
    const text = Buffer.from(buf.subarray(start + 2, p)).swap16().toString('utf16le');
    return { text, next: Math.min(p + 2, end) };
  }
  let p = start;
  while (p < end && buf[p] !== 0) p++;
  return { text: buf.toString('utf8', start, p), next: Math.min(p + 1, end) };
}

/** 16.16 fixed point values have a resolution of 1/65536 ≈ 1.5e-5, i.e. five decimals. */
const fixed1616 = (v: number): number => Math.round((v / 65536) * 1e5) / 1e5;

function parseLoci(buf: Buffer, b: BoxHeader): MoovInfo['loci'] {
  // FullBox(4) + pad/language(2) + name + role(1) + lon, lat, alt (signed 16.16).
  let p = b.payload + 6;
  if (p > b.end) return null;
  const name = cString(buf, p, b.end);
  p = name.next + 1;
  if (p + 12 > b.end) return null;
  return { lon: fixed1616(buf.readInt32BE(p)), lat: fixed1616(buf.readInt32BE(p + 4)), alt: fixed1616(buf.readInt32BE(p + 8)), name: name.text };
}

/** Finds the GPMF key MINF (model name, type 'c') in a GoPro udta/GPMF payload (KLV triples). */
function gpmfModel(buf: Buffer, start: number, end: number, depth = 0): string | null {
  let p = start;
  while (p + 8 <= end && depth < 8) {
    const key = fourCC(buf, p);
    const type = buf[p + 4]!;
    const len = buf[p + 5]! * buf.readUInt16BE(p + 6);
    const dataEnd = Math.min(p + 8 + len, end);
    if (key === 'MINF' && type === 0x63) return buf.toString('latin1', p + 8, dataEnd).replace(/\0+$/, '').trim() || null;
    if (type === 0) {
      const inner = gpmfModel(buf, p + 8, dataEnd, depth + 1);
      if (inner) return inner;
    }
    p += 8 + Math.ceil(len / 4) * 4;
  }
  return null;
}

function parseMvhd(buf: Buffer, b: BoxHeader): MoovInfo['mvhd'] {
  const v = buf[b.payload];
  const p = b.payload + 4;
  if (v === 1 && p + 28 <= b.end) {
    return {
      creationTime: quickTimeSeconds(Number(buf.readBigUInt64BE(p)))?.value ?? null,
      modificationTime: quickTimeSeconds(Number(buf.readBigUInt64BE(p + 8)))?.value ?? null,
      timescale: buf.readUInt32BE(p + 16),
      duration: Number(buf.readBigUInt64BE(p + 20)),
    };
  }
  if (v === 0 && p + 16 <= b.end) {
    return {
      creationTime: quickTimeSeconds(buf.readUInt32BE(p))?.value ?? null,
      modificationTime: quickTimeSeconds(buf.readUInt32BE(p + 4))?.value ?? null,
      timescale: buf.readUInt32BE(p + 8),
      duration: buf.readUInt32BE(p + 12),
    };
  }
  return null;
}

const child = (buf: Buffer, b: BoxHeader | undefined, type: string): BoxHeader | undefined =>
  b ? [...boxesIn(buf, b.payload, b.end)].find((c) => c.type === type) : undefined;

/** First sample of a trak whose first sample entry is 'gpmd' (GoPro GPMF), or null. */
function gpmdFirstSample(buf: Buffer, trak: BoxHeader): { offset: number; size: number } | null {
  const stbl = child(buf, child(buf, child(buf, trak, 'mdia'), 'minf'), 'stbl');
  const stsd = child(buf, stbl, 'stsd');
  // stsd: FullBox(4) + entry_count(4) + first entry size(4) + format(4).
  if (!stsd || stsd.payload + 16 > stsd.end || fourCC(buf, stsd.payload + 12) !== 'gpmd') return null;
  const stsz = child(buf, stbl, 'stsz');
  const stco = child(buf, stbl, 'stco');
  const co64 = child(buf, stbl, 'co64');
  if (!stsz || stsz.payload + 12 > stsz.end) return null;
  const fixed = buf.readUInt32BE(stsz.payload + 4);
  const size = fixed !== 0 ? fixed : stsz.payload + 16 <= stsz.end && buf.readUInt32BE(stsz.payload + 8) > 0 ? buf.readUInt32BE(stsz.payload + 12) : 0;
  let offset: number | null = null;
  if (stco && stco.payload + 12 <= stco.end && buf.readUInt32BE(stco.payload + 4) > 0) offset = buf.readUInt32BE(stco.payload + 8);
  else if (co64 && co64.payload + 16 <= co64.end && buf.readUInt32BE(co64.payload + 4) > 0) offset = Number(buf.readBigUInt64BE(co64.payload + 8));
  return offset !== null && size > 0 ? { offset, size } : null;
}

function parseTrakHandler(buf: Buffer, trak: BoxHeader): string | null {
  for (const mdia of boxesIn(buf, trak.payload, trak.end)) {
    if (mdia.type !== 'mdia') continue;
    for (const h of boxesIn(buf, mdia.payload, mdia.end)) {
      // hdlr: FullBox(4) + pre_defined(4) + handler_type(4).
      if (h.type === 'hdlr' && h.payload + 12 <= h.end) return fourCC(buf, h.payload + 8);
    }
  }
  return null;
}

/** Parses an in-memory moov box payload. Never throws on malformed content (fields stay null). */
export function parseMoov(buf: Buffer, start: number, end: number): MoovInfo {
  const info: MoovInfo = { handlers: [], mvhd: null, loci: null, udtaDate: null, goProFirmware: null, goProModel: null, gpmdFirstSample: null };
  for (const b of boxesIn(buf, start, end)) {
    if (b.type === 'mvhd') info.mvhd = parseMvhd(buf, b);
    else if (b.type === 'trak') {
      const h = parseTrakHandler(buf, b);
      if (h) info.handlers.push(h);
      if (h === 'meta' && !info.gpmdFirstSample) info.gpmdFirstSample = gpmdFirstSample(buf, b);
    } else if (b.type === 'udta') {
      for (const u of boxesIn(buf, b.payload, b.end)) {
        if (u.type === 'loci') info.loci = parseLoci(buf, u);
        else if (u.type === 'date') info.udtaDate = buf.toString('utf8', u.payload, u.end).replace(/\0+$/, '').trim() || null;
        else if (u.type === 'FIRM') info.goProFirmware = buf.toString('latin1', u.payload, u.end).replace(/\0+$/, '').trim() || null;
        else if (u.type === 'GPMF') info.goProModel = gpmfModel(buf, u.payload, u.end);
      }
    }
  }
  return info;
}

/**
 * Reads the file's moov box (wherever it is: before or after mdat) and parses it.
 * Returns null when the file has no moov, or one larger than 64 MiB. Throws only on I/O errors.
 */
export async function readMoov(src: ByteSource): Promise<MoovInfo | null> {
  const moov = (await topLevelBoxes(src)).find((b) => b.type === 'moov');
  if (!moov || moov.end - moov.start > MAX_MOOV_BYTES) return null;
  const buf = await src.read(moov.start, moov.end - moov.start);
  return parseMoov(buf, moov.payload - moov.start, buf.length);
}
