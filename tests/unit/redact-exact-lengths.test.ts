// The lengths the strippers cut kept parts to (redact tool 0.2.0): they must be exactly what real
// encoders write, or a clean file would be rebuilt or cut and its picture changed. Checked against
// PNGs sharp writes (every colour type and bit depth, plain and Adam7-interlaced) and the ICC
// profiles of the shared corpus, then against planted tails and gaps.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { exactTag } from '../../electron/core/redact/icc-clean.ts';
import { pngImageDataSize } from '../../electron/core/redact/png-image.ts';
import { stripPng } from '../../electron/core/redact/png-webp-strip.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const PORTRAIT = join(SHARED_DIR, 'fixtures/faces/portrait.jpg');
const LUT_PROFILE = join(MEDIA_DIR, 'immich-test-assets/thompson-springs.jpg');
const KEPT = { orientation: null, capturedAt: null, date: 'keep' as const };

function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let p = 8; p + 12 <= png.length; p += 12 + png.readUInt32BE(p)) out.push({ type: png.toString('latin1', p + 4, p + 8), data: png.subarray(p + 8, p + 8 + png.readUInt32BE(p)) });
  return out;
}

describe.skipIf(!existsSync(PORTRAIT))('PNG image data size', () => {
  const cases: [string, (s: Sharp) => Sharp][] = [
    ['RGB 8', (s) => s.png()], ['RGBA 8 interlaced', (s) => s.ensureAlpha().png({ progressive: true })], ['grey 16', (s) => s.greyscale().toColourspace('grey16').png()],
    ['grey 16 interlaced', (s) => s.greyscale().toColourspace('grey16').png({ progressive: true })], ['palette 4 bits', (s) => s.png({ palette: true, colours: 16 })],
    ['palette 2 bits interlaced', (s) => s.png({ palette: true, colours: 4, progressive: true })], ['RGB 16', (s) => s.toColourspace('rgb16').png()],
  ];
  for (const [name, make] of cases) {
    it(`${name}: the IHDR's size is what the IDAT stream inflates to, and a clean file is copied byte for byte`, async () => {
      // odd sizes, so partial bytes and empty Adam7 passes occur
      for (const width of [1, 3, 61]) {
        const png = await make(sharp(PORTRAIT).resize(width, width === 1 ? 2 : 37, { fit: 'fill' })).toBuffer();
        const c = chunks(png);
        const inflated = inflateSync(Buffer.concat(c.filter((x) => x.type === 'IDAT').map((x) => x.data)));
        expect(pngImageDataSize(c[0]!.data), `${name} ${width}`).toBe(inflated.length);
        expect(stripPng(png, KEPT).data.equals(png), `${name} ${width}`).toBe(true);
      }
    });
  }
});

describe('ICC tags cut to their type\'s length', () => {
  it.skipIf(!existsSync(LUT_PROFILE))('keeps every tag of a LUT-based profile (mAB, mBA, sf32, XYZ, sig) byte for byte', () => {
    const icc = execFileSync('exiftool', ['-b', '-ICC_Profile', LUT_PROFILE], { maxBuffer: 1 << 26 });
    let luts = 0;
    for (let i = 0; i < icc.readUInt32BE(128); i++) {
      const e = 132 + 12 * i;
      const sig = icc.toString('latin1', e, e + 4);
      const tag = icc.subarray(icc.readUInt32BE(e + 4), icc.readUInt32BE(e + 4) + icc.readUInt32BE(e + 8));
      if (tag.toString('latin1', 0, 4) === 'mluc') continue;
      if (tag.toString('latin1', 0, 3) === 'mBA' || tag.toString('latin1', 0, 3) === 'mAB') luts++;
      expect(exactTag(sig, tag), sig).toEqual(tag);
    }
    expect(luts).toBe(4);
  });

  it('cuts a para to its function type\'s parameters and zeroes its reserved bytes', () => {
    const para = Buffer.alloc(12 + 20);
    para.write('para', 0, 'latin1');
    para.writeUInt16BE(3, 8); // function type 3: five parameters
    for (let i = 0; i < 5; i++) para.writeInt32BE(65536 * (i + 1), 12 + 4 * i);
    const planted = Buffer.concat([para, Buffer.from('PARALEAK Aigul', 'latin1')]);
    planted.write('XY', 4, 'latin1');
    expect(exactTag('rTRC', planted)).toEqual(para);
  });

  it('keeps an mAB\'s curves, matrix and CLUT and zeroes the gap between them', () => {
    // 1 input, 1 output: B curve at 32 (curv, identity, 12 bytes), a 16-byte gap holding text, CLUT at 60 (2 grid points, 8-bit)
    const t = Buffer.alloc(60 + 20 + 2);
    t.write('mAB ', 0, 'latin1');
    t[8] = 1;
    t[9] = 1;
    t.writeUInt32BE(32, 12);
    t.writeUInt32BE(60, 24);
    t.write('curv', 32, 'latin1');
    t.write('GAPLEAK Aigul S', 44, 'latin1');
    t[60] = 2;
    t[76] = 1;
    t[80] = 0x10;
    t[81] = 0xf0;
    const planted = Buffer.concat([t, Buffer.from('TAILLEAK', 'latin1')]);
    const out = exactTag('A2B0', planted)!;
    expect(out.length).toBe(t.length);
    expect(out.toString('latin1')).not.toContain('LEAK');
    expect(out.subarray(0, 44)).toEqual(t.subarray(0, 44));
    expect(out.subarray(60)).toEqual(t.subarray(60));
  });

  it('drops a tag of a type its structure cannot be read from (curv shorter than its count)', () => {
    const curv = Buffer.alloc(12);
    curv.write('curv', 0, 'latin1');
    curv.writeUInt32BE(100, 8);
    expect(exactTag('rTRC', curv)).toBeNull();
  });
});
