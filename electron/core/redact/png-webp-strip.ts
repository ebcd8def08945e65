// Lossless metadata removal from PNG (ISO/IEC 15948, PNG 3rd edition) and WebP (RIFF container,
// WebP Container Specification). Both are whitelists: only the chunks that draw the picture are
// copied, byte for byte (PNG's cut to the content the spec defines for them, and its image data
// rebuilt when its zlib streams carry bytes no decoder reads: png-image.ts); every other chunk (text, EXIF, XMP, dates, private and unknown chunks,
// whatever their name) is dropped, and the ICC profile is kept only as cleaned by icc-clean.ts.
// The minimal EXIF/XMP of exif-min.ts is written back where the format has a place for it.
import { deflateSync, inflateSync } from 'node:zlib';
import { minimalExif, minimalXmp, tiffTagNames, type KeptMetadata } from './exif-min.ts';
import { scrubIcc } from './icc-clean.ts';
import type { Removed } from './jpeg-strip.ts';
import { exactPngChunk, idatChunks, ImageFormatError, pngChunk, pngImageDataSize, recompressedImageData } from './png-image.ts';

export { ImageFormatError, pngChunk };

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

/** How a dropped PNG chunk is named in `removed.groups`. */
const pngGroup = (type: string) => (type === 'eXIf' ? 'EXIF' : `PNG ${type}`);


/** One chunk of a PNG: its type, data and whole bytes (length, type, data, CRC). */
interface Chunk { type: string; data: Buffer; whole: Buffer }

/** The chunks of `png` up to and including IEND, and where IEND ends. Throws ImageFormatError on a chunk past the end or no IEND. */
function pngChunks(png: Buffer): { chunks: Chunk[]; end: number } {
  const chunks: Chunk[] = [];
  for (let p = 8; p + 12 <= png.length;) {
    const len = png.readUInt32BE(p);
    const type = png.toString('latin1', p + 4, p + 8);
    const end = p + 12 + len;
    if (end > png.length) throw new ImageFormatError(`chunk ${type} at byte ${p} runs past the end of the file`);
    chunks.push({ type, data: png.subarray(p + 8, p + 8 + len), whole: png.subarray(p, end) });
    if (type === 'IEND') return { chunks, end };
    p = end;
  }
  throw new ImageFormatError('no IEND chunk (file cut short)');
}

/**
 * `png` with only the chunks of PNG_KEEP, each cut to what the spec defines for it or dropped when
 * its size is not the spec's (exactPngChunk), the image data rebuilt when its zlib stream carries
 * bytes the image does not use (IDAT and each APNG frame's fdAT: recompressedImageData), and a
 * cleaned iCCP (pngIccp); every other chunk (eXIf, tEXt, iTXt, zTXt, tIME, private and unknown
 * chunks) and anything after IEND dropped. `kept` is written as a new eXIf (Orientation, full
 * capture date) and an iTXt XML:com.adobe.xmp (coarse date) before the first IDAT. Throws
 * ImageFormatError on a file that is not a whole PNG, or whose image data does not inflate.
 */
