// A hostile tester's leaks in public releases of redacted copies (`export --redact-people
// --redacted-media`), through the real CLI on a real photo and generated media:
// 1. the name of a person flagged sensitive (consent refused) in file names and free tags;
// 2. the original's exact GPS quoted by an ingest warning in the metadata extraction event;
// 3. a video metadata key made of a name and a position, recorded by the redaction event.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const CITY = join(SHARED_DIR, 'fixtures', 'faces', 'city.jpg');
// Another picture: two copies of one picture stripped alike would be one file, listed twice.
const PORTRAIT = join(SHARED_DIR, 'fixtures', 'faces', 'portrait.jpg');
const GOPRO = join(MEDIA_DIR, 'gpmf-parser', 'max-heromode.mp4');
const work = mkdtempSync(join(tmpdir(), 'ea-pubnames-'));
const archive = join(work, 'archive');
const card = join(work, 'card');
const A = ['--archive', archive];
const ids: Record<string, number> = {};
// What must not leave: the protected name (both scripts, surname alone), the NMEA GPS, the key.
const SECRETS = [/sapar/iu, /сапар/iu, /айгүл/iu, /3959\.2593/u, /7125\.9265/u, /39\.9876N/u, /71\.4321E/u];

interface Ev { seq: number; type: string; item: string | null; detail: Record<string, unknown> }
interface Item { path: string; sha256: string; originalName: string | null; sources: { name: string }[]; tags?: string[]; redactedFrom?: { sha256: string } }

const ok = (args: string[]) => {
  const r = runCli([...args, ...A]);
  expect(r.code, `evidence ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};

/** Every file under `dir`, relative, with its bytes. */
function filesOf(dir: string): [string, Buffer][] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name))]);
}

/** The secrets found in `dir`'s file names and contents (UTF-8 text of each file, the PDF's text through pdftotext when present), and in the zip's bytes (its entry names). */
function leaks(dir: string, zip?: string): string[] {
  const out: string[] = [];
  for (const [rel, bytes] of filesOf(dir)) {
    const texts = [rel, bytes.toString('utf8')];
    if (rel.endsWith('.pdf')) {
      try {
        texts.push(execFileSync('pdftotext', [join(dir, rel), '-'], { encoding: 'utf8' }));
      } catch { /* no pdftotext: the raw bytes are checked */ }
    }
    for (const t of texts) for (const s of SECRETS) if (s.test(t)) out.push(`${rel}: ${String(s)}`);
  }
  if (zip) for (const s of SECRETS) if (s.test(readFileSync(zip).toString('utf8'))) out.push(`${zip}: ${String(s)}`);
  return [...new Set(out)];
}

/** Recomputes every tag manifest over the files it lists, as a forger would. */
function resealListed(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => /^tagmanifest-\w+\.txt$/u.test(n))) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const files = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('  ') + 2));
    writeFileSync(join(dir, name), files.map((f) => `${createHash(alg).update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join(''));
  }
}

const hasMedia = existsSync(CITY) && existsSync(PORTRAIT);

