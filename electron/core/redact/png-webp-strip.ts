// Lossless metadata removal from PNG (ISO/IEC 15948, PNG 3rd edition) and WebP (RIFF container,
// WebP Container Specification). Both are whitelists: only the chunks that draw the picture are
// copied, byte for byte; every other chunk (text, EXIF, XMP, dates, private and unknown chunks,
// whatever their name) is dropped, and the ICC profile is kept only as cleaned by icc-clean.ts.
// The minimal EXIF/XMP of exif-min.ts is written back where the format has a place for it.
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { minimalExif, minimalXmp, tiffTagNames, type KeptMetadata } from './exif-min.ts';
import { scrubIcc } from './icc-clean.ts';
import type { Removed } from './jpeg-strip.ts';

/** A PNG or WebP that cannot be parsed. */
export class ImageFormatError extends Error {}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * PNG chunks copied into a redacted copy: those that decide how the pixels look, none of which can
 * hold text. IHDR, PLTE, IDAT, IEND (the image); tRNS (transparency); gAMA, cHRM, sRGB, cICP,
 * mDCv, cLLI (colour and HDR: numbers only); sBIT (significant bits) and bKGD (background
 * colour), numbers that viewers use; pHYs (pixel aspect ratio: a non-square-pixel image is drawn
 * wrong without it); acTL, fcTL, fdAT (APNG, PNG 3rd edition §11.3.6: without them an animated
 * PNG loses all frames but the first, and they hold only numbers and image data). Not copied:
 * sPLT and pCAL (they carry a name), oFFs and sCAL (page position and physical scale, nothing a
 * viewer draws with), hIST, and every other chunk. iCCP is written anew (pngIccp).
 */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'cICP', 'mDCv', 'cLLI', 'sBIT', 'bKGD', 'pHYs', 'acTL', 'fcTL', 'fdAT']);
/** The profile name every cleaned iCCP gets (PNG §11.3.2.3: 1–79 Latin-1 characters, free text). */
export const ICC_PROFILE_NAME = 'ICC profile';
/** An ICC profile inflated from an iCCP larger than this is refused as damaged (a deflate bomb). */
const MAX_ICC = 64 << 20;

/**
 * The iCCP chunk data that replaces `data`: the profile name set to "ICC profile", the profile
 * cleaned (scrubIcc). Null (the chunk dropped) when the profile cannot be inflated or parsed.
 */
function pngIccp(data: Buffer): { data: Buffer | null; groups: string[] } {
  const nul = data.indexOf(0);
  const groups = ['PNG iCCP profile name'];
  if (nul < 0 || nul + 2 > data.length || data[nul + 1] !== 0) return { data: null, groups: [...groups, 'ICC profile dropped (unreadable iCCP chunk)'] };
  let icc: Buffer;
  try {
    icc = inflateSync(data.subarray(nul + 2), { maxOutputLength: MAX_ICC });
  } catch {
    return { data: null, groups: [...groups, 'ICC profile dropped (iCCP does not inflate)'] };
  }
  const clean = scrubIcc(icc);
  if (!clean.data) return { data: null, groups: [...groups, ...clean.groups] };
  return { data: Buffer.concat([Buffer.from(`${ICC_PROFILE_NAME}\0\0`, 'latin1'), deflateSync(clean.data)]), groups: [...groups, ...clean.groups] };
}

/** Samples per pixel of each PNG colour type (PNG 3rd ed. §6.1, Table 8). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x start, y start, x step, y step (PNG 3rd ed. §8.2). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;
/** Bytes of compressed image data per rebuilt IDAT chunk. */
const IDAT_CHUNK = 1 << 20;

/**
 * The size in bytes of the filtered image data the IHDR `ihdr` (its 13 data bytes) describes: for
 * each row of each pass (one pass, or Adam7's seven when interlaced) a filter-type byte and the
 * row's packed samples (PNG 3rd ed. §7.2, §8.2). Throws ImageFormatError on an impossible IHDR.
 */
