// Lossless metadata removal from PNG (ISO/IEC 15948, PNG 3rd edition: eXIf, tEXt, iTXt, zTXt,
// tIME dropped; image data, palette, colour chunks and iCCP kept) and WebP (RIFF container, WebP
// Container Specification: EXIF and XMP chunks dropped, VP8X flags fixed, RIFF size recomputed).
// The minimal EXIF/XMP of exif-min.ts is written back where the format has a place for it.
import { crc32 } from 'node:zlib';
import { minimalExif, minimalXmp, tiffTagNames, type KeptMetadata } from './exif-min.ts';
import type { Removed } from './jpeg-strip.ts';

/** A PNG or WebP that cannot be parsed. */
export class ImageFormatError extends Error {}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DROP = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt', 'tIME']);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * `png` without eXIf, tEXt, iTXt, zTXt and tIME chunks (and anything after IEND), with `kept`
 * written as a new eXIf (Orientation, full capture date) and an iTXt XML:com.adobe.xmp (coarse
 * date) before the first IDAT. Every other chunk is copied byte for byte. Throws
 * ImageFormatError on a file that is not a whole PNG.
 */
export function stripPng(png: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new ImageFormatError('not a PNG (no signature)');
  const removed: Removed = { groups: [], tags: [] };
  const out: Buffer[] = [PNG_SIGNATURE];
  let p = 8;
  let added = false;
  let ended = false;
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
    if (PNG_DROP.has(type)) {
      const name = type === 'eXIf' ? 'EXIF' : type === 'tIME' ? 'PNG tIME' : `PNG ${type}`;
      if (!removed.groups.includes(name)) removed.groups.push(name);
      if (type === 'eXIf') removed.tags.push(...tiffTagNames(png.subarray(p + 8, p + 8 + len)));
    } else out.push(png.subarray(p, end));
    p = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) throw new ImageFormatError('no IEND chunk (file cut short)');
  if (p < png.length) removed.groups.push(`trailer after IEND (${png.length - p} bytes)`);
  return { data: Buffer.concat(out), removed };
}

function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/**
 * `webp` without its EXIF and XMP chunks, with `kept` written as new EXIF/XMP chunks when the file
 * has a VP8X header (a simple VP8/VP8L file has no place for metadata, and none to remove), the
 * VP8X EXIF/XMP flags set to what remains and the RIFF size recomputed. Image chunks (VP8, VP8L,
 * ALPH, ANIM/ANMF) and ICCP are copied byte for byte. Throws ImageFormatError on a file that is
 * not a whole WebP.
 */
export function stripWebp(webp: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (webp.length < 12 || webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') throw new ImageFormatError('not a WebP (no RIFF WEBP header)');
  const removed: Removed = { groups: [], tags: [] };
  const chunks: { fourcc: string; data: Buffer }[] = [];
  const riffEnd = Math.min(webp.length, 8 + webp.readUInt32LE(4));
  let p = 12;
  while (p + 8 <= riffEnd) {
    const fourcc = webp.toString('latin1', p, p + 4);
    const len = webp.readUInt32LE(p + 4);
    if (p + 8 + len > webp.length) throw new ImageFormatError(`chunk ${fourcc.trim()} at byte ${p} runs past the end of the file`);
    const data = webp.subarray(p + 8, p + 8 + len);
    if (fourcc === 'EXIF') {
      removed.groups.push('EXIF');
      // Some writers keep the JPEG APP1 header in the chunk.
      removed.tags.push(...tiffTagNames(data.toString('latin1', 0, 6) === 'Exif\0\0' ? data.subarray(6) : data));
    } else if (fourcc === 'XMP ') removed.groups.push('XMP');
    else chunks.push({ fourcc, data });
    p += 8 + len + (len % 2);
  }
  if (p < webp.length) removed.groups.push(`trailer after RIFF (${webp.length - p} bytes)`);
  const vp8x = chunks.find((c) => c.fourcc === 'VP8X');
  if (vp8x) {
    const exif = minimalExif(kept);
    const xmp = minimalXmp(kept);
    const head = Buffer.from(vp8x.data);
    head[0] = (head[0]! & ~(VP8X_EXIF | VP8X_XMP)) | (exif ? VP8X_EXIF : 0) | (xmp ? VP8X_XMP : 0);
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
