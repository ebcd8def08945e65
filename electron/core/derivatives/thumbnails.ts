// Thumbnails and video posters under the archive's derivatives/ folder. They are conveniences
// for the window, regenerable at any time, and never evidence: no custody event, no digest,
// never exported. Originals are only read.
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { Kind } from '../../common/types.ts';
import { objectPath } from '../archive.ts';
import { runFfmpeg } from './ffmpeg.ts';
import { readHeicPreview } from './heic-preview.ts';
import { CAMERA_RAW_MIMES, readRawPreview, scanRawPreviews } from './raw-preview.ts';
import { makeDirs } from '../dirs.ts';
import { writeDerivative } from './sealed.ts';
import { toneMappedJpeg } from './tone-map.ts';

/** Longest side of a thumbnail, in pixels (sharp on a 2x screen for 160 px tiles). */
export const THUMB_SIZE = 320;

/** Where the thumbnail of content `sha256` lives: derivatives/thumbs/<2 hex>/<sha256>.jpg. */
export function thumbnailPath(derivativesDir: string, sha256: string): string {
  return join(derivativesDir, 'thumbs', sha256.slice(0, 2), `${sha256}.jpg`);
}

/** What a thumbnail is made from. */
export interface ThumbSource {
  sha256: string;
  kind: Kind;
  mime: string | null;
  durationSec: number | null;
}

export type ThumbOutcome = 'made' | 'existing' | 'unsupported';

const HEIF_MIMES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);

/** A JPEG thumbnail from image bytes or a path, turned upright by its EXIF orientation. */
async function jpegThumb(input: string | Buffer, rotateDegrees = 0): Promise<Buffer> {
  // failOn 'none': a photo with a truncated tail still deserves a preview of what is there.
  let img = sharp(input, { failOn: 'none', limitInputPixels: 1e9 }).rotate();
  if (rotateDegrees) img = img.rotate(rotateDegrees);
  return img.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
}

/**
 * Adds to a sharp pipeline the turn and mirror that EXIF/TIFF Orientation `orientation` (1–8,
 * TIFF 6.0 tag 274) asks for to show the stored pixels upright; any other value adds nothing.
 * For pixels whose orientation is recorded elsewhere, such as the embedded preview of a RAW
 * file (its own EXIF, if any, is not read). sharp mirrors before it rotates, hence
 * 5 = rotate 270° + flop and 7 = rotate 90° + flop. Returns the same pipeline.
 */
export function applyOrientation(img: Sharp, orientation: number): Sharp {
  switch (orientation) {
    case 2: return img.flop();
    case 3: return img.rotate(180);
    case 4: return img.flip();
    case 5: return img.rotate(270).flop();
    case 6: return img.rotate(90);
    case 7: return img.rotate(90).flop();
    case 8: return img.rotate(270);
    default: return img;
  }
}

/**
 * The thumbnail of a camera RAW file (CAMERA_RAW_MIMES): its largest embedded JPEG preview,
 * turned by the orientation of the file's IFD0 (the preview's own EXIF, if any, is not read);
 * when no preview decodes, sharp on the file itself, unless IFD0 is sensor data or lies past
 * the end of the file, and never a picture that decodes to all zeros (sharp fills missing
 * data with black). Throws one Error naming every reason when neither gives a picture.
 */
async function rawThumb(path: string, mime: string): Promise<Buffer> {
  const scan = await scanRawPreviews(path);
  const reasons: string[] = [];
  if (scan) {
    for (const p of scan.previews) {
      try {
        const jpeg = await readRawPreview(path, p);
        const img = applyOrientation(sharp(jpeg, { failOn: 'error', limitInputPixels: 1e9 }), scan.orientation);
        return await img.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
      } catch (e) {
        reasons.push(`${p.where}: ${p.width}×${p.height} JPEG preview does not decode (${(e as Error).message})`);
      }
    }
    reasons.push(...scan.rejected);
    if (!scan.previews.length && !scan.rejected.length) reasons.push('no embedded JPEG preview in IFD0, IFD1 or their SubIFDs');
  } else {
    reasons.push('not laid out as TIFF, so no embedded preview was looked for');
  }
  const fail = (why: string) => new Error(`camera RAW (${mime}): no thumbnail: ${[...reasons, why].join('; ')}`);
  if (scan?.ifd0Problem) throw fail(`sharp not tried: ${scan.ifd0Problem}`);
  let thumb: Buffer;
  try {
    thumb = await sharp(path, { failOn: 'error', limitInputPixels: 1e9 }).rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
  } catch (e) {
    throw fail(`sharp: ${(e as Error).message.trim().split('\n')[0]}`);
  }
  const { channels } = await sharp(thumb).stats();
  if (channels.every((c) => c.max === 0)) throw fail('sharp decoded the file to an all-black picture (image data missing)');
  return thumb;
}

/**
 * The picture of the HEIF/HEIC file at `path` decoded by ffmpeg (see heic-preview.ts) as PNG
 * bytes, and the clockwise turn (degrees) its irot asks for: the embedded thumbnail when there is
 * one, or with `primary` the full-size primary image (single or grid). Null when the file's items
 * cannot be read; throws when ffmpeg fails.
 */
