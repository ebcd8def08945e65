// Sidecars linked to their clips with their facts used (issue 14 §1), and previews made at CLI
// ingest, skipped with --no-previews and filled in by `evidence previews`. Cards are laid out in
// temporary folders as cameras write them; the AVCHD and GoPro clips are the corpus's real files.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbnailPath } from '../../electron/core/derivatives/thumbnails.ts';
import { buildPlaylist } from '../../electron/core/sidecars/avchd.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { SONY_XML } from '../helpers/sony-xml.ts';

const M2TS = join(SHARED_DIR, 'fixtures', 'extra', 'exiftool', 'M2TS.mts');
const GOPRO = join(MEDIA_DIR, 'gpmf-parser', 'max-heromode.mp4');

interface Link { itemId: number; kind: string; name: string; applied: { field: string; source: string }[]; warnings: string[] }
interface Shown { id: number; record: Record<string, unknown>; sidecars: Link[]; sidecarOf: Link[] }
interface Report { counts: { added: number; failed: number }; files: { path: string; itemId: number }[]; sidecars: { links: unknown[]; warnings: { path: string; message: string }[] }; previews?: { made: number; failed: number; failures: { path: string }[] } }

let root: string;
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
/** A short H.264 MP4 whose container carries no date, no make and no model. */
const plainMp4 = (path: string, seconds = 1, colour = 'testsrc') =>
  ffmpeg('-f', 'lavfi', '-i', `${colour}=size=160x120:rate=25`, '-t', String(seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-map_metadata', '-1', '-fflags', '+bitexact', '-f', 'mp4', path);
const jpeg = (path: string) => ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=160x120', '-frames:v', '1', '-c:v', 'mjpeg', '-f', 'image2', path);
const idOf = (r: Report, name: string) => r.files.find((f) => f.path.endsWith(name))!.itemId;
const show = (arch: string, id: number) => cliJson<Shown>('show', String(id), '--archive', arch, '--json');
const thumbs = (arch: string) => (existsSync(join(arch, 'derivatives', 'thumbs')) ? readdirSync(join(arch, 'derivatives', 'thumbs'), { recursive: true }).filter((f) => String(f).endsWith('.jpg')) : []);

function sonyCard(dir: string, xml = SONY_XML, colour = 'testsrc'): string {
  const clip = join(dir, 'PRIVATE', 'M4ROOT', 'CLIP');
  mkdirSync(clip, { recursive: true });
  plainMp4(join(clip, 'C0001.MP4'), 1, colour);
  if (xml) writeFileSync(join(clip, 'C0001M01.XML'), xml);
  return clip;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ea-sidecars-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('Sony XAVC card', () => {
  it('the clip takes its capture date with zone from the XML, the source named; both stay items; previews are made by default', async () => {
    const card = join(root, 'sony');
    sonyCard(card);
    const arch = join(root, 'a-sony');
    const r = await cliJson<Report>('ingest', card, '--archive', arch, '--json');
    expect(r.counts).toMatchObject({ added: 2, failed: 0 });
    const clip = await show(arch, idOf(r, 'C0001.MP4'));
    expect(clip.record).toMatchObject({
      capturedAt: '2021-05-04T10:15:00+06:00', capturedAtSource: 'Sony XML sidecar C0001M01.XML CreationDate', capturedAtHasZone: true,
      make: 'Sony', model: 'ILCE-7M3', serial: '3345612', serialSource: 'Sony XML sidecar C0001M01.XML Device serialNo',
      width: 160, height: 120,
    });
    expect(clip.sidecars.map((s) => [s.kind, s.name])).toEqual([['sony-xml', 'C0001M01.XML']]);
    expect(clip.sidecars[0]!.warnings.join()).toMatch(/picture size: the file says 160×120/);
    const xml = await show(arch, idOf(r, 'C0001M01.XML'));
    expect(xml.sidecarOf.map((s) => s.itemId)).toEqual([clip.id]);
    // Human show names the sidecar and what it gave.
    const text = (await runCli('show', String(clip.id), '--archive', arch)).out;
    expect(text).toMatch(/capturedAt\s+2021-05-04T10:15:00\+06:00 \(Sony XML sidecar C0001M01\.XML CreationDate\)/);
    expect(text).toMatch(/sidecars:\n\s+\d+\s+sony-xml\s+C0001M01\.XML/);
    // The changed record is pinned by the custody log: verify finds nothing wrong.
    expect((await runCli('verify', '--archive', arch)).code).toBe(0);
    // Poster made on the workers, a decodable JPEG; the XML has none.
    expect(r.previews).toMatchObject({ made: 1, failed: 0 });
    const sha = (clip.record.sha256 as string);
    const meta = await sharp(thumbnailPath(join(arch, 'derivatives'), sha)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 160, 120]);
    // list marks the sidecar; --no-sidecars leaves it out.
    expect((await runCli('list', '--archive', arch)).out).toMatch(/C0001M01\.XML\s+\[sidecar of \d+\]/);
    expect((await runCli('list', '--archive', arch, '--no-sidecars')).out).not.toMatch(/C0001M01/);
  });

  it('a sidecar ingested in an earlier run links when its clip arrives; --no-previews makes none and `evidence previews` fills the gap', async () => {
    const clipDir = sonyCard(join(root, 'later'));
    const arch = join(root, 'a-later');
    const first = await cliJson<Report>('ingest', join(clipDir, 'C0001M01.XML'), '--archive', arch, '--json', '--no-previews');
    expect(first.sidecars.links).toEqual([]);
    const second = await cliJson<Report>('ingest', join(clipDir, 'C0001.MP4'), '--archive', arch, '--json', '--no-previews');
    expect(second.sidecars.links).toHaveLength(1);
    expect(second.previews).toBeUndefined();
    expect(thumbs(arch)).toEqual([]);
    const clip = await show(arch, idOf(second, 'C0001.MP4'));
    expect(clip.record.capturedAtSource).toBe('Sony XML sidecar C0001M01.XML CreationDate');
    const filled = await cliJson<{ made: number; failed: number; unsupported: number }>('previews', '--archive', arch, '--json');
    expect(filled).toMatchObject({ made: 1, failed: 0, unsupported: 1 });
    expect(thumbs(arch)).toHaveLength(1);
    expect(await cliJson('previews', '--missing', '--archive', arch, '--json')).toMatchObject({ made: 0, existing: 1 });
    expect((await runCli('verify', '--archive', arch)).code).toBe(0);
  });

  it('two cards with the same folder names at the same mount point do not cross-link', async () => {
    const mount = join(root, 'mount');
    const arch = join(root, 'a-mount');
    sonyCard(mount);
    const a = await cliJson<Report>('ingest', mount, '--archive', arch, '--json', '--no-previews');
    rmSync(mount, { recursive: true });
    sonyCard(mount, '', 'smptebars'); // card B: another clip at the same path, no XML
    const b = await cliJson<Report>('ingest', mount, '--archive', arch, '--json', '--no-previews');
    const clipB = idOf(b, 'C0001.MP4');
    expect(clipB).not.toBe(idOf(a, 'C0001.MP4'));
    expect(b.sidecars.links).toEqual([]);
    expect((await show(arch, clipB)).sidecars).toEqual([]);
    expect((await show(arch, clipB)).record.capturedAt).toBeNull();
  });
});

describe.skipIf(!existsSync(M2TS))('AVCHD card (real M2TS from the corpus)', () => {
  it('STREAM/00000.MTS is linked to CLIPINF/00000.CPI and to the playlist that lists it', async () => {
    const bdmv = join(root, 'avchd', 'PRIVATE', 'AVCHD', 'BDMV');
    for (const d of ['STREAM', 'CLIPINF', 'PLAYLIST']) mkdirSync(join(bdmv, d), { recursive: true });
    copyFileSync(M2TS, join(bdmv, 'STREAM', '00000.MTS'));
    writeFileSync(join(bdmv, 'CLIPINF', '00000.CPI'), Buffer.concat([Buffer.from('HDMV0100'), Buffer.alloc(100)]));
    writeFileSync(join(bdmv, 'PLAYLIST', '00000.MPL'), buildPlaylist(['00000']));
    const arch = join(root, 'a-avchd');
    const r = await cliJson<Report>('ingest', join(root, 'avchd'), '--archive', arch, '--json', '--no-previews');
    expect(r.counts.added).toBe(3);
    const clip = await show(arch, idOf(r, '00000.MTS'));
    expect(clip.sidecars.map((s) => [s.kind, s.name]).sort()).toEqual([['avchd-clipinf', '00000.CPI'], ['avchd-playlist', '00000.MPL']]);
    expect(r.sidecars.warnings).toEqual([]);
  });
});

describe.skipIf(!existsSync(GOPRO))('GoPro card (real HERO clip from the corpus) and an XMP photo', () => {
  it('GX010001.MP4 gets its THM and LRV; a photo gets date and GPS from its XMP; a failing preview is a warning, not a failed ingest', async () => {
    const dcim = join(root, 'gopro', 'DCIM', '100GOPRO');
    mkdirSync(dcim, { recursive: true });
    copyFileSync(GOPRO, join(dcim, 'GX010001.MP4'));
    jpeg(join(dcim, 'GX010001.THM'));
    plainMp4(join(dcim, 'GL010001.LRV'));
    jpeg(join(dcim, 'IMG_0001.JPG'));
    writeFileSync(join(dcim, 'IMG_0001.xmp'), `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:DateTimeOriginal="2022-03-01T08:30:00+06:00" exif:GPSLatitude="42,52.5N" exif:GPSLongitude="74,36.0E"/>
</rdf:RDF></x:xmpmeta>`);
    // Not an image at all, named like one: its preview fails.
    writeFileSync(join(dcim, 'BROKEN.JPG'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64)]));
    const arch = join(root, 'a-gopro');
    const r = await cliJson<Report>('ingest', join(root, 'gopro'), '--archive', arch, '--json');
    expect(r.counts.failed).toBe(0);
    const clip = await show(arch, idOf(r, 'GX010001.MP4'));
    expect(clip.sidecars.map((s) => s.kind).sort()).toEqual(['lrv', 'thm']);
    expect(clip.record.model).toBe('GoPro Max'); // its own, untouched
    const photo = await show(arch, idOf(r, 'IMG_0001.JPG'));
    expect(photo.record).toMatchObject({ capturedAt: '2022-03-01T08:30:00+06:00', capturedAtSource: 'XMP sidecar IMG_0001.xmp exif:DateTimeOriginal' });
    expect(photo.record.gps).toMatchObject({ lat: 42.875, lon: 74.6 });
    expect(photo.sidecars.map((s) => s.kind)).toEqual(['xmp']);
    expect(r.previews!.failures.map((f) => f.path)).toEqual([join(dcim, 'BROKEN.JPG')]);
    const human = await runCli('previews', '--archive', arch);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/warning: item \d+ \(BROKEN\.JPG\): preview not made/);
    expect((await runCli('verify', '--archive', arch)).code).toBe(0);
  });
});