export function pngImageDataSize(ihdr: Buffer): number {
  if (ihdr.length < 13) throw new ImageFormatError('IHDR shorter than 13 bytes');
  const w = ihdr.readUInt32BE(0);
  const h = ihdr.readUInt32BE(4);
  const channels = PNG_CHANNELS[ihdr[9]!];
  if (!channels) throw new ImageFormatError(`IHDR colour type ${ihdr[9]} is not a PNG colour type`);
  const bits = ihdr[8]! * channels;
  const rows = (pw: number, ph: number) => (pw && ph ? ph * (1 + Math.ceil((pw * bits) / 8)) : 0);
  if (ihdr[12] !== 1) return rows(w, h);
  return ADAM7.reduce((n, [xs, ys, dx, dy]) => n + rows(Math.max(0, Math.ceil((w - xs) / dx)), Math.max(0, Math.ceil((h - ys) / dy))), 0);
}

/**
 * The IDAT chunks for the image data `data` (the IDAT chunks' data, concatenated), as the copy
 * should carry them: the original chunks when their zlib stream ends exactly at the end of the data
 * and inflates to exactly the size the IHDR gives; otherwise fresh IDAT chunks of that image data
 * re-deflated, which drops bytes after the zlib stream's end and data past the image's last row
 * (decoders ignore both, so they can hide text that `strings` shows). The decoded pixels are the
 * same either way. Throws ImageFormatError when the data does not inflate or holds more than the
 * IHDR allows by far.
 */
