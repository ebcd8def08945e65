// Issue 13, hostile test: redacted copies kept a person's name in private chunks (PNG `prVt`,
// WebP `ZZZZ`), in the PNG iCCP profile name and in the ICC profile's own text tags (desc, dmnd,
// dmdd, cprt; also private tags). Each file is planted with "Aigul Victimova" the way the tester
// did; the stripped copy must show it neither to `exiftool -a -G1 -ee` nor in its bytes (plain,
// UTF-16, or deflated inside iCCP), while the picture decodes to the same sRGB values.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanIccProfile, iccProfileId } from '../../electron/core/redact/icc-clean.ts';
import { named, NAME, namedProfile, pngChunk, SECRET, webpChunks, webpOf } from '../helpers/planted-media.ts';
import { stripJpeg } from '../../electron/core/redact/jpeg-strip.ts';
import { stripPng, stripWebp } from '../../electron/core/redact/png-webp-strip.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';

const PORTRAIT = join(SHARED_DIR, 'fixtures/faces/portrait.jpg');
const DENALI = join(SHARED_DIR, 'fixtures/media/immich-test-assets/denali.webp');
const HAVE = existsSync(PORTRAIT) && existsSync(DENALI);
const KEPT = { orientation: null, capturedAt: null, date: 'keep' as const };
const work = mkdtempSync(join(tmpdir(), 'redact-icc-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** exiftool -a -G1 -ee of `data` as text, every tag. */
function exif(data: Buffer, ext: string): string {
  const p = join(work, `probe-${createHash('sha256').update(data).digest('hex').slice(0, 12)}.${ext}`);
  writeFileSync(p, data);
  return execFileSync('exiftool', ['-a', '-G1', '-ee', '-U', p], { encoding: 'utf8', maxBuffer: 1 << 26 });
}

/** The picture as sRGB RGB (sharp applies the embedded profile). */
const rgb = async (data: Buffer) => sharp(data).toColourspace('srgb').removeAlpha().raw().toBuffer();
async function sameColours(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([rgb(a), rgb(b)]);
  expect(y.length).toBe(x.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

let base: Buffer;
let icc: Buffer;
beforeAll(() => {
  if (!HAVE) return;
  base = execFileSync('exiftool', ['-b', '-ICC_Profile', DENALI], { maxBuffer: 1 << 24 });
  icc = namedProfile(base);
});

describe.skipIf(!HAVE)('ICC profile cleaning', () => {
  it('the planted profile shows the name to exiftool (the check can fail)', () => {
    expect(exif(icc, 'icc')).toContain('AigulVictimova');
    expect(exif(icc, 'icc')).toContain(NAME);
  });

  it('keeps every colour tag byte for byte, writes desc/cprt neutrally, drops the other text, zeroes the signatures, recomputes the ID', () => {
    const { data, changes } = cleanIccProfile(icc);
    expect(named(data)).toEqual([]);
    const tags = exif(data, 'icc');
    expect(tags).toMatch(/Profile Description\s+: ICC profile/u);
    expect(tags).not.toMatch(/Device (Mfg|Model) Desc/u);
    expect(tags).not.toMatch(/AIGV/u);
    expect(changes.rewritten.sort()).toEqual(['cprt', 'desc']);
    expect(changes.dropped.sort()).toEqual(['dmdd', 'dmnd', 'prvT']);
    expect(changes.header).toEqual(['device manufacturer', 'profile creator']);
    expect(data.subarray(84, 100)).toEqual(iccProfileId(data));
    // colour tags: the same bytes at their new places
    const tagData = (p: Buffer, sig: string) => {
      for (let i = 0; i < p.readUInt32BE(128); i++) {
        const e = 132 + 12 * i;
        if (p.toString('latin1', e, e + 4) === sig) return p.subarray(p.readUInt32BE(e + 4), p.readUInt32BE(e + 4) + p.readUInt32BE(e + 8));
      }
      return null;
    };
    for (const sig of ['wtpt', 'rXYZ', 'gXYZ', 'bXYZ', 'rTRC', 'gTRC', 'bTRC', 'chrm']) expect(tagData(data, sig), sig).toEqual(tagData(base, sig));
    for (let i = 0; i < data.readUInt32BE(128); i++) expect(data.readUInt32BE(136 + 12 * i) % 4).toBe(0);
  });
});

describe.skipIf(!HAVE)('PNG: a whitelist of chunks, iCCP renamed and cleaned', () => {
  let png: Buffer;
  beforeAll(async () => {
    const plain = await sharp(PORTRAIT).resize(96).png().toBuffer();
    // after IHDR (8 + 25 bytes), as the tester did
    png = Buffer.concat([plain.subarray(0, 33),
      pngChunk('iCCP', Buffer.concat([Buffer.from(`${NAME}\0\0`, 'latin1'), deflateSync(icc)])),
      pngChunk('prVt', Buffer.from(SECRET)), pngChunk('tEXt', Buffer.from(`Author\0${NAME}`)), plain.subarray(33)]);
  });

  it('the planted PNG shows the name (the check can fail)', () => {
    expect(exif(png, 'png')).toContain(NAME);
    expect(named(png).length).toBeGreaterThan(0);
  });

  it('the copy keeps no private chunk, no profile name and no profile text, and draws the same colours', async () => {
    const { data, removed } = stripPng(png, KEPT);
    expect(named(data)).toEqual([]);
    const tags = exif(data, 'png');
    expect(tags).not.toMatch(/Aigul|Victimova|39\.98|prVt/u);
    expect(tags).toMatch(/\[PNG\]\s+Profile Name\s+: ICC profile/u);
    expect(tags).toMatch(/Profile Description\s+: ICC profile/u);
    expect(removed.groups).toEqual(expect.arrayContaining(['PNG prVt', 'PNG tEXt', 'PNG iCCP profile name']));
    expect(JSON.stringify(removed)).not.toMatch(/Aigul|Victimova/u);
    expect(await sameColours(png, data)).toBeLessThanOrEqual(1);
  });

  it('keeps the chunks that draw the picture, APNG animation included', () => {
    const plain = stripPng(png, KEPT).data;
    const ihdrEnd = 33;
    const actl = pngChunk('acTL', Buffer.from([0, 0, 0, 1, 0, 0, 0, 0]));
    const phys = pngChunk('pHYs', Buffer.from([0, 0, 11, 19, 0, 0, 11, 19, 1]));
    const srgb = pngChunk('sRGB', Buffer.from([0]));
    const oFFs = pngChunk('oFFs', Buffer.alloc(9));
    const withAll = Buffer.concat([plain.subarray(0, ihdrEnd), actl, phys, srgb, oFFs, plain.subarray(ihdrEnd)]);
    const out = stripPng(withAll, KEPT).data;
    for (const c of [actl, phys, srgb]) expect(out.includes(c)).toBe(true);
    expect(out.includes(oFFs)).toBe(false);
  });
});

describe.skipIf(!HAVE)('WebP: a whitelist of chunks, ICCP cleaned, VP8X and RIFF size fixed', () => {
  it('drops a private chunk and the profile text from an extended WebP', async () => {
    const chunks = webpChunks(readFileSync(DENALI));
    expect(chunks.map((c) => c.fourcc)).toContain('ICCP');
    const planted = webpOf([...chunks.map((c) => (c.fourcc === 'ICCP' ? { fourcc: 'ICCP', data: icc } : c)), { fourcc: 'ZZZZ', data: Buffer.from(SECRET) }]);
    expect(exif(planted, 'webp')).toContain('AigulVictimova');
    expect(named(planted).length).toBeGreaterThan(0);
    const { data, removed } = stripWebp(planted, KEPT);
    expect(named(data)).toEqual([]);
    expect(exif(data, 'webp')).not.toMatch(/Aigul|Victimova|39\.98/u);
    expect(removed.groups).toContain('WebP ZZZZ');
    const out = webpChunks(data);
    expect(out.map((c) => c.fourcc).filter((f) => !['VP8X', 'VP8 ', 'VP8L', 'ALPH', 'ICCP'].includes(f))).toEqual([]);
    expect(data.readUInt32LE(4)).toBe(data.length - 8);
    expect(out[0]!.data[0]! & 0x20).toBe(0x20); // ICC flag: the cleaned profile is there
    expect(await sameColours(planted, data)).toBeLessThanOrEqual(1);
  });

  it('drops a private chunk from a simple (VP8 only) WebP', async () => {
    const simple = await sharp(PORTRAIT).resize(64).webp().toBuffer();
    const planted = webpOf([...webpChunks(simple), { fourcc: 'ZZZZ', data: Buffer.from(SECRET) }]);
    const { data } = stripWebp(planted, KEPT);
    expect(named(data)).toEqual([]);
    expect(data).toEqual(simple);
  });
});

describe.skipIf(!HAVE)('JPEG: the ICC profile is reassembled from its APP2 segments, cleaned and split again', () => {
  it('a profile split over three segments loses its text and keeps its colours', async () => {
    const plain = await sharp(PORTRAIT).resize(96).jpeg().toBuffer();
    const third = Math.ceil(icc.length / 3);
    const segs = [0, 1, 2].map((i) => {
      const payload = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([i + 1, 3]), icc.subarray(i * third, (i + 1) * third)]);
      const h = Buffer.from([0xff, 0xe2, 0, 0]);
      h.writeUInt16BE(payload.length + 2, 2);
      return Buffer.concat([h, payload]);
    });
    const jpeg = Buffer.concat([plain.subarray(0, 2), ...segs, plain.subarray(2)]);
    expect(exif(jpeg, 'jpg')).toContain('AigulVictimova');
    const { data, removed } = stripJpeg(jpeg, KEPT);
    expect(named(data)).toEqual([]);
    const tags = exif(data, 'jpg');
    expect(tags).not.toMatch(/Aigul|Victimova|Device Mfg Desc/u);
    expect(tags).toMatch(/Profile Description\s+: ICC profile/u);
    expect(removed.groups.some((g) => g.startsWith('ICC profile tags dropped'))).toBe(true);
    expect(await sameColours(jpeg, data)).toBeLessThanOrEqual(1);
  });

  it('exiftool-written profile (the tester\'s repro) is cleaned', async () => {
    const p = join(work, 'p.jpg');
    writeFileSync(p, await sharp(PORTRAIT).resize(96).jpeg().toBuffer());
    writeFileSync(join(work, 'named.icc'), icc);
    execFileSync('exiftool', ['-q', '-overwrite_original', `-ICC_Profile<=${join(work, 'named.icc')}`, p]);
    const jpeg = readFileSync(p);
    const { data } = stripJpeg(jpeg, KEPT);
    expect(named(data)).toEqual([]);
    expect(exif(data, 'jpg')).not.toMatch(/Aigul|Victimova/u);
    expect(await sameColours(jpeg, data)).toBeLessThanOrEqual(1);
  });
});
