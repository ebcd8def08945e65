// End to end on real photos: GPS positions near gazetteer villages are written into COPIES of
// fixture photos with exiftool, the copies are ingested with the real CLI, the suggested village
// and distance are checked against a great-circle distance computed independently (Python, over
// the shipped seed CSV), suggestions are accepted, people tagged, a set exported by place and
// checked by verifyBag and bagcheck.py, and its transfer recorded.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gazetteerSeedPath } from '../../electron/core/catalog/gazetteer.ts';
import { listCustodyEvents, verifyCustodyLog } from '../../electron/core/custody/log.ts';
import { openDb } from '../../electron/core/db/open.ts';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const HAS_EXIFTOOL = spawnSync('exiftool', ['-ver']).status === 0;

// [fixture, lat, lon]: three near villages, one in Bishkek (no village within 5 km), one 0,0 "no fix".
const SHOTS: [string, number, number][] = [
  ['metadata-extractor-images/jpg/Apple iPhone 4.jpg', 39.9512, 70.5301],
  ['exifr/issue-exifr-13.jpg', 40.1305, 69.7021],
  ['exifr/IMG_20180725_163423-tiny.jpg', 40.061, 70.823],
  ['exifr/noexif.jpg', 42.87, 74.59],
  ['metadata-extractor-images/jpg/Olympus PEN E-P3.jpg', 0, 0],
];

/** Nearest seed place and all distances within `radius`, computed in Python (haversine, R = 6371008.8 m). */
function pythonNearest(lat: number, lon: number, radius: number): { id: string; d: number }[] {
  const out = execFileSync('python3', ['-c', `
import csv, math, json, sys
lat, lon, radius = ${lat}, ${lon}, ${radius}
def hav(a, b, c, d):
    p1, p2 = math.radians(a), math.radians(c)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(d - b) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8')) if r['lat']]
ds = sorted((hav(lat, lon, float(r['lat']), float(r['lon'])), r['id']) for r in rows)
print(json.dumps([{'id': i, 'd': d} for d, i in ds if d <= radius]))`, gazetteerSeedPath()], { encoding: 'utf8' });
  return JSON.parse(out) as { id: string; d: number }[];
}

