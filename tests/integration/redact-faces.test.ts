// Face blurring on the real photos in shared/fixtures/faces and on short videos with speech made
// from them here: no face left for the detector, pixels far from faces unchanged, the rotated
// portrait upright, manual regions blurred, audio packets bit-identical, abort stops cleanly.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../electron/core/derivatives/ffmpeg.ts';
import { blurPhotoFaces, detectFaces, type Box } from '../../electron/core/redact/faces.ts';
import { blurVideoFaces } from '../../electron/core/redact/video-faces.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';

const FACES = join(SHARED_DIR, 'fixtures', 'faces');
const HAS_FACES = existsSync(join(FACES, 'city.jpg'));

async function rgbOf(input: string | Buffer) {
  const { data, info } = await sharp(input).rotate().toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference per channel inside `r` (0–255). */
function mad(a: { data: Buffer; width: number }, b: { data: Buffer }, r: { x: number; y: number; w: number; h: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.round(r.y); y < Math.round(r.y + r.h); y++) {
    for (let x = Math.round(r.x); x < Math.round(r.x + r.w); x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * a.width + x) * 3 + c;
        sum += Math.abs(a.data[i]! - b.data[i]!);
        n++;
      }
    }
  }
  return sum / n;
}

/** Standard deviation of luma inside `r`: detail left in a patch (a blurred face is flat). */
function detail(a: { data: Buffer; width: number }, r: { x: number; y: number; w: number; h: number }): number {
  const v: number[] = [];
  for (let y = Math.round(r.y); y < Math.round(r.y + r.h); y++) {
    for (let x = Math.round(r.x); x < Math.round(r.x + r.w); x++) {
      const i = (y * a.width + x) * 3;
      v.push(0.299 * a.data[i]! + 0.587 * a.data[i + 1]! + 0.114 * a.data[i + 2]!);
    }
  }
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length);
}

/** Lower threshold than the pipeline's 0.2: what a weaker face would score. */
async function facesLeft(rgb: { data: Buffer; width: number; height: number }): Promise<Box[]> {
  return [...(await detectFaces(rgb, { minConfidence: 0.2 })), ...(await detectFaces(rgb, { minConfidence: 0.15 }))];
}

// Detection is CPU-bound (WASM): on a busy 2-core host one photo takes tens of seconds.
const SLOW = { timeout: 180_000 };

