import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';

/**
 * Makes (once) a big file of `gib` GiB of random bytes; random so no layer can compress it.
 * Returns its path.
 */
export async function bigFile(dir: string, gib: number): Promise<string> {
  const path = join(dir, `big-${gib}GiB.bin`);
  const bytes = gib * 1024 ** 3;
  if (existsSync(path) && statSync(path).size === bytes) return path;
  mkdirSync(dir, { recursive: true });
  const out = createWriteStream(path);
  const chunk = 8 * 1024 * 1024;
  for (let done = 0; done < bytes; done += chunk) {
    if (!out.write(randomBytes(Math.min(chunk, bytes - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  return path;
}

/**
 * Makes (once) `count` JPEGs of a few hundred KB each with camera EXIF (Make, Model,
 * DateTimeOriginal, OffsetTimeOriginal, GPS), each image different. Returns the folder.
 */
export async function photoFolder(dir: string, count: number): Promise<string> {
  const folder = join(dir, `photos-${count}`);
  mkdirSync(folder, { recursive: true });
  const have = new Set(readdirSync(folder));
  for (let i = 0; i < count; i++) {
    const name = `IMG_${String(i).padStart(5, '0')}.JPG`;
    if (have.has(name)) continue;
    // Noise makes JPEG sizes realistic (smooth images compress to a few KB).
    const noise = randomBytes(640 * 480 * 3);
    const buf = await sharp(noise, { raw: { width: 640, height: 480, channels: 3 } })
      .withExif({
        IFD0: { Make: 'BenchCam', Model: `BC-${i % 7}`, DateTime: '2021:05:04 10:15:00' },
        IFD2: { DateTimeOriginal: `2021:05:04 10:${String(i % 60).padStart(2, '0')}:00`, OffsetTimeOriginal: '+06:00' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 58/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '70/1 48/1 0/1' },
      })
      .jpeg({ quality: 85 })
      .toBuffer();
    writeFileSync(join(folder, name), buf);
  }
  return folder;
}

/**
 * Makes (once) `count` files of exactly `bytes` bytes each: a camera JPEG of the photo folder
 * followed by random bytes, as large phone photos are; the size the ingest still reads whole.
 * Returns the folder.
 */
export async function largePhotoFolder(dir: string, count: number, bytes: number): Promise<string> {
  const folder = join(dir, `large-photos-${count}x${bytes}`);
  mkdirSync(folder, { recursive: true });
  const head = readFileSync(join(await photoFolder(dir, 1), 'IMG_00000.JPG'));
  const have = new Set(readdirSync(folder));
  for (let i = 0; i < count; i++) {
    const name = `IMG_${String(i).padStart(5, '0')}.JPG`;
    if (!have.has(name)) writeFileSync(join(folder, name), Buffer.concat([head, randomBytes(bytes - head.length)]));
  }
  return folder;
}

