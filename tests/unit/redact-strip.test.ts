// Metadata stripping of redacted copies (issue 13 §1–2), checked on real camera files with an
// independent reader: `exiftool -j -a -G1` on every result must show no GPS, serial number,
// owner/artist name, maker note or embedded thumbnail/preview, while the JPEG scans stay
// byte-identical and the capture date is kept, coarsened or dropped as asked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { datePlan, minimalExif, tiffTagNames } from '../../electron/core/redact/exif-min.ts';
import { jpegScanData, JpegFormatError, stripJpeg } from '../../electron/core/redact/jpeg-strip.ts';
import { stripPng, stripWebp } from '../../electron/core/redact/png-webp-strip.ts';
import { remuxWithoutMetadata, videoDateArgs, videoRemovals } from '../../electron/core/redact/video-strip.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const work = mkdtempSync(join(tmpdir(), 'redact-strip-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** exiftool's view of `data` (written to a file), every group, duplicates included. */
function exif(data: Buffer | string, ext = 'jpg'): Record<string, unknown> {
  let path = data as string;
  if (Buffer.isBuffer(data)) {
    path = join(work, `probe-${Math.random().toString(36).slice(2)}.${ext}`);
    writeFileSync(path, data);
  }
  return (JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', '-b', '-ee', path], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Record<string, unknown>[])[0]!;
}

/** Tag keys that must never be in a redacted copy. */
const LEAK = /^(?!ICC)[^:]*:.*(?:GPS|Serial|OwnerName|Artist|Author|Creator|Copyright|MakerNote|Thumbnail|PreviewImage|MPImage|MPF|IPTC|Photoshop|Comment|UniqueID|Make$|Model$|Software|HostComputer|^XMP-(?!x:|photoshop:DateCreated)|Location|Apple:|Canon|Nikon|Olympus|Sony|Samsung|Panasonic|FLIR|DJI|GoPro)/u;

/** Keys of `tags` that show a leak (the ICC profile is kept on purpose, cleaned of its text: its colour tags describe the colours, not the person or the camera). */
function leaks(tags: Record<string, unknown>): string[] {
  return Object.keys(tags).filter((k) => !k.startsWith('System:') && !k.startsWith('ExifTool:') && !k.startsWith('File:') && LEAK.test(k));
}

const JPEGS = [
  'metadata-extractor-images/jpg/Apple iPhone 4.jpg',
  'metadata-extractor-images/jpg/Apple iPhone 5.jpg',
  'metadata-extractor-images/jpg/Samsung SM-J327T1.jpg',
  'metadata-extractor-images/jpg/Sony DSC-HX5V (2).jpg',
  'metadata-extractor-images/jpg/Nikon D5000.jpg',
  'metadata-extractor-images/jpg/Olympus PEN E-P3.jpg',
  'immich-test-assets/thompson-springs.jpg',
  'immich-test-assets/tanners_ridge.jpg',
  'exif-samples/canon_hdr_NO.jpg',
];

describe.skipIf(!HAS_CORPUS)('JPEG: lossless strip of real camera files', () => {
  for (const rel of JPEGS) {
    it(rel, () => {
      const orig = readFileSync(join(MEDIA_DIR, rel));
      const before = exif(join(MEDIA_DIR, rel));
      expect(leaks(before).length, 'the original shows what the check looks for').toBeGreaterThan(0);
      const orientation = typeof before['IFD0:Orientation'] === 'number' ? before['IFD0:Orientation'] : null;
      const { data, removed } = stripJpeg(orig, { orientation: orientation as number | null, capturedAt: '2021-04-29T10:00:00+06:00', date: 'keep' });
      const after = exif(data);
      expect(leaks(after), `${rel}: ${JSON.stringify(leaks(after))}`).toEqual([]);
      // The picture itself is untouched.
      expect(jpegScanData(data)!.equals(jpegScanData(orig)!)).toBe(true);
      expect(after['ExifIFD:DateTimeOriginal']).toBe('2021:04:29 10:00:00');
      expect(after['ExifIFD:OffsetTimeOriginal']).toBe('+06:00');
      if (orientation && orientation !== 1) expect(after['IFD0:Orientation']).toBe(orientation);
      // The ICC profile stays for its colours, its text replaced (icc-clean.ts): a description can name a person.
      if (before['ICC_Profile:ProfileDescription']) {
        expect(after['ICC_Profile:ProfileDescription']).toBe('ICC profile');
        for (const k of ['ICC_Profile:RedMatrixColumn', 'ICC_Profile:MediaWhitePoint', 'ICC_Profile:RedToneReproductionCurve']) expect(after[k], k).toEqual(before[k]);
      }
      expect(removed.groups).toContain('EXIF');
      if (Object.keys(before).some((k) => k.startsWith('GPS:'))) expect(removed.tags.some((t) => t.startsWith('GPS:'))).toBe(true);
      if (Object.keys(before).some((k) => k.startsWith('IFD1:'))) expect(removed.groups).toContain('EXIF thumbnail (IFD1)');
      // No value is reported, only names.
      for (const t of removed.tags) expect(t).toMatch(/^[A-Za-z0-9]+:[A-Za-z0-9]+$/u);
    });
  }

  it('the Canon photo loses its IFD1 thumbnail, maker note, owner, artist and IPTC by name, and decodes to the same pixels', async () => {
    const rel = 'exif-samples/canon_hdr_NO.jpg';
    const orig = readFileSync(join(MEDIA_DIR, rel));
    const { data, removed } = stripJpeg(orig, { orientation: null, capturedAt: null, date: 'drop' });
    expect(removed.groups).toEqual(['EXIF', 'EXIF thumbnail (IFD1)', 'XMP', 'IPTC/Photoshop']);
    expect(removed.tags).toEqual(expect.arrayContaining(['ExifIFD:OwnerName', 'IFD0:Artist', 'IFD0:Copyright', 'ExifIFD:MakerNote', 'IFD1:ThumbnailOffset', 'IFD0:Make']));
    const after = exif(data);
    expect(Object.keys(after).filter((k) => /Date/u.test(k) && !k.startsWith('System:'))).toEqual([]);
    const [a, b] = await Promise.all([sharp(orig).raw().toBuffer(), sharp(data).raw().toBuffer()]);
    expect(a.equals(b)).toBe(true);
    expect(data.length).toBeLessThan(orig.length);
  });

  it('the iPhone 5 photo drops its MPF trailer image', () => {
    const orig = readFileSync(join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 5.jpg'));
    const before = exif(orig);
    const { data, removed } = stripJpeg(orig, { orientation: 3, capturedAt: null, date: 'drop' });
    const hadMpf = Object.keys(before).some((k) => k.startsWith('MPF'));
    if (hadMpf) expect(removed.groups).toContain('MPF');
    expect(Object.keys(exif(data)).filter((k) => k.startsWith('MPF') || k.includes('MPImage'))).toEqual([]);
  });

  it('coarsens the date to a month in XMP photoshop:DateCreated, no EXIF date', () => {
    const orig = readFileSync(join(MEDIA_DIR, JPEGS[0]!));
    const { data } = stripJpeg(orig, { orientation: null, capturedAt: '2011-01-13T14:33:39', date: 'month' });
    const after = exif(data);
    expect(after['XMP-photoshop:DateCreated']).toBe('2011:01');
    expect(after['ExifIFD:DateTimeOriginal']).toBeUndefined();
  });
});

describe('JPEG segment rewriter on made-up files', () => {
  it('refuses a file cut inside the scan, and a non-JPEG, naming why', () => {
    expect(() => stripJpeg(Buffer.from('not a jpeg'), { orientation: null, capturedAt: null, date: 'drop' })).toThrow(JpegFormatError);
    return sharp({ create: { width: 32, height: 32, channels: 3, background: '#f00' } }).jpeg().toBuffer().then((j) => {
      expect(() => stripJpeg(j.subarray(0, j.length - 10), { orientation: null, capturedAt: null, date: 'drop' })).toThrow(/EOI/u);
      const { data } = stripJpeg(j, { orientation: null, capturedAt: null, date: 'drop' });
      expect(jpegScanData(data)!.equals(jpegScanData(j)!)).toBe(true);
    });
  });

  it('drops COM, APP13 and an APP1 XMP segment, keeps APP14 and ICC', async () => {
    const base = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#0f0' } }).withMetadata({ icc: 'srgb' }).jpeg().toBuffer();
    const seg = (m: number, s: string) => { const p = Buffer.from(s, 'latin1'); const h = Buffer.from([0xff, m, 0, 0]); h.writeUInt16BE(p.length + 2, 2); return Buffer.concat([h, p]); };
    const file = Buffer.concat([base.subarray(0, 2), seg(0xfe, 'Owner: Ivanov'), seg(0xed, 'Photoshop 3.0\0xx'), seg(0xe1, 'http://ns.adobe.com/xap/1.0/\0<x/>'), seg(0xee, 'Adobe\0\x64\0\0\0\0\x01'), base.subarray(2)]);
    const { data, removed } = stripJpeg(file, { orientation: null, capturedAt: null, date: 'drop' });
    expect(removed.groups).toEqual(expect.arrayContaining(['COM', 'IPTC/Photoshop', 'XMP']));
    expect(data.includes(Buffer.from('Ivanov'))).toBe(false);
    expect(data.includes(Buffer.from('Adobe\0'))).toBe(true);
    expect(data.includes(Buffer.from('ICC_PROFILE'))).toBe(true);
  });

  it('writes a minimal EXIF that exiftool reads, and names TIFF tags', () => {
    const t = minimalExif({ orientation: 6, capturedAt: '2021-04-29T10:00:00Z', date: 'keep' })!;
    expect(tiffTagNames(t)).toEqual(['IFD0:Orientation', 'IFD0:ExifOffset', 'ExifIFD:ExifVersion', 'ExifIFD:DateTimeOriginal', 'ExifIFD:OffsetTimeOriginal']);
    expect(datePlan('2021-04-29T10:00:00', 'year')).toEqual({ coarse: '2021' });
    expect(datePlan('2021-04-29', 'keep')).toEqual({ coarse: '2021-04-29' });
    expect(datePlan(null, 'keep')).toBeNull();
  });
});

describe.skipIf(!HAS_CORPUS)('PNG and WebP', () => {
  it('PNG: the eXIf with GPS goes, pixels stay', async () => {
    const orig = readFileSync(join(MEDIA_DIR, 'exifr/png/png_with_exif_and_gps.png'));
    expect(Object.keys(exif(orig, 'png')).some((k) => k.startsWith('GPS:'))).toBe(true);
    const { data, removed } = stripPng(orig, { orientation: null, capturedAt: '2021-04-29T10:00:00', date: 'day' });
    const after = exif(data, 'png');
    expect(leaks(after)).toEqual([]);
    expect(after['XMP-photoshop:DateCreated']).toBe('2021:04:29');
    expect(removed.groups).toContain('EXIF');
    expect((await sharp(orig).raw().toBuffer()).equals(await sharp(data).raw().toBuffer())).toBe(true);
  });

  it('WebP: EXIF/XMP chunks go, VP8X flags follow, pixels stay', async () => {
    const src = readFileSync(join(MEDIA_DIR, 'immich-test-assets/denali.webp'));
    // The corpus WebP carries little: give it GPS and an XMP creator with exiftool, on a copy.
    const p = join(work, 'gps.webp');
    writeFileSync(p, src);
    execFileSync('exiftool', ['-q', '-overwrite_original', '-GPSLatitude=40.1', '-GPSLatitudeRef=N', '-GPSLongitude=71.5', '-GPSLongitudeRef=E', '-XMP-dc:Creator=Aigul', '-SerialNumber=XYZ123', p]);
    const orig = readFileSync(p);
    expect(Object.keys(exif(orig, 'webp')).some((k) => k.startsWith('GPS:'))).toBe(true);
    const { data, removed } = stripWebp(orig, { orientation: null, capturedAt: '2021-04-29T10:00:00+06:00', date: 'keep' });
    const after = exif(data, 'webp');
    expect(leaks(after)).toEqual([]);
    expect(after['ExifIFD:DateTimeOriginal']).toBe('2021:04:29 10:00:00');
    expect(removed.groups).toEqual(expect.arrayContaining(['EXIF', 'XMP']));
    expect(data.includes(Buffer.from('Aigul'))).toBe(false);
    expect((await sharp(orig).raw().toBuffer()).equals(await sharp(data).raw().toBuffer())).toBe(true);
    const dropped = stripWebp(orig, { orientation: null, capturedAt: null, date: 'drop' }).data;
    expect(dropped[20]! & 0x0c).toBe(0); // VP8X: no EXIF, no XMP flag
  });
});

/** MD5 of the audio packets, as ffmpeg's md5 muxer computes them from a stream copy. */
const audioMd5 = (p: string) => execFileSync('ffmpeg', ['-v', 'error', '-i', p, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();

describe.skipIf(!HAS_CORPUS)('video remux', () => {
  for (const [rel, muxer] of [['gpmf-parser/max-heromode.mp4', 'mp4'], ['metadata-extractor-images/mov/with-gps.mov', 'mov']] as const) {
    it(`${rel}: no GPS/serial/telemetry left, audio packets identical`, async () => {
      const src = join(MEDIA_DIR, rel);
      const removed = await videoRemovals(src);
      const out = join(work, `out-${muxer}.${muxer}`);
      await remuxWithoutMetadata(src, out, muxer, '2021-04-29T10:00:00+06:00', 'keep');
      const after = exif(out, muxer);
      expect(leaks(after), JSON.stringify(leaks(after))).toEqual([]);
      expect(after['QuickTime:CreateDate']).toBe('2021:04:29 04:00:00');
      expect(audioMd5(out)).toBe(audioMd5(src));
      const streams = (JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', out], { encoding: 'utf8' })) as { streams: { codec_type: string }[] }).streams;
      expect(streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
      if (muxer === 'mp4') expect(removed.groups.some((g) => /data/u.test(g))).toBe(true);
      if (muxer === 'mov') expect(removed.tags.some((t) => /location|xyz/iu.test(t))).toBe(true);
    });
  }

  it('date arguments per policy', () => {
    expect(videoDateArgs('2021-04-29T10:00:00+06:00', 'keep')).toEqual(['-metadata', 'creation_time=2021-04-29T04:00:00.000Z']);
    expect(videoDateArgs('2021-04-29T10:00:00', 'keep')).toEqual(['-metadata', 'date=2021-04-29T10:00:00']);
    expect(videoDateArgs('2021-04-29T10:00:00Z', 'month')).toEqual(['-metadata', 'date=2021-04']);
    expect(videoDateArgs('2021-04-29T10:00:00Z', 'drop')).toEqual([]);
  });
});
