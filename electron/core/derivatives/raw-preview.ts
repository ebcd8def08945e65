// The embedded JPEG previews of camera RAW files built on TIFF (DNG, NEF, ARW, CR2, ORF, RW2).
// sharp/libvips reads the first IFD of such a file, which holds the sensor data or a
// 160-pixel thumbnail, or is a preview whose bytes are missing: its thumbnail comes out black,
// grey or tiny. The camera's own rendering is a JPEG stored beside the raw data: in IFD0,
// IFD1 or a SubIFD as a strip of an image with NewSubfileType 1 (reduced resolution) and
// Compression 7 (JPEG) or 6 (old-style JPEG) (Adobe DNG Specification 1.6, §3 and §4 "SubIFD
// Trees"), or as a JPEGInterchangeFormat/JPEGInterchangeFormatLength pair (TIFF 6.0 §22;
// EXIF 2.32 §4.5.5, used by EXIF IFD1 thumbnails and NEF/ARW previews), or, in Panasonic RW2,
// as the JpgFromRaw tag (0x002E). This module only finds and checks them; thumbnails.ts decodes.
import { open } from 'node:fs/promises';
import { withByteSource, type ByteSource } from '../metadata/io.ts';

/**
 * MIME types that file-type (through ingest's sniffFile) gives camera RAW files laid out as
 * TIFF: Adobe DNG, Nikon NEF, Sony ARW, Canon CR2, Olympus ORF, Panasonic RW2. Pentax PEF is
 * sniffed as plain image/tiff and so is not among them; Canon CR3 (ISO-BMFF) and Fujifilm RAF
 * are not TIFF.
 */
export const CAMERA_RAW_MIMES: ReadonlySet<string> = new Set([
  'image/x-adobe-dng',
  'image/x-nikon-nef',
  'image/x-sony-arw',
  'image/x-canon-cr2',
  'image/x-olympus-orf',
  'image/x-panasonic-rw2',
]);

/** One embedded JPEG preview that looks decodable: inside the file, baseline or progressive. */
export interface RawPreview {
  /** Byte offset of the JPEG's SOI marker in the file. */
  offset: number;
  /** Byte length of the JPEG stream. */
  length: number;
  /** Pixel size from the JPEG's SOF segment (stored orientation, before EXIF Orientation). */
  width: number;
  height: number;
  /** Where it was found, for messages: "IFD0", "IFD1", "IFD0/SubIFD1", "IFD0 JpgFromRaw"… */
  where: string;
}

/** What scanRawPreviews found in a TIFF-structured file. */
export interface RawPreviewScan {
  /** EXIF/TIFF Orientation of IFD0 (1–8); 1 when absent or out of range. */
  orientation: number;
  /** True when IFD0 carries DNGVersion (tag 50706). */
  isDng: boolean;
  /** Usable previews, largest pixel area first (equal areas: more bytes first). */
  previews: RawPreview[];
  /** One line per candidate that was refused, and why (past end of file, lossless raw data…). */
  rejected: string[];
  /**
   * Why sharp, which decodes IFD0, cannot give a faithful picture of this file (IFD0 holds
   * sensor data, or its image data lies past the end of the file), or null when nothing
   * speaks against trying.
   */
  ifd0Problem: string | null;
}

/** Largest JPEG preview read into memory (bytes). A camera's full-size preview is ≤ ~20 MB. */
export const MAX_PREVIEW_BYTES = 64 * 1024 * 1024;

const MAX_IFDS = 32;
const MAX_ENTRIES = 1000;
const MAX_CHAIN = 8;
/** Strip offsets read per IFD (enough to tell where IFD0's image data ends). */
const MAX_STRIPS = 4096;

const TAG = {
  newSubfileType: 254,
  imageWidth: 256,
  imageLength: 257,
  compression: 259,
  photometric: 262,
  stripOffsets: 273,
  orientation: 274,
  stripByteCounts: 279,
  subIfds: 330,
  jpegIfOffset: 513,
  jpegIfByteCount: 514,
  jpgFromRaw: 0x002e,
  dngVersion: 50706,
} as const;

