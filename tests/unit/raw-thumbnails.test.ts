// Thumbnails of camera RAW files come from the camera's embedded JPEG preview, upright by the
// file's EXIF Orientation, never from the sensor data sharp would otherwise decode to a black or
// grey picture; a RAW file with nothing usable is a recorded failure, not a black thumbnail.
// The corpus holds one DNG only (exiv2/IMG_1361.dng, an iPhone ProRAW cut off upstream before
// its image data), so complete files are built here the way DNG 1.6 and Nikon lay them out,
// around a real camera JPEG from the corpus; nothing is written beside the corpus or the repo.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../../electron/core/archive.ts';
import { objectPath } from '../../electron/core/archive.ts';
import { makeMissingThumbnails } from '../../electron/core/derivatives/batch.ts';
import { toneMappedJpeg } from '../../electron/core/derivatives/tone-map.ts';
import { scanRawPreviews } from '../../electron/core/derivatives/raw-preview.ts';
import { applyOrientation, makeThumbnail, THUMB_SIZE, thumbnailPath, type ThumbSource } from '../../electron/core/derivatives/thumbnails.ts';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { HAS_CORPUS, loadExpected, MEDIA_DIR } from '../helpers/corpus.ts';
import { buildTiff, type TiffIfd } from '../helpers/tiff.ts';

/** A real camera JPEG (858 × 570, no EXIF Orientation) to stand in for an embedded preview. */
const PREVIEW_SOURCE = 'metadata-extractor-images/jpg/Nikon D5000.jpg';
const TRUNCATED_DNG = 'exiv2/IMG_1361.dng';

/** 16-bit Bayer sensor values in the low 12 bits, as a camera stores them: near black as a picture. */
function sensorData(width: number, height: number): Buffer {
  const b = Buffer.alloc(width * height * 2);
  let x = 12345;
  for (let i = 0; i < width * height; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b.writeUInt16LE((x >>> 16) & 0xfff, i * 2);
  }
  return b;
}

/** The IFD of a raw CFA image (TIFF/EP PhotometricInterpretation 32803), uncompressed. */
const cfaIfd = (width: number, height: number, extra: TiffIfd['tags'] = {}): TiffIfd => ({
  tags: { 254: 0, 256: width, 257: height, 258: 16, 259: 1, 262: 32803, 277: 1, 278: height, 284: 1, 33421: [2, 2], 33422: [0, 1, 1, 2], ...extra },
  data: sensorData(width, height),
});

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('applyOrientation', () => {
  it('turns pixels as sharp turns a JPEG tagged with each EXIF Orientation 1–8', async () => {
    // A 4 × 2 picture with distinct corners, so every mirror and turn shows.
    const base = await sharp({ create: { width: 4, height: 2, channels: 3, background: '#000' } })
      .composite([
        { input: { create: { width: 1, height: 1, channels: 3, background: '#fff' } }, left: 0, top: 0 },
        { input: { create: { width: 1, height: 1, channels: 3, background: '#f00' } }, left: 3, top: 0 },
        { input: { create: { width: 1, height: 1, channels: 3, background: '#00f' } }, left: 0, top: 1 },
      ])
      .png().toBuffer();
    for (let o = 1; o <= 8; o++) {
      const tagged = await sharp(base).withMetadata({ orientation: o }).png().toBuffer();
      const ref = await sharp(tagged).rotate().raw().toBuffer({ resolveWithObject: true });
      const mine = await applyOrientation(sharp(base), o).raw().toBuffer({ resolveWithObject: true });
      expect({ o, w: mine.info.width, h: mine.info.height }).toEqual({ o, w: ref.info.width, h: ref.info.height });
      expect({ o, same: mine.data.equals(ref.data) }).toEqual({ o, same: true });
    }
  });
});

