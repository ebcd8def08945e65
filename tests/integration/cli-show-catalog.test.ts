// `evidence show` human output (catalog links, raw metadata, GPS to 6 decimals), `tag` on an
// unknown item, and counts in the catalog commands, through the real CLI on an archive in a
// temporary folder. Media: copies of corpus fixtures, GPS and a long description written into
// the JPEG copy with exiftool.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const HAS_EXIFTOOL = spawnSync('exiftool', ['-ver']).status === 0;
const DESCRIPTION = 'Kok-Tash school, east wall. '.repeat(10).trim(); // 279 characters

/** The lines of `text` from the one equal to `from` up to (not including) the one equal to `to`. */
function section(text: string, from: string, to: string): string[] {
  const lines = text.split('\n');
  const a = lines.indexOf(from);
  const b = lines.indexOf(to, a + 1);
  expect(a, `no line "${from}"`).toBeGreaterThanOrEqual(0);
  expect(b, `no line "${to}" after "${from}"`).toBeGreaterThan(a);
  return lines.slice(a + 1, b);
}

describe.skipIf(!HAS_CORPUS || !HAS_EXIFTOOL)('evidence show, tag and catalog counts (real files)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-show-'));
  const A = ['--archive', join(work, 'archive')];
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const input = join(work, 'input');
    mkdirSync(input);
    copyFileSync(join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 4.jpg'), join(input, 'shot.jpg'));
    execFileSync('exiftool', ['-q', '-q', '-overwrite_original', '-GPSLatitude=39.9495', '-GPSLatitudeRef=N', '-GPSLongitude=70.5283', '-GPSLongitudeRef=E',
      `-ImageDescription=${DESCRIPTION}`, join(input, 'shot.jpg')]);
    copyFileSync(join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov'), join(input, 'clip.mov'));
    expect((await runCli('init', A[1]!)).code).toBe(0);
    expect((await runCli('ingest', input, '--threads', '1', ...A)).code).toBe(0);
    for (const it of await cliJson<{ id: number; sources: { name: string }[] }[]>('list', '--json', ...A)) ids[it.sources[0]!.name] = it.id;
    expect(Object.keys(ids).sort()).toEqual(['clip.mov', 'shot.jpg']);
  });

  it('shows what an item is linked to, its raw metadata per tool, and GPS to at most 6 decimals', async () => {
    const id = String(ids['shot.jpg']);
    await cliJson('person', 'add', 'Жылдыз Исмаилова', '--latin', 'Jyldyz Ismailova', '--status', 'injured', ...A);
    await cliJson('incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', '--place', 'kok-tash-batken', ...A);
    await cliJson('case', 'add', '12-345', '--authority', 'Prosecutor General', ...A);
    const tagged = await runCli('tag', id, '--place', 'kok-tash-batken', '--person', '1:depicts', '--incident', '1', '--case', '12-345', '--tag', 'School', '--tag', 'wall',
      '--description', 'east wall after the shelling', '--notes', 'given by the head teacher', '--operator', 'A. Usenova', ...A);
    expect(tagged.code).toBe(0);

    const r = await runCli('show', id, ...A);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    // The JPEG's EXIF GPS reads 39.94949999999999 (the JSON keeps it); people read 39.9495.
    expect(lines).toContain('gps          39.9495, 70.5283 (EXIF GPS IFD)');
    const json = await cliJson<Record<string, unknown> & { record: { gps: { lat: number; lon: number } } }>('show', id, '--json', ...A);
    expect(json.record.gps.lat).toBe(39.94949999999999);
    expect(json.record.gps.lon).toBe(70.5283);

    expect(section(r.out, 'catalog:', 'sightings:')).toEqual([
      '  place        kok-tash-batken  Kok-Tash (Көк-Таш), Batken, KG',
      '  person       1  Жылдыз Исмаилова (Jyldyz Ismailova): depicts',
      '  incident     1  Shelling of Kok-Tash (shelling, 2021-04-29T10:00+06:00)',
      '  case         1  12-345 (Prosecutor General)',
      '  tags         school, wall',
      '  description  east wall after the shelling',
      '  notes        given by the head teacher',
    ]);
    const raw = section(r.out, 'raw metadata:', 'custody:');
    // IFD0 in the file's tag order (exiftool wrote ImageDescription, tag 0x010e, before Make, 0x010f).
    expect(raw.slice(0, 5)).toEqual(['  exifr:', '    ifd0:', `      ImageDescription: ${DESCRIPTION.slice(0, 120)}… (279 characters; show --json has it in full)`,
      '      Make: Apple', '      Model: iPhone 4']);
    expect(raw).toContain('      ExifVersion: [48, 50, 50, 49]');
    expect(raw).toContain('    gps:');
    expect(raw).toContain('      GPSLatitudeRef: N');
    // Sections in the order the help and README give: …, catalog, sightings, raw metadata, custody.
    const at = ['catalog:', 'sightings:', 'raw metadata:', 'custody:'].map((h) => lines.indexOf(h));
    expect(at[0]).toBeGreaterThan(lines.indexOf('gps          39.9495, 70.5283 (EXIF GPS IFD)'));
    for (let i = 1; i < at.length; i++) expect(at[i]).toBeGreaterThan(at[i - 1]!);
    expect(section(r.out, 'custody:', '').at(-1)).toMatch(/^ {2}#\d+ \S+ {2}metadata modification {2}by A\. Usenova$/);

    // --json: every earlier field still there, the links added under `catalog` (as `list --json` has them).
    // Later additions follow: sidecar links beside the catalog links, then Content Credentials,
    // redacted derivatives and the fixity checks, each key once.
    expect(Object.keys(json)).toEqual(['id', 'record', 'digests', 'sightings', 'metadataError', 'warnings', 'rawMetadata', 'custody', 'catalog',
      'sidecars', 'sidecarOf', 'credentials', 'derivatives', 'fixityChecks', 'lastCheck']);
    expect(json.sidecars).toEqual([]);
    expect(json.sidecarOf).toEqual([]);
    // Ingest looked for Content Credentials: the photo has none.
    expect(json.credentials).toMatchObject({ verdict: 'absent', manifests: 0, activeManifest: null, signer: null, codes: [] });
    expect(json.derivatives).toEqual([]);
    expect(json.fixityChecks).toEqual([]);
    expect(json.lastCheck).toBeNull();
    expect(json.catalog).toEqual({
      places: ['kok-tash-batken'], people: [{ id: 1, role: 'depicts' }], incidents: [1], cases: [1], tags: ['school', 'wall'],
      description: 'east wall after the shelling', notes: 'given by the head teacher',
    });
    const listed = await cliJson<{ id: number; catalog: unknown }[]>('list', '--json', ...A);
    expect(listed.find((x) => x.id === Number(id))!.catalog).toEqual(json.catalog);
    expect((json.rawMetadata as { exifr: { ifd0: { ImageDescription: string } } }).exifr.ifd0.ImageDescription).toBe(DESCRIPTION);

    // Deterministic: the same output twice.
    expect((await runCli('show', id, ...A)).out).toBe(r.out);
  });

  it('lists ffprobe and moov output of a video, nested, and an untagged item\'s empty links', async () => {
    const r = await runCli('show', String(ids['clip.mov']), ...A);
    expect(r.code).toBe(0);
    expect(section(r.out, 'catalog:', 'sightings:')).toEqual([
      '  place        —', '  person       —', '  incident     —', '  case         —', '  tags         —', '  description  —', '  notes        —',
    ]);
    const raw = section(r.out, 'raw metadata:', 'custody:');
    expect(raw.slice(0, 5)).toEqual(['  ffprobe:', '    streams:', '      [0]:', '        index: 0', '        codec_name: aac']);
    expect(raw).toContain('        codec_name: h264');
    const format = raw.indexOf('    format:');
    expect(format).toBeGreaterThan(0);
    expect(raw.slice(format)).toEqual(expect.arrayContaining([
      '      format_long_name: QuickTime / MOV',
      '        com.apple.quicktime.make: Apple',
      '        com.apple.quicktime.model: iPhone 6',
      '        com.apple.quicktime.location.ISO6709: +32.0929+034.8620+028.516/',
    ]));
    expect(raw).toContain('  moov:');
    expect(raw).toContain('    handlers: ["soun", "vide", "meta", "meta"]');
    expect(raw).toContain('      timescale: 600');
    expect(raw).toContain('    loci: null');
  });

  it('tag on an unknown item says the item does not exist (exit 2), before anything about the options', async () => {
    const noItem = 'evidence: item 99: no such item (give a catalog id or a SHA-256 prefix of at least 6 hex digits)\n';
    for (const args of [['tag', '99'], ['tag', '99', '--place', 'x'], ['tag', '99', '--person', '1'], ['untag', '99'], ['untag', '99', '--tag', 'x']]) {
      const r = await runCli(...args, ...A);
      expect([r.code, r.out, r.err], args.join(' ')).toEqual([2, '', noItem]);
    }
    const r = await runCli('tag', String(ids['clip.mov']), ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: tag: nothing to change (give --place, --person, --incident, --case, --tag, --description or --notes)\n']);
    // Nothing was recorded for any of them.
    const head = (await cliJson<{ chainHead: { seq: number } }>('log', '--json', ...A)).chainHead.seq;
    expect((await runCli('tag', '99', '--tag', 'x', ...A)).code).toBe(2);
    expect((await cliJson<{ chainHead: { seq: number } }>('log', '--json', ...A)).chainHead.seq).toBe(head);
  });

  it('prints counts in the singular for one, "people" for persons', async () => {
    const last = async (...args: string[]) => {
      const r = await runCli(...args, ...A);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(0);
      return r.out.trimEnd().split('\n').at(-1);
    };
    expect(await last('person', 'list')).toBe('1 person');
    expect(await last('incident', 'list')).toBe('1 incident');
    expect(await last('case', 'list')).toBe('1 case reference');
    expect(await last('case', 'list', '--search', 'nothing-like-this')).toBe('0 case references');
    const redacted = await runCli('person', 'export', '--format', 'csv', '--redact', ...A);
    expect(redacted.err).toBe('note: 1 person left out of the redacted register (flagged sensitive, or consent to publication not given)\n');
    await cliJson('person', 'add', 'Айгүл Т.', ...A);
    expect(await last('person', 'list')).toBe('2 people');
    expect((await runCli('person', 'export', '--format', 'csv', '--redact', ...A)).err).toMatch(/^note: 2 people left out of the redacted register/);

    const inc = join(work, 'incidents.json');
    expect((await runCli('incident', 'export', '--out', inc, ...A)).code).toBe(0);
    expect(await last('incident', 'import', inc)).toBe('Imported 0 of 1 incident; 1 already in the archive, not added again');
    const cases = join(work, 'cases.json');
    expect((await runCli('case', 'export', '--out', cases, ...A)).code).toBe(0);
    expect(await last('case', 'import', cases)).toBe('Imported 0 of 1 case reference; 1 already in the archive, not added again');
    const people = join(work, 'people.csv');
    writeFileSync(people, 'name,sex\nБакыт А.,male\n');
    expect(await last('person', 'import', people)).toBe(`Imported 1 of 1 row from ${people}`);

    const places = join(work, 'places.csv');
    writeFileSync(places, 'id,name_en,lat,lon,country\n,Kok-Tash well,39.949499999999,70.12345678,KG\n');
    expect(await last('place', 'import', places)).toBe(`Imported 1 of 1 place from ${places}`);
    // Degrees to at most 6 decimals in the human listing; the JSON keeps the value given.
    expect((await runCli('place', 'show', 'kok-tash-well', ...A)).out.split('\n')[0]).toBe('kok-tash-well              Kok-Tash well, KG  39.9495, 70.123457');
    expect(await cliJson<{ lat: number; lon: number }>('place', 'show', 'kok-tash-well', '--json', ...A)).toMatchObject({ lat: 39.949499999999, lon: 70.12345678 });
    expect(await last('place', 'list')).toMatch(/^\d+ places$/);
    await runCli('tag', String(ids['clip.mov']), '--place', 'kok-tash-well', ...A);
    expect(await last('place', 'merge', 'kok-tash-well', 'kok-tash-batken')).toBe('Merged kok-tash-well into kok-tash-batken; 1 item re-linked');
  });

  it('shows control characters in links and raw metadata as escapes', async () => {
    const id = String(ids['clip.mov']);
    expect((await runCli('tag', id, '--description', 'wall\u001b[2Jgone', '--operator', 'A. Usenova', ...A)).code).toBe(0);
    const r = await runCli('show', id, ...A);
    expect(r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/u);
    expect(r.out.split('\n')).toContain('  description  wall\\u001b[2Jgone');
    // ffprobe's display matrix is multi-line text: its newlines are shown as \u000a on one line.
    expect(r.out).toContain('          displaymatrix: \\u000a00000000:            0       65536           0\\u000a');
  });
});
