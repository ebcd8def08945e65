// Blurring boxes in a raw RGB frame, shared by photos and video frames: each box is grown by a
// margin, cut out, made unrecognisable with sharp (libvips) and written back in place, so a
// 1080p video frame costs only the size of its faces, not a full-frame encode.
import sharp from 'sharp';
import type { Box } from './faces.ts';

export type BlurMode = 'blur' | 'pixelate';

/** Default margin around a face box, as a fraction of its width/height. */
export const DEFAULT_MARGIN_PCT = 25;

export interface RgbFrame {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * `b` grown by `marginPct` % of its size on the left, right and below, and by 1.6× that above
 * (detectors box the face from the brows down; hair and forehead identify too), in integer
 * pixels clipped to the frame. Null when nothing of it lies inside the frame.
 */
export function growBox(b: Pick<Box, 'x' | 'y' | 'w' | 'h'>, marginPct: number, width: number, height: number): { x: number; y: number; w: number; h: number } | null {
  const m = Math.max(0, marginPct) / 100;
  const x0 = Math.max(0, Math.floor(b.x - b.w * m));
  const y0 = Math.max(0, Math.floor(b.y - b.h * m * 1.6));
  const x1 = Math.min(width, Math.ceil(b.x + b.w * (1 + m)));
  const y1 = Math.min(height, Math.ceil(b.y + b.h * (1 + m)));
  return x1 - x0 >= 1 && y1 - y0 >= 1 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

function cut(f: RgbFrame, r: { x: number; y: number; w: number; h: number }): Buffer {
  const out = Buffer.allocUnsafe(r.w * r.h * 3);
  for (let row = 0; row < r.h; row++) {
    const src = ((r.y + row) * f.width + r.x) * 3;
    f.data.copy(out, row * r.w * 3, src, src + r.w * 3);
  }
  return out;
}

function paste(f: RgbFrame, r: { x: number; y: number; w: number; h: number }, patch: Buffer): void {
  for (let row = 0; row < r.h; row++) patch.copy(f.data, ((r.y + row) * f.width + r.x) * 3, row * r.w * 3, (row + 1) * r.w * 3);
}

/**
 * Makes one patch unrecognisable. 'pixelate': averaged down to at most 8 blocks across its
 * longer side (cells of 6 px at least) and scaled back with nearest-neighbour. 'blur': the same averaging to at most 8
 * cells (so no fine detail survives however weak a Gaussian would be on a large face), scaled
 * back smoothly, then a Gaussian with sigma = 1/8 of the longer side to hide the cell grid.
 */
async function obscure(patch: Buffer, w: number, h: number, mode: BlurMode): Promise<Buffer> {
  const raw = { width: w, height: h, channels: 3 as const };
  // Cells of 1/8 of the longer side, but never under 6 px: a 20-pixel face in a crowd cut
  // into 8 cells of 2.5 px would keep about all the detail it had.
  const k = Math.max(Math.max(w, h) / 8, 6);
  const sw = Math.max(1, Math.round(w / k));
  const sh = Math.max(1, Math.round(h / k));
  const small = await sharp(patch, { raw }).resize(sw, sh, { kernel: 'mitchell', fit: 'fill' }).raw().toBuffer();
  const up = sharp(small, { raw: { width: sw, height: sh, channels: 3 } }).resize(w, h, { kernel: mode === 'pixelate' ? 'nearest' : 'cubic', fit: 'fill' });
  const sigma = Math.max(0.3, Math.max(w, h) / 8);
  return (mode === 'blur' ? sharp(await up.raw().toBuffer(), { raw }).blur(sigma) : up).raw().toBuffer();
}

/**
 * Blurs (or pixelates) each box of `boxes`, grown by {@link growBox}, in `frame.data` in place.
 * Patches are taken from the frame before any of them is written back, so overlapping boxes
 * never smear one blurred face into another's sharp pixels. Returns the grown boxes.
 */
export async function obscureBoxes(frame: RgbFrame, boxes: Pick<Box, 'x' | 'y' | 'w' | 'h'>[], mode: BlurMode = 'blur', marginPct = DEFAULT_MARGIN_PCT): Promise<{ x: number; y: number; w: number; h: number }[]> {
  const grown = boxes.map((b) => growBox(b, marginPct, frame.width, frame.height)).filter((r): r is NonNullable<typeof r> => r !== null);
  const patches = await Promise.all(grown.map((r) => obscure(cut(frame, r), r.w, r.h, mode)));
  grown.forEach((r, i) => paste(frame, r, patches[i]!));
  return grown;
}
