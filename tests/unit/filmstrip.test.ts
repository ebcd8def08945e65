// Issue 16 §2: previews a filmmaker can read. A DJI thermal TIFF (16-bit grey, values 7,534–8,011)
// becomes a picture, not black; a clip gets a scrub strip and a contact sheet with timecodes, the
// CLI writes one (`evidence contact-sheet`), and an export's custody report can carry them.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { contactSheetJpeg, frameTimes, STRIP_FRAMES, stripJpeg, timecode } from '../../electron/core/derivatives/filmstrip.ts';
import { stretchBounds, toneMappedJpeg } from '../../electron/core/derivatives/tone-map.ts';
import { thumbnailJpeg } from '../../electron/core/derivatives/thumbnails.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const tmp = mkdtempSync(join(tmpdir(), 'evidence-filmstrip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const FLIR = join(MEDIA_DIR, 'metadata-extractor-images/mp4/FLIR Thermal.mp4');
const THERMAL = join(MEDIA_DIR, 'exifr/002.tiff');

describe('frame times, timecodes and the percentile stretch', () => {
  it('spreads frames over the middle of equal parts and prints SMPTE-style timecodes', () => {
    expect(frameTimes(10, 4)).toEqual([1.25, 3.75, 6.25, 8.75]);
    expect(timecode(3725.5, 25)).toBe('01:02:05:12');
    expect(timecode(1.25, null)).toBe('00:00:01.250');
    expect(timecode(59.999, 30)).toBe('00:00:59:29');
  });
  it('finds the 0.5 / 99.5 percentiles, ignoring a few outliers', () => {
    const v = new Uint16Array(1000).map((_, i) => 7500 + (i % 500));
    v[0] = 0;
    v[1] = 65535;
    const { lo, hi } = stretchBounds(v);
    expect(lo).toBeGreaterThanOrEqual(7500);
    expect(lo).toBeLessThan(7510);
    expect(hi).toBeGreaterThan(7990);
    expect(hi).toBeLessThanOrEqual(7999);
  });
});

describe.skipIf(!HAS_CORPUS)('on the corpus', () => {
  it('stretches the DJI XT2 thermal TIFF into a picture (8-bit conversion is a flat dark grey)', async () => {
    const plain = await sharp(await sharp(THERMAL).jpeg().toBuffer()).stats();
    expect(plain.channels[0]!.max - plain.channels[0]!.min).toBeLessThanOrEqual(3); // what sharp alone gives: 29–31
    const jpeg = (await toneMappedJpeg(THERMAL, 320))!;
    const st = await sharp(jpeg).stats();
    expect(st.channels[0]!.mean).toBeGreaterThan(80);
    expect(st.channels[0]!.stdev).toBeGreaterThan(30);
    expect(await toneMappedJpeg(join(MEDIA_DIR, 'exifr/noexif.jpg'), 320)).toBeNull(); // 8-bit: left to the usual path
    // And the thumbnail path uses it.
    const sha = 'ee'.repeat(32);
    mkdirSync(dirname(objectPath(join(tmp, 'o'), sha)), { recursive: true });
    copyFileSync(THERMAL, objectPath(join(tmp, 'o'), sha));
    const thumb = (await thumbnailJpeg(join(tmp, 'o'), { sha256: sha, kind: 'image', mime: 'image/tiff', durationSec: null }))!;
    expect((await sharp(thumb).stats()).channels[0]!.stdev).toBeGreaterThan(30);
  });

  it('makes a strip of 10 frames and a contact sheet of 12 with timecodes', async () => {
    const sha = 'ff'.repeat(32);
    mkdirSync(dirname(objectPath(join(tmp, 'o'), sha)), { recursive: true });
    copyFileSync(FLIR, objectPath(join(tmp, 'o'), sha));
    const strip = await sharp(await stripJpeg(join(tmp, 'o'), { sha256: sha, durationSec: 11.353 })).metadata();
    expect([strip.width, strip.height]).toEqual([320 * STRIP_FRAMES, 180]);
    const sheet = await contactSheetJpeg(join(tmp, 'o'), { sha256: sha, durationSec: 11.353, name: 'FLIR Thermal.mp4', fps: 29.97 });
    const m = await sharp(sheet).metadata();
    expect([m.width, m.height]).toEqual([1280, 662]);
    // The frames are pictures (the thermal palette), not black.
    const frame = await sharp(sheet).extract({ left: 0, top: 44, width: 320, height: 180 }).stats();
    expect(frame.channels[2]!.mean).toBeGreaterThan(40);
    await expect(stripJpeg(join(tmp, 'o'), { sha256: sha, durationSec: null })).rejects.toThrow(/no duration/u);
  }, 120_000);

  it('`evidence contact-sheet` writes the JPEG; refuses a photo and an existing file; the report carries it with --contact-sheets', async () => {
    const card = join(tmp, 'card');
    mkdirSync(card);
    copyFileSync(FLIR, join(card, 'FLIR Thermal.mp4'));
    copyFileSync(join(MEDIA_DIR, 'exifr/noexif.jpg'), join(card, 'noexif.jpg'));
    const archive = join(tmp, 'archive');
    expect((await runCli('ingest', card, '--archive', archive, '--no-previews')).code).toBe(0);
    const d = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    const idOf = (name: string) => String(d.prepare('SELECT item_id FROM sightings WHERE file_name = ?').pluck().get(name));
    const [clip, still] = [idOf('FLIR Thermal.mp4'), idOf('noexif.jpg')];
    d.close();
    const out = join(tmp, 'sheet.jpg');
    const r = await runCli('contact-sheet', clip, '--archive', archive, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('contact sheet of FLIR Thermal.mp4, 12 frames');
    expect((await sharp(out).metadata()).width).toBe(1280);
    expect((await runCli('contact-sheet', clip, '--archive', archive, '--out', out)).code).toBe(2);
    const photo = await runCli('contact-sheet', still, '--archive', archive, '--out', join(tmp, 'x.jpg'));
    expect(photo.code).toBe(2);
    expect(photo.err).toMatch(/not a video clip/u);
    const bag = join(tmp, 'bag');
    const e = await runCli('export', '--all', '--out', bag, '--archive', archive, '--no-sign', '--contact-sheets');
    expect(e.code, e.err).toBe(0);
    const html = readFileSync(join(bag, 'evidence', 'custody-report.html'), 'utf8');
    expect(html.match(/<figure class="sheet">/gu)?.length).toBe(1);
    expect(readFileSync(join(bag, 'evidence', 'custody-report.pdf')).length).toBeGreaterThan(100_000);
  }, 180_000);
});
