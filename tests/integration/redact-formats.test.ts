// Issue 13, hostile test 3 and 4, through the real CLI (in-process) and the real face module
// (drawn regions only, so no detector is loaded):
// 1–2. the tester's planted files (a PNG private chunk and iCCP profile name, a WebP private
//    chunk, ICC text tags in JPEG/PNG/WebP) give stored copies without the name.
// 3. one output type per format, as the README says: blurred HEIC → JPEG (was a PNG), blurred
//    WebP → JPEG, blurred PNG → PNG; HEIC stripped → JPEG.
// 4. a copy with nothing to strip has its original's SHA-256: it must be recorded as identical,
//    shipped and verified as such, and never put the original at risk (the object store is
//    content-addressed: the copy's address is the original's).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { named, NAME, namedProfile, pngChunk, SECRET, webpChunks, webpOf } from '../helpers/planted-media.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const HEIC = join(MEDIA_DIR, 'exifr/heic-iphone7.heic');
const WEBP = join(MEDIA_DIR, 'immich-test-assets/denali.webp');
const PORTRAIT = join(SHARED_DIR, 'fixtures/faces/portrait.jpg');
const HAVE = [HEIC, WEBP, PORTRAIT].every((p) => existsSync(p));

const work = mkdtempSync(join(tmpdir(), 'redact-formats-'));
const archive = join(work, 'archive');
const A = ['--archive', archive, '--operator', 'tester'];
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const objectFile = (s: string) => join(archive, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
const fileType = (p: string) => execFileSync('exiftool', ['-s3', '-FileType', p], { encoding: 'utf8' }).trim();

interface Made { item: number; reused: boolean; derivative: { sha256: string; mime: string; settings: Record<string, unknown>; removed: Record<string, unknown> } }
const ids: Record<string, number> = {};
let cleanPng: Buffer;

describe.skipIf(!HAVE)('redacted copies: one type per format, and a copy identical to its original', () => {
  beforeAll(async () => {
    const card = join(work, 'card');
    mkdirSync(card);
    // A PNG with nothing to strip: IHDR, IDAT, IEND, no date.
    cleanPng = await sharp(PORTRAIT).resize(120).png().toBuffer();
    const files = { heic: HEIC, webp: WEBP, clean: join(card, 'clean.png'), png: join(card, 'drawn.png'),
      plantedPng: join(card, 'planted.png'), plantedWebp: join(card, 'planted.webp'), plantedJpeg: join(card, 'planted.jpg') };
    writeFileSync(files.clean, cleanPng);
    // The tester's files: the name in a private chunk, the iCCP profile name and the ICC text tags.
    const icc = namedProfile(execFileSync('exiftool', ['-b', '-ICC_Profile', WEBP], { maxBuffer: 1 << 24 }));
    const plain = await sharp(PORTRAIT).resize(90).png().toBuffer();
    writeFileSync(files.plantedPng, Buffer.concat([plain.subarray(0, 33), pngChunk('iCCP', Buffer.concat([Buffer.from(`${NAME}\0\0`, 'latin1'), deflateSync(icc)])),
      pngChunk('prVt', Buffer.from(SECRET)), plain.subarray(33)]));
    writeFileSync(files.plantedWebp, webpOf([...webpChunks(readFileSync(WEBP)).map((c) => (c.fourcc === 'ICCP' ? { fourcc: 'ICCP', data: icc } : c)), { fourcc: 'ZZZZ', data: Buffer.from(SECRET) }]));
    writeFileSync(join(work, 'named.icc'), icc);
    writeFileSync(files.plantedJpeg, await sharp(PORTRAIT).resize(90).jpeg().toBuffer());
    execFileSync('exiftool', ['-q', '-overwrite_original', `-ICC_Profile<=${join(work, 'named.icc')}`, files.plantedJpeg]);
    writeFileSync(files.png, await sharp(PORTRAIT).resize(100).png().toBuffer());
    expect((await runCli('init', archive)).code).toBe(0);
    const r = await cliJson<{ files: { path: string; itemId?: number }[] }>('ingest', ...Object.values(files), ...A, '--json');
    for (const [k, p] of Object.entries(files)) ids[k] = r.files.find((f) => f.path === p)!.itemId!;
    writeFileSync(join(work, 'boxes.json'), JSON.stringify([{ x: 10, y: 10, w: 40, h: 40 }]));
  }, 60_000);

  const redact = async (k: string, ...opts: string[]) => (await cliJson<Made[]>('redact', String(ids[k]), ...opts, '--json', ...A))[0]!;

  it('the tester\'s planted PNG, WebP and JPEG give copies with no trace of the name', async () => {
    for (const k of ['plantedPng', 'plantedWebp', 'plantedJpeg']) {
      const made = await redact(k, '--strip-metadata');
      const file = objectFile(made.derivative.sha256);
      const tags = execFileSync('exiftool', ['-a', '-G1', '-ee', '-U', file], { encoding: 'utf8' });
      expect(tags, k).not.toMatch(/Aigul|Victimova|39\.98/u);
      expect(tags, k).toMatch(/Profile Description\s+: ICC profile/u);
      expect(named(readFileSync(file)), k).toEqual([]);
      expect(JSON.stringify(made.derivative.removed), k).not.toMatch(/Aigul|Victimova/u);
    }
  }, 60_000);

  it('a blurred HEIC is a JPEG, as is a stripped one (the README rule)', async () => {
    const blurred = await redact('heic', '--blur-regions', join(work, 'boxes.json'));
    expect(blurred.derivative.mime).toBe('image/jpeg');
    expect(fileType(objectFile(blurred.derivative.sha256))).toBe('JPEG');
    expect(blurred.derivative.settings.conversion).toMatch(/HEIC .*JPEG/u);
    const stripped = await redact('heic', '--strip-metadata');
    expect(stripped.derivative.mime).toBe('image/jpeg');
    expect(fileType(objectFile(stripped.derivative.sha256))).toBe('JPEG');
  }, 60_000);

  it('a blurred WebP is a JPEG and says so; a stripped WebP stays WebP; a blurred PNG stays PNG', async () => {
    const blurred = await redact('webp', '--blur-regions', join(work, 'boxes.json'));
    expect(blurred.derivative.mime).toBe('image/jpeg');
    expect(fileType(objectFile(blurred.derivative.sha256))).toBe('JPEG');
    expect(blurred.derivative.settings.conversion).toMatch(/WebP .*JPEG/u);
    const stripped = await redact('webp', '--strip-metadata');
    expect(stripped.derivative.mime).toBe('image/webp');
    expect(fileType(objectFile(stripped.derivative.sha256))).toMatch(/WEBP/u);
    const png = await redact('png', '--blur-regions', join(work, 'boxes.json'));
    expect(png.derivative.mime).toBe('image/png');
    expect(fileType(objectFile(png.derivative.sha256))).toBe('PNG');
  }, 60_000);

  describe('a copy with nothing to strip', () => {
    let made: Made;
    beforeAll(async () => {
      made = await redact('clean', '--strip-metadata');
    });

    it('has the original\'s bytes, and is recorded as identical to it', () => {
      expect(made.derivative.sha256).toBe(sha(cleanPng));
      expect(made.derivative.removed.identicalToOriginal).toBe(true);
      expect(made.derivative.removed.metadataGroups).toEqual([]);
    });

    it('verify checks the shared object once and names the original, not a derivative, when it is damaged; redact then refuses to write over it', async () => {
      expect((await runCli('verify', ...A)).code).toBe(0);
      const obj = objectFile(made.derivative.sha256);
      const good = readFileSync(obj);
      // damage after IEND: a strip would cut it away and give back the original's exact bytes
      appendFileSync(obj, Buffer.from('junk after IEND'));
      try {
        const v = await runCli('verify', ...A, '--json');
        expect(v.code).toBe(1);
        expect(v.out).not.toMatch(/derivative [0-9a-f]{64} of item/u);
        // A new request (another date policy) must not quietly put the original back by storing its copy there.
        const again = await runCli('redact', String(ids.clean), '--strip-metadata', '--drop-date', ...A);
        expect(again.code).toBe(1);
        expect(again.err).toMatch(/original|damaged|repair/iu);
        expect(readFileSync(obj).subarray(-15).toString()).toBe('junk after IEND');
      } finally {
        writeFileSync(obj, good);
      }
    }, 60_000);

    it('ships as a copy that says it is the original\'s bytes, and verify-bag accepts it', async () => {
      const bag = join(work, 'bag');
      const r = await runCli('export', '--item', String(ids.clean), String(ids.heic), '--redacted-media', '--redact-people', '--out', bag, ...A);
      expect(r.code, r.err).toBe(0);
      const items = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as { sha256: string; redactedFrom: { sha256: string }; redaction: Record<string, unknown> }[];
      const entry = items.find((i) => i.redactedFrom.sha256 === sha(cleanPng))!;
      expect(entry.sha256).toBe(sha(cleanPng));
      expect(entry.redaction.identicalToOriginal).toBe(true);
      const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8').replace(/\n\s+/gu, ' ');
      expect(info).toMatch(/Evidence-Redacted-Media: 2 items/u);
      expect(info).toMatch(/1 of them is byte for byte its original/u);
      // the custody report says the copy is the original's bytes, not that metadata was removed; the converted HEIC says JPEG
      const report = readFileSync(join(bag, 'evidence', 'custody-report.html'), 'utf8');
      expect(report).toContain('byte for byte the original: there was nothing to remove');
      expect(report).toContain('converted to JPEG');
      expect(report).not.toContain('HEIC converted');
      const v = await runCli('verify-bag', bag, '--json');
      const problems = (JSON.parse(v.out) as { problems: unknown[] }).problems;
      expect(problems).toEqual([]);
    }, 60_000);
  });
});
