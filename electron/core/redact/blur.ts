// Blurring boxes in a raw RGB frame, shared by photos and video frames: each box is grown by a
// margin, cut out, made unrecognisable and written back in place, so a 1080p video frame costs
// only the size of its faces, not a full-frame encode.
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
 * `b` grown by `marginPct` % of its size on every side, and by 1.6× that on the forehead's side
 * (detectors box the face from the brows down; hair and forehead identify too): above for an
 * upright face, below for one found upside down (`orientation` 180), left or right for one found
 * on its side (90: the picture was turned clockwise, so the top of the face is on the left; 270:
 * on the right). In integer pixels clipped to the frame. Null when nothing of it lies inside.
 */
export function growBox(b: Pick<Box, 'x' | 'y' | 'w' | 'h' | 'orientation'>, marginPct: number, width: number, height: number): { x: number; y: number; w: number; h: number } | null {
  const m = Math.max(0, marginPct) / 100;
  const o = b.orientation ?? 0;
  const [left, top, right, bottom] = [o === 90 ? 1.6 : 1, o === 0 ? 1.6 : 1, o === 270 ? 1.6 : 1, o === 180 ? 1.6 : 1];
  const x0 = Math.max(0, Math.floor(b.x - b.w * m * left));
  const y0 = Math.max(0, Math.floor(b.y - b.h * m * top));
  const x1 = Math.min(width, Math.ceil(b.x + b.w * (1 + m * right)));
  const y1 = Math.min(height, Math.ceil(b.y + b.h * (1 + m * bottom)));
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
 * Makes one patch (`w` × `h` RGB, row-major) unrecognisable, in plain JavaScript: a video frame
 * has a dozen faces, and three libvips round trips per face cost more than the detection saved by
 * detecting less often. The patch is cut into cells of 1/8 of its longer side, but never under
 * 6 px (a 20-pixel face in a crowd cut into 8 cells of 2.5 px would keep about all the detail it
 * had), each cell is averaged (area average) and the cell means are smoothed with a [1 2 1]/4
 * kernel both ways (a Gaussian of about one cell). 'pixelate': each pixel takes its cell's value.
 * 'blur': the cell values are smoothed twice more and interpolated bilinearly between cell centres, so the grid does not
 * show and no detail finer than a cell survives however large the face. Returns a new buffer.
 */
export function obscurePatch(patch: Buffer, w: number, h: number, mode: BlurMode): Buffer {
  const k = Math.max(Math.max(w, h) / 8, 6);
  const sw = Math.max(1, Math.round(w / k));
  const sh = Math.max(1, Math.round(h / k));
  // cell index of each column and row
  const colCell = new Int32Array(w);
  for (let x = 0; x < w; x++) colCell[x] = Math.min(sw - 1, Math.floor((x * sw) / w));
  const rowCell = new Int32Array(h);
  for (let y = 0; y < h; y++) rowCell[y] = Math.min(sh - 1, Math.floor((y * sh) / h));
  const sums = new Float64Array(sw * sh * 3);
  const counts = new Float64Array(sw * sh);
  for (let y = 0, o = 0; y < h; y++) {
    const rowBase = rowCell[y]! * sw;
    for (let x = 0; x < w; x++, o += 3) {
      const c = rowBase + colCell[x]!;
      sums[c * 3] = sums[c * 3]! + patch[o]!;
      sums[c * 3 + 1] = sums[c * 3 + 1]! + patch[o + 1]!;
      sums[c * 3 + 2] = sums[c * 3 + 2]! + patch[o + 2]!;
      counts[c] = counts[c]! + 1;
    }
  }
  const means = new Float64Array(sw * sh * 3);
  for (let c = 0; c < sw * sh; c++) for (let ch = 0; ch < 3; ch++) means[c * 3 + ch] = sums[c * 3 + ch]! / counts[c]!;
  // Each cell also takes a quarter from each neighbour (as a Mitchell-filtered downscale would):
  // a face cut into 5 × 6 flat cells of its own means can keep the contrast of eyes and mouth.
  const cells = smoothCells(means, sw, sh);
  const out = Buffer.allocUnsafe(w * h * 3);
  if (mode === 'pixelate') {
    for (let y = 0, o = 0; y < h; y++) {
      const rowBase = rowCell[y]! * sw;
      for (let x = 0; x < w; x++, o += 3) {
        const c = (rowBase + colCell[x]!) * 3;
        out[o] = Math.round(cells[c]!);
        out[o + 1] = Math.round(cells[c + 1]!);
        out[o + 2] = Math.round(cells[c + 2]!);
      }
    }
    return out;
  }
  // two more smoothings for blur: about 1.2 cells of Gaussian in all (a little over the 1/8-side
  // sigma of a Gaussian blur), so a blurred face keeps no eye-and-mouth layout for the detector
  const soft = smoothCells(smoothCells(cells, sw, sh), sw, sh);
  // bilinear between cell centres, separably: first each cell row across the patch width
  const rows = new Float64Array(sh * w * 3);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(sw - 1, Math.max(0, ((x + 0.5) * sw) / w - 0.5));
    const i0 = Math.floor(fx);
    const i1 = Math.min(sw - 1, i0 + 1);
    const t = fx - i0;
    for (let j = 0; j < sh; j++) {
      for (let ch = 0; ch < 3; ch++) rows[(j * w + x) * 3 + ch] = soft[(j * sw + i0) * 3 + ch]! * (1 - t) + soft[(j * sw + i1) * 3 + ch]! * t;
    }
  }
  for (let y = 0, o = 0; y < h; y++) {
    const fy = Math.min(sh - 1, Math.max(0, ((y + 0.5) * sh) / h - 0.5));
    const j0 = Math.floor(fy);
    const a = j0 * w * 3;
    const b = Math.min(sh - 1, j0 + 1) * w * 3;
    const t = fy - j0;
    for (let i = 0; i < w * 3; i++, o++) out[o] = Math.round(rows[a + i]! * (1 - t) + rows[b + i]! * t);
  }
  return out;
}

