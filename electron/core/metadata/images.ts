// Reads a still image's metadata blocks with exifr, plus its stored size from the codec header.
// exifr reads chunks (512 B, then 64 KiB blocks), never the whole file.
import { resolve } from 'node:path';
import exifr from 'exifr';
import { WHOLE_READ_MAX_BYTES, withByteSource, type ByteSource, type FileInput } from './io.ts';
import { jpegSize, readPngMeta, readWebpMeta, type ContainerMeta, type PixelSize } from './containers.ts';
import { readHeifGeometry } from './heif.ts';
import { readFtyp } from './bmff.ts';
import { readCr3Blocks } from './cr3.ts';
import type { ImageTagBlocks } from './imageFields.ts';

/** What one still image yields before normalization: its tag blocks plus codec-header facts. */
export interface ImageBlocks extends ImageTagBlocks {
  /** Stored (coded) pixel size from the codec header. */
  size: PixelSize | null;
  /** HEIF irot of the primary item, in degrees anti-clockwise. */
  heifIrotDegrees: number | null;
  /** exifr's full output, for `raw`. */
  exifrOutput: Record<string, unknown> | null;
  /** A parser failure that left fields empty. */
  error: string | null;
  warnings: string[];
}

type Container = 'jpeg' | 'tiff' | 'heif' | 'png' | 'webp' | 'cr3' | 'unsupported';

// translateValues off keeps Orientation a number; reviveValues off keeps dates as the stored
// text (exifr would otherwise build Dates in the machine's zone); XMP is left unparsed because
// exifr's XMP parser merges exif:/tiff: properties into the EXIF blocks. One frozen object so
// exifr's per-object options cache is hit every time.
const EXIFR_OPTIONS = Object.freeze({
  tiff: true,
  ifd0: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  xmp: { parse: false },
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
  mergeOutput: false,
  silentErrors: true,
  chunked: true,
});

const TOLERANT = Symbol.for('evidence-archive.exifr.tolerantParseTag');

/**
 * exifr aborts a whole IFD when one entry has an invalid TIFF type (e.g. the Sony DSC-HX5V file
 * with type 0 in IFD0 entry 4), losing Make, Model and the Exif IFD with it. ExifTool skips the
 * bad entry instead; we make exifr do the same by wrapping its per-entry parser once.
 */