describe.skipIf(!HAS_FACES)('photo face blurring (real photos)', () => {
  it('finds the faces of the street crowd, and none is left after blurring; the rest of the picture is unchanged', SLOW, async () => {
    const src = join(FACES, 'city.jpg');
    const before = await rgbOf(src);
    const faces = await detectFaces(before);
    // the crowd has about 15 clearly visible faces; the strategy (tiles + tiny) finds more than SSD alone
    expect(faces.length).toBeGreaterThanOrEqual(15);
    const ssdOnly = await detectFaces(before, { tiles: false, tiny: false, minConfidence: 0.3 });
    expect(faces.length).toBeGreaterThan(ssdOnly.length);

    // upright only: this is about the crowd strategy; the turned searches (×4 the time) are tested in redact-orientations.test.ts
    const r = await blurPhotoFaces(src, { orientations: 'upright' });
    expect(r.format).toBe('jpeg');
    const after = await rgbOf(r.image);
    expect([after.width, after.height]).toEqual([before.width, before.height]);
    expect(await facesLeft(after)).toEqual([]);
    const logged = r.log.frames[0]!.boxes;
    expect(logged.length).toBeGreaterThanOrEqual(faces.length);
    expect(logged.every((b) => b.source === 'detector')).toBe(true);
    expect(r.log.detector).toMatchObject({ name: '@vladmandic/face-api', version: '1.7.15', minConfidence: 0.2 });
    // every confident face changed beyond recognition: its pixels moved and its detail is gone
    for (const f of faces.filter((b) => b.score >= 0.5 && b.w >= 20)) {
      expect(mad(before, after, f)).toBeGreaterThan(12);
      expect(detail(after, f)).toBeLessThan(detail(before, f) * 0.6);
    }
    // the street below the people: only JPEG re-encoding noise
    expect(mad(before, after, { x: 0, y: 420, w: before.width, h: 140 })).toBeLessThan(3);
    // no metadata in the result
    const meta = await sharp(r.image).metadata();
    expect([meta.exif, meta.xmp, meta.icc, meta.iptc]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('blurs the rotated portrait upright, at the displayed faces, in pixelate mode too', SLOW, async () => {
    const upright = await rgbOf(join(FACES, 'portrait.jpg'));
    const faces = await detectFaces(upright);
    const frontal = faces.find((b) => b.score > 0.5)!;
    expect(frontal).toBeDefined();
    for (const mode of ['blur', 'pixelate'] as const) {
      const r = await blurPhotoFaces(join(FACES, 'portrait-orientation-6.jpg'), { mode, orientations: 'upright' });
      const meta = await sharp(r.image).metadata();
      expect([meta.width, meta.height, meta.orientation]).toEqual([840, 700, undefined]);
      const after = await rgbOf(r.image);
      // upright: the lower left (the flask and table) matches the upright portrait
      expect(mad(upright, after, { x: 20, y: 560, w: 200, h: 120 })).toBeLessThan(8);
      expect(mad(upright, after, frontal)).toBeGreaterThan(10);
      expect(detail(after, frontal)).toBeLessThan(detail(upright, frontal) * 0.6);
      expect(await facesLeft(after)).toEqual([]);
    }
  });

  it('blurs manual regions (with detection off) and nothing else', SLOW, async () => {
    const src = join(FACES, 'portrait.jpg');
    const before = await rgbOf(src);
    const region = { x: 600, y: 450, w: 120, h: 100, label: 'a name on a door' };
    const r = await blurPhotoFaces(src, { regions: [region], detect: false, marginPct: 0 });
    const after = await rgbOf(r.image);
    expect(r.log.frames[0]!.boxes).toEqual([{ x: 600, y: 450, w: 120, h: 100, score: 1, source: 'manual' }]);
    expect(detail(after, region)).toBeLessThan(detail(before, region) * 0.6);
    // faces were not looked for: the frontal face is untouched
    expect(mad(before, after, { x: 280, y: 170, w: 60, h: 100 })).toBeLessThan(4);
  });

  it('names the file when it is not an image', SLOW, async () => {
    await expect(blurPhotoFaces(join(FACES, 'SOURCES.md'))).rejects.toThrow(/SOURCES\.md: cannot read the image/u);
  });
});

describe.skipIf(!HAS_FACES)('video face blurring (videos made from the real photos)', () => {
  let dir = '';
  const ff = (args: string[], bin = ffmpegPath()) => execFileSync(bin, ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  /** MD5 of the audio packets (stream copy), as `ffmpeg -map 0:a -c copy -f md5` prints it. */
  const audioMd5 = (f: string) => execFileSync(ffmpegPath(), ['-v', 'error', '-i', f, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
  const frameAt = async (f: string, sec: number) => {
    const png = execFileSync(ffmpegPath(), ['-v', 'error', '-ss', String(sec), '-i', f, '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', '-']);
    return rgbOf(png);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'faces-video-'));
    // speech: flite through the system ffmpeg when it has it (SOURCES.md), else a tone
    const speech = join(dir, 'speech.wav');
    const flite = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', "flite=text='I saw them at the checkpoint on Tuesday morning.'", '-t', '3', speech]);
    if (flite.status !== 0) ff(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', speech]);
    // a slow zoom on the crowd, 640 wide, with AAC speech
    ff(['-loop', '1', '-framerate', '25', '-i', join(FACES, 'city.jpg'), '-i', speech, '-vf', "zoompan=z='1+0.003*on':d=1:s=800x564:fps=25,scale=640:452,format=yuv420p", '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', join(dir, 'city.mp4')]);
    // the portrait stored turned a quarter, with a 90° rotation tag as phones write (display: upright)
    ff(['-loop', '1', '-framerate', '25', '-i', join(FACES, 'portrait.jpg'), '-i', speech, '-vf', 'transpose=1,format=yuv420p', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', join(dir, 'rot0.mp4')]);
    ff(['-i', join(dir, 'rot0.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'rot.mp4')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('blurs every sampled frame of the crowd, keeps the audio bit-identical and strips metadata', SLOW, async () => {
    const src = join(dir, 'city.mp4');
    const out = join(dir, 'city.blur.mp4');
    const progress: number[] = [];
    // the default probe: turned, the detector fires on these upright faces too, and before those
    // boxes were dropped they spread the blur onto the crossing below (mean difference 6.7–7.1)
    const r = await blurVideoFaces(src, out, { onProgress: (d) => progress.push(d) });
    expect(r.fps).toBe(25);
    expect(r.log.frames.map((f) => f.index)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(progress.at(-1)).toBe(50);
    expect(r.log.frames.every((f) => f.boxes.length >= 10)).toBe(true);
    expect(audioMd5(out)).toBe(audioMd5(src));
    expect(audioMd5(out)).toMatch(/^MD5=[0-9a-f]{32}$/u);
    for (const sec of [0, 0.52, 1.2, 1.9]) {
      const orig = await frameAt(src, sec);
      const blurred = await frameAt(out, sec);
      expect((await detectFaces(orig, { tiles: false, tiny: false })).length).toBeGreaterThanOrEqual(8);
      expect({ sec, left: await detectFaces(blurred, { tiles: false, tiny: false, minConfidence: 0.2 }) }).toEqual({ sec, left: [] });
      // the crossing below the people is the same picture
      expect(mad(orig, blurred, { x: 0, y: 340, w: 640, h: 100 })).toBeLessThan(6);
    }
    // the clip is upright: no turn stays searched, and what turned boxes remain are not on the crossing
    expect(r.log.detector.orientations).toMatch(/^probe: /u);
    const turned = r.log.frames.flatMap((f) => f.boxes.filter((b) => b.orientation !== undefined && b.orientation !== 0));
    expect(turned.every((b) => b.y + b.h < 340)).toBe(true);
    const probe = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format_tags', '-of', 'json', out], { encoding: 'utf8' });
    expect(JSON.parse(probe)).toMatchObject({ streams: [{ codec_name: 'h264' }, { codec_name: 'aac' }] });
    expect(probe).not.toMatch(/creation_time|location/u);
  });

  it('decodes a rotated phone video upright and blurs the faces where they are shown', SLOW, async () => {
    const out = join(dir, 'rot.blur.mp4');
    const r = await blurVideoFaces(join(dir, 'rot.mp4'), out, { regions: [{ x: 600, y: 450, w: 120, h: 100, fromSec: 0.5 }] });
    const upright = await rgbOf(join(FACES, 'portrait.jpg'));
    const frame = await frameAt(out, 0.8);
    expect([frame.width, frame.height]).toEqual([840, 700]);
    expect(execFileSync('ffprobe', ['-v', 'error', '-show_streams', out], { encoding: 'utf8' })).not.toMatch(/rotation|rotate/u);
    expect(mad(upright, frame, { x: 20, y: 560, w: 200, h: 120 })).toBeLessThan(10);
    expect(mad(upright, frame, { x: 280, y: 170, w: 60, h: 100 })).toBeGreaterThan(10);
    expect(await detectFaces(frame, { tiles: false, tiny: false, minConfidence: 0.2 })).toEqual([]);
    expect(audioMd5(out)).toBe(audioMd5(join(dir, 'rot.mp4')));
    // the manual region only from 0.5 s on
    const manualAt = (i: number) => r.log.frames[i]!.boxes.filter((b) => b.source === 'manual').length;
    expect([manualAt(0), manualAt(12), manualAt(13), manualAt(24)]).toEqual([0, 0, 1, 1]);
    expect(detail(frame, { x: 610, y: 460, w: 100, h: 80 })).toBeLessThan(detail(upright, { x: 610, y: 460, w: 100, h: 80 }) * 0.6);
  });

  it('stops cleanly on abort: rejects with the reason, leaves no output', SLOW, async () => {
    const out = join(dir, 'aborted.mp4');
    const ctl = new AbortController();
    const p = blurVideoFaces(join(dir, 'city.mp4'), out, { signal: ctl.signal, onProgress: (d) => d === 5 && ctl.abort(new Error('user cancelled')) });
    await expect(p).rejects.toThrow('user cancelled');
    expect(existsSync(out)).toBe(false);
  });
});
