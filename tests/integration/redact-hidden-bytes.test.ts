// Hostile tester, second round: `redact --strip-metadata` copies kept text that exiftool does not
// show but `strings` does, in bytes the strippers copied without reading:
// 1. JPEG APP14: an Adobe APP14 with text after its 12 bytes, and an APP14 that is not Adobe's
//    (and, by the same rule, a quantization table no component uses, its 64 values text);
// 2. ICC: the black point (bkpt) tag's size covering text after its XYZNumber, and a TRC curve's;
// 3. H.264 SEI user data in a stream-copied video (ffmpeg h264_metadata), and x265's SEI in HEVC;
// 4. PNG: text after the zlib stream in IDAT (and in an APNG frame's fdAT), image data past the
//    last row, text after iCCP's zlib stream, a pHYs longer than its 9 bytes.
// Each file is built from a real photo or video of the shared corpus, redacted through the real
// CLI (in process), and the stored copy must hold none of the text while its picture decodes to
// the same pixels (the same sRGB colours for the ICC case) and its audio packets are identical.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpegScanData } from '../../electron/core/redact/jpeg-strip.ts';
import { stripPng } from '../../electron/core/redact/png-webp-strip.ts';
import { VIDEO_SEI_SETTING } from '../../electron/core/redact/video-strip.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';
import { pngChunk } from '../helpers/planted-media.ts';

const PORTRAIT = join(SHARED_DIR, 'fixtures/faces/portrait.jpg');
const CITY = join(SHARED_DIR, 'fixtures/faces/city.jpg');
const MOV = join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov');
const HAVE = [PORTRAIT, CITY, MOV].every((p) => existsSync(p));
const has = (cmd: string, args: string[], re: RegExp) => {
  try {
    return re.test(execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 }));
  } catch {
    return false;
  }
};
const HAVE_X265 = has('ffmpeg', ['-hide_banner', '-encoders'], /libx265/u);

const PERSON = 'Aigul Saparova';
const APP14_TEXT = `APP14LEAK ${PERSON} 39.987654,71.432109`;
const DQT_TEXT = `DQTLEAK ${PERSON}`;
const ICC_TEXT = `ICCNUMLEAK ${PERSON} 39.987654`;
const TRC_TEXT = `TRCLEAK ${PERSON}`;
const SEI_TEXT = `SEILEAK ${PERSON} 39.987654 71.432109`;
const IDAT_TEXT = `IDATLEAK ${PERSON} 39.987654`;
const ROWS_TEXT = `ROWSLEAK ${PERSON} 39.987654`;
const ICCP_TEXT = `ICCPLEAK ${PERSON}`;
const PHYS_TEXT = `PHYSLEAK ${PERSON}`;
const FDAT_TEXT = `FDATLEAK ${PERSON} 39.987654`;

const work = mkdtempSync(join(tmpdir(), 'redact-hidden-'));
const archive = join(work, 'archive');
const A = ['--archive', archive, '--operator', 'tester'];
afterAll(() => rmSync(work, { recursive: true, force: true }));