describe.skipIf(!hasMedia)('public releases of redacted copies withhold names, tags, the original\'s metadata and made-up keys', () => {
  beforeAll(() => {
    mkdirSync(card, { recursive: true });
    copyFileSync(CITY, join(card, 'Saparova_h.jpg'));
    copyFileSync(PORTRAIT, join(card, 'd.jpg'));
    // NMEA-style degrees-and-minutes, out of range as degrees: ingest warns, quoting the numbers.
    execFileSync('exiftool', ['-q', '-overwrite_original', '-n', '-GPSLatitude=3959.2593', '-GPSLatitudeRef=N', '-GPSLongitude=7125.9265', '-GPSLongitudeRef=E', join(card, 'd.jpg')]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10:duration=1', '-c:v', 'mpeg4',
      '-metadata', 'Aigul_Saparova_39.9876N_71.4321E=x', '-metadata', 'title=street', '-movflags', 'use_metadata_tags', join(card, 'k.mov')]);
    if (existsSync(GOPRO)) copyFileSync(GOPRO, join(card, 'gopro.mp4'));
    ok(['init', archive]);
    ok(['person', 'add', 'Айгүл Сапарова', '--latin', 'Aigul Saparova', '--consent', 'refused', '--sensitive']);
    const r = runCliJson<{ files: { path: string; itemId?: number }[] }>(['ingest', card, '--json', ...A]);
    for (const f of r.json.files) ids[f.path.slice(card.length + 1)] = f.itemId!;
    ok(['tag', String(ids['Saparova_h.jpg']), '--tag', 'Aigul Saparova', '--tag', 'Сапарова', '--tag', 'street']);
    ok(['tag', String(ids['d.jpg']), '--tag', 'market']);
    for (const [name, id] of Object.entries(ids)) ok(['redact', String(id), '--strip-metadata', ...(name === 'gopro.mp4' ? ['--coarsen-date', 'year'] : [])]);
  }, 240_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('the archive itself holds what a public set must not give (the test can fail)', () => {
    const log = JSON.stringify(runCliJson(['log', '--item', String(ids['d.jpg']), '--json', ...A]).json);
    expect(log).toContain('3959.2593');
  });

  it('export --redact-people --redacted-media: neutral names, no tags, no original metadata, no made-up key; verify-bag passes', () => {
    const out = join(work, 'pub1');
    const r = runCli(['export', '--item', ...Object.values(ids).map(String), '--redact-people', '--redacted-media', '--out', out, '--zip', '--mhl', '--contact-sheets', '--no-sign', ...A]);
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(out, `${out}.zip`)).toEqual([]);
    // The tester's counts: the one file name and the two tags naming her, never which.
    expect(r.stderr).toMatch(/1 file name\(s\) and 2 tag\(s\) naming a person/u);
    expect(r.stderr).not.toMatch(/sapar/iu);
    const items = JSON.parse(readFileSync(join(out, 'evidence', 'items.json'), 'utf8')) as Item[];
    expect(items.map((i) => i.path).sort()).toEqual(Object.entries(ids).map(([n, id]) => `data/item-${id}.redacted.${/\.mov$/u.test(n) ? 'mov' : /\.mp4$/u.test(n) ? 'mp4' : 'jpg'}`).sort());
    for (const i of items) {
      expect(i.originalName).toBeNull();
      expect(i.sources).toEqual([]);
      expect(i.tags).toEqual([]);
    }
    expect(readFileSync(join(out, 'evidence', 'items.csv'), 'utf8')).not.toMatch(/market|street|(?<![a-z])d\.jpg|k\.mov/u);
    const custody = JSON.parse(readFileSync(join(out, 'evidence', 'custody.json'), 'utf8')) as { events: Ev[]; withheldSeqs: number[] };
    const originals = new Set(items.map((i) => i.redactedFrom!.sha256));
    expect(custody.events.filter((e) => e.item && originals.has(e.item) && e.type === 'metadata extraction')).toEqual([]);
    // The redaction events stay (verify-bag links each copy by them), with only well-known keys named.
    const redactions = custody.events.filter((e) => e.type === 'redaction');
    expect(redactions).toHaveLength(Object.keys(ids).length);
    const mov = redactions.find((e) => (e.detail.derivative as { mime: string }).mime === 'video/quicktime')!;
    const removed = mov.detail.removed as { metadataTags: string[]; metadataTagsOther?: number };
    expect(removed.metadataTags).toContain('container:title');
    expect(removed.metadataTagsOther).toBe(1);
    expect(JSON.stringify(custody)).not.toMatch(/market|street|(?<![a-z])d\.jpg|k\.mov|gopro/iu);
    const html = readFileSync(join(out, 'evidence', 'custody-report.html'), 'utf8');
    expect(html).toContain(`item-${ids['d.jpg']}.redacted.jpg`);
    expect(html).not.toMatch(/market|>street|(?<![a-z])d\.jpg|k\.mov/u);
    expect(readdirSync(join(out, 'ascmhl')).join(' ')).not.toMatch(/sapar/iu);
    const v = runCliJson<{ valid: boolean; problems: unknown[] }>(['verify-bag', out, '--json']);
    expect(v.json.problems).toEqual([]);
    expect(v.json.valid).toBe(true);
    // No extraction event pins a copy's facts: a copy's entry given a GPS position and re-sealed is still caught.
    const forged = join(work, 'pub1-forged');
    cpSync(out, forged, { recursive: true });
    const copy = items.find((i) => i.path === `data/item-${ids['d.jpg']}.redacted.jpg`)! as Item & { gps: unknown };
    copy.gps = { lat: 39.98765, lon: 71.43210, alt: null };
    writeFileSync(join(forged, 'evidence', 'items.json'), JSON.stringify(items, null, 2));
    resealListed(forged);
    const f = runCliJson<{ valid: boolean; problems: { file?: string; reason: string }[] }>(['verify-bag', forged, '--json']).json;
    expect(f.valid).toBe(false);
    expect(f.problems).toContainEqual({ file: copy.path, reason: expect.stringMatching(/gives the redacted copy [0-9a-f]{64} a GPS position/u) as string });
  }, 240_000);

  it('--keep-file-names --keep-tags: the other names and tags go, the protected ones are still withheld', () => {
    const out = join(work, 'pub2');
    const r = runCli(['export', '--item', String(ids['Saparova_h.jpg']), String(ids['d.jpg']), '--redact-people', '--redacted-media', '--keep-file-names', '--keep-tags', '--out', out, '--no-sign', ...A]);
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(out)).toEqual([]);
    const items = JSON.parse(readFileSync(join(out, 'evidence', 'items.json'), 'utf8')) as Item[];
    const byPath = new Map(items.map((i) => [i.path, i]));
    expect(byPath.get('data/d.redacted.jpg')?.originalName).toBe('d.jpg');
    expect(byPath.get('data/d.redacted.jpg')?.tags).toEqual(['market']);
    const hers = byPath.get(`data/item-${ids['Saparova_h.jpg']}.redacted.jpg`)!;
    expect(hers.originalName).toBeNull();
    expect(hers.tags).toEqual(['street']);
    expect(runCliJson<{ problems: unknown[] }>(['verify-bag', out, '--json']).json.problems).toEqual([]);
  }, 240_000);

  it('--redact-people without redacted copies: a file name or tag naming her is withheld, the others stay', () => {
    const out = join(work, 'pub3');
    const r = runCli(['export', '--item', String(ids['Saparova_h.jpg']), String(ids['d.jpg']), '--redact-people', '--out', out, '--no-sign', ...A]);
    expect(r.code, r.stderr).toBe(0);
    expect(leaks(out).filter((l) => !/3959|7125/u.test(l))).toEqual([]);
    const items = JSON.parse(readFileSync(join(out, 'evidence', 'items.json'), 'utf8')) as Item[];
    expect(items.map((i) => i.path).sort()).toEqual(['data/d.jpg', `data/item-${ids['Saparova_h.jpg']}.jpg`].sort());
    expect(items.find((i) => i.path === 'data/d.jpg')!.tags).toEqual(['market']);
    expect(runCliJson<{ problems: unknown[] }>(['verify-bag', out, '--json']).json.problems).toEqual([]);
  }, 240_000);

  it('--keep-tags without --redacted-media is refused', () => {
    const r = runCli(['export', '--item', String(ids['d.jpg']), '--redact-people', '--keep-tags', '--out', join(work, 'pub4'), '--no-sign', ...A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--keep-file-names and --keep-tags apply with --redacted-media only/u);
  });
});