describe.skipIf(!HAS_CORPUS)('camera RAW thumbnails', () => {
  let dir: string;
  const a = () => ({ objectsDir: join(dir, 'objects'), derivativesDir: join(dir, 'derivatives') });
  const expected = loadExpected();
  let jpeg: Buffer;
  let pw: number;
  let ph: number;

  /** Puts bytes in a scratch object store under their SHA-256 and returns the thumbnail source. */
  const stage = (bytes: Buffer, mime: string): ThumbSource & { path: string } => {
    const sha = sha256(bytes);
    const path = objectPath(a().objectsDir, sha);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return { sha256: sha, kind: 'image', mime, durationSec: null, path };
  };
  const thumb = (src: ThumbSource) => thumbnailPath(a().derivativesDir, src.sha256);

  /** Mean absolute difference (0–255) between the thumbnail and `ref` resized to its size. */
  const diffFrom = async (src: ThumbSource, ref: Sharp): Promise<number> => {
    const t = await sharp(thumb(src)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const r = await ref.resize(t.info.width, t.info.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    let sum = 0;
    for (let i = 0; i < t.data.length; i++) sum += Math.abs(t.data[i]! - r[i]!);
    return sum / t.data.length;
  };

  /** The thumbnail is a picture: neither (nearly) black nor (nearly) uniform, in every channel. */
  const expectPicture = async (src: ThumbSource) => {
    const { channels } = await sharp(thumb(src)).stats();
    for (const c of channels.slice(0, 3)) {
      expect(c.mean).toBeGreaterThan(30);
      expect(c.stdev).toBeGreaterThan(20);
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-raw-thumbs-'));
    jpeg = readFileSync(join(MEDIA_DIR, PREVIEW_SOURCE));
    pw = expected[PREVIEW_SOURCE]!.width!;
    ph = expected[PREVIEW_SOURCE]!.height!;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a DNG thumbnail from its largest JPEG preview, turned by Orientation 6, not from the sensor data in IFD0', async () => {
    const small = await sharp(jpeg).resize(160).jpeg().toBuffer();
    const dng = buildTiff([
      {
        // IFD0: the raw CFA image (as in-camera DNGs of Pentax, Leica and Android phones have it).
        ...cfaIfd(pw, ph, { 274: 6, 50706: [1, 4, 0, 0], 50708: 'Test Camera' }),
        subIfds: [{ tags: { 254: 1, 256: pw, 257: ph, 258: [8, 8, 8], 259: 7, 262: 6, 277: 3, 278: ph }, data: jpeg }],
      },
      // IFD1: an EXIF-style 160-pixel thumbnail, smaller than the SubIFD preview.
      { tags: { 254: 1, 259: 6 }, data: small, dataTags: [513, 514] },
    ]);
    const src = stage(dng, 'image/x-adobe-dng');
    expect((await sniffFile(src.path)).mime).toBe('image/x-adobe-dng');
    const scan = await scanRawPreviews(src.path);
    expect(scan).toMatchObject({ orientation: 6, isDng: true });
    expect(scan!.previews.map((p) => [p.where, p.width, p.height])).toEqual([['IFD0/SubIFD0', pw, ph], ['IFD1 JPEGInterchangeFormat', 160, 106]]);
    expect(scan!.ifd0Problem).toMatch(/sensor data/u);

    expect(await makeThumbnail(a(), src)).toBe('made');
    const m = await sharp(thumb(src)).metadata();
    expect(m.format).toBe('jpeg');
    // Orientation 6 shows the stored 858 × 570 as 570 × 858; from the large preview, so 320 high.
    expect(m.height).toBe(THUMB_SIZE);
    expect(Math.abs(m.width! / m.height! - ph / pw)).toBeLessThan(0.01);
    await expectPicture(src);
    // It is the preview turned 90° clockwise (Orientation 6), not anticlockwise.
    const cw = await diffFrom(src, sharp(jpeg).rotate(90));
    const ccw = await diffFrom(src, sharp(jpeg).rotate(270));
    expect(cw).toBeLessThan(6);
    expect(ccw).toBeGreaterThan(3 * cw);
    expect(sha256(readFileSync(src.path))).toBe(src.sha256);
  });

  it('makes a NEF thumbnail from the JPEGInterchangeFormat preview of a SubIFD, not from the 160-pixel RGB thumbnail in IFD0', async () => {
    const rgb = await sharp(jpeg).resize(160).raw().toBuffer({ resolveWithObject: true });
    const nef = buildTiff([{
      // Nikon's layout: IFD0 a small uncompressed RGB thumbnail, SubIFD0 the JPEG preview,
      // SubIFD1 the raw data; big-endian. Orientation 8: shown turned 90° anticlockwise.
      tags: { 254: 1, 256: rgb.info.width, 257: rgb.info.height, 258: [8, 8, 8], 259: 1, 262: 2, 274: 8, 277: 3, 278: rgb.info.height, 284: 1 },
      data: rgb.data,
      subIfds: [{ tags: { 254: 1, 259: 6 }, data: jpeg, dataTags: [513, 514] }, cfaIfd(pw, ph)],
    }], 'MM');
    const src = stage(nef, 'image/x-nikon-nef');
    expect(await makeThumbnail(a(), src)).toBe('made');
    const m = await sharp(thumb(src)).metadata();
    expect(m.height).toBe(THUMB_SIZE);
    expect(Math.abs(m.width! / m.height! - ph / pw)).toBeLessThan(0.01);
    await expectPicture(src);
    const ccw = await diffFrom(src, sharp(jpeg).rotate(270));
    expect(ccw).toBeLessThan(6);
    expect(await diffFrom(src, sharp(jpeg).rotate(90))).toBeGreaterThan(3 * ccw);
  });

  it('records a clear failure, and writes no black thumbnail, for the corpus DNG whose preview lies past its end', async () => {
    const e = expected[TRUNCATED_DNG]!;
    expect(e.mime).toBe('image/x-adobe-dng');
    const src: ThumbSource = { sha256: e.sha256, kind: 'image', mime: e.mime, durationSec: null };
    const path = objectPath(a().objectsDir, e.sha256);
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(join(MEDIA_DIR, TRUNCATED_DNG), path);

    const scan = await scanRawPreviews(path);
    expect(scan).toMatchObject({ orientation: e.orientation, isDng: true, previews: [] });
    expect(scan!.rejected).toEqual([`IFD0: JPEG at byte ${e.bytes} (5364435 bytes) lies past the end of the ${e.bytes}-byte file (truncated?)`]);

    await expect(makeThumbnail(a(), src)).rejects.toThrow(/^camera RAW \(image\/x-adobe-dng\): no thumbnail: IFD0: JPEG at byte 64104 .* past the end .*; sharp not tried: IFD0 image data ends at byte \d+, past the end/u);
    expect(existsSync(thumb(src))).toBe(false);

    // The background job counts it as failed, with the reason, and goes on.
    const rows = [{ id: 7, sha256: e.sha256, kind: 'image', mime: e.mime, bytes: e.bytes, record: '{}' }];
    const archive = { ...a(), db: { prepare: () => ({ all: () => rows }) } } as unknown as Archive;
    const report = await makeMissingThumbnails(archive);
    expect(report).toMatchObject({ made: 0, failed: 1, unsupported: 0 });
    expect(report.failures).toEqual([expect.stringMatching(/^item 7: camera RAW \(image\/x-adobe-dng\): no thumbnail: .*past the end/u)]);
    expect(existsSync(thumb(src))).toBe(false);
    expect(sha256(readFileSync(path))).toBe(e.sha256);
  });

  it('fails clearly for a DNG with no preview whose IFD0 is the sensor data, instead of a black thumbnail', async () => {
    const src = stage(buildTiff([cfaIfd(pw, ph, { 274: 1, 50706: [1, 4, 0, 0] })]), 'image/x-adobe-dng');
    await expect(makeThumbnail(a(), src)).rejects.toThrow(/no embedded JPEG preview.*sharp not tried: IFD0 holds the sensor data \(PhotometricInterpretation 32803\)/u);
    expect(existsSync(thumb(src))).toBe(false);
  });

  it('leaves JPEG thumbnails as they were: sharp on the file, upright by EXIF; a 16-bit TIFF is stretched (issue 16)', async () => {
    const rot = Object.keys(expected).find((k) => expected[k]!.orientation === 6 && expected[k]!.mime === 'image/jpeg')!;
    // The DJI thermal TIFF is 16-bit grey: its thumbnail is the percentile stretch, not sharp's 8-bit cut (a flat dark grey).
    const tiff = stage(readFileSync(join(MEDIA_DIR, 'exifr/002.tiff')), 'image/tiff');
    expect(await makeThumbnail(a(), tiff)).toBe('made');
    expect(readFileSync(thumb(tiff)).equals((await toneMappedJpeg(join(MEDIA_DIR, 'exifr/002.tiff'), THUMB_SIZE))!)).toBe(true);
    for (const rel of [rot]) {
      const bytes = readFileSync(join(MEDIA_DIR, rel));
      const src = stage(bytes, expected[rel]!.mime!);
      expect(await makeThumbnail(a(), src)).toBe('made');
      const before = await sharp(join(MEDIA_DIR, rel), { failOn: 'none', limitInputPixels: 1e9 }).rotate()
        .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
      expect(readFileSync(thumb(src)).equals(before)).toBe(true);
    }
  });
});
