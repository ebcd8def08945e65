// Metadata of current cameras (issue 14 §4) on real files: Canon CR3 and AVCHD .MTS from
// ../shared/fixtures/extra (expected.json), the GoPro clock judged against its own GPS clock, a
// DJI photo whose position is only in XMP, and copies cut short (made here, in a temp folder)
// that must warn "incomplete copy: copy it again from the card" in the ingest report, --json,
// the stored item and `show`.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { INCOMPLETE_COPY } from '../../electron/core/metadata/truncation.ts';
import type { Kind, MetadataResult } from '../../electron/common/types.ts';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR, loadExpected, type ExpectedEntry } from '../helpers/corpus.ts';
import { compareWithExpected } from '../helpers/expectedCompare.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const EXTRA_DIR = join(SHARED_DIR, 'fixtures', 'extra');
const HAS_EXTRA = existsSync(join(EXTRA_DIR, 'expected.json'));
const HAS_EXIFTOOL = spawnSync('exiftool', ['-ver']).status === 0;
const extraExpected: Record<string, ExpectedEntry> = HAS_EXTRA ? JSON.parse(readFileSync(join(EXTRA_DIR, 'expected.json'), 'utf8')) : {};

const MOV = 'metadata-extractor-images/mov/with-gps.mov';
const JPEG = 'metadata-extractor-images/jpg/Nikon D5000.jpg';
const GOPRO = 'gpmf-parser/max-heromode.mp4';
const DJI = 'exifr/issue-exifr-13.jpg';

async function extract(path: string): Promise<MetadataResult & { sniff: { mime: string | null; kind: Kind } }> {
  const sniff = await sniffFile(path);
  return { ...(await extractMetadata(path, sniff.mime, sniff.kind)), sniff };
}

