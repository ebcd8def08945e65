// Sidecar naming rules, the Sony NonRealTimeMeta and XMP readers, AVCHD playlists, and how a
// sidecar's facts meet the clip's own record (issue 14 §1).
import { describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../electron/common/types.ts';
import { buildPlaylist, isClipInfo, playlistClips } from '../../electron/core/sidecars/avchd.ts';
import { applyFacts, readXmpSidecar } from '../../electron/core/sidecars/facts.ts';
import { fileRole } from '../../electron/core/sidecars/names.ts';
import { readSonyXml, sonyFrameRate } from '../../electron/core/sidecars/sony-xml.ts';
import { SONY_XML } from '../helpers/sony-xml.ts';


function rec(over: Partial<NormalizedRecord> = {}): NormalizedRecord {
  return {
    sha256: 'a'.repeat(64), bytes: 1, mime: 'video/mp4', kind: 'video', make: null, model: null, serial: null, serialSource: null,
    capturedAt: null, capturedAtSource: null, capturedAtHasZone: false, otherDates: [], gps: null, orientation: null,
    width: 320, height: 240, durationSec: 2, codec: 'h264', ...over,
  };
}

describe('sidecar names (as cameras write them)', () => {
  const keysOf = (p: string) => {
    const r = fileRole(p);
    return r.role === 'sidecar' ? { kind: r.kind, keys: r.keys } : { kind: 'media', keys: r.keys };
  };
  // A sidecar is never the clip of another sidecar: it offers no keys as a clip.
  const clipKeys = (p: string) => {
    const r = fileRole(p);
    return r.role === 'media' ? r.keys : [];
  };
  const pairs = (side: string, clip: string) => keysOf(side).keys.some((k) => clipKeys(clip).includes(k));

  it('Sony XAVC: C0001M01.XML belongs to C0001.MP4, not to C0002.MP4', () => {
    expect(keysOf('/card/PRIVATE/M4ROOT/CLIP/C0001M01.XML').kind).toBe('sony-xml');
    expect(pairs('/card/PRIVATE/M4ROOT/CLIP/C0001M01.XML', '/card/PRIVATE/M4ROOT/CLIP/C0001.MP4')).toBe(true);
    expect(pairs('/card/PRIVATE/M4ROOT/CLIP/C0001M01.XML', '/card/PRIVATE/M4ROOT/CLIP/C0002.MP4')).toBe(false);
    expect(pairs('/card/PRIVATE/M4ROOT/CLIP/C0001M01.XML', '/other/PRIVATE/M4ROOT/CLIP/C0001.MP4')).toBe(false);
    expect(fileRole('/card/notes.xml').role).toBe('media');
  });
  it('AVCHD: CLIPINF/00000.CPI belongs to STREAM/00000.MTS (either case); the playlist reads its clips from its content', () => {
    expect(keysOf('/c/PRIVATE/AVCHD/BDMV/CLIPINF/00000.CPI').kind).toBe('avchd-clipinf');
    expect(pairs('/c/PRIVATE/AVCHD/BDMV/CLIPINF/00000.CPI', '/c/PRIVATE/AVCHD/BDMV/STREAM/00000.MTS')).toBe(true);
    expect(pairs('/c/PRIVATE/AVCHD/BDMV/CLIPINF/00001.CPI', '/c/PRIVATE/AVCHD/BDMV/STREAM/00000.MTS')).toBe(false);
    expect(keysOf('/c/PRIVATE/AVCHD/BDMV/PLAYLIST/00000.MPL')).toEqual({ kind: 'avchd-playlist', keys: [] });
    expect(fileRole('/c/elsewhere/00000.CPI').role).toBe('media');
  });
  it('GoPro: GX010001.THM and GL010001.LRV belong to GX010001.MP4; GOPR0001.LRV to GOPR0001.MP4; a THM is never a clip', () => {
    expect(pairs('/d/GX010001.THM', '/d/GX010001.MP4')).toBe(true);
    expect(pairs('/d/GL010001.LRV', '/d/GX010001.MP4')).toBe(true);
    expect(pairs('/d/GL010001.LRV', '/d/GH010001.MP4')).toBe(true);
    expect(pairs('/d/GL010002.LRV', '/d/GX010001.MP4')).toBe(false);
    expect(pairs('/d/GOPR0001.LRV', '/d/GOPR0001.MP4')).toBe(true);
    expect(pairs('/d/GOPR0001.THM', '/d/GOPR0001.LRV')).toBe(false);
  });
  it('Canon: MVI_0001.THM belongs to MVI_0001.MOV', () => {
    expect(keysOf('/e/DCIM/100CANON/MVI_0001.THM').kind).toBe('thm');
    expect(pairs('/e/DCIM/100CANON/MVI_0001.THM', '/e/DCIM/100CANON/MVI_0001.MOV')).toBe(true);
  });
  it('XMP: X.EXT.xmp names its file exactly, X.xmp any X.*', () => {
    expect(pairs('/p/IMG_1.CR3.xmp', '/p/IMG_1.CR3')).toBe(true);
    expect(keysOf('/p/IMG_1.CR3.xmp').keys[0]).toBe(clipKeys('/p/IMG_1.CR3')[0]); // the exact name is tried first
    expect(pairs('/p/IMG_1.xmp', '/p/IMG_1.JPG')).toBe(true);
    expect(pairs('/p/IMG_1.xmp', '/p/IMG_2.JPG')).toBe(false);
  });
});

describe('Sony NonRealTimeMeta', () => {
  it('reads the creation date with its zone, the device, the frame rate, duration and picture size', () => {
    const f = readSonyXml(SONY_XML)!;
    expect(f.capturedAt).toEqual({ value: '2021-05-04T10:15:00+06:00', hasZone: true, tag: 'CreationDate' });
    expect([f.make?.value, f.model?.value, f.serial?.value]).toEqual(['Sony', 'ILCE-7M3', '3345612']);
    expect(f.frameRate).toEqual({ value: '29.97p', tag: 'VideoFrame formatFps' });
    // 1501 frames at 30000/1001 fps
    expect(f.durationSec?.value).toBe(50.083);
    expect(f.size).toMatchObject({ width: 3840, height: 2160 });
  });
  it('is null for XML that is not NonRealTimeMeta; frame rates read as Sony writes them', () => {
    expect(readSonyXml('<?xml version="1.0"?><Other/>')).toBeNull();
    expect(sonyFrameRate('25p')).toBe(25);
    expect(sonyFrameRate('50i')).toBe(25);
    expect(sonyFrameRate('59.94p')).toBeCloseTo(60000 / 1001, 9);
    expect(sonyFrameRate('fast')).toBeNull();
  });
});

describe('AVCHD navigation files', () => {
  it('a playlist lists its clips in order, once each; a clip information file is recognised by its header', () => {
    expect(playlistClips(buildPlaylist(['00000', '00001', '00000']))).toEqual(['00000', '00001']);
    expect(() => playlistClips(Buffer.from('HDMV0100'))).toThrow(/MPLS/);
    const cut = buildPlaylist(['00000', '00001']);
    expect(() => playlistClips(cut.subarray(0, cut.length - 12))).toThrow(/past the end/);
    expect(isClipInfo(Buffer.from('HDMV0200\0\0\0\0'))).toBe(true);
    expect(isClipInfo(Buffer.from('MPLS0200'))).toBe(false);
  });
});

describe('a sidecar meets its clip', () => {
  const label = 'Sony XML sidecar C0001M01.XML';
  it('fills what the clip lacks and names the sidecar as the source', () => {
    const { record, applied, warnings } = applyFacts(rec(), readSonyXml(SONY_XML)!, label);
    expect(record.capturedAt).toBe('2021-05-04T10:15:00+06:00');
    expect(record.capturedAtSource).toBe('Sony XML sidecar C0001M01.XML CreationDate');
    expect(record.capturedAtHasZone).toBe(true);
    expect(record.serialSource).toBe('Sony XML sidecar C0001M01.XML Device serialNo');
    expect(applied.map((a) => a.field)).toEqual(['capturedAt', 'make', 'model', 'serial']);
    // The clip's own size and duration are kept; the size disagreement is said.
    expect([record.width, record.durationSec]).toEqual([320, 2]);
    expect(warnings.join('\n')).toMatch(/picture size: the file says 320×240.*3840×2160/);
    expect(warnings.join('\n')).toMatch(/duration: the file says 2 s/);
  });
  it('never overwrites a date the clip has: a different one is kept as another date with a warning', () => {
    const mine = rec({ capturedAt: '2021-05-04T05:00:00Z', capturedAtSource: 'QuickTime mvhd creation_time (UTC)', capturedAtHasZone: true });
    const { record, applied, warnings } = applyFacts(mine, readSonyXml(SONY_XML)!, label);
    expect(record.capturedAt).toBe('2021-05-04T05:00:00Z');
    expect(applied.some((a) => a.field === 'capturedAt')).toBe(false);
    expect(record.otherDates).toContainEqual({ tag: 'Sony XML sidecar C0001M01.XML CreationDate', value: '2021-05-04T10:15:00+06:00' });
    expect(warnings[0]).toMatch(/^capture date: the file says 2021-05-04T05:00:00Z .* says 2021-05-04T10:15:00\+06:00/);
  });
  it('the same instant in UTC is no disagreement; the same wall time without a zone takes the zone', () => {
    const utc = applyFacts(rec({ capturedAt: '2021-05-04T04:15:00Z', capturedAtSource: 'QuickTime mvhd creation_time (UTC)', capturedAtHasZone: true }), readSonyXml(SONY_XML)!, label);
    expect(utc.warnings.filter((w) => w.startsWith('capture date'))).toEqual([]);
    expect(utc.record.capturedAt).toBe('2021-05-04T04:15:00Z');
    const wall = applyFacts(rec({ capturedAt: '2021-05-04T10:15:00Z', capturedAtSource: 'QuickTime mvhd creation_time (UTC)', capturedAtHasZone: false }), readSonyXml(SONY_XML)!, label);
    expect(wall.record.capturedAt).toBe('2021-05-04T10:15:00+06:00');
    expect(wall.record.capturedAtHasZone).toBe(true);
    expect(wall.record.otherDates).toContainEqual({ tag: 'QuickTime mvhd creation_time (UTC)', value: '2021-05-04T10:15:00Z' });
  });
  it('an XMP sidecar gives a photo its date and position when it has none', () => {
    const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
      <rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
        exif:DateTimeOriginal="2022-03-01T08:30:00+05:00" exif:GPSLatitude="42,52.5N" exif:GPSLongitude="74,36.0E" tiff:Model="DSC-RX100"/>
    </rdf:RDF></x:xmpmeta>`;
    const f = readXmpSidecar(xmp)!;
    const { record, applied } = applyFacts(rec({ kind: 'image', durationSec: null }), f, 'XMP sidecar IMG_1.xmp');
    expect(record.capturedAt).toBe('2022-03-01T08:30:00+05:00');
    expect(record.capturedAtSource).toBe('XMP sidecar IMG_1.xmp exif:DateTimeOriginal');
    expect(record.gps).toMatchObject({ lat: 42.875, lon: 74.6, source: 'XMP sidecar IMG_1.xmp exif:GPSLatitude/GPSLongitude' });
    expect(applied.map((a) => a.field)).toEqual(['capturedAt', 'model', 'gps']);
    expect(readXmpSidecar('not xmp')).toBeNull();
  });
});
