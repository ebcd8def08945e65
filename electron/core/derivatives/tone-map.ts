// 16-bit pictures (scientific TIFF, the radiometric TIFF of a DJI thermal camera) hold their
// values in a narrow band of 0–65535: a DJI XT2 frame spans about 7,500–8,000, which an 8-bit
// conversion (value / 256) turns into a uniformly black picture. Their thumbnails are stretched
// instead: the 0.5th–99.5th percentile of the values maps to black–white (a percentile stretch,
// as thermal viewers do), so the scene shows. A derivative only: the original is never changed.
import sharp from 'sharp';

/** Share of the darkest and of the brightest values clipped by the stretch. */
const CLIP = 0.005;

/**
 * The lowest and highest values kept by a percentile stretch of 16-bit `values`: the
 * CLIP and 1 − CLIP quantiles, from a 65,536-bin histogram. `hi` is at least `lo + 1`.
 */
export function stretchBounds(values: Uint16Array): { lo: number; hi: number } {
  const hist = new Uint32Array(65536);
  for (let i = 0; i < values.length; i++) hist[values[i]!]!++;
  const cut = Math.floor(values.length * CLIP);
  let lo = 0;
  for (let seen = 0; lo < 65535 && seen + hist[lo]! <= cut; lo++) seen += hist[lo]!;
  let hi = 65535;
  for (let seen = 0; hi > 0 && seen + hist[hi]! <= cut; hi--) seen += hist[hi]!;
  return { lo, hi: Math.max(hi, lo + 1) };
}

/**
 * A JPEG of at most `size` px on its longer side of the 16-bit picture `input` (a path or its
 * bytes), turned upright by its EXIF orientation, its values stretched between the percentile
 * bounds (stretchBounds; one pair for every channel, so colours keep their balance). Null when
 * the picture is not 16 bits per sample (the caller converts it as usual). Throws sharp's Error
 * for a file it cannot decode.
 */
export async function toneMappedJpeg(input: string | Buffer, size: number): Promise<Buffer | null> {
  const meta = await sharp(input, { failOn: 'none' }).metadata();
  if (meta.depth !== 'ushort' && meta.depth !== 'short') return null;
  const { data, info } = await sharp(input, { failOn: 'none', limitInputPixels: 1e9 }).rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    // Kept in 16 bits all the way: sharp would otherwise turn the picture into 8-bit sRGB first.
    .removeAlpha().toColourspace((meta.channels ?? 1) <= 2 ? 'grey16' : 'rgb16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
  const values = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const { lo, hi } = stretchBounds(values);
  const out = Buffer.alloc(values.length);
  const k = 255 / (hi - lo);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round((values[i]! - lo) * k)));
  return sharp(out, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 80 }).toBuffer();
}