const objectFile = (s: string) => join(archive, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
/** What `strings` prints for `file` (printable runs of 4 or more). */
const stringsOf = (file: string) => execFileSync('strings', ['-a', file], { encoding: 'latin1', maxBuffer: 1 << 28 });
const exif = (file: string) => execFileSync('exiftool', ['-a', '-G1', '-s', '-ee', '-U', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-v', 'error', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
const decodedMd5 = (file: string, map: string, copy: boolean) => ff(['-i', file, '-map', map, ...(copy ? ['-c', 'copy'] : []), '-f', 'md5', '-']).trim();
const frameCount = (file: string) => execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
/** How many video packets of `file` hold an H.264 SEI NAL unit (ffmpeg passes only those through, and drops empty packets). */
const seiPackets = (file: string) => ff(['-i', file, '-map', '0:v', '-c', 'copy', '-bsf:v', 'filter_units=pass_types=6', '-f', 'framecrc', '-']).split('\n').filter((l) => /^\d+,/u.test(l)).length;
/** The picture as sRGB pixels (sharp applies an embedded profile). */
const pixels = (data: Buffer | string) => sharp(data).toColourspace('srgb').raw().toBuffer();

/** JPEG segment FFxx with `payload`. */
function seg(marker: number, payload: Buffer): Buffer {
  const h = Buffer.from([0xff, marker, 0, 0]);
  h.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([h, payload]);
}

/** The segments of `jpeg` before its first scan: marker and payload. */
function jpegSegments(jpeg: Buffer): { marker: number; payload: Buffer }[] {
  const out: { marker: number; payload: Buffer }[] = [];
  for (let p = 2; p + 4 <= jpeg.length && jpeg[p + 1] !== 0xda;) {
    const len = jpeg.readUInt16BE(p + 2);
    out.push({ marker: jpeg[p + 1]!, payload: jpeg.subarray(p + 4, p + 2 + len) });
    p += 2 + len;
  }
  return out;
}

/** The 12 bytes of an Adobe APP14 (Adobe TN 5116): version 100, no flags, transform 1 (YCbCr, as the photo is). */
const adobeBody = Buffer.concat([Buffer.from('Adobe', 'latin1'), Buffer.from([0, 100, 0, 0, 0, 0, 1])]);

/**
 * `jpeg` with `segments` after SOI, and `extra` appended inside its first DQT segment (a whole
 * table, so that decoders still read the file: an unused table 3 whose 64 values are text).
 */
function plantJpeg(jpeg: Buffer, segments: Buffer[], extra: Buffer): Buffer {
  let p = 2;
  while (jpeg[p + 1] !== 0xdb) p += 2 + jpeg.readUInt16BE(p + 2);
  const len = jpeg.readUInt16BE(p + 2);
  const dqt = seg(0xdb, Buffer.concat([jpeg.subarray(p + 4, p + 2 + len), extra]));
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2, p), dqt, jpeg.subarray(p + 2 + len)]);
}

/** `icc` with the data of tag `sig` replaced by `data` (appended at the end; the tag's size covers all of it). */
function retag(icc: Buffer, sig: string, data: Buffer): Buffer {
  const out = Buffer.concat([icc.subarray(0, icc.readUInt32BE(0)), data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
  const n = out.readUInt32BE(128);
  for (let i = 0; i < n; i++) {
    const e = 132 + 12 * i;
    if (out.toString('latin1', e, e + 4) !== sig) continue;
    out.writeUInt32BE(icc.readUInt32BE(0), e + 4);
    out.writeUInt32BE(data.length, e + 8);
  }
  out.writeUInt32BE(out.length, 0);
  return out;
}
function tagOf(icc: Buffer, sig: string): Buffer {
  for (let i = 0; i < icc.readUInt32BE(128); i++) {
    const e = 132 + 12 * i;
    if (icc.toString('latin1', e, e + 4) === sig) return icc.subarray(icc.readUInt32BE(e + 4), icc.readUInt32BE(e + 4) + icc.readUInt32BE(e + 8));
  }
  throw new Error(`no ${sig}`);
}

/** PNG chunks of `png`: type and data. */
function pngChunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  for (let p = 8; p + 12 <= png.length;) {
    const len = png.readUInt32BE(p);
    out.push({ type: png.toString('latin1', p + 4, p + 8), data: png.subarray(p + 8, p + 8 + len) });
    p += 12 + len;
  }
  return out;
}
const pngOf = (chunks: { type: string; data: Buffer }[]) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks.map((c) => pngChunk(c.type, c.data))]);

interface Made { derivative: { sha256: string; mime: string; settings: Record<string, unknown>; removed: { metadataGroups: string[] } } }
const ids: Record<string, number> = {};
const files: Record<string, string> = {};