export function stripPng(png: Buffer, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new ImageFormatError('not a PNG (no signature)');
  const removed: Removed = { groups: [], tags: [] };
  const drop = (name: string) => {
    if (!removed.groups.includes(name)) removed.groups.push(name);
  };
  const { chunks, end } = pngChunks(png);
  const ihdr = chunks[0]?.type === 'IHDR' && chunks[0].data.length === 13 ? chunks[0].data : null;
  if (!ihdr) throw new ImageFormatError('no IHDR chunk of 13 bytes first');
  // Output chunks: whole bytes when copied as they are, else type and data to write anew.
  const out: ({ whole: Buffer } | { type: string; data: Buffer })[] = [];
  let paletteEntries = 0;
  let frame: Buffer | null = null; // the data of the last fcTL: an fdAT frame's width and height
  let renumber = false;
  let added = false; // the new eXIf/iTXt, before the first IDAT
  for (let i = 0; i < chunks.length; i++) {
    const { type, data, whole } = chunks[i]!;
    if (type === 'IDAT' || type === 'fdAT') {
      // a run of IDAT (or of one frame's fdAT) is one zlib stream
      let j = i;
      while (j + 1 < chunks.length && chunks[j + 1]!.type === type) j++;
      const run = chunks.slice(i, j + 1);
      i = j;
      if (type === 'IDAT' && !added) {
        added = true;
        const exif = minimalExif(kept);
        if (exif) out.push({ type: 'eXIf', data: exif });
        const xmp = minimalXmp(kept);
        if (xmp) out.push({ type: 'iTXt', data: Buffer.concat([Buffer.from('XML:com.adobe.xmp\0\0\0\0\0', 'latin1'), xmp]) });
      }
      if (type === 'IDAT') {
        const rebuilt = recompressedImageData(Buffer.concat(run.map((c) => c.data)), pngImageDataSize(ihdr), 'IDAT');
        if (rebuilt) {
          rebuilt.groups.forEach(drop);
          out.push(...idatChunks(rebuilt.data).map((w) => ({ whole: w })));
        } else out.push(...run.map((c) => ({ whole: c.whole })));
      } else {
        if (!frame || run.some((c) => c.data.length < 4)) throw new ImageFormatError('APNG fdAT without a frame control chunk before it');
        const rebuilt = recompressedImageData(Buffer.concat(run.map((c) => c.data.subarray(4))), pngImageDataSize(ihdr, frame.readUInt32BE(4), frame.readUInt32BE(8)), 'fdAT');
        if (rebuilt) {
          rebuilt.groups.forEach(drop);
          // one fdAT for the frame; its sequence number (and the later ones) are set below
          out.push({ type: 'fdAT', data: Buffer.concat([Buffer.alloc(4), rebuilt.data]) });
          renumber = true;
        } else out.push(...run.map((c) => ({ whole: c.whole })));
      }
    } else if (PNG_KEEP.has(type)) {
      const exact = exactPngChunk(type, data, ihdr, paletteEntries);
      if (!exact) drop(`PNG ${type} of a size the PNG specification does not give it`);
      else {
        if (exact.length < data.length) drop(`PNG ${type}: bytes past its defined content`);
        out.push(exact.length === data.length ? { whole } : { type, data: exact });
        if (type === 'PLTE') paletteEntries = exact.length / 3;
        if (type === 'fcTL') frame = exact;
      }
    } else if (type === 'iCCP') {
      const icc = pngIccp(data);
      icc.groups.forEach(drop);
      if (icc.data) out.push({ type: 'iCCP', data: icc.data });
    } else {
      // the name is ASCII letters by the spec; anything else is said as hex
      drop(pngGroup(/^[A-Za-z]{4}$/u.test(type) ? type : `chunk 0x${whole.toString('hex', 4, 8)}`));
      if (type === 'eXIf') removed.tags.push(...tiffTagNames(data));
    }
  }
  if (!chunks.some((c) => c.type === 'IDAT')) throw new ImageFormatError('no IDAT chunk');
  if (renumber) {
    // APNG sequence numbers run 0, 1, 2… over fcTL and fdAT chunks in file order (APNG §11.3.6.1)
    let seq = 0;
    for (let k = 0; k < out.length; k++) {
      const c = out[k]!;
      const type = 'type' in c ? c.type : c.whole.toString('latin1', 4, 8);
      if (type !== 'fcTL' && type !== 'fdAT') continue;
      const data = Buffer.from('type' in c ? c.data : c.whole.subarray(8, c.whole.length - 4));
      data.writeUInt32BE(seq++, 0);
      out[k] = { type, data };
    }
  }
  if (end < png.length) removed.groups.push(`trailer after IEND (${png.length - end} bytes)`);
  return { data: Buffer.concat([PNG_SIGNATURE, ...out.map((c) => ('whole' in c ? c.whole : pngChunk(c.type, c.data)))]), removed };
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
