// The main job end to end on the real corpus: ingest ../shared/fixtures/media with the real CLI,
// compare every record with expected.json, re-ingest, export, verify the bag from outside.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR, loadExpected } from '../helpers/corpus.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { diffRecord } from '../helpers/expected.ts';

interface Listed { id: number; sha256: string; bytes: number; kind: string; sources: { path: string; name: string }[]; [k: string]: unknown }
interface IngestJson { counts: Record<string, number>; files: { path: string; status: string; reason?: string; sha256?: string; warnings?: string[] }[] }

const expected = loadExpected();
const entries = Object.entries(expected);
const work = mkdtempSync(join(tmpdir(), 'ea-cli-'));
const archive = join(work, 'archive');
let listed: Listed[] = [];
let first: IngestJson;

describe.skipIf(!HAS_CORPUS)('evidence CLI on the shared corpus', () => {
  beforeAll(() => {
    const r = runCliJson<IngestJson>(['ingest', MEDIA_DIR, '--archive', archive, '--digests', 'sha256,md5,sha1', '--json']);
    first = r.json;
    expect(r.code, r.stderr).toBe(0);
    listed = runCliJson<Listed[]>(['list', '--archive', archive, '--json']).json;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('adds every corpus file once, skips the two documentation files, fails none', () => {
    const media = entries.length;
    expect(first.counts.failed).toBe(0);
    // SOURCES.md and expected.json are plain files on the card too: kept as kind "other".
    expect(first.counts.added).toBe(media + 2);
    expect(listed).toHaveLength(media + 2);
  });

  it.each(entries)('%s: record equals expected.json', (path, exp) => {
    const rec = listed.find((r) => r.sha256 === exp.sha256);
    expect(rec, `${path} missing from evidence list`).toBeDefined();
    expect(diffRecord(exp, rec!)).toEqual([]);
    expect(rec!.sources.map((s) => s.path)).toContain(join(MEDIA_DIR, path));
    expect(rec!.sources.map((s) => s.name)).toContain(path.split('/').pop());
  });

  it('agrees with the outside check ../shared/tools/compare_expected.py', () => {
    const tool = join(SHARED_DIR, 'tools', 'compare_expected.py');
    const r = spawnSync('python3', [tool, '-', join(MEDIA_DIR, 'expected.json')], { input: JSON.stringify(listed), encoding: 'utf8' });
    expect(r.stdout).toMatch(/items fully matched 39\/39, missing 0/);
    expect(r.status).toBe(0);
  });

  it('lists one row per item, naming the camera once', () => {
    const r = runCli(['list', '--archive', archive]);
    expect(r.code).toBe(0);
    const png = expected['exifr/png/png_with_exif_and_gps.png']!;
    const row = r.stdout.split('\n').find((l) => l.includes(png.sha256.slice(0, 12)))!;
    // make "Canon", model "Canon PowerShot S40": the make is not said twice.
    expect(row).toMatch(/ {2}Canon PowerShot S40 {2}png_with_exif_and_gps\.png$/u);
    expect(row).not.toContain('Canon Canon');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`${entries.length + 2} items`);
  });

  it('keeps zero-byte and non-media files with a warning, as kind other', () => {
    const empty = first.files.find((f) => f.path.endsWith('edge/empty.jpg'))!;
    expect(empty.status).toBe('added');
    expect(empty.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(empty.warnings?.join(' ')).toMatch(/zero-byte/);
    const html = first.files.find((f) => f.path.endsWith('edge/HTML.jpg'))!;
    expect(html.warnings?.join(' ')).toMatch(/matches no known media format/);
  });

  it('stores originals read-only under their content address, byte for byte', () => {
    const e = expected['metadata-extractor-images/jpg/Apple iPhone 4.jpg']!;
    const obj = join(archive, 'objects', 'sha256', e.sha256.slice(0, 2), e.sha256.slice(2, 4), e.sha256);
    expect(statSync(obj).mode & 0o222).toBe(0);
    expect(readFileSync(obj).equals(readFileSync(join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 4.jpg')))).toBe(true);
  });

  it('shows all digests, sightings, raw metadata and custody events of an item', () => {
    const e = expected['metadata-extractor-images/mov/with-gps.mov']!;
    const { json } = runCliJson<{ digests: Record<string, string>; sightings: unknown[]; rawMetadata: Record<string, unknown>; custody: { type: string }[]; record: { capturedAtSource: string } }>(['show', e.sha256.slice(0, 10), '--archive', archive, '--json']);
    const md5 = spawnSync('md5sum', [join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov')], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(json.digests.sha256).toBe(e.sha256);
    expect(json.digests.md5).toBe(md5);
    expect(json.sightings).toHaveLength(1);
    expect(Object.keys(json.rawMetadata)).toContain('ffprobe');
    expect(json.record.capturedAtSource).toMatch(/creationdate/i);
    expect(json.custody.map((c) => c.type)).toEqual(['ingestion', 'message digest calculation', 'replication', 'metadata extraction']);
  });

  it('re-ingesting the same folder adds nothing and keeps one object per content', () => {
    const r = runCliJson<IngestJson>(['ingest', MEDIA_DIR, '--archive', archive, '--json']);
    expect(r.code).toBe(0);
    expect(r.json.counts.added).toBe(0);
    expect(r.json.counts.duplicate).toBe(entries.length + 2);
    expect(runCliJson<Listed[]>(['list', '--archive', archive, '--json']).json).toHaveLength(entries.length + 2);
  });

  it('exports a bag that bagcheck.py, sha256sum -c and verify-bag accept; the export is a custody event', () => {
    const out = join(work, 'bag');
    const ids = listed.filter((r) => r.kind !== 'other').slice(0, 6).map((r) => String(r.id));
    const r = runCliJson<{ tagManifestSha256: string; exportId: string; bagDir: string }>(['export', '--archive', archive, '--out', out, '--item', ...ids, '--recipient', 'Office of the Ombudsman', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'bagit.txt'))).toBe(true);
    for (const f of ['bag-info.txt', 'manifest-sha256.txt', 'manifest-md5.txt', 'manifest-sha1.txt', 'tagmanifest-sha256.txt', 'evidence/items.json', 'evidence/items.csv', 'evidence/custody.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const bagInfo = readFileSync(join(out, 'bag-info.txt'), 'utf8');
    expect(bagInfo).toMatch(new RegExp(`Internal-Sender-Identifier: ${r.json.exportId}`));
    expect(bagInfo).toMatch(/Payload-Oxum: \d+\.6/);
    const check = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), out], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const sums = spawnSync('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: out, encoding: 'utf8' });
    expect(sums.status, sums.stdout + sums.stderr).toBe(0);
    const vb = runCliJson<{ valid: boolean }>(['verify-bag', out, '--json']);
    expect(vb.json.valid).toBe(true);
    expect(vb.code).toBe(5); // intact but unsigned (the tests hold no key): not "valid" for a court
    const log = runCliJson<{ events: { type: string; detail: Record<string, unknown> }[] }>(['log', '--archive', archive, '--json']).json.events;
    // The run's own stage events (started, zipped…) aside: one per item and one for the set.
    const set = log.filter((e) => e.type === 'dissemination' && e.detail.exportId === r.json.exportId && !e.detail.stage);
    expect(set).toHaveLength(ids.length + 1);
    expect(set.at(-1)!.detail.tagManifestSha256).toBe(r.json.tagManifestSha256);
    expect(set.at(-1)!.detail.recipient).toBe('Office of the Ombudsman');
  });

  it('verify passes on the untouched archive and logs a fixity check', () => {
    const r = runCliJson<{ ok: boolean; itemsChecked: number; problems: unknown[] }>(['verify', '--archive', archive, '--json']);
    expect(r.json.problems).toEqual([]);
    expect(r.json.ok).toBe(true);
    expect(r.json.itemsChecked).toBe(entries.length + 2);
    expect(r.code).toBe(0);
    const log = runCli(['log', '--archive', archive, '--item', expected['exifr/002.tiff']!.sha256.slice(0, 8)]);
    expect(log.stdout).toMatch(/fixity check/);
  });
});
