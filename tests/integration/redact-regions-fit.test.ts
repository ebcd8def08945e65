// Issue 13 hardening, defect 2: `redact --blur-regions` with a box wholly outside the picture
// ({x: 5000, y: 5000} on 840×700) exited 0 with "blurredBoxes": 1, blurred nothing, and the
// custody record counted the box; a box partly off the edge (x: -100) was refused. Now boxes are
// clipped to the upright picture (the record holds the clipped box) and a box wholly outside is
// refused (exit 2, nothing written) naming the box, the picture size and the coordinate space;
// EXIF orientation decides the upright size; video boxes the same. Real blurring (detection off).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { fitRegions } from '../../electron/core/redact/regions.ts';
import { parseRegions } from '../../electron/core/redact/face-port.ts';

let root: string;
let arch: string;
const ids: Record<string, number> = {};

/** A noisy picture: blurring any part of it changes that part's pixels a lot. */
async function noisyJpeg(width: number, height: number, orientation?: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  const img = sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 95 });
  return (orientation ? img.withMetadata({ orientation }) : img).toBuffer();
}

const regionsFile = (name: string, boxes: unknown) => {
  const p = join(root, name);
  writeFileSync(p, JSON.stringify(boxes));
  return p;
};

async function rawUpright(file: string) {
  const { data, info } = await sharp(file).rotate().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, channels: info.channels };
}

/** Mean absolute difference of the RGB pixels of rectangle (x, y, w, h) between two upright pictures. */
async function diffIn(a: string, b: string, x: number, y: number, w: number, h: number): Promise<number> {
  const [pa, pb] = [await rawUpright(a), await rawUpright(b)];
  let sum = 0;
  for (let row = y; row < y + h; row++) {
    for (let col = x; col < x + w; col++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(pa.data[(row * pa.width + col) * pa.channels + c]! - pb.data[(row * pb.width + col) * pb.channels + c]!);
    }
  }
  return sum / (w * h * 3);
}

