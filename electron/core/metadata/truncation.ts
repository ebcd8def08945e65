// Cheap structural checks that tell an incomplete copy (a file cut short while being copied off
// a card) from a whole one. They read headers and, for JPEG, scan for the end-of-image marker;
// they never decode. A file that fails one is still kept and hashed: the warning tells the user
// to copy it again while the card still exists.
import { fourCC, type ByteSource } from './io.ts';

/** The words every truncation warning starts with (issue 14). */
export const INCOMPLETE_COPY = 'incomplete copy: copy it again from the card';

const SCAN_CHUNK = 1024 * 1024;
const MAX_ITEMS = 100_000;

/** JPEG marker names for messages (ITU-T T.81 Table B.1; APPn use per JFIF/EXIF/XMP). */
function markerName(m: number): string {
  if (m === 0xe1) return 'APP1 (EXIF/XMP)';
  if (m >= 0xe0 && m <= 0xef) return `APP${m - 0xe0}`;
  if (m === 0xdb) return 'DQT';
  if (m === 0xc4) return 'DHT';
  if (m === 0xda) return 'SOS';
  if (m >= 0xc0 && m <= 0xcf) return `SOF${m - 0xc0}`;
  return `0x${m.toString(16).toUpperCase()}`;
}

/** The first backward read: the last bytes, where a whole JPEG without a trailer has its EOI. */
const TAIL_FIRST = 2;

/**
 * Last position of `needle` in [from, size), reading backward from the end of the file in chunks
 * that grow from TAIL_FIRST to SCAN_CHUNK bytes; -1 when absent. Reads only the bytes after that
 * last occurrence (plus the needle), so a file ending in `needle` costs one tiny read.
 */
async function lastIndexFrom(src: ByteSource, needle: Buffer, from: number): Promise<number> {
  let hi = src.size;
  let want = Math.max(TAIL_FIRST, needle.length);
  while (hi - from >= needle.length) {
    const lo = Math.max(from, hi - want);
    const chunk = await src.read(lo, hi - lo);
    const i = chunk.lastIndexOf(needle);
    if (i >= 0) return lo + i;
    if (lo === from || chunk.length < hi - lo) break;
    // Overlap by needle.length - 1 bytes so an occurrence across two chunks is found.
    hi = lo + needle.length - 1;
    want = Math.min(SCAN_CHUNK, Math.max(64 * 1024, want * 2));
  }
  return -1;
}

/**
 * JPEG (ITU-T T.81 §B.1): every marker segment before SOS must fit in the file, and the
 * entropy-coded data after the first SOS must be followed by EOI (FFD9). Inside entropy-coded
 * data FF is always followed by 00 or RSTn, so an FFD9 after SOS is an EOI: the primary image's,
 * or that of an image in a trailer after it (MPF secondary images, CIPA DC-007; maker trailers),
 * neither of which can be there unless the primary image ended. So the check needs only whether
 * some FFD9 follows the SOS header, and looks for the last one from the end of the file: one
 * 2-byte read for a JPEG that ends with its EOI (also an MPF file, whose last image ends so), the
 * trailer only for one whose trailer does not, and all the image data only for a file cut short.
 */
async function jpegTruncation(src: ByteSource): Promise<string | null> {
  let pos = 2;
  for (let i = 0; i < MAX_ITEMS; i++) {
    const h = await src.read(pos, 4);
    if (h.length < 2) return 'the JPEG ends before its image data';
    if (h[0] !== 0xff) return null; // not a marker: malformed, not something a cut explains
    const m = h[1]!;
    if (m === 0xff) {
      pos += 1;
      continue;
    }
    if (m === 0xd9) return 'the JPEG ends (EOI) before any image data';
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd8)) {
      pos += 2;
      continue;
    }
    if (h.length < 4) return `the JPEG ends inside its ${markerName(m)} segment`;
    const end = pos + 2 + h.readUInt16BE(2);
    if (end > src.size) return `the JPEG ends inside its ${markerName(m)} segment (${end - src.size} bytes missing)`;
    if (m === 0xda) {
      return (await lastIndexFrom(src, Buffer.from([0xff, 0xd9]), end)) < 0 ? 'the JPEG has no end-of-image marker: its image data is cut off' : null;
    }
    pos = end;
  }
  return null;
}

/**
 * ISO-BMFF (MP4, MOV, CR3, HEIF; ISO/IEC 14496-12 §4.2): no top-level box may run past the end
 * of the file, and a movie with media data (mdat) must have its index (moov, or moof fragments);
 * cameras write moov last, so a copy cut short lacks it.
 */
async function bmffTruncation(src: ByteSource): Promise<string | null> {
  const seen = new Set<string>();
  let pos = 0;
  for (let i = 0; i < MAX_ITEMS && pos < src.size; i++) {
    const h = await src.read(pos, 16);
    if (h.length < 8) return `the file ends inside a box header (${h.length} stray bytes at the end)`;
    let size = h.readUInt32BE(0);
    const type = fourCC(h, 4);
    if (!/^[\x20-\x7e\xa9]{4}$/.test(type)) return null; // not a box: not ours to judge
    if (size === 1) {
      if (h.length < 16) return `the file ends inside the header of its '${type}' box`;
      size = Number(h.readBigUInt64BE(8));
    } else if (size === 0) size = src.size - pos;
    if (size < 8) return null;
    seen.add(type);
    if (pos + size > src.size) return `its '${type}' box runs past the end of the file (${pos + size - src.size} bytes missing)`;
    pos += size;
  }
  if (seen.has('mdat') && !seen.has('moov') && !seen.has('moof') && !seen.has('meta')) {
    return "it has media data but no 'moov' box: the movie's index, which cameras write last, is missing";
  }
  return null;
}