/** Photometric interpretations of pictures (TIFF 6.0: BlackIsZero, RGB, YCbCr). */
const PICTURE_PHOTOMETRIC = new Set([1, 2, 6]);
/** Sensor data: Color Filter Array (TIFF/EP 32803), LinearRaw (DNG 34892). */
const SENSOR_PHOTOMETRIC = new Set([32803, 34892]);
/** NewSubfileType of a DNG preview: reduced-resolution (1), alternate reduced-resolution (0x10001). */
const DNG_PREVIEW_SUBFILE = new Set([1, 0x10001]);

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8 };

interface Field {
  type: number;
  count: number;
  /** File offset of the value (inline values: the entry's value field). */
  valueAt: number;
}

class Tiff {
  constructor(readonly src: ByteSource, readonly le: boolean) {}

  u16(b: Buffer, o: number): number {
    return this.le ? b.readUInt16LE(o) : b.readUInt16BE(o);
  }

  u32(b: Buffer, o: number): number {
    return this.le ? b.readUInt32LE(o) : b.readUInt32BE(o);
  }

  /** Reads an IFD's entries and the offset of the next IFD; null when it does not fit the file. */
  async ifd(at: number): Promise<{ fields: Map<number, Field>; next: number } | null> {
    const head = await this.src.read(at, 2);
    if (head.length < 2) return null;
    const n = this.u16(head, 0);
    if (n === 0 || n > MAX_ENTRIES) return null;
    const body = await this.src.read(at + 2, n * 12 + 4);
    if (body.length < n * 12) return null;
    const fields = new Map<number, Field>();
    for (let i = 0; i < n; i++) {
      const e = i * 12;
      const tag = this.u16(body, e);
      const type = this.u16(body, e + 2);
      const count = this.u32(body, e + 4);
      const width = TYPE_SIZE[type];
      if (!width) continue; // unknown type: skip the entry, as ExifTool does
      fields.set(tag, { type, count, valueAt: width * count <= 4 ? at + 2 + e + 8 : this.u32(body, e + 8) });
    }
    const next = body.length >= n * 12 + 4 ? this.u32(body, n * 12) : 0;
    return { fields, next };
  }

  /** Integer values (BYTE, SHORT, LONG, IFD) of a field, at most `max` of them. */
  async ints(f: Field | undefined, max = 64): Promise<number[]> {
    if (!f || ![1, 3, 4, 13].includes(f.type)) return [];
    const width = TYPE_SIZE[f.type]!;
    const count = Math.min(f.count, max);
    const b = await this.src.read(f.valueAt, count * width);
    const out: number[] = [];
    for (let i = 0; i + width <= b.length && out.length < count; i += width) {
      out.push(width === 1 ? b[i]! : width === 2 ? this.u16(b, i) : this.u32(b, i));
    }
    return out;
  }

  async int(f: Field | undefined): Promise<number | undefined> {
    return (await this.ints(f, 1))[0];
  }
}

/**
 * Checks that [offset, offset + length) of the file is a JPEG a standard decoder reads: SOI,
 * then a SOF0/SOF1/SOF2 (Huffman baseline, extended or progressive) with 1 or 3 components and
 * a non-zero size. Lossless JPEG (SOF3), the way DNG and CR2 compress raw data, is refused.
 * Returns the picture size, or why it is not usable.
 */