export async function decodeHeic(path: string, opts: { primary?: boolean } = {}, signal?: AbortSignal): Promise<{ png: Buffer; turn: number; source: 'thumbnail' | 'primary' | 'grid' } | null> {
  const preview = await readHeicPreview(path, opts);
  if (!preview) return null;
  // irot is anti-clockwise; sharp rotates clockwise.
  const turn = (360 - preview.irotDegrees) % 360;
  const g = preview.grid;
  if (!g) {
    const png = await runFfmpeg(['-f', 'hevc', '-i', 'pipe:0', '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], { stdin: preview.hevc, signal });
    return { png, turn, source: preview.source };
  }
  // Every tile is one coded picture: decode them all in one run as raw RGB, then lay them out.
  const n = g.rows * g.columns;
  const frame = g.tileWidth * g.tileHeight * 3;
  const raw = await runFfmpeg(['-f', 'hevc', '-i', 'pipe:0', '-frames:v', String(n), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { stdin: preview.hevc, signal });
  if (raw.length < n * frame) throw new Error(`HEIC grid: decoded ${Math.floor(raw.length / frame)} of ${n} tiles`);
  const mosaic = await sharp({ create: { width: g.columns * g.tileWidth, height: g.rows * g.tileHeight, channels: 3, background: '#000' } })
    .composite(Array.from({ length: n }, (_, i) => ({
      input: raw.subarray(i * frame, (i + 1) * frame),
      raw: { width: g.tileWidth, height: g.tileHeight, channels: 3 as const },
      left: (i % g.columns) * g.tileWidth,
      top: Math.floor(i / g.columns) * g.tileHeight,
    })))
    .raw().toBuffer({ resolveWithObject: true });
  // composite may add an alpha channel: read the layout sharp reports, not the one asked for.
  const full = sharp(mosaic.data, { raw: { width: mosaic.info.width, height: mosaic.info.height, channels: mosaic.info.channels } })
    .extract({ left: 0, top: 0, width: Math.min(g.width, g.columns * g.tileWidth), height: Math.min(g.height, g.rows * g.tileHeight) });
  return { png: await full.png({ compressionLevel: 0 }).toBuffer(), turn, source: 'grid' };
}

async function heicThumb(path: string, signal?: AbortSignal): Promise<Buffer | null> {
  const pic = await decodeHeic(path, {}, signal);
  return pic ? jpegThumb(pic.png, pic.turn) : null;
}

async function videoPoster(path: string, durationSec: number | null, signal?: AbortSignal): Promise<Buffer> {
  // A frame a little in: the very first one is often black. ffmpeg applies the display rotation.
  const at = durationSec && durationSec > 2 ? Math.min(1, durationSec / 10) : 0;
  const grab = (seek: number) => runFfmpeg(['-ss', seek.toFixed(3), '-i', path, '-frames:v', '1', '-an', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1'], { signal });
  let png = await grab(at);
  if (!png.length && at > 0) png = await grab(0);
  if (!png.length) throw new Error('ffmpeg decoded no video frame');
  return jpegThumb(png);
}

/**
 * The thumbnail (images) or poster frame (videos) of one item in `objectsDir`, as a JPEG buffer
 * of at most THUMB_SIZE px on its longer side, written nowhere: images through sharp, HEIC
 * through its embedded HEVC preview decoded by ffmpeg, camera RAW (CAMERA_RAW_MIMES) through its
 * largest embedded JPEG preview, videos through an ffmpeg frame grab. Null for audio, documents
 * and non-RAW images neither tool can decode; throws when a decoder fails on a file it should
 * read (see makeThumbnail). The original is only read.
 */
export async function thumbnailJpeg(objectsDir: string, item: ThumbSource, signal?: AbortSignal): Promise<Buffer | null> {
  const src = objectPath(objectsDir, item.sha256);
  if (item.kind === 'image') {
    if (item.mime && HEIF_MIMES.has(item.mime)) return heicThumb(src, signal);
    if (item.mime && CAMERA_RAW_MIMES.has(item.mime)) return rawThumb(src, item.mime);
    try {
      // 16-bit (thermal, scientific) pictures are stretched, not cut to 8 bits: see tone-map.ts.
      return (await toneMappedJpeg(src, THUMB_SIZE)) ?? await jpegThumb(src);
    } catch (e) {
      // RAW formats sharp cannot open are "unsupported", not a failure of the archive.
      if (/unsupported image format|Input file contains unsupported/u.test((e as Error).message)) return null;
      throw e;
    }
  }
  if (item.kind === 'video') return videoPoster(src, item.durationSec, signal);
  return null;
}

/**
 * Makes the thumbnail (images) or poster frame (videos) of one item unless it exists: images
 * through sharp, HEIC through its embedded HEVC preview decoded by ffmpeg, camera RAW
 * (CAMERA_RAW_MIMES: DNG, NEF, ARW, CR2, ORF, RW2) through its largest embedded JPEG preview
 * turned by the file's EXIF Orientation, else sharp on the file, videos through an ffmpeg
 * frame grab. At most THUMB_SIZE px on the longer side, JPEG, written under derivatives/ to a
 * temporary name and renamed, so a reader never sees half a JPEG; the original is only read.
 * Returns 'unsupported' for audio, documents and non-RAW images neither tool can decode (the
 * window shows an icon); throws when a decoder fails on a file it should read, and for a
 * camera RAW file with neither a usable preview nor a picture sharp can make of it (an Error
 * naming each reason; makeMissingThumbnails records it as a failure).
 * With `archive.derivativeKey` (an encrypted archive) the file is sealed (derivatives/sealed.ts).
 */
export async function makeThumbnail(archive: { objectsDir: string; derivativesDir: string; derivativeKey?: Buffer | null }, item: ThumbSource, signal?: AbortSignal): Promise<ThumbOutcome> {
  const out = thumbnailPath(archive.derivativesDir, item.sha256);
  if (await stat(out).then(() => true, () => false)) return 'existing';
  const jpeg = await thumbnailJpeg(archive.objectsDir, item, signal);
  if (!jpeg) return 'unsupported';
  makeDirs(dirname(out));
  await writeDerivative(out, jpeg, archive.derivativeKey);
  return 'made';
}
