// The camera serial number of every corpus file against ExifTool (Debian's libimage-exiftool-perl),
// with the preference order of imageFields.ts imageSerial: Exif IFD BodySerialNumber (0xA431),
// IFD0 CameraSerialNumber (DNG, 0xC62F), XMP exifEX:BodySerialNumber, XMP aux:SerialNumber.
// ExifTool names 0xA431 "ExifIFD:SerialNumber", as it does Photoshop's 0xFDE9; -G1:4 keeps both
// apart and -D gives each one's tag id, so only 0xA431 (42033) counts. It also reads XMP inside
// MP4/MOV, which we do not: a corpus video with an XMP serial would fail here, on purpose.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { HAS_CORPUS, MEDIA_DIR, loadExpected } from '../helpers/corpus.ts';

const HAS_EXIFTOOL = spawnSync('exiftool', ['-ver']).status === 0;

/** Where ExifTool finds each source, by group, name and tag id; in order of preference. */
const SOURCES = [
  { key: /^ExifIFD(?::Copy\d+)?:SerialNumber$/, id: 42033, label: 'EXIF BodySerialNumber' },
  { key: /^IFD0(?::Copy\d+)?:CameraSerialNumber$/, id: 50735, label: 'DNG CameraSerialNumber' },
  { key: /^XMP-exifEX(?::Copy\d+)?:SerialNumber$/, id: 'BodySerialNumber', label: 'XMP exifEX:BodySerialNumber' },
  { key: /^XMP-aux(?::Copy\d+)?:SerialNumber$/, id: 'SerialNumber', label: 'XMP aux:SerialNumber' },
] as const;

const ARGS = ['-j', '-n', '-a', '-G1:4', '-D', '-ExifIFD:SerialNumber', '-IFD0:CameraSerialNumber', '-XMP-exifEX:SerialNumber', '-XMP-aux:SerialNumber'];

interface Found { serial: string | null; serialSource: string | null; seen: string[] }

/**
 * Runs ExifTool once over `paths` and derives each file's expected serial. Numbers are quoted
 * before JSON.parse so a long numeric serial keeps every digit, as text.
 */
function exiftoolSerials(paths: string[]): Map<string, Found> {
  const r = spawnSync('exiftool', [...ARGS, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // ExifTool exits 1 when some file cannot be read (an empty or unknown file); its JSON still lists it.
  const text = r.stdout.replace(/("val": )(-?[\d.][^,\n}]*)/g, '$1"$2"');
  const entries = JSON.parse(text) as ({ SourceFile: string } & Record<string, unknown>)[];
  const out = new Map<string, Found>();
  for (const e of entries) {
    let chosen: { serial: string; serialSource: string } | null = null;
    const seen: string[] = [];
    for (const s of SOURCES) {
      const hit = Object.entries(e).find(([k, v]) => s.key.test(k) && (v as { id?: unknown }).id === s.id);
      if (!hit) continue;
      seen.push(s.label);
      const value = String((hit[1] as { val: unknown }).val).trim();
      if (value !== '' && chosen === null) chosen = { serial: value, serialSource: s.label };
    }
    out.set(e.SourceFile, { serial: chosen?.serial ?? null, serialSource: chosen?.serialSource ?? null, seen });
  }
  return out;
}

const rels = Object.keys(loadExpected());

describe.skipIf(!HAS_CORPUS || !HAS_EXIFTOOL)('camera serial numbers of the media corpus match ExifTool', () => {
  let truth = new Map<string, Found>();
  beforeAll(() => {
    truth = exiftoolSerials(rels.map((rel) => join(MEDIA_DIR, rel)));
  });

  it('ExifTool reported on every file and found each of the four tags somewhere', () => {
    expect(rels.length).toBeGreaterThan(0);
    expect([...truth.keys()].sort()).toEqual(rels.map((rel) => join(MEDIA_DIR, rel)).sort());
    const seen = new Set([...truth.values()].flatMap((f) => f.seen));
    expect([...seen].sort()).toEqual(SOURCES.map((s) => s.label).sort());
    // Known anchors, so a change in ExifTool's names cannot leave every file at null.
    expect(truth.get(join(MEDIA_DIR, 'exifr/issue-exifr-13.jpg'))?.serial).toBe('0K8TFBK0020618');
    expect(truth.get(join(MEDIA_DIR, 'exifr/002.tiff'))?.serial).toBe('297394');
    expect(truth.get(join(MEDIA_DIR, 'immich-test-assets/denali.webp'))?.serial).toBe('1070700342');
  });

  it.each(rels)('%s', async (rel) => {
    const path = join(MEDIA_DIR, rel);
    const want = truth.get(path);
    expect(want, `ExifTool said nothing about ${rel}`).toBeDefined();
    const sniff = await sniffFile(path);
    const { fields } = await extractMetadata(path, sniff.mime, sniff.kind);
    expect({ serial: fields.serial, serialSource: fields.serialSource }).toEqual({ serial: want!.serial, serialSource: want!.serialSource });
  });
});