function pngImageData(ihdr: Buffer, idats: Buffer[], data: Buffer): { chunks: Buffer[]; groups: string[] } {
  const size = pngImageDataSize(ihdr);
  let image: Buffer;
  let used: number;
  try {
    const r = inflateSync(data, { info: true, maxOutputLength: Math.max(size, 1) + (1 << 20) }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    image = r.buffer;
    used = r.engine.bytesWritten;
  } catch (e) {
    throw new ImageFormatError(`the image data (IDAT) does not inflate to the ${size} bytes its IHDR describes (${(e as Error).message})`);
  }
  const groups: string[] = [];
  if (used < data.length) groups.push(`PNG IDAT: ${data.length - used} bytes after the end of the compressed image data`);
  if (image.length > size) groups.push(`PNG IDAT: ${image.length - size} bytes of data past the image's last row`);
  if (!groups.length) return { chunks: idats, groups };
  const packed = deflateSync(image.subarray(0, size), { level: 9 });
  const chunks: Buffer[] = [];
  for (let at = 0; at < packed.length; at += IDAT_CHUNK) chunks.push(pngChunk('IDAT', packed.subarray(at, at + IDAT_CHUNK)));
  return { chunks, groups };
}

/** How a dropped PNG chunk is named in `removed.groups`. */
const pngGroup = (type: string) => (type === 'eXIf' ? 'EXIF' : `PNG ${type}`);

/** One PNG chunk: length, type, data and its CRC-32 over type and data (PNG 3rd ed. §5.3). */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * `png` with only the chunks of PNG_KEEP, copied byte for byte (IDAT rebuilt when its zlib stream
 * carries bytes the image does not use: pngImageData), and a cleaned iCCP (pngIccp);
 * every other chunk (eXIf, tEXt, iTXt, zTXt, tIME, private and unknown chunks) and anything after
 * IEND dropped. `kept` is written as a new eXIf (Orientation, full capture date) and an iTXt
 * XML:com.adobe.xmp (coarse date) before the first IDAT. Throws ImageFormatError on a file that
 * is not a whole PNG.
 */
export function stripPng(png: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new ImageFormatError('not a PNG (no signature)');
  const removed: Removed = { groups: [], tags: [] };
  const out: Buffer[] = [PNG_SIGNATURE];
  let p = 8;
  let added = false;
  let ended = false;
  let ihdr: Buffer | null = null;
  // The IDAT chunks (whole, and their data), replaced at the first one's place once all are read.
  const idats: Buffer[] = [];
  const idatData: Buffer[] = [];
  let idatAt = -1;
  while (p + 12 <= png.length) {
    const len = png.readUInt32BE(p);
    const type = png.toString('latin1', p + 4, p + 8);
    const end = p + 12 + len;
    if (end > png.length) throw new ImageFormatError(`chunk ${type} at byte ${p} runs past the end of the file`);
    if (type === 'IDAT' && !added) {
      added = true;
      const exif = minimalExif(kept);
      if (exif) out.push(pngChunk('eXIf', exif));
      const xmp = minimalXmp(kept);
      if (xmp) out.push(pngChunk('iTXt', Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), xmp])));
    }
    const drop = (name: string) => {
      if (!removed.groups.includes(name)) removed.groups.push(name);
    };
    if (type === 'IHDR' && !ihdr) ihdr = png.subarray(p + 8, p + 8 + len);
    if (type === 'IDAT') {
      if (idatAt < 0) idatAt = out.length;
      idats.push(png.subarray(p, end));
      idatData.push(png.subarray(p + 8, p + 8 + len));
    } else if (PNG_KEEP.has(type)) out.push(png.subarray(p, end));
    else if (type === 'iCCP') {
      const icc = pngIccp(png.subarray(p + 8, p + 8 + len));
      icc.groups.forEach(drop);
      if (icc.data) out.push(pngChunk('iCCP', icc.data));
    } else {
      // the name is ASCII letters by the spec; anything else is said as hex
      drop(pngGroup(/^[A-Za-z]{4}$/u.test(type) ? type : `chunk 0x${png.toString('hex', p + 4, p + 8)}`));
      if (type === 'eXIf') removed.tags.push(...tiffTagNames(png.subarray(p + 8, p + 8 + len)));
    }
    p = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw new ImageFormatError('no IEND chunk (file cut short)');
  if (!ihdr) throw new ImageFormatError('no IHDR chunk');
  if (idatAt < 0) throw new ImageFormatError('no IDAT chunk');
  const image = pngImageData(ihdr, idats, Buffer.concat(idatData));
  for (const g of image.groups) removed.groups.push(g);
  out.splice(idatAt, 0, ...image.chunks);
  if (p < png.length) removed.groups.push(`trailer after IEND (${png.length - p} bytes)`);
  return { data: Buffer.concat(out), removed };
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

const VP8X_ICC = 0x20;
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;
/** WebP chunks copied byte for byte: the image (VP8, VP8L, ALPH), its header (VP8X) and animation (ANIM; ANMF rebuilt by webpFrame). */
const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM']);
/** Chunks an ANMF frame may hold (Container Specification, "Animation"): its image data. */
const ANMF_KEEP = new Set(['VP8 ', 'VP8L', 'ALPH']);

const fourccName = (b: Buffer, at: number) => {
  const f = b.toString('latin1', at, at + 4);
  return /^[\x20-\x7e]{4}$/u.test(f) ? f.trim() : `0x${b.toString('hex', at, at + 4)}`;
};

/** The chunks of a RIFF body `b` from `start` (fourcc, data), checked against the end. */
function riffChunks(b: Buffer, start: number, end: number, where: string): { fourcc: string; at: number; data: Buffer }[] {
  const out: { fourcc: string; at: number; data: Buffer }[] = [];
  let p = start;
  while (p + 8 <= end) {
    const len = b.readUInt32LE(p + 4);
    if (p + 8 + len > b.length) throw new ImageFormatError(`${where}chunk ${fourccName(b, p)} at byte ${p} runs past the end of the file`);
    out.push({ fourcc: b.toString('latin1', p, p + 4), at: p, data: b.subarray(p + 8, p + 8 + len) });
    p += 8 + len + (len % 2);
  }
  return out;
}