async function jpegShape(src: ByteSource, offset: number, length: number): Promise<{ width: number; height: number } | string> {
  const end = offset + length;
  const soi = await src.read(offset, 2);
  if (soi.length < 2 || soi[0] !== 0xff || soi[1] !== 0xd8) return 'does not start with a JPEG SOI marker';
  let p = offset + 2;
  for (let guard = 0; guard < 1000 && p + 4 <= end; guard++) {
    const h = await src.read(p, 4);
    if (h.length < 4) break;
    if (h[0] !== 0xff) return `JPEG marker expected at byte ${p}`;
    const m = h[1]!;
    if (m === 0xff) {
      p += 1; // fill byte
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2; // standalone markers: TEM, RSTn
      continue;
    }
    if (m === 0xd9 || m === 0xda) return 'JPEG has no frame header before its scan';
    const segLen = h.readUInt16BE(2);
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (m === 0xc3) return 'lossless JPEG (SOF3): raw sensor data, not a preview';
      if (m > 0xc2) return `JPEG coding SOF${m - 0xc0} is not baseline or progressive`;
      const sof = await src.read(p + 4, 6);
      if (sof.length < 6) break;
      const height = sof.readUInt16BE(1);
      const width = sof.readUInt16BE(3);
      const comps = sof[5]!;
      if (!width || !height) return 'JPEG frame header gives no size';
      if (comps !== 1 && comps !== 3) return `JPEG has ${comps} components`;
      return { width, height };
    }
    if (segLen < 2) return `bad JPEG segment length at byte ${p}`;
    p += 2 + segLen;
  }
  return 'JPEG frame header not found';
}

/**
 * Finds the embedded JPEG previews of the TIFF-structured camera RAW file at `path` (byte order
 * II/MM with TIFF magic 42, Olympus ORF "RO"/"RS" or Panasonic RW2 0x55): it walks the IFD0
 * chain and, two levels deep, SubIFDs (tag 330), and takes the single JPEG strip (Compression
 * 6 or 7) and the JPEGInterchangeFormat pair of each picture IFD (in a DNG, NewSubfileType 1 or
 * 0x10001; elsewhere no mask or depth bit; PhotometricInterpretation absent, BlackIsZero, RGB or
 * YCbCr), and RW2's JpgFromRaw. Every candidate is checked to lie inside the file and to be a
 * baseline or progressive JPEG of 1 or 3 components. Reads IFDs and JPEG headers only.
 * Returns null when the file is not TIFF-structured (BigTIFF included); throws only on I/O
 * errors (ENOENT, EACCES, EIO).
 */
