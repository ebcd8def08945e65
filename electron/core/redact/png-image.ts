// The chunks that draw a PNG, as a redacted copy carries them (ISO/IEC 15948, PNG 3rd edition):
// each cut to the content the spec defines for it, because bytes past that are read by no decoder
// and so can hold text that `strings` shows and no metadata reader does. Fixed-size chunks of the
// wrong size are dropped (decoders ignore them too, so the picture does not change); the image data
// (IDAT, and each APNG frame's fdAT) is kept when its zlib stream ends where the data ends and
// inflates to exactly the rows the header gives, and is otherwise inflated, cut to those rows and
// deflated anew, so the decoded pixels are the same and nothing else is carried.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

/** A PNG or WebP that cannot be parsed. */
export class ImageFormatError extends Error {}

/** One PNG chunk: length, type, data and its CRC-32 over type and data (PNG 3rd ed. §5.3). */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Samples per pixel of each PNG colour type (PNG 3rd ed. §6.1, Table 8). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x start, y start, x step, y step (PNG 3rd ed. §8.2). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
/** Bytes of compressed image data per rebuilt IDAT chunk. */
const IDAT_CHUNK = 1 << 20;

/**
 * The size in bytes of the filtered image data of a `width` × `height` picture of the IHDR `ihdr`
 * (its 13 data bytes: bit depth, colour type, interlace): for each row of each pass (one pass, or
 * Adam7's seven when interlaced) a filter-type byte and the row's packed samples (PNG 3rd ed. §7.2,
 * §8.2). Width and height default to the IHDR's (an APNG frame has its own). Throws
 * ImageFormatError on an impossible IHDR.
 */
export function pngImageDataSize(ihdr: Buffer, width = ihdr.readUInt32BE(0), height = ihdr.readUInt32BE(4)): number {
  if (ihdr.length < 13) throw new ImageFormatError('IHDR shorter than 13 bytes');
  const channels = PNG_CHANNELS[ihdr[9]!];
  if (!channels) throw new ImageFormatError(`IHDR colour type ${ihdr[9]} is not a PNG colour type`);
  const bits = ihdr[8]! * channels;
  const rows = (pw: number, ph: number) => (pw && ph ? ph * (1 + Math.ceil((pw * bits) / 8)) : 0);
  if (ihdr[12] !== 1) return rows(width, height);
  return ADAM7.reduce((n, [xs, ys, dx, dy]) => n + rows(Math.max(0, Math.ceil((width - xs) / dx)), Math.max(0, Math.ceil((height - ys) / dy))), 0);
}

/**
 * `data`, one zlib stream of filtered image data (IDAT's, or an APNG frame's) that should hold
 * `size` bytes, re-deflated without what decoders do not read (bytes after the stream's end, data
 * past the last row), or null when there is none of that (keep the original bytes). `what` names
 * the chunk in the `groups` said. Throws ImageFormatError when the data does not inflate, or
 * inflates to more than a mebibyte past `size` (refused rather than inflated without bound).
 */
export function recompressedImageData(data: Buffer, size: number, what: string): { data: Buffer; groups: string[] } | null {
  let image: Buffer;
  let used: number;
  try {
    const r = inflateSync(data, { info: true, maxOutputLength: Math.max(size, 1) + (1 << 20) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    image = r.buffer;
    used = r.engine.bytesWritten;
  } catch (e) {
    throw new ImageFormatError(`the image data (${what}) does not inflate to the ${size} bytes its header describes (${(e as Error).message})`);
  }
  const groups: string[] = [];
  if (used < data.length) groups.push(`PNG ${what}: ${data.length - used} bytes after the end of the compressed image data`);
  if (image.length > size) groups.push(`PNG ${what}: ${image.length - size} bytes of data past the image's last row`);
  return groups.length ? { data: deflateSync(image.subarray(0, size), { level: 9 }), groups } : null;
}

/** IDAT chunks carrying the zlib stream `packed`, at most IDAT_CHUNK bytes each. */
export function idatChunks(packed: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < packed.length; at += IDAT_CHUNK) chunks.push(pngChunk('IDAT', packed.subarray(at, at + IDAT_CHUNK)));
  return chunks;
}

/** Sizes of fixed-size chunks (PNG 3rd ed. §11, APNG §11.3.6). */
const FIXED: Record<string, number> = { IHDR: 13, IEND: 0, gAMA: 4, cHRM: 32, sRGB: 1, cICP: 4, mDCv: 24, cLLI: 8, pHYs: 9, acTL: 8, fcTL: 26 };

/**
 * The data a kept chunk should have: `data` when its size is what the spec gives (tRNS, sBIT,
 * bKGD by colour type), PLTE cut to the entries the bit depth can index (as libpng reads it), or
 * null to drop the chunk when its size is not the spec's (libpng ignores such a chunk, so the
 * picture does not change; tRNS is also dropped where the colour type has an alpha channel).
 * `ihdr` is the IHDR's data; `paletteEntries` the PLTE's count so far.
 */
export function exactPngChunk(type: string, data: Buffer, ihdr: Buffer, paletteEntries: number): Buffer | null {
  if (FIXED[type] !== undefined) return data.length === FIXED[type] ? data : null;
  const colour = ihdr[9]!;
  const depth = ihdr[8]!;
  switch (type) {
    case 'PLTE':
      return data.subarray(0, 3 * Math.min(Math.floor(data.length / 3), colour === 3 ? 1 << depth : 256));
    case 'tRNS':
      // more entries than the palette: libpng ignores the whole chunk, so it goes (cutting it would add transparency)
      if (colour === 3) return data.length >= 1 && data.length <= paletteEntries ? data : null;
      return colour === 0 ? (data.length === 2 ? data : null) : colour === 2 ? (data.length === 6 ? data : null) : null;
    case 'sBIT': {
      const n = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 }[colour];
      return n !== undefined && data.length === n ? data : null;
    }
    case 'bKGD': {
      const n = { 0: 2, 4: 2, 2: 6, 6: 6, 3: 1 }[colour];
      return n !== undefined && data.length === n ? data : null;
    }
    default:
      return data;
  }
}