/** PNG (W3C PNG 3rd ed. §5.3): chunks must fit in the file and the last one must be IEND. */
async function pngTruncation(src: ByteSource): Promise<string | null> {
  let pos = 8;
  for (let i = 0; i < MAX_ITEMS; i++) {
    const h = await src.read(pos, 8);
    if (h.length < 8) return 'the PNG ends before its IEND chunk';
    const type = fourCC(h, 4);
    const end = pos + 12 + h.readUInt32BE(0);
    if (end > src.size) return `the PNG ends inside its ${type} chunk (${end - src.size} bytes missing)`;
    if (type === 'IEND') return null;
    pos = end;
  }
  return null;
}

/** MPEG-2 TS / BDAV (ISO/IEC 13818-1): a file cut mid-copy ends inside a 188/192-byte packet. */
async function transportStreamTruncation(src: ByteSource, packet: 188 | 192): Promise<string | null> {
  const rest = src.size % packet;
  return rest === 0 ? null : `the transport stream ends inside a ${packet}-byte packet (${packet - rest} bytes missing)`;
}

const TIFF_TYPE_SIZE: Readonly<Record<number, number>> = { 3: 2, 4: 4, 13: 4, 16: 8 };

/**
 * TIFF and TIFF-based RAW (DNG, NEF, ARW...; TIFF 6.0 §2, TIFF-EP/DNG SubIFDs tag 330): IFD0 and
 * its SubIFDs must lie in the file, and so must the image data their StripOffsets/TileOffsets
 * (273/324) with StripByteCounts/TileByteCounts (279/325) point to. Reads a few KB of IFDs.
 */
async function tiffTruncation(src: ByteSource): Promise<string | null> {
  const h = await src.read(0, 8);
  const le = h.toString('latin1', 0, 2) === 'II';
  const u16 = (b: Buffer, o: number): number => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (h.length < 8 || u16(h, 2) !== 42) return null; // BigTIFF and others: not checked
  /** Values of one entry (SHORT/LONG/IFD arrays), or null when they lie past the end. */
  const values = async (e: Buffer): Promise<number[] | null> => {
    const type = u16(e, 2);
    const count = u32(e, 4);
    const size = TIFF_TYPE_SIZE[type];
    if (!size || size === 8 || count > 1_000_000) return [];
    const bytes = size * count;
    const data = bytes <= 4 ? e.subarray(8, 8 + bytes) : await src.read(u32(e, 8), bytes);
    if (data.length < bytes) return null;
    return Array.from({ length: count }, (_, i) => (size === 2 ? u16(data, i * 2) : u32(data, i * 4)));
  };
  const queue: { offset: number; name: string }[] = [{ offset: u32(h, 4), name: 'IFD0' }];
  for (let n = 0; n < queue.length && n < 32; n++) {
    const { offset, name } = queue[n]!;
    const countBuf = await src.read(offset, 2);
    if (countBuf.length < 2) return `the TIFF ends before its ${name}`;
    const entries = await src.read(offset + 2, u16(countBuf, 0) * 12);
    if (entries.length < u16(countBuf, 0) * 12) return `the TIFF ends inside its ${name}`;
    const tags = new Map<number, Buffer>();
    for (let p = 0; p + 12 <= entries.length; p += 12) tags.set(u16(entries, p), entries.subarray(p, p + 12));
    for (const [offTag, lenTag, what] of [[273, 279, 'strips'], [324, 325, 'tiles']] as const) {
      const offs = tags.has(offTag) ? await values(tags.get(offTag)!) : [];
      const lens = tags.has(lenTag) ? await values(tags.get(lenTag)!) : [];
      if (offs === null || lens === null) return `the TIFF ends inside the ${what} table of its ${name}`;
      const end = Math.max(0, ...offs.map((o, i) => o + (lens[i] ?? 0)));
      if (end > src.size) return `the image data (${what}) of its ${name} runs past the end of the file (${end - src.size} bytes missing)`;
    }
    const subs = tags.has(330) ? await values(tags.get(330)!) : [];
    if (subs === null) return `the TIFF ends inside the SubIFD list of its ${name}`;
    subs.forEach((o, i) => queue.push({ offset: o, name: `SubIFD${i}` }));
  }
  return null;
}

/**
 * Why the file looks cut short, or null when its structure is complete (or not one we check).
 * Checks JPEG, PNG, TIFF/DNG (IFDs and strip/tile data), ISO-BMFF (MP4/MOV/CR3/HEIF) and
 * MPEG-TS/M2TS by their signatures, not by name. Reads only headers, plus a backward scan from
 * the end of a JPEG for an end-of-image marker after its image data (see jpegTruncation).
 * Throws only on I/O errors.
 */
export async function truncationReason(src: ByteSource): Promise<string | null> {
  const head = await src.read(0, 197);
  if (head.length < 4) return null;
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return jpegTruncation(src);
  if (head.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n') return pngTruncation(src);
  if (head.toString('latin1', 0, 4) === 'II*\0' || head.toString('latin1', 0, 4) === 'MM\0*') return tiffTruncation(src);
  if (head.length >= 8 && ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].includes(fourCC(head, 4))) return bmffTruncation(src);
  if (head[0] === 0x47 && (head.length < 189 || head[188] === 0x47)) return transportStreamTruncation(src, 188);
  if (head[4] === 0x47 && (head.length < 197 || head[196] === 0x47)) return transportStreamTruncation(src, 192);
  return null;
}

/** The warning for a truncated file: INCOMPLETE_COPY plus the reason in parentheses. */
export function incompleteCopyWarning(reason: string): string {
  return `${INCOMPLETE_COPY} (${reason})`;
}