const work = mkdtempSync(join(tmpdir(), 'ea-camera-meta-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Offset of the first top-level box of `type` (ISO/IEC 14496-12 box headers, 32-bit sizes). */
function topLevelBox(buf: Buffer, type: string): number {
  for (let p = 0; p + 8 <= buf.length; p += buf.readUInt32BE(p)) {
    if (buf.toString('latin1', p + 4, p + 8) === type) return p;
    if (buf.readUInt32BE(p) < 8) break;
  }
  return -1;
}

describe.skipIf(!HAS_EXTRA)('../shared/fixtures/extra matches expected.json', () => {
  it('lists the CR3 and the AVCHD clip', () => {
    expect(Object.keys(extraExpected).sort()).toEqual(['exiftool/CanonRaw.cr3', 'exiftool/M2TS.mts']);
  });

  it.each(Object.entries(extraExpected).map(([rel, exp]) => ({ rel, exp })))('$rel', async ({ rel, exp }) => {
    const path = join(EXTRA_DIR, rel);
    const r = await extract(path);
    const record = { bytes: statSync(path).size, mime: r.sniff.mime, kind: r.sniff.kind, ...r.fields };
    expect(compareWithExpected(exp, record)).toEqual([]);
    expect(r.error).toBeNull();
    expect(r.warnings.filter((w) => w.startsWith(INCOMPLETE_COPY))).toEqual([]);
  });

  it('reads the CR3 from its CMT1/CMT2 TIFF structures: make, model, offset date, serial, size', async () => {
    const r = await extract(join(EXTRA_DIR, 'exiftool/CanonRaw.cr3'));
    expect(r.fields).toMatchObject({
      make: 'Canon', model: 'Canon EOS M50', capturedAt: '2018-02-21T12:08:56+00:00', capturedAtHasZone: true,
      capturedAtSource: 'EXIF DateTimeOriginal+OffsetTimeOriginal', serial: '613040000565', serialSource: 'EXIF BodySerialNumber',
      width: 6000, height: 4000, orientation: 1, gps: null,
    });
    expect(r.warnings).toEqual([]);
  });

  it('reads the AVCHD date with its zone and the maker from the H.264 SEI (MDPM)', async () => {
    const r = await extract(join(EXTRA_DIR, 'exiftool/M2TS.mts'));
    expect(r.fields).toMatchObject({
      make: 'Canon', model: null, capturedAt: '2008-12-31T23:16:24+01:00', capturedAtHasZone: true,
      capturedAtSource: 'AVCHD H.264 SEI MDPM DateTimeOriginal', width: 1920, height: 1080, codec: 'h264',
    });
    expect(r.raw['avchdMdpm']).toMatchObject({ makeCode: 0x1011, dst: false });
  });
});

describe.skipIf(!HAS_CORPUS)('GoPro creation_time judged against the camera GPS clock', () => {
  it('the GoPro MAX clip (camera clock on local time, GPS 8 h later) stays "zone unknown" and says why', async () => {
    const r = await extract(join(MEDIA_DIR, GOPRO));
    expect(r.fields.capturedAt).toBe('2019-11-18T15:45:32Z');
    expect(r.fields.capturedAtHasZone).toBe(false);
    expect(r.fields.otherDates).toContainEqual({ tag: 'GoPro GPMF GPSU (GPS clock, UTC, first telemetry sample)', value: '2019-11-18T23:45:14.000Z' });
    expect(r.warnings.join('\n')).toMatch(/local wall-clock time: the camera's GPS clock \(UTC\) read 2019-11-18T23:45:14\.000Z, so the camera clock was about UTC-08:00/);
  });

  it('a GoPro clip whose creation_time agrees with its GPS clock is UTC, with no warning', async () => {
    // The same clip with mvhd creation_time set to its GPS clock: 2019-11-18T23:45:20Z.
    const buf = readFileSync(join(MEDIA_DIR, GOPRO));
    const moov = topLevelBox(buf, 'moov');
    const mvhd = buf.indexOf('mvhd', moov, 'latin1') - 4;
    expect(buf[mvhd + 8]).toBe(0); // version 0: 32-bit times
    const utc = Date.UTC(2019, 10, 18, 23, 45, 20) / 1000 + 2082844800; // seconds since 1904
    buf.writeUInt32BE(utc, mvhd + 12);
    const path = join(work, 'gopro-utc.mp4');
    writeFileSync(path, buf);
    const r = await extract(path);
    expect(r.fields.capturedAt).toBe('2019-11-18T23:45:20Z');
    expect(r.fields.capturedAtHasZone).toBe(true);
    expect(r.warnings.filter((w) => /GoPro/.test(w))).toEqual([]);
  });
});

describe.skipIf(!HAS_CORPUS || !HAS_EXIFTOOL)('a DJI photo whose position is only in XMP drone-dji', () => {
  it('takes drone-dji:GpsLatitude/GpsLongitude/AbsoluteAltitude when the GPS IFD is gone', async () => {
    const exp = loadExpected()[DJI]!;
    const path = join(work, 'dji-xmp-only.jpg');
    execFileSync('exiftool', ['-q', '-q', '-gps:all=', '-o', path, join(MEDIA_DIR, DJI)]);
    const before = await extract(join(MEDIA_DIR, DJI));
    expect(before.fields.gps?.source).toBe('EXIF GPS IFD');
    const r = await extract(path);
    expect(r.raw['exifr']).not.toHaveProperty('gps.GPSLatitude');
    expect(r.fields.gps).toEqual({ lat: 47.3541841, lon: 10.1913155, alt: 1252.12, source: 'XMP drone-dji:GpsLatitude/GpsLongitude' });
    expect(Math.abs(r.fields.gps!.lat - exp.gps!.lat)).toBeLessThan(2e-6);
    expect(Math.abs(r.fields.gps!.lon - exp.gps!.lon)).toBeLessThan(2e-6);
  });
});

describe.skipIf(!HAS_CORPUS)('copies cut short warn "incomplete copy: copy it again from the card"', () => {
  const input = join(work, 'card');
  const A = ['--archive', join(work, 'archive')];
  const cuts: Record<string, RegExp> = {
    'cut-before-moov.mov': /incomplete copy: copy it again from the card \(it has media data but no 'moov' box/,
    'cut-in-mdat.mov': /incomplete copy: copy it again from the card \(its 'mdat' box runs past the end of the file \(\d+ bytes missing\)\)/,
    'cut-in-exif.jpg': /incomplete copy: copy it again from the card \(the JPEG ends inside its APP1 \(EXIF\/XMP\) segment/,
    'cut-in-scan.jpg': /incomplete copy: copy it again from the card \(the JPEG has no end-of-image marker/,
  };

  beforeAll(() => {
    mkdirSync(input);
    const mov = readFileSync(join(MEDIA_DIR, MOV));
    const moov = topLevelBox(mov, 'moov');
    expect(moov).toBeGreaterThan(topLevelBox(mov, 'mdat'));
    writeFileSync(join(input, 'cut-before-moov.mov'), mov.subarray(0, moov));
    writeFileSync(join(input, 'cut-in-mdat.mov'), mov.subarray(0, Math.floor(moov / 2)));
    const jpg = readFileSync(join(MEDIA_DIR, JPEG));
    const app1 = jpg.indexOf('Exif\0\0', 0, 'latin1');
    expect(jpg.readUInt16BE(app1 - 2)).toBeGreaterThan(2000); // the cut falls inside the segment
    writeFileSync(join(input, 'cut-in-exif.jpg'), jpg.subarray(0, app1 + 1000));
    writeFileSync(join(input, 'cut-in-scan.jpg'), jpg.subarray(0, jpg.length - 5000));
    copyFileSync(join(MEDIA_DIR, JPEG), join(input, 'whole.jpg'));
    copyFileSync(join(MEDIA_DIR, MOV), join(input, 'whole.mov'));
  });

  it('extraction puts the warning first, and whole files get none', async () => {
    for (const [name, re] of Object.entries(cuts)) {
      const r = await extract(join(input, name));
      expect(r.warnings[0], name).toMatch(re);
    }
    for (const name of ['whole.jpg', 'whole.mov']) {
      expect((await extract(join(input, name))).warnings.filter((w) => w.startsWith(INCOMPLETE_COPY)), name).toEqual([]);
    }
  });

  it('in the media corpus, exactly the files SOURCES.md calls truncated are called incomplete', async () => {
    const called: string[] = [];
    const expected = loadExpected();
    for (const rel of Object.keys(expected)) {
      const r = await extract(join(MEDIA_DIR, rel));
      if (r.warnings.some((w) => w.startsWith(INCOMPLETE_COPY))) called.push(rel);
    }
    const truncated = Object.keys(expected).filter((rel) => /\bTRUNCATED upstream\b/.test(String(expected[rel]!['notes'])));
    expect(truncated).toEqual(['exiv2/IMG_1361.dng']); // ProRAW DNG cut at 64104 bytes: its data offsets point past EOF
    expect(called.sort()).toEqual(truncated);
  });

  it('ingest reports it (text and --json), stores it with the item, and show prints it', async () => {
    expect((await runCli('init', A[1]!)).code).toBe(0);
    const text = await runCli('ingest', input, '--threads', '1', ...A);
    expect(text.code).toBe(0);
    for (const [name, re] of Object.entries(cuts)) {
      const line = text.out.split('\n').find((l) => l.startsWith('warning: ') && l.includes(name));
      expect(line, name).toMatch(re);
    }
    expect(text.out).not.toMatch(/whole\.(jpg|mov): incomplete/);
    // --json, into a fresh archive so every file is added (not a duplicate) again.
    const B = ['--archive', join(work, 'archive-json')];
    expect((await runCli('init', B[1]!)).code).toBe(0);
    const report = await cliJson<{ files: { path: string; status: string; warnings?: string[]; itemId: number }[] }>('ingest', input, '--threads', '1', '--json', ...B);
    const byName = new Map(report.files.map((f) => [f.path.split('/').pop()!, f]));
    for (const [name, re] of Object.entries(cuts)) {
      const f = byName.get(name)!;
      expect(f.status, name).toBe('added');
      expect(f.warnings?.[0], name).toMatch(re);
      const shown = await cliJson<{ warnings: string[] }>('show', String(f.itemId), '--json', ...B);
      expect(shown.warnings[0], name).toMatch(re);
      const human = await runCli('show', String(f.itemId), ...B);
      expect(human.out.split('\n').find((l) => l.startsWith('warning') && l.includes(INCOMPLETE_COPY)), name).toMatch(re);
    }
    expect(byName.get('whole.jpg')!.warnings ?? []).toEqual([]);
  });
});