const redacted = async (id: number) => {
  const r = await runCli('redact', String(id), '--log', '--archive', arch);
  return JSON.parse(r.out) as { derivative: string; log: { frames: { boxes: { x: number; y: number; w: number; h: number; source: string }[] }[] } };
};
const objectOf = (sha: string) => join(arch, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
const custodyCount = async () => (JSON.parse((await runCli('log', '--archive', arch, '--json')).out) as { events: unknown[] }).events.length;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-redact-regions-'));
  arch = join(root, 'archive');
  const input = join(root, 'in');
  execFileSync('mkdir', ['-p', input]);
  writeFileSync(join(input, 'wide.jpg'), await noisyJpeg(840, 700));
  // Stored 840×700, Orientation 6 (rotate 90° clockwise to show): upright it is 700×840.
  writeFileSync(join(input, 'turned.jpg'), await noisyJpeg(840, 700, 6));
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=5', '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', join(input, 'clip.mp4')]);
  expect((await runCli('ingest', input, '--archive', arch, '--no-previews')).code).toBe(0);
  for (const it of JSON.parse((await runCli('list', '--archive', arch, '--json')).out) as { id: number; sources: { name: string }[] }[]) ids[it.sources[0]!.name] = it.id;
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('boxes to blur fitted to the picture', () => {
  it('fitRegions clips a box partly off the edge and refuses one wholly outside, naming it and the picture size', () => {
    expect(fitRegions([{ x: -100, y: 650, w: 200, h: 100, label: 'plate' }], { width: 840, height: 700 }, 'item 7'))
      .toEqual([{ x: 0, y: 650, w: 100, h: 50, label: 'plate' }]);
    expect(() => fitRegions([{ x: 1, y: 1, w: 5, h: 5 }, { x: 5000, y: 5000, w: 10, h: 10 }], { width: 840, height: 700 }, 'item 7'))
      .toThrow(/item 7: box 2 \{x: 5000, y: 5000, w: 10, h: 10\} lies wholly outside the picture, which is 840×700 pixels \(coordinates are pixels of the upright picture/u);
    // Touching the edge is outside: nothing of it would be blurred.
    expect(() => fitRegions([{ x: 840, y: 0, w: 10, h: 10 }], { width: 840, height: 700 }, 'item 7')).toThrow(/box 1/u);
    expect(parseRegions([{ x: -100, y: -5, w: 10, h: 10 }])).toEqual([{ x: -100, y: -5, w: 10, h: 10 }]);
  });

  it('a box wholly outside a photo: exit 2 naming the box and the size, nothing written', async () => {
    const before = await custodyCount();
    const r = await runCli('redact', String(ids['wide.jpg']), '--blur-regions', regionsFile('out.json', [{ x: 5000, y: 5000, w: 10, h: 10 }]), '--archive', arch);
    expect(r.code).toBe(2);
    expect(r.err).toContain('box 1 {x: 5000, y: 5000, w: 10, h: 10} lies wholly outside the picture of item');
    expect(r.err).toContain('840×700 pixels');
    expect(r.err).toContain('upright picture');
    expect(await custodyCount()).toBe(before);
    expect((await runCli('redact', String(ids['wide.jpg']), '--log', '--archive', arch)).code).toBe(2);
  });

  it('a box partly off the edge is clipped, blurred there, and recorded clipped', async () => {
    const r = await runCli('redact', String(ids['wide.jpg']), '--blur-regions', regionsFile('edge.json', [{ x: -100, y: 100, w: 200, h: 100 }]), '--margin', '0', '--json', '--archive', arch);
    expect(r.code, r.err).toBe(0);
    const made = (JSON.parse(r.out) as { derivative: { removed: { blurredBoxes: number }; settings: { regions: unknown[] } } }[])[0]!.derivative;
    expect(made.removed.blurredBoxes).toBe(1);
    const d = await redacted(ids['wide.jpg']!);
    expect(d.log.frames[0]!.boxes.filter((b) => b.source === 'manual').map(({ x, y, w, h }) => ({ x, y, w, h }))).toEqual([{ x: 0, y: 100, w: 100, h: 100 }]);
    const original = join(root, 'in', 'wide.jpg');
    expect(await diffIn(original, objectOf(d.derivative), 0, 100, 100, 100)).toBeGreaterThan(30);
    expect(await diffIn(original, objectOf(d.derivative), 300, 300, 100, 100)).toBeLessThan(10);
  }, 60_000);

  it('EXIF orientation decides the size: a box inside the stored 840×700 but outside the upright 700×840 is refused', async () => {
    const r = await runCli('redact', String(ids['turned.jpg']), '--blur-regions', regionsFile('turned.json', [{ x: 750, y: 10, w: 20, h: 20 }]), '--archive', arch);
    expect(r.code).toBe(2);
    expect(r.err).toContain('700×840 pixels');
  });

  it('video: a box wholly outside is refused, one partly off the edge clipped', async () => {
    const out = await runCli('redact', String(ids['clip.mp4']), '--blur-regions', regionsFile('v-out.json', [{ x: 1000, y: 10, w: 20, h: 20 }]), '--archive', arch);
    expect(out.code).toBe(2);
    expect(out.err).toContain('320×240 pixels');
    const r = await runCli('redact', String(ids['clip.mp4']), '--blur-regions', regionsFile('v-edge.json', [{ x: 300, y: -20, w: 100, h: 60 }]), '--margin', '0', '--archive', arch);
    expect(r.code, r.err).toBe(0);
    const d = await redacted(ids['clip.mp4']!);
    const manual = d.log.frames.flatMap((f) => f.boxes.filter((b) => b.source === 'manual'));
    expect(manual.length).toBeGreaterThan(0);
    for (const b of manual) expect({ x: b.x, y: b.y, w: b.w, h: b.h }).toEqual({ x: 300, y: 0, w: 20, h: 40 });
  }, 120_000);
});
