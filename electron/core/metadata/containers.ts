// Still-image container walks: stored pixel size from the codec header (JPEG SOF, PNG IHDR,
// WebP VP8X/VP8/VP8L), and the EXIF/XMP payloads of PNG and WebP, which exifr either does not
// read (WebP) or misses when the chunk follows the image data (PNG eXIf after IDAT).
import { inflateSync } from 'node:zlib';
import { fourCC, type ByteSource } from './io.ts';

/** Stored (coded) pixel size, before any orientation is applied. */
export interface PixelSize {
  width: number;
  height: number;
}

/** Metadata payloads found in a PNG or WebP container, plus its stored size. */
export interface ContainerMeta {
  size: PixelSize | null;
  /** A TIFF structure ("II*\0…" / "MM\0*…") holding IFD0/Exif/GPS, or null. */
  exifTiff: Buffer | null;
  /** The XMP packet text, or null. */
  xmp: string | null;
}

const MAX_PAYLOAD = 8 * 1024 * 1024;
const MAX_CHUNKS = 1_000_000;

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/**
 * Stored size from the first JPEG start-of-frame segment (ITU-T T.81 §B.2.2: SOFn carries
 * Y = number of lines, X = samples per line). Walks marker segments from SOI, reading only
 * their headers. Returns null when there is no SOF before SOS/EOI (e.g. a truncated file), or
 * the file is not a JPEG. Throws only on I/O errors.
 */
export async function jpegSize(src: ByteSource): Promise<PixelSize | null> {
  const soi = await src.read(0, 2);
  if (soi.length < 2 || soi[0] !== 0xff || soi[1] !== 0xd8) return null;
  let pos = 2;
  for (let i = 0; i < 10_000; i++) {
    const h = await src.read(pos, 4);
    if (h.length < 2) return null;
    if (h[0] !== 0xff) return null;
    const marker = h[1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2; // standalone markers have no length
      continue;
    }
    if (marker === 0xda || marker === 0xd9 || h.length < 4) return null;
    const len = h.readUInt16BE(2);
    if (SOF_MARKERS.has(marker)) {
      const sof = await src.read(pos + 4, 5);
      if (sof.length < 5) return null;
      const height = sof.readUInt16BE(1);
      const width = sof.readUInt16BE(3);
      return width > 0 && height > 0 ? { width, height } : null;
    }
    if (len < 2) return null;
    pos += 2 + len;
  }
  return null;
}

function stripExifHeader(buf: Buffer): Buffer {
  // Some writers prefix the TIFF structure with the JPEG APP1 identifier "Exif\0\0".
  return buf.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? buf.subarray(6) : buf;
}

function pngXmp(data: Buffer): string | null {
  // iTXt (PNG 1.2 §11.3.4.5): keyword\0 compression-flag method language\0 translated\0 text.
  const k = data.indexOf(0);
  if (k < 0 || data.toString('latin1', 0, k) !== 'XML:com.adobe.xmp') return null;
  const compressed = data[k + 1] === 1;
  const lang = data.indexOf(0, k + 3);
  const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
  if (translated < 0) return null;
  const text = data.subarray(translated + 1);
  return (compressed ? inflateSync(text) : text).toString('utf8');
}

/**
 * Walks PNG chunks (PNG 1.2 / W3C PNG 3rd ed.) reading only chunk headers, except IHDR, eXIf
 * and the XMP iTXt chunk. The eXIf chunk is found wherever it is, including after IDAT.
 * Returns null when the file is not a PNG. Throws only on I/O errors and corrupt zlib XMP.
 */
export async function readPngMeta(src: ByteSource): Promise<ContainerMeta | null> {
  const sig = await src.read(0, 8);
  if (sig.toString('latin1') !== '\x89PNG\r\n\x1a\n') return null;
  const out: ContainerMeta = { size: null, exifTiff: null, xmp: null };
  let pos = 8;
  for (let i = 0; i < MAX_CHUNKS && pos + 8 <= src.size; i++) {
    const h = await src.read(pos, 8);
    const len = h.readUInt32BE(0);
    const type = fourCC(h, 4);
    if (type === 'IHDR' && len >= 8) {
      const d = await src.read(pos + 8, 8);
      if (d.length === 8) out.size = { width: d.readUInt32BE(0), height: d.readUInt32BE(4) };
    } else if (type === 'eXIf' && len <= MAX_PAYLOAD && !out.exifTiff) {
      out.exifTiff = stripExifHeader(await src.read(pos + 8, len));
    } else if (type === 'iTXt' && len <= MAX_PAYLOAD && !out.xmp) {
      out.xmp = pngXmp(await src.read(pos + 8, len));
    } else if (type === 'IEND') break;
    pos += 12 + len;
  }
  return out;
}

function webpFrameSize(type: string, d: Buffer): PixelSize | null {
  if (type === 'VP8X' && d.length >= 10) return { width: d.readUIntLE(4, 3) + 1, height: d.readUIntLE(7, 3) + 1 };
  // VP8 key frame (RFC 6386 §9.1): 3-byte frame tag, start code 9d 01 2a, 14-bit sizes.
  if (type === 'VP8 ' && d.length >= 10 && d[3] === 0x9d && d[4] === 0x01 && d[5] === 0x2a) {
    return { width: d.readUInt16LE(6) & 0x3fff, height: d.readUInt16LE(8) & 0x3fff };
  }
  // VP8L (WebP lossless bitstream §3): signature 0x2f, then 14-bit width-1 and height-1.
  if (type === 'VP8L' && d.length >= 5 && d[0] === 0x2f) {
    const bits = d.readUInt32LE(1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}

/**
 * Walks WebP RIFF chunks (RFC 9649): canvas size from VP8X, else the VP8/VP8L frame header;
 * EXIF and "XMP " chunk payloads. Returns null when the file is not a WebP.
 * Throws only on I/O errors.
 */
export async function readWebpMeta(src: ByteSource): Promise<ContainerMeta | null> {
  const h = await src.read(0, 12);
  if (h.length < 12 || fourCC(h, 0) !== 'RIFF' || fourCC(h, 8) !== 'WEBP') return null;
  const end = Math.min(src.size, 8 + h.readUInt32LE(4));
  const out: ContainerMeta = { size: null, exifTiff: null, xmp: null };
  let frame: PixelSize | null = null;
  let pos = 12;
  for (let i = 0; i < MAX_CHUNKS && pos + 8 <= end; i++) {
    const c = await src.read(pos, 8);
    const type = fourCC(c, 0);
    const len = c.readUInt32LE(4);
    if (type === 'VP8X' || type === 'VP8 ' || type === 'VP8L') {
      const size = webpFrameSize(type, await src.read(pos + 8, Math.min(len, 16)));
      if (type === 'VP8X') out.size = size;
      else frame ??= size;
    } else if (type === 'EXIF' && len <= MAX_PAYLOAD) {
      out.exifTiff = stripExifHeader(await src.read(pos + 8, len));
    } else if (type === 'XMP ' && len <= MAX_PAYLOAD) {
      out.xmp = (await src.read(pos + 8, len)).toString('utf8');
    }
    pos += 8 + len + (len & 1); // chunks are padded to an even length
  }
  out.size ??= frame;
  return out;
}
