// Boxes to blur (drawn in the app, or given by `redact --blur-regions`) fitted to the picture
// they are for. Their coordinates are pixels of the upright picture: a photo after its EXIF
// Orientation is applied (as faces.ts reads it), a video after its rotation side data is applied
// (as video-faces.ts decodes it). A box partly off the edge is clipped to the picture; a box
// wholly outside it is refused, since blurring it would blur nothing while the custody record said
// a box was blurred.
import sharp from 'sharp';
import { RedactRefusedError } from './redactable.ts';
import type { Region } from './faces.ts';
import { runFfprobe } from '../metadata/av.ts';
import { decodeHeic } from '../derivatives/thumbnails.ts';

/** Width and height in pixels of the upright picture. */
export interface UprightSize {
  width: number;
  height: number;
}

const box = (r: Pick<Region, 'x' | 'y' | 'w' | 'h'>) => `{x: ${r.x}, y: ${r.y}, w: ${r.w}, h: ${r.h}}`;

/** A box lies wholly outside the picture it is for. Nothing was written. */
export class RegionOutsideError extends RedactRefusedError {
  /**
   * `what` names the item ("item 7"), `index` the box (1-based, as given), `box` it as given
   * ("{x: 5000, y: 5000, w: 10, h: 10}"), `size` the upright picture.
   */
  constructor(readonly what: string, readonly index: number, readonly box: string, readonly size: UprightSize) {
    super(`${what}: box ${index} ${box} lies wholly outside the picture, which is ${size.width}×${size.height} pixels ` +
      '(coordinates are pixels of the upright picture: a photo after its EXIF orientation is applied, a video after its rotation); nothing was written');
    this.name = 'RegionOutsideError';
  }
}

/**
 * `regions` clipped to a picture of `size`: each box cut to the part inside 0 ≤ x < width,
 * 0 ≤ y < height (integer-free: coordinates kept as given where inside), its time bounds and
 * label kept. Throws RegionOutsideError naming the box (1-based, as given), the picture size and
 * its coordinate space when a box has no part of at least 1 × 1 pixel inside the picture.
 * `what` names the item in the message ("item 7").
 */
export function fitRegions(regions: readonly Region[], size: UprightSize, what: string): Region[] {
  return regions.map((r, i) => {
    const x0 = Math.max(0, r.x);
    const y0 = Math.max(0, r.y);
    const x1 = Math.min(size.width, r.x + r.w);
    const y1 = Math.min(size.height, r.y + r.h);
    if (!(x1 - x0 >= 1 && y1 - y0 >= 1)) {
      throw new RegionOutsideError(what, i + 1, box(r), size);
    }
    return { ...r, x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  });
}

/** Degrees a video's first video stream is turned by (display matrix side data, or the old `rotate` tag). */
function videoRotation(stream: Record<string, unknown>): number {
  const side = stream.side_data_list as { rotation?: number }[] | undefined;
  const fromSide = side?.find((s) => typeof s.rotation === 'number')?.rotation;
  const tag = Number((stream.tags as Record<string, string> | undefined)?.rotate);
  return typeof fromSide === 'number' ? fromSide : Number.isFinite(tag) ? tag : 0;
}

/**
 * The upright size of the picture in `file` (MIME `mime`): a JPEG, PNG or WebP by its header and
 * EXIF Orientation (5–8 swap width and height), a HEIC by its primary image decoded and turned, a
 * video by its first video stream and rotation (±90° swaps). Throws Error naming the file when it
 * cannot be read or holds no picture.
 */
export async function uprightSize(file: string, mime: string): Promise<UprightSize> {
  if (mime.startsWith('video/')) {
    const probe = await runFfprobe(file);
    const v = probe.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
    if (!v?.width || !v.height) throw new Error(`${file}: no video stream with a picture size`);
    const quarter = Math.abs(Math.round(videoRotation(v) / 90)) % 2 === 1;
    return quarter ? { width: v.height, height: v.width } : { width: v.width, height: v.height };
  }
  if (mime === 'image/heic' || mime === 'image/heif') {
    const pic = await decodeHeic(file, { primary: true });
    if (!pic) throw new Error(`${file}: HEIC primary image could not be read`);
    const m = await sharp(pic.png).metadata();
    const quarter = Math.abs(Math.round(pic.turn / 90)) % 2 === 1;
    return quarter ? { width: m.height!, height: m.width! } : { width: m.width!, height: m.height! };
  }
  const m = await sharp(file).metadata();
  if (!m.width || !m.height) throw new Error(`${file}: no picture size`);
  return (m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
}