export async function scanRawPreviews(path: string): Promise<RawPreviewScan | null> {
  return withByteSource(path, async (src) => {
    const h = await src.read(0, 8);
    if (h.length < 8) return null;
    const order = h.toString('latin1', 0, 2);
    if (order !== 'II' && order !== 'MM') return null;
    const tiff = new Tiff(src, order === 'II');
    const magic = tiff.u16(h, 2);
    if (magic !== 42 && magic !== 0x4f52 && magic !== 0x5352 && magic !== 0x55) return null;
    const size = src.size;
    const scan: RawPreviewScan = { orientation: 1, isDng: false, previews: [], rejected: [], ifd0Problem: null };
    const seen = new Set<number>();
    const candidates: { offset: number; length: number; where: string }[] = [];

    const visit = async (at: number, where: string, depth: number, isIfd0: boolean): Promise<number> => {
      if (seen.size >= MAX_IFDS || seen.has(at) || at < 8 || at >= size) return 0;
      seen.add(at);
      const ifd = await tiff.ifd(at);
      if (!ifd) {
        scan.rejected.push(`${where}: unreadable IFD at byte ${at}`);
        return 0;
      }
      const f = ifd.fields;
      const subfile = await tiff.int(f.get(TAG.newSubfileType));
      const compression = await tiff.int(f.get(TAG.compression));
      const photometric = await tiff.int(f.get(TAG.photometric));
      if (isIfd0) {
        scan.isDng = f.has(TAG.dngVersion);
        const o = await tiff.int(f.get(TAG.orientation));
        if (o !== undefined && o >= 1 && o <= 8) scan.orientation = o;
      }
      const strips = await tiff.ints(f.get(TAG.stripOffsets), MAX_STRIPS);
      const counts = await tiff.ints(f.get(TAG.stripByteCounts), MAX_STRIPS);
      if (isIfd0) {
        const dataEnd = Math.max(0, ...strips.map((s, i) => s + (counts[i] ?? 0)));
        if (photometric !== undefined && SENSOR_PHOTOMETRIC.has(photometric)) {
          scan.ifd0Problem = `IFD0 holds the sensor data (PhotometricInterpretation ${photometric}), not a picture`;
        } else if (scan.isDng && !DNG_PREVIEW_SUBFILE.has(subfile ?? 0)) {
          scan.ifd0Problem = `IFD0 is the DNG main (raw) image (NewSubfileType ${subfile ?? 0})`;
        } else if (dataEnd > size) {
          scan.ifd0Problem = `IFD0 image data ends at byte ${dataEnd}, past the end of the ${size}-byte file`;
        }
      }
      // A picture, not a mask, depth map or sensor data: DNG names its previews; other makers'
      // IFDs often carry no NewSubfileType, and their lossless raw strips fail jpegShape.
      const subfileOk = scan.isDng ? DNG_PREVIEW_SUBFILE.has(subfile ?? 0) : ((subfile ?? 0) & ~0x10001) === 0;
      const photometricOk = photometric === undefined || PICTURE_PHOTOMETRIC.has(photometric);
      if (subfileOk && photometricOk) {
        if ((compression === 6 || compression === 7) && strips.length === 1 && counts.length === 1) {
          candidates.push({ offset: strips[0]!, length: counts[0]!, where });
        }
        const jOff = await tiff.int(f.get(TAG.jpegIfOffset));
        const jLen = await tiff.int(f.get(TAG.jpegIfByteCount));
        if (jOff !== undefined && jLen !== undefined) {
          candidates.push({ offset: jOff, length: jLen, where: `${where} JPEGInterchangeFormat` });
        }
      }
      const raw = magic === 0x55 ? f.get(TAG.jpgFromRaw) : undefined;
      if (raw && raw.type === 7) candidates.push({ offset: raw.valueAt, length: raw.count, where: `${where} JpgFromRaw` });
      if (depth < 2) {
        const subs = await tiff.ints(f.get(TAG.subIfds), 16);
        for (let i = 0; i < subs.length; i++) await visit(subs[i]!, `${where}/SubIFD${i}`, depth + 1, false);
      }
      return ifd.next;
    };

    let at = tiff.u32(h, 4);
    for (let i = 0; i < MAX_CHAIN && at; i++) at = await visit(at, `IFD${i}`, 0, i === 0);

    const taken = new Set<string>();
    for (const c of candidates) {
      // Old-style JPEG IFDs often give the same stream as a strip and as JPEGInterchangeFormat.
      if (taken.has(`${c.offset}:${c.length}`)) continue;
      taken.add(`${c.offset}:${c.length}`);
      const what = `${c.where}: JPEG at byte ${c.offset} (${c.length} bytes)`;
      if (c.length < 4 || c.offset < 8) scan.rejected.push(`${what} is empty or misplaced`);
      else if (c.offset + c.length > size) scan.rejected.push(`${what} lies past the end of the ${size}-byte file (truncated?)`);
      else if (c.length > MAX_PREVIEW_BYTES) scan.rejected.push(`${what} is larger than ${MAX_PREVIEW_BYTES} bytes`);
      else {
        const shape = await jpegShape(src, c.offset, c.length);
        if (typeof shape === 'string') scan.rejected.push(`${what}: ${shape}`);
        else scan.previews.push({ ...c, ...shape });
      }
    }
    scan.previews.sort((a, b) => b.width * b.height - a.width * a.height || b.length - a.length);
    return scan;
  });
}

/** Reads the bytes of one preview found by scanRawPreviews. Throws on I/O errors and short reads. */
export async function readRawPreview(path: string, preview: RawPreview): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(preview.length);
    const { bytesRead } = await fh.read(buf, 0, preview.length, preview.offset);
    if (bytesRead !== preview.length) throw new Error(`${preview.where}: read ${bytesRead} of ${preview.length} preview bytes`);
    return buf;
  } finally {
    await fh.close();
  }
}