describe.skipIf(!HAS_CORPUS || !HAS_EXIFTOOL)('GPS → village → export by place (real photos)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-gps-'));
  const input = join(work, 'input');
  const archive = join(work, 'archive');
  const A = ['--archive', archive];
  const shaOf = new Map<string, string>();
  let idOf: Map<string, number>;

  beforeAll(async () => {
    execFileSync('mkdir', ['-p', input]);
    SHOTS.forEach(([fixture, lat, lon], i) => {
      const copy = join(input, `shot-${i + 1}.jpg`);
      copyFileSync(join(MEDIA_DIR, fixture), copy);
      execFileSync('exiftool', ['-q', '-q', '-overwrite_original', `-GPSLatitude=${Math.abs(lat)}`, `-GPSLatitudeRef=${lat < 0 ? 'S' : 'N'}`,
        `-GPSLongitude=${Math.abs(lon)}`, `-GPSLongitudeRef=${lon < 0 ? 'W' : 'E'}`, copy]);
      shaOf.set(`shot-${i + 1}.jpg`, execFileSync('sha256sum', [copy], { encoding: 'utf8' }).slice(0, 64));
    });
    const r = await runCli('ingest', input, ...A, '--operator', 'Айжан', '--json');
    expect(r.code, r.err).toBe(0);
    const list = await cliJson<{ id: number; sources: { name: string }[] }[]>('list', ...A, '--json');
    idOf = new Map(list.map((it) => [it.sources[0]!.name, it.id]));
    expect(idOf.size).toBe(SHOTS.length);
  }, 120_000);
  afterAll(() => undefined);

  it('suggests the nearest village with the great-circle distance an independent computation gives', async () => {
    const sugg = await cliJson<{ itemId: number; sha256: string; gps: { lat: number; lon: number }; suggestions: { placeId: string; distanceM: number; country: string }[] }[]>('suggest-places', ...A, '--json');
    const byName = new Map(sugg.map((s) => [[...idOf].find(([, id]) => id === s.itemId)![0], s]));
    // 0,0 is a device's "no fix": no suggestion at all, not even an empty one.
    expect(byName.has('shot-5.jpg')).toBe(false);
    expect(byName.get('shot-4.jpg')!.suggestions).toEqual([]);
    for (const [i, name] of ['shot-1.jpg', 'shot-2.jpg', 'shot-3.jpg'].entries()) {
      const s = byName.get(name)!;
      expect(s.gps.lat).toBeCloseTo(SHOTS[i]![1], 5);
      const expected = pythonNearest(SHOTS[i]![1], SHOTS[i]![2], 5000);
      expect(s.suggestions.map((x) => x.placeId)).toEqual(expected.map((x) => x.id));
      s.suggestions.forEach((x, k) => expect(Math.abs(x.distanceM - expected[k]!.d)).toBeLessThan(0.06));
    }
    expect(byName.get('shot-1.jpg')!.suggestions[0]).toMatchObject({ placeId: 'kok-tash-batken', distanceM: expect.closeTo(292.2, 0) });
    expect(byName.get('shot-2.jpg')!.suggestions.slice(0, 2).map((x) => [x.placeId, x.country])).toEqual([['maksat', 'KG'], ['ovchi-kalacha', 'TJ']]);
    expect(byName.get('shot-3.jpg')!.suggestions[0]!.placeId).toBe('batken');
    // A smaller radius drops the farther places.
    const tight = await cliJson<{ itemId: number; suggestions: { placeId: string }[] }[]>('suggest-places', ...A, '--radius', '1000', '--item', String(idOf.get('shot-2.jpg')), '--json');
    expect(tight).toEqual([expect.objectContaining({ suggestions: [] })]);
  });

  it('accepts suggestions as the operator\'s act, logged with the distance, chain intact', async () => {
    const out = await cliJson<{ itemId: number; status: string; placeId?: string }[]>('tag', '--accept-suggestions', ...A, '--operator', 'Бакыт', '--json');
    const status = Object.fromEntries(out.map((o) => [[...idOf].find(([, id]) => id === o.itemId)![0], `${o.status}${o.placeId ? `:${o.placeId}` : ''}`]));
    expect(status).toEqual({ 'shot-1.jpg': 'accepted:kok-tash-batken', 'shot-2.jpg': 'accepted:maksat', 'shot-3.jpg': 'accepted:batken', 'shot-4.jpg': 'no suggestion' });
    const db = openDb(join(archive, 'archive.sqlite'), { readonly: true });
    const ev = listCustodyEvents(db, { item: shaOf.get('shot-1.jpg') }).at(-1)!;
    expect(ev).toMatchObject({ type: 'metadata modification', actor: 'Бакыт', detail: { via: 'accepted suggestion', before: { places: [] }, after: { places: ['kok-tash-batken'] }, suggestion: { placeId: 'kok-tash-batken', radiusM: 5000 } } });
    expect(verifyCustodyLog(db).problems).toEqual([]);
    db.close();
    // Accepting again changes nothing.
    const again = await cliJson<{ status: string }[]>('tag', '--accept-suggestions', ...A, '--json');
    expect(again.map((o) => o.status).sort()).toEqual(['already placed', 'already placed', 'already placed', 'no suggestion']);
  });

  it('exports by place a bag that verifyBag and bagcheck.py accept, with tags and people, then records its transfer', async () => {
    const victim = await cliJson<{ id: number }>('person', 'add', 'Асанова Айгүл', '--sex', 'female', '--birth-date', '1990-03-12', '--residence', 'kok-tash-batken', '--status', 'injured', '--consent', 'given', ...A);
    const hidden = await cliJson<{ id: number }>('person', 'add', 'Мамытов Эрлан', '--status', 'held captive', '--sensitive', ...A);
    const s1 = String(idOf.get('shot-1.jpg'));
    let r = await runCli('tag', s1, '--person', `${victim.id}:depicts`, '--person', `${hidden.id}:testimony of`, '--tag', 'Дом', '--description', 'Сгоревший дом', ...A, '--operator', 'Айжан');
    expect(r.code, r.err).toBe(0);
    r = await runCli('tag', String(idOf.get('shot-4.jpg')), '--place', 'kok-tash-leilek', ...A);
    expect(r.code, r.err).toBe(0);
    expect((await cliJson<{ id: number }[]>('list', '--search', 'сгоревший', ...A, '--json')).map((i) => i.id)).toEqual([Number(s1)]);

    const bag = join(work, 'bag-kok-tash');
    // A name two villages share is refused, listing both ids (issue 11); the two ids select both.
    r = await runCli('export', '--place', 'kok-tash', '--out', bag, ...A, '--json', '--operator', 'Айжан');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/place "kok-tash" is ambiguous: kok-tash-batken \(.*\); kok-tash-leilek \(.*\); give the id/);
    r = await runCli('export', '--place', 'kok-tash-batken', '--place', 'kok-tash-leilek', '--out', bag, ...A, '--json', '--operator', 'Айжан');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/1 sensitive person appears in evidence\/people.json by pseudonym only/);
    const exp = JSON.parse(r.out) as { exportId: string; items: number; tagManifestSha256: string };
    expect(exp.items).toBe(2);
    expect(readdirSync(join(bag, 'data')).sort()).toEqual(['kok-tash-batken', 'kok-tash-leilek']);
    expect(readdirSync(join(bag, 'data', 'kok-tash-batken'))).toEqual(['shot-1.jpg']);
    const items = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as Record<string, unknown>[];
    const i1 = items.find((i) => i.path === 'data/kok-tash-batken/shot-1.jpg')!;
    expect(i1).toMatchObject({ places: ['kok-tash-batken'], tags: ['дом'], description: 'Сгоревший дом', people: [{ id: victim.id, role: 'depicts' }, { id: expect.stringMatching(/^V-/), role: 'testimony of' }] });
    expect(readFileSync(join(bag, 'evidence', 'items.csv'), 'utf8')).toMatch(/kok-tash-batken/);
    const people = readFileSync(join(bag, 'evidence', 'people.json'), 'utf8');
    expect(people).toContain('Асанова Айгүл');
    expect(people).not.toContain('Мамытов');
    expect(JSON.parse(readFileSync(join(bag, 'evidence', 'places.json'), 'utf8'))).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'kok-tash-batken', coordLicence: 'CC-BY-4.0' })]));

    const report = await verifyBag(bag);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.tagManifestSha256).toBe(exp.tagManifestSha256);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), bag], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);

    const t = await cliJson<{ tagManifestSha256: string; bagVerified: boolean; event: { seq: number; type: string; detail: Record<string, unknown> } }>('transfer', '--to', 'Office of the Ombudsman', '--export', exp.exportId, ...A, '--json', '--operator', 'Айжан');
    expect(t).toMatchObject({ tagManifestSha256: exp.tagManifestSha256, bagVerified: true, event: { type: 'transfer', detail: { recipient: 'Office of the Ombudsman', exportId: exp.exportId, tagManifestSha256: exp.tagManifestSha256, bagVerified: true } } });
    const bad = await runCli('transfer', '--to', 'X', '--export', 'export-nope', ...A);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/export export-nope: no such export/);

    const db = openDb(join(archive, 'archive.sqlite'), { readonly: true });
    const types = listCustodyEvents(db, { item: shaOf.get('shot-1.jpg') }).map((e) => e.type);
    expect(types[0]).toBe('ingestion');
    expect(types.slice(-4)).toEqual(['metadata modification', 'metadata modification', 'dissemination', 'transfer']);
    expect(verifyCustodyLog(db).problems).toEqual([]);
    db.close();

    // The redacted register leaves no real name or exact coordinate.
    const red = await runCli('person', 'export', '--redact', '--format', 'json', ...A);
    expect(red.code).toBe(0);
    for (const secret of ['Асанова', 'Айгүл', 'Мамытов', 'Эрлан', '1990-03-12', '39.9491', '70.52804']) expect(red.out).not.toContain(secret);
    expect(JSON.parse(red.out)).toEqual([expect.objectContaining({ birthYear: 1990, residence: expect.objectContaining({ placeId: 'kok-tash-batken', lat: 39.9, lon: 70.5 }) })]);
  });
});
