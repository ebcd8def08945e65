// Thumbnails and posters on real corpus files: upright by orientation, HEIC through its embedded
// preview or its tiles, video poster frames, and nothing for audio; never written beside originals.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { readHeicPreview } from '../../electron/core/derivatives/heic-preview.ts';
import { makeThumbnail, THUMB_SIZE, thumbnailPath, type ThumbSource } from '../../electron/core/derivatives/thumbnails.ts';
import { HAS_CORPUS, loadExpected, MEDIA_DIR } from '../helpers/corpus.ts';

describe.skipIf(!HAS_CORPUS)('thumbnails and posters from the corpus', () => {
  let dir: string;
  const a = () => ({ objectsDir: join(dir, 'objects'), derivativesDir: join(dir, 'derivatives') });
  const expected = loadExpected();

  /** Puts a corpus file in a scratch object store and returns its thumbnail source. */
  const stage = (rel: string): ThumbSource => {
    const e = expected[rel]!;
    const p = objectPath(a().objectsDir, e.sha256);
    mkdirSync(dirname(p), { recursive: true });
    copyFileSync(join(MEDIA_DIR, rel), p);
    return { sha256: e.sha256, kind: e.kind as ThumbSource['kind'], mime: e.mime, durationSec: e.durationSec };
  };
  const size = async (src: ThumbSource) => {
    const m = await sharp(thumbnailPath(a().derivativesDir, src.sha256)).metadata();
    return { w: m.width!, h: m.height!, format: m.format };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-thumbs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('turns a rotated JPEG upright (EXIF orientation 6: stored landscape, shown portrait)', async () => {
    const rel = Object.keys(expected).find((k) => expected[k]!.orientation === 6 && expected[k]!.mime === 'image/jpeg' && expected[k]!.width! > expected[k]!.height!);
    expect(rel).toBeDefined();
    const src = stage(rel!);
    expect(await makeThumbnail(a(), src)).toBe('made');
    const s = await size(src);
    expect(s.format).toBe('jpeg');
    expect(s.h).toBe(THUMB_SIZE);
    expect(s.w).toBeLessThan(s.h);
    expect(await makeThumbnail(a(), src)).toBe('existing');
  });

  it('makes HEIC thumbnails from the thumbnail item and from a tiled primary image', async () => {
    const withThumb = 'exifr/heic-iphone7.heic';
    const tiled = 'exif-samples/IMG_5195.HEIC';
    expect((await readHeicPreview(join(MEDIA_DIR, withThumb)))?.source).toBe('thumbnail');
    const grid = await readHeicPreview(join(MEDIA_DIR, tiled));
    expect(grid?.source).toBe('grid');
    expect(grid?.grid).toMatchObject({ width: expected[tiled]!.width, height: expected[tiled]!.height });
    for (const rel of [withThumb, tiled]) {
      const src = stage(rel);
      expect(await makeThumbnail(a(), src)).toBe('made');
      const s = await size(src);
      expect(Math.max(s.w, s.h)).toBe(THUMB_SIZE);
    }
    // The tiled photo is portrait, 2566 × 3313: its mosaic must be too, and not a uniform grey.
    const src = stage(tiled);
    const s = await size(src);
    expect(s.h).toBeGreaterThan(s.w);
    const stats = await sharp(thumbnailPath(a().derivativesDir, src.sha256)).stats();
    expect(stats.channels[0]!.stdev).toBeGreaterThan(10);
  });

  it('makes a poster frame of a video and nothing for audio', async () => {
    const video = Object.keys(expected).find((k) => expected[k]!.kind === 'video' && k.endsWith('.mov'))!;
    const vsrc = stage(video);
    expect(await makeThumbnail(a(), vsrc)).toBe('made');
    expect((await size(vsrc)).format).toBe('jpeg');
    const audio = Object.keys(expected).find((k) => expected[k]!.kind === 'audio')!;
    const asrc = stage(audio);
    expect(await makeThumbnail(a(), asrc)).toBe('unsupported');
    expect(existsSync(thumbnailPath(a().derivativesDir, asrc.sha256))).toBe(false);
  });

  it('writes only under derivatives/ and leaves the object store as it was', () => {
    const objects = readdirSync(join(dir, 'objects', 'sha256'), { recursive: true }).filter((f) => String(f).length > 60);
    expect(objects.every((f) => !String(f).endsWith('.jpg'))).toBe(true);
  });
});