describe.skipIf(!HAVE)('hidden bytes the strippers used to copy: gone from redacted copies, the picture and sound unchanged', () => {
  beforeAll(async () => {
    const card = join(work, 'card');
    mkdirSync(card);
    // 1. JPEG: an Adobe APP14 (version 100, no flags, transform 1 = YCbCr, as the file is) with text after it, an APP14 that is only text, text after the DQT tables.
    const adobe = Buffer.concat([adobeBody, Buffer.from(APP14_TEXT, 'latin1')]);
    files.jpeg = join(card, 'app14.jpg');
    const table3 = Buffer.concat([Buffer.from([0x03]), Buffer.from(DQT_TEXT.padEnd(64, '.'), 'latin1')]);
    writeFileSync(files.jpeg, plantJpeg(readFileSync(PORTRAIT), [seg(0xee, adobe), seg(0xee, Buffer.from(APP14_TEXT, 'latin1'))], table3));
    // 2. ICC: city.jpg's sRGB profile with bkpt = 20 bytes of XYZ then text, rTRC = its curve then text; put in with exiftool.
    const icc = execFileSync('exiftool', ['-b', '-ICC_Profile', CITY], { maxBuffer: 1 << 24 });
    let hostile = retag(icc, 'bkpt', Buffer.concat([tagOf(icc, 'bkpt').subarray(0, 20), Buffer.from(ICC_TEXT, 'latin1')]));
    hostile = retag(hostile, 'rTRC', Buffer.concat([tagOf(icc, 'rTRC'), Buffer.from(TRC_TEXT, 'latin1')]));
    writeFileSync(join(work, 'hostile.icc'), hostile);
    files.icc = join(card, 'icc.jpg');
    writeFileSync(files.icc, readFileSync(CITY));
    execFileSync('exiftool', ['-q', '-overwrite_original', `-ICC_Profile<=${join(work, 'hostile.icc')}`, files.icc]);
    // 3. H.264 SEI user data planted by ffmpeg's h264_metadata in a stream copy of the real clip (video and audio).
    files.h264 = join(card, 'sei.mov');
    ff(['-i', MOV, '-map', '0:v', '-map', '0:a', '-c', 'copy', '-bsf:v', `h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+${SEI_TEXT}`, files.h264]);
    if (HAVE_X265) {
      // HEVC from the same clip: x265 writes its build and options as SEI user data, in the packets and in hvcC.
      files.hevc = join(card, 'x265.mov');
      ff(['-i', MOV, '-t', '1', '-map', '0:v', '-map', '0:a', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1', '-c:a', 'copy', files.hevc]);
    }
    // 4. PNG of the real photo: text after IDAT's zlib stream; another whose zlib stream holds rows past the image (stored, so readable); text after iCCP's stream.
    const png = await sharp(PORTRAIT).resize(160).png().toBuffer();
    const chunks = pngChunks(png);
    const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
    const rest = chunks.filter((c) => c.type !== 'IDAT' && c.type !== 'IEND');
    const srgb = execFileSync('exiftool', ['-b', '-ICC_Profile', CITY], { maxBuffer: 1 << 24 });
    const iccp = { type: 'iCCP', data: Buffer.concat([Buffer.from('sRGB\0\0', 'latin1'), deflateSync(srgb), Buffer.from(ICCP_TEXT, 'latin1')]) };
    files.png = join(card, 'idat.png');
    const phys = { type: 'pHYs', data: Buffer.concat([Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]), Buffer.from(PHYS_TEXT, 'latin1')]) };
    writeFileSync(files.png, pngOf([...rest, phys, iccp, { type: 'IDAT', data: Buffer.concat([idat, Buffer.from(IDAT_TEXT, 'latin1')]) }, { type: 'IEND', data: Buffer.alloc(0) }]));
    files.rows = join(card, 'rows.png');
    writeFileSync(files.rows, pngOf([...rest, { type: 'IDAT', data: deflateSync(Buffer.concat([inflateSync(idat), Buffer.from(ROWS_TEXT, 'latin1')]), { level: 0 }) }, { type: 'IEND', data: Buffer.alloc(0) }]));
    // An animated PNG (APNG) of the photo, made by ffmpeg: text after the zlib stream of the first fdAT frame.
    const clean = join(work, 'clean-apng.png');
    ff(['-loop', '1', '-i', PORTRAIT, '-t', '0.3', '-r', '10', '-vf', 'scale=80:-1,hue=h=60*t', '-plays', '0', '-f', 'apng', clean]);
    const apng = pngChunks(readFileSync(clean));
    const first = apng.findIndex((c) => c.type === 'fdAT');
    apng[first] = { type: 'fdAT', data: Buffer.concat([apng[first]!.data, Buffer.from(FDAT_TEXT, 'latin1')]) };
    files.apng = join(work, 'anim.png'); // not ingested: an APNG item is image/apng, which redact refuses
    writeFileSync(files.apng, pngOf(apng));
    expect((await runCli('init', archive)).code).toBe(0);
    const items = Object.entries(files).filter(([k]) => k !== 'apng');
    const r = await cliJson<{ files: { path: string; itemId?: number }[] }>('ingest', ...items.map(([, p]) => p), ...A, '--json');
    for (const [k, p] of items) ids[k] = r.files.find((f) => f.path === p)!.itemId!;
  }, 180_000);

  const redact = async (k: string) => {
    const made = (await cliJson<Made[]>('redact', String(ids[k]), '--strip-metadata', '--json', ...A))[0]!;
    return { made, file: objectFile(made.derivative.sha256) };
  };

  it('the planted files show the text to `strings` and decode as the photo or clip they came from (the checks can fail)', async () => {
    for (const [k, text] of [['jpeg', APP14_TEXT], ['jpeg', DQT_TEXT], ['icc', ICC_TEXT], ['icc', TRC_TEXT], ['h264', SEI_TEXT], ['png', IDAT_TEXT], ['png', ICCP_TEXT], ['rows', ROWS_TEXT], ['png', PHYS_TEXT], ['apng', FDAT_TEXT]] as const) {
      expect(stringsOf(files[k]!), `${k}: ${text}`).toContain(text);
    }
    expect(exif(files.jpeg!)).not.toContain('APP14LEAK');
    expect(exif(files.icc!)).toMatch(/MediaBlackPoint\s+: 0 0 0, \d/u); // the text read as more XYZ numbers
    expect((await pixels(files.jpeg!)).equals(await pixels(PORTRAIT))).toBe(true);
    expect((await pixels(files.rows!)).equals(await pixels(files.png!))).toBe(true);
    expect(ff(['-i', files.apng!, '-f', 'md5', '-'])).toBe(ff(['-i', join(work, 'clean-apng.png'), '-f', 'md5', '-']));
  });

  it('JPEG: the Adobe APP14 is kept as its 12 bytes, the other APP14 and the text after the DQT tables are gone; scans and pixels unchanged', async () => {
    const { made, file } = await redact('jpeg');
    const copy = readFileSync(file);
    const s = stringsOf(file);
    expect(s).not.toContain('APP14LEAK');
    expect(s).not.toContain('DQTLEAK');
    expect(s).not.toContain(PERSON);
    const tags = exif(file);
    expect(tags).toMatch(/\[Adobe\]\s+ColorTransform\s+: YCbCr/u);
    // exactly one APP14, 12 bytes of payload: FFEE 000E "Adobe"
    const app14 = jpegSegments(copy).filter((x) => x.marker === 0xee);
    expect(app14.map((x) => x.payload.toString('latin1', 0, 5))).toEqual(['Adobe']);
    expect(app14[0]!.payload).toEqual(adobeBody);
    // the photo's two 8-bit tables, 1 + 64 bytes each, and not the planted one
    expect(jpegSegments(copy).filter((x) => x.marker === 0xdb).map((x) => x.payload.length)).toEqual([65, 65]);
    expect(jpegScanData(copy)!.equals(jpegScanData(readFileSync(files.jpeg!))!)).toBe(true);
    expect((await pixels(copy)).equals(await pixels(PORTRAIT))).toBe(true);
    expect(made.derivative.removed.metadataGroups).toEqual(expect.arrayContaining(['APP14', 'APP14 Adobe: bytes after its 12-byte body', 'DQT: tables no frame or scan uses']));
    expect(JSON.stringify(made.derivative.removed)).not.toContain('LEAK');
  }, 60_000);

  it('ICC: bkpt keeps its one XYZNumber (20 bytes), rTRC its curve, the text after them is gone; colours unchanged', async () => {
    const { made, file } = await redact('icc');
    const s = stringsOf(file);
    expect(s).not.toContain('ICCNUMLEAK');
    expect(s).not.toContain('TRCLEAK');
    expect(s).not.toContain(PERSON);
    const tags = exif(file);
    expect(tags).toMatch(/MediaBlackPoint\s+: 0 0 0\n/u);
    const icc = execFileSync('exiftool', ['-b', '-ICC_Profile', file], { maxBuffer: 1 << 24 });
    const original = execFileSync('exiftool', ['-b', '-ICC_Profile', CITY], { maxBuffer: 1 << 24 });
    expect(tagOf(icc, 'bkpt')).toEqual(tagOf(original, 'bkpt').subarray(0, 20));
    expect(tagOf(icc, 'rTRC')).toEqual(tagOf(original, 'rTRC'));
    expect(tagOf(icc, 'wtpt')).toEqual(tagOf(original, 'wtpt'));
    expect(made.derivative.removed.metadataGroups).toContain('ICC profile tags cut to their defined length (bkpt, rTRC)');
    // decoded through the profile: the same sRGB colours as the hostile original and as city.jpg itself
    const [a, b, c] = await Promise.all([pixels(file), pixels(files.icc!), pixels(CITY)]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(true);
  }, 60_000);

  it('H.264: SEI user data is gone from the stream copy; same frames decoded, audio packets bit-identical; the settings say SEI was removed', async () => {
    const { made, file } = await redact('h264');
    expect(stringsOf(file)).not.toContain('SEILEAK');
    expect(made.derivative.settings.videoSei).toBe(VIDEO_SEI_SETTING);
    // the stream's index in the original, and how many packets held SEI (the planted user data is in 4)
    expect(made.derivative.removed.metadataGroups).toContain(`stream 0 SEI messages (H.264, in ${seiPackets(files.h264!)} packets)`);
    expect(seiPackets(file)).toBe(0);
    ff(['-i', file, '-f', 'null', '-']); // decodes without error
    expect(frameCount(file)).toBe(frameCount(files.h264!));
    expect(decodedMd5(file, '0:v', false)).toBe(decodedMd5(files.h264!, '0:v', false));
    expect(decodedMd5(file, '0:a', true)).toBe(decodedMd5(MOV, '0:a', true));
    // the custody event records the same settings
    const log = (await cliJson<{ events: { type: string; detail: { settings?: Record<string, unknown>; derivative?: { sha256: string } } }[] }>('log', '--item', String(ids.h264), '--json', '--archive', archive)).events;
    const ev = log.find((e) => e.type === 'redaction' && e.detail.derivative?.sha256 === made.derivative.sha256)!;
    expect(ev.detail.settings!.videoSei).toBe(VIDEO_SEI_SETTING);
  }, 120_000);

  it.skipIf(!HAVE_X265)('HEVC: x265\'s SEI is gone from the packets and from hvcC; same frames decoded, audio bit-identical', async () => {
    expect(stringsOf(files.hevc!)).toContain('x265 (build');
    const { made, file } = await redact('hevc');
    expect(stringsOf(file)).not.toContain('x265');
    expect(made.derivative.removed.metadataGroups).toEqual(expect.arrayContaining([expect.stringMatching(/^SEI in the HEVC decoder configuration/u)]));
    ff(['-i', file, '-f', 'null', '-']);
    expect(frameCount(file)).toBe(frameCount(files.hevc!));
    expect(decodedMd5(file, '0:v', false)).toBe(decodedMd5(files.hevc!, '0:v', false));
    expect(decodedMd5(file, '0:a', true)).toBe(decodedMd5(files.hevc!, '0:a', true));
  }, 120_000);

  it('PNG: the text after the IDAT and iCCP zlib streams and the data past the last row are gone; same pixels', async () => {
    for (const k of ['png', 'rows']) {
      const { made, file } = await redact(k);
      const s = stringsOf(file);
      for (const t of ['IDATLEAK', 'ROWSLEAK', 'ICCPLEAK', 'PHYSLEAK', PERSON]) expect(s, `${k}: ${t}`).not.toContain(t);
      // no text hides inside the compressed streams either
      const copy = readFileSync(file);
      const chunks = pngChunks(copy);
      expect(inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data))).toString('latin1')).not.toContain('LEAK');
      expect((await sharp(copy).raw().toBuffer()).equals(await sharp(files[k]!).raw().toBuffer())).toBe(true);
      expect(made.derivative.removed.metadataGroups.some((g) => g.startsWith('PNG IDAT: '))).toBe(true);
      if (k === 'png') expect(made.derivative.removed.metadataGroups).toContain('PNG pHYs of a size the PNG specification does not give it');
    }
  }, 60_000);

  it('APNG (stripPng: `redact` refuses image/apng items): the text after a frame\'s fdAT zlib stream is gone; every frame decodes the same, the sequence numbers run on', () => {
    const { data, removed } = stripPng(readFileSync(files.apng!), { orientation: null, capturedAt: null, date: 'keep' });
    const file = join(work, 'anim-stripped.png');
    writeFileSync(file, data);
    expect(stringsOf(file)).not.toContain('FDATLEAK');
    expect(removed.groups.some((g) => g.startsWith('PNG fdAT: '))).toBe(true);
    expect(ff(['-i', file, '-f', 'md5', '-'])).toBe(ff(['-i', files.apng!, '-f', 'md5', '-']));
    const seqs = pngChunks(readFileSync(file)).filter((c) => c.type === 'fcTL' || c.type === 'fdAT').map((c) => c.data.readUInt32BE(0));
    expect(seqs).toEqual([...seqs.keys()]);
    expect(seqs.length).toBe(5);
  }, 60_000);
});