/** The cell grid smoothed by [1 2 1]/4 along both axes, edges extended. */
function smoothCells(cells: Float64Array, sw: number, sh: number): Float64Array {
  const across = new Float64Array(cells.length);
  for (let j = 0; j < sh; j++) {
    for (let i = 0; i < sw; i++) {
      const l = Math.max(0, i - 1);
      const r = Math.min(sw - 1, i + 1);
      for (let ch = 0; ch < 3; ch++) across[(j * sw + i) * 3 + ch] = (cells[(j * sw + l) * 3 + ch]! + 2 * cells[(j * sw + i) * 3 + ch]! + cells[(j * sw + r) * 3 + ch]!) / 4;
    }
  }
  const out = new Float64Array(cells.length);
  for (let j = 0; j < sh; j++) {
    const u = Math.max(0, j - 1);
    const d = Math.min(sh - 1, j + 1);
    for (let i = 0; i < sw; i++) {
      for (let ch = 0; ch < 3; ch++) out[(j * sw + i) * 3 + ch] = (across[(u * sw + i) * 3 + ch]! + 2 * across[(j * sw + i) * 3 + ch]! + across[(d * sw + i) * 3 + ch]!) / 4;
    }
  }
  return out;
}

/**
 * Blurs (or pixelates) each box of `boxes`, grown by {@link growBox}, in `frame.data` in place.
 * Patches are taken from the frame before any of them is written back, so overlapping boxes
 * never smear one blurred face into another's sharp pixels. Returns the grown boxes.
 */
export async function obscureBoxes(frame: RgbFrame, boxes: Pick<Box, 'x' | 'y' | 'w' | 'h' | 'orientation'>[], mode: BlurMode = 'blur', marginPct = DEFAULT_MARGIN_PCT): Promise<{ x: number; y: number; w: number; h: number }[]> {
  const grown = boxes.map((b) => growBox(b, marginPct, frame.width, frame.height)).filter((r): r is NonNullable<typeof r> => r !== null);
  const patches = grown.map((r) => obscurePatch(cut(frame, r), r.w, r.h, mode));
  grown.forEach((r, i) => paste(frame, r, patches[i]!));
  return grown;
}