function makeExifrTolerant(): void {
  const parser = (exifr as unknown as { segmentParsers: Map<string, { prototype: Record<PropertyKey, unknown> }> }).segmentParsers.get('tiff');
  if (!parser || parser.prototype[TOLERANT]) return;
  const original = parser.prototype['parseTag'] as (this: object, offset: number, tag: number, block: string) => unknown;
  parser.prototype['parseTag'] = function (this: { skippedEntries?: string[] }, offset: number, tag: number, block: string) {
    try {
      return original.call(this, offset, tag, block);
    } catch (e) {
      (this.skippedEntries ??= []).push(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  };
  parser.prototype[TOLERANT] = true;
}
makeExifrTolerant();

async function detectContainer(src: ByteSource): Promise<Container> {
  const h = await src.read(0, 12);
  if (h.length >= 3 && h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff) return 'jpeg';
  const bo = h.toString('latin1', 0, 2);
  if (bo === 'II' || bo === 'MM') return 'tiff';
  if (h.toString('latin1', 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (h.toString('latin1', 0, 4) === 'RIFF' && h.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  const ftyp = await readFtyp(src);
  if (ftyp?.major === 'crx ') return 'cr3';
  const heifBrands = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis'];
  if (ftyp && [ftyp.major, ...ftyp.compatible].some((b) => heifBrands.includes(b))) return 'heif';
  return 'unsupported';
}

const asRecord = (v: unknown): Record<string, unknown> | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

// exifr keeps each parsed IFD as a Map of tag id → value before translating ids to names.
const asTagMap = (v: unknown): ReadonlyMap<number, unknown> | null => (v instanceof Map ? (v as Map<number, unknown>) : null);

async function runExifr(input: string | Buffer, blocks: ImageBlocks): Promise<void> {
  const Exifr = (exifr as unknown as { Exifr: new (o: object) => ExifrInstance }).Exifr;
  const reader = new Exifr(EXIFR_OPTIONS);
  try {
    await reader.read(input);
    const out = asRecord(await reader.parse()) ?? {};
    blocks.exifrOutput = out;
    blocks.ifd0 = asRecord(out['ifd0']);
    blocks.exif = asRecord(out['exif']);
    blocks.gps = asRecord(out['gps']);
    blocks.iptc = asRecord(out['iptc']);
    blocks.ifd0ById = asTagMap(reader.parsers?.tiff?.ifd0);
    blocks.exifById = asTagMap(reader.parsers?.tiff?.exif);
    if (typeof out['xmp'] === 'string') blocks.xmp ??= out['xmp'];
    const failures = ((out['errors'] as unknown[] | undefined) ?? []).map((e) => (e instanceof Error ? e.message : String(e)));
    // exifr collects segment failures silently; losing the whole TIFF segment is a failure,
    // a broken side segment (IPTC, XMP) next to good EXIF is only worth a warning.
    if (failures.length > 0 && blocks.ifd0 === null && blocks.exif === null) {
      blocks.error = `exifr could not read the EXIF block: ${failures.join('; ')}`;
    } else blocks.warnings.push(...failures.map((f) => `exifr: ${f}`));
    const skipped = reader.parsers?.tiff?.skippedEntries ?? [];
    if (skipped.length > 0) {
      const more = skipped.length > 1 ? ` (and ${skipped.length - 1} more)` : '';
      blocks.warnings.push(`skipped ${skipped.length} unreadable TIFF entr${skipped.length > 1 ? 'ies' : 'y'}: ${skipped[0]}${more}`);
    }
  } catch (e) {
    blocks.error = `exifr could not read the metadata: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    await reader.file?.close?.();
  }
}

interface ExifrInstance {
  read(input: string | Buffer): Promise<void>;
  parse(): Promise<unknown>;
  file?: { close?: () => Promise<void> | void };
  parsers?: { tiff?: { skippedEntries?: string[]; ifd0?: unknown; exif?: unknown } };
}

// One IFD handed over as a bare TIFF structure (CR3 CMT boxes): exifr reads it as IFD0, so keys
// are left numeric and named here with the dictionary of the IFD it really is.
const BARE_IFD_OPTIONS = Object.freeze({
  ...EXIFR_OPTIONS,
  exif: false,
  gps: false,
  iptc: false,
  xmp: false,
  translateKeys: false,
  chunked: false,
});

type IfdName = 'ifd0' | 'exif' | 'gps';

async function readBareIfd(tiff: Buffer, dictionary: IfdName, warnings: string[]): Promise<{ named: Record<string, unknown>; byId: Map<number, unknown> } | null> {
  const Exifr = (exifr as unknown as { Exifr: new (o: object) => ExifrInstance }).Exifr;
  const names = (exifr as unknown as { tagKeys: Map<string, Map<number, string>> }).tagKeys.get(dictionary);
  const reader = new Exifr(BARE_IFD_OPTIONS);
  try {
    await reader.read(tiff);
    await reader.parse();
    const byId = asTagMap(reader.parsers?.tiff?.ifd0);
    if (!byId) return null;
    const named: Record<string, unknown> = {};
    for (const [id, value] of byId) if (value !== undefined) named[names?.get(id) ?? String(id)] = value;
    return { named, byId: new Map(byId) };
  } catch (e) {
    warnings.push(`CR3: exifr could not read the ${dictionary} block: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}

/**
 * Canon CR3: the CMT1 (IFD0), CMT2 (Exif IFD) and CMT4 (GPS IFD) TIFF structures found by
 * cr3.ts are each parsed by exifr; the stored size is IFD0 ImageWidth/ImageLength, as for TIFF.
 */
async function readCr3(src: ByteSource, blocks: ImageBlocks): Promise<void> {
  const cr3 = await readCr3Blocks(src);
  if (!cr3 || !cr3.ifd0Tiff) {
    blocks.error = 'CR3: no Canon metadata box (moov/uuid CMT1) found (file truncated or not a Canon CR3)';
    return;
  }
  const ifd0 = await readBareIfd(cr3.ifd0Tiff, 'ifd0', blocks.warnings);
  const exif = cr3.exifTiff ? await readBareIfd(cr3.exifTiff, 'exif', blocks.warnings) : null;
  const gps = cr3.gpsTiff ? await readBareIfd(cr3.gpsTiff, 'gps', blocks.warnings) : null;
  blocks.ifd0 = ifd0?.named ?? null;
  blocks.ifd0ById = ifd0?.byId ?? null;
  blocks.exif = exif?.named ?? null;
  blocks.exifById = exif?.byId ?? null;
  blocks.gps = gps?.named ?? null;
  blocks.xmp = cr3.xmp;
  blocks.exifrOutput = { ifd0: blocks.ifd0, exif: blocks.exif, gps: blocks.gps, source: 'CR3 moov/uuid CMT1, CMT2, CMT4' };
  if (!blocks.ifd0) blocks.error = 'CR3: exifr could not read the CMT1 IFD0 block';
  blocks.size = tiffSize(blocks.ifd0);
}

function tiffSize(ifd0: Record<string, unknown> | null): PixelSize | null {
  const w = ifd0?.['ImageWidth'];
  const h = ifd0?.['ImageHeight'];
  return typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 ? { width: w, height: h } : null;
}

/**
 * Reads EXIF (IFD0, Exif, GPS), IPTC and the XMP packet of a still image, and its stored pixel
 * size: JPEG SOF, PNG IHDR, WebP VP8X/VP8/VP8L, HEIF primary-item ispe, TIFF/DNG IFD0
 * ImageWidth/ImageLength (TIFF 6.0 §8), Canon CR3 CMT1 IFD0 (its CMT1/CMT2/CMT4 TIFF
 * structures are handed to exifr one by one). Formats exifr cannot read (RAF, GIF, ...) yield
 * empty blocks and a warning. Never throws: failures are returned in `error`.
 */
export async function readImageBlocks(path: FileInput): Promise<ImageBlocks> {
  const blocks: ImageBlocks = {
    ifd0: null, exif: null, gps: null, ifd0ById: null, exifById: null, iptc: null, xmp: null, size: null,
    heifIrotDegrees: null, exifrOutput: null, error: null, warnings: [],
  };
  try {
    await withByteSource(path, async (src) => {
      const container = await detectContainer(src);
      if (container === 'unsupported') {
        blocks.warnings.push('no EXIF reader for this image format; metadata fields left empty');
        return;
      }
      if (container === 'cr3') {
        await readCr3(src, blocks);
        return;
      }
      if (container === 'png' || container === 'webp') {
        const meta: ContainerMeta | null = container === 'png' ? await readPngMeta(src) : await readWebpMeta(src);
        blocks.size = meta?.size ?? null;
        blocks.xmp = meta?.xmp ?? null;
        if (meta?.exifTiff && meta.exifTiff.length >= 8) await runExifr(meta.exifTiff, blocks);
        if (!blocks.size) blocks.error ??= `${container.toUpperCase()}: no image header found (file truncated or corrupt)`;
        return;
      }
      // resolve(): exifr treats a string containing "://" as a URL and fetches it.
      const whole = typeof path !== 'string' ? path.bytes : src.size <= WHOLE_READ_MAX_BYTES ? await src.read(0, src.size) : null;
      await runExifr(whole ?? resolve(path as string), blocks);
      if (container === 'jpeg') {
        blocks.size = await jpegSize(src);
        if (!blocks.size) blocks.error ??= 'JPEG: no start-of-frame segment before the image data (file truncated or corrupt)';
      } else if (container === 'heif') {
        const geo = await readHeifGeometry(src);
        blocks.size = geo ? { width: geo.width, height: geo.height } : null;
        blocks.heifIrotDegrees = geo?.irotDegrees ?? null;
        if (!geo) blocks.warnings.push('HEIF: no ispe property for the primary item');
      } else {
        blocks.size = tiffSize(blocks.ifd0);
      }
    });
  } catch (e) {
    blocks.error = `could not read the image: ${e instanceof Error ? e.message : String(e)}`;
  }
  return blocks;
}