/** An ANMF frame with only its image chunks (its 16-byte frame header kept). */
function webpFrame(data: Buffer, drop: (name: string) => void): Buffer {
  if (data.length < 16) throw new ImageFormatError('ANMF frame shorter than its header');
  const inner = riffChunks(data, 16, data.length, 'ANMF frame: ');
  const kept: Buffer[] = [data.subarray(0, 16)];
  for (const c of inner) {
    if (ANMF_KEEP.has(c.fourcc)) kept.push(riffChunk(c.fourcc, c.data));
    else drop(`WebP ${fourccName(data, c.at)} in an animation frame`);
  }
  return Buffer.concat(kept);
}

/**
 * `webp` with only its image chunks (VP8, VP8L, VP8X, ALPH, ANIM, and ANMF frames holding only
 * their image chunks), copied byte for byte, and its ICCP cleaned (scrubIcc); EXIF, XMP and every
 * other chunk (private, unknown) dropped. `kept` is written as new EXIF/XMP chunks when the file
 * has a VP8X header (a simple VP8/VP8L file has no place for metadata); the VP8X ICC/EXIF/XMP
 * flags are set to what remains and the RIFF size recomputed. Throws ImageFormatError on a file
 * that is not a whole WebP.
 */
export function stripWebp(webp: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (webp.length < 12 || webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') throw new ImageFormatError('not a WebP (no RIFF WEBP header)');
  const removed: Removed = { groups: [], tags: [] };
  const drop = (name: string) => {
    if (!removed.groups.includes(name)) removed.groups.push(name);
  };
  const chunks: { fourcc: string; data: Buffer }[] = [];
  const riffEnd = Math.min(webp.length, 8 + webp.readUInt32LE(4));
  const all = riffChunks(webp, 12, riffEnd, '');
  for (const { fourcc, at, data } of all) {
    if (WEBP_KEEP.has(fourcc)) chunks.push({ fourcc, data });
    else if (fourcc === 'ANMF') chunks.push({ fourcc, data: webpFrame(data, drop) });
    else if (fourcc === 'ICCP') {
      const icc = scrubIcc(data);
      icc.groups.forEach(drop);
      if (icc.data) chunks.push({ fourcc, data: icc.data });
    } else if (fourcc === 'EXIF') {
      drop('EXIF');
      // Some writers keep the JPEG APP1 header in the chunk.
      removed.tags.push(...tiffTagNames(data.toString('latin1', 0, 6) === 'Exif\0\0' ? data.subarray(6) : data));
    } else if (fourcc === 'XMP ') drop('XMP');
    else drop(`WebP ${fourccName(webp, at)}`);
  }
  const last = all.at(-1);
  const p = last ? last.at + 8 + last.data.length + (last.data.length % 2) : 12;
  if (p < webp.length) drop(`trailer after RIFF (${webp.length - p} bytes)`);
  const vp8x = chunks.find((c) => c.fourcc === 'VP8X');
  if (vp8x) {
    const exif = minimalExif(kept);
    const xmp = minimalXmp(kept);
    const head = Buffer.from(vp8x.data);
    const icc = chunks.some((c) => c.fourcc === 'ICCP');
    head[0] = (head[0]! & ~(VP8X_ICC | VP8X_EXIF | VP8X_XMP)) | (icc ? VP8X_ICC : 0) | (exif ? VP8X_EXIF : 0) | (xmp ? VP8X_XMP : 0);
    vp8x.data = head;
    // Container spec: EXIF and XMP chunks come after the image data.
    if (exif) chunks.push({ fourcc: 'EXIF', data: exif });
    if (xmp) chunks.push({ fourcc: 'XMP ', data: xmp });
  }
  const body = Buffer.concat(chunks.map((c) => riffChunk(c.fourcc, c.data)));
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return { data: Buffer.concat([head, body]), removed };
}
