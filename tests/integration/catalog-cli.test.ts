// The catalog commands through the real CLI on a real archive folder (no media needed).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

describe('evidence place|person|incident|case', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-cli-'));
  const A = ['--archive', join(work, 'archive')];

  it('adds, edits, lists, shows, exports and re-imports places; merges', async () => {
    expect((await runCli('init', A[1]!)).code).toBe(0);
    const school = await cliJson<{ id: string; parentId: string; lat: number }>('place', 'add', 'Kok-Tash school No. 3', '--name-ky', 'Көк-Таш №3 мектеби', '--kind', 'school', '--parent', 'kok-tash-batken', '--lat', '39.9502', '--lon', '70.5271', '--coord-source', 'GPS of a visit, 2021-05-05', '--coord-licence', 'CC0-1.0', ...A);
    expect(school).toMatchObject({ id: 'kok-tash-school-no-3', parentId: 'kok-tash-batken', lat: 39.9502 });
    expect((await cliJson<{ id: string }[]>('place', 'list', '--search', 'көк-таш №3', ...A, '--json')).map((p) => p.id)[0]).toBe('kok-tash-school-no-3');
    const edited = await cliJson<{ notes: string; coordSource: string | null }>('place', 'edit', school.id, '--notes', 'burned 2021-04-29', '--lat', '39.9503', ...A, '--json');
    expect(edited).toMatchObject({ notes: 'burned 2021-04-29', coordSource: null }); // a moved coordinate loses its old source
    const shown = await cliJson<{ id: string; items: number[] }>('place', 'show', 'Koktash', ...A, '--json').catch((e: Error) => e);
    expect(String(shown)).toMatch(/ambiguous/);
    expect((await runCli('place', 'show', 'Koktash', ...A)).code).toBe(2);

    const csv = (await runCli('place', 'export', '--format', 'csv', ...A)).out;
    expect(csv.split('\n')[0]).toMatch(/^id,country,kind,name_en,name_ky,name_ru,alt_names/);
    expect(csv).toContain('kok-tash-school-no-3,KG,school');
    const geo = JSON.parse((await runCli('place', 'export', '--format', 'geojson', ...A)).out) as { features: { id: string; geometry: { coordinates: number[] } | null; properties: Record<string, unknown> }[] };
    expect(geo.features).toHaveLength(48);
    expect(geo.features.find((f) => f.id === 'kok-tash-batken')).toMatchObject({ geometry: { type: 'Point', coordinates: [70.52804, 39.9491] }, properties: { coord_licence: 'CC-BY-4.0' } });
    expect(geo.features.find((f) => f.id === 'arka')!.geometry).toBeNull();

    const imp = join(work, 'new-places.csv');
    writeFileSync(imp, 'id,name_en,name_ky,lat,lon,country\n,Kok-Tash mosque,Көк-Таш мечити,39.949,70.528,KG\nbatken,Batken again,,,,KG\n,,Аты жок,,,KG\n,Far hamlet,,95,70,KG\n,Sary-Tash,,39.7,73.2,kg\n');
    const r = await runCli('place', 'import', imp, ...A, '--json');
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.out) as { imported: { row: number; id: string }[]; errors: { row: number; reason: string }[] };
    expect(rep.imported).toEqual([{ row: 2, id: 'kok-tash-mosque' }, { row: 6, id: 'sary-tash' }]);
    expect(rep.errors.map((e) => e.row)).toEqual([3, 4, 5]);
    expect(rep.errors[0]!.reason).toMatch(/batken already exists/);
    expect(rep.errors[1]!.reason).toMatch(/nameEn: a place needs an English\/Latin name/);
    expect(rep.errors[2]!.reason).toMatch(/lat: Too big/);
    expect(r.err).toMatch(/new-places.csv row 3: place batken already exists/);

    const gj = join(work, 'more.geojson');
    writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [70.53, 39.95] }, properties: { name_en: 'Kok-Tash clinic', kind: 'building' } },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: { name_en: 'An area' } },
    ] }));
    const g = JSON.parse((await runCli('place', 'import', gj, ...A, '--json')).out) as { imported: unknown[]; errors: { reason: string }[] };
    expect(g.imported).toHaveLength(1);
    expect(g.errors[0]!.reason).toMatch(/geometry Polygon: only Point/);

    const merged = await cliJson<{ from: string; into: { id: string; altNames: string[] } }>('place', 'merge', 'kok-tash-mosque', 'kok-tash-school-no-3', ...A, '--json');
    expect(merged.into.altNames).toEqual(expect.arrayContaining(['Kok-Tash mosque', 'Көк-Таш мечити']));
    expect((await cliJson<{ id: string }[]>('place', 'list', '--search', 'Көк-Таш мечити', ...A, '--json'))[0]!.id).toBe('kok-tash-school-no-3');
  });

  it('adds people, incidents and cases, printing each new record with its id', async () => {
    const p = await cliJson<{ id: number; statuses: string[]; residencePlaceId: string }>('person', 'add', 'Жылдыз Исмаилова', '--status', 'killed', '--age', '12', '--residence', 'Кок-Таш (Баткен)', ...A);
    expect(p).toMatchObject({ id: 1, statuses: ['killed'], residencePlaceId: 'kok-tash-batken' });
    const bad = await runCli('person', 'add', 'X', '--status', 'hurt', ...A);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/statuses.0: Invalid option/);
    const i = await cliJson<{ id: number; placeIds: string[] }>('incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', '--place', 'kok-tash-batken', ...A);
    expect(i).toMatchObject({ id: 1, placeIds: ['kok-tash-batken'] });
    const c = await cliJson<{ id: number; articles: string[] }>('case', 'add', '12-345', '--authority', 'Prosecutor General', '--article', '97 part 2', '--article', '231', ...A);
    expect(c).toMatchObject({ id: 1, articles: ['97 part 2', '231'] });
    expect((await runCli('case', 'add', '12-345', '--authority', 'Prosecutor General', ...A)).code).toBe(2);

    const out = join(work, 'incidents.json');
    expect((await runCli('incident', 'export', '--out', out, ...A)).code).toBe(0);
    const arr = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[];
    arr.push({ title: 'bad', type: 'riot' });
    arr.push({ ...arr[0], placeIds: ['kok-tash-batken', 'kok-tash-batken'] }); // the same incident, its place given twice
    arr.push({ ...arr[0], endedAt: '2021-04-29T18:00+06:00' }); // a different incident
    arr.push({ ...arr[0], startedAt: '2021-04-29T10:00:00+06:00', description: '' }); // the first again, spelt otherwise
    writeFileSync(out, JSON.stringify(arr));
    const re = await runCli('incident', 'import', out, ...A, '--json');
    expect(re.code).toBe(1);
    // Its own export imported again adds nothing twice; the new one is added; the bad one reported.
    expect(JSON.parse(re.out)).toMatchObject({ imported: [2], alreadyPresent: [{ row: 1, id: 1 }, { row: 3, id: 1 }, { row: 5, id: 1 }], errors: [{ row: 2, reason: expect.stringMatching(/^type: Invalid option/) }] });
    expect((await cliJson<unknown[]>('incident', 'list', '--search', 'көк-таш', ...A, '--json'))).toHaveLength(2);
    const again = await runCli('incident', 'import', out, ...A);
    expect(again.out).toBe('Imported 0 of 5 incidents; 4 already in the archive, not added again\n');
    // Into another archive everything valid is new.
    const B = ['--archive', join(work, 'archive-b')];
    expect((await runCli('init', B[1]!)).code).toBe(0);
    expect(JSON.parse((await runCli('incident', 'import', out, ...B, '--json')).out)).toMatchObject({ imported: [1, 2], alreadyPresent: [{ row: 3, id: 1 }, { row: 5, id: 1 }] });

    const cases = join(work, 'cases.json');
    expect((await runCli('case', 'export', '--out', cases, ...A)).code).toBe(0);
    const caseRows = JSON.parse(readFileSync(cases, 'utf8')) as Record<string, unknown>[];
    caseRows.push({ ...caseRows[0], articles: ['97 part 2'] }); // same number, other articles: a conflict
    writeFileSync(cases, JSON.stringify(caseRows));
    const cre = await runCli('case', 'import', cases, ...A, '--json');
    expect(cre.code).toBe(1);
    expect(JSON.parse(cre.out)).toMatchObject({ imported: [], alreadyPresent: [{ row: 1, id: 1 }], errors: [{ row: 2, reason: 'case: Prosecutor General 12-345 already exists' }] });
  });

  it('takes the places of an incident by name as well as by id, and refuses an ambiguous or unknown one (exit 2)', async () => {
    const i = await cliJson<{ id: number; placeIds: string[] }>('incident', 'add', 'Arson in Kok-Tash', '--type', 'arson', '--place', 'Кок-Таш (Баткен)', '--place', 'kok-tash-batken', ...A);
    expect(i.placeIds).toEqual(['kok-tash-batken']);
    const edited = await cliJson<{ placeIds: string[] }>('incident', 'edit', String(i.id), '--place', 'KOK-TASH-BATKEN', '--json', ...A);
    expect(edited.placeIds).toEqual(['kok-tash-batken']);
    let r = await runCli('incident', 'add', 'Arson', '--type', 'arson', '--place', 'Кок-Таш', ...A);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^evidence: place "Кок-Таш" is ambiguous: kok-tash-batken .*kok-tash-leilek .*; give the id\n$/);
    r = await runCli('incident', 'add', 'Arson', '--type', 'arson', '--place', 'Atlantis', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: place "Atlantis": no place has this id or name (try `evidence place list --search "Atlantis"`)\n']);
  });

  it('says how many people a redacted register leaves out, when nobody in it consented', async () => {
    const r = await runCli('person', 'export', '--format', 'csv', '--redact', ...A);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1); // the header only: consent is "unknown" by default
    const n = (await cliJson<unknown[]>('person', 'list', '--json', ...A)).length;
    expect(r.err).toBe(`note: ${n} ${n === 1 ? 'person' : 'people'} left out of the redacted register (flagged sensitive, or consent to publication not given)\n`);
  });

  it('refuses impossible dates with a clear message (exit 2)', async () => {
    let r = await runCli('incident', 'add', 'Shelling', '--type', 'shelling', '--start', '2021-13-45', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: incident: startedAt: no such date or time (month 1–12, a day the month has, hours 00–23, minutes 00–59, offset within ±14:00)\n']);
    r = await runCli('incident', 'add', 'Shelling', '--type', 'shelling', '--start', '2021-04-29T24:30', ...A);
    expect(r.code).toBe(2);
    r = await runCli('person', 'add', 'Бермет', '--birth-date', '1990-02-30', ...A);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/birthDate: no such day in the calendar \(e\.g\. February 30\)/);
    const nextYear = String(new Date().getUTCFullYear() + 1);
    for (const future of [nextYear, `${nextYear}-01`, `${nextYear}-01-01`]) {
      r = await runCli('person', 'add', 'Бермет', '--birth-date', future, ...A);
      expect([r.code, future]).toEqual([2, future]);
      expect(r.err).toMatch(/birthDate: cannot be in the future/);
    }
    expect((await cliJson<{ birthDate: string }>('person', 'add', 'Бермет', '--birth-date', '2020-02-29', ...A)).birthDate).toBe('2020-02-29');
    r = await runCli('case', 'add', '77-1', '--authority', 'Prosecutor General', '--opened', '2021-02-29', ...A);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/openedOn: no such day in the calendar/);
  });

  it('imports the readable rows of a CSV with an unclosed quote, reporting the broken row', async () => {
    const file = join(work, 'victims-broken.csv');
    writeFileSync(file, 'Name,Sex,Village\nАлтынай Т.,female,ak-sai\n"Бекзат К.,male,maksat\nЧолпон А.,female,batken\nДаниел Р.,male,"Ak-Sai"\n');
    const r = await runCli('person', 'import', file, ...A, '--json');
    expect(r.code).toBe(1);
    const rep = JSON.parse(r.out) as { rows: number; imported: { row: number; name: string }[]; errors: { row: number; reason: string }[] };
    expect(rep.imported.map((i) => [i.row, i.name])).toEqual([[2, 'Алтынай Т.'], [4, 'Чолпон А.'], [5, 'Даниел Р.']]);
    expect(rep.errors).toEqual([{ row: 3, reason: 'not readable as CSV: a quote (") opened in this row is never closed' }]);
    expect(rep.rows).toBe(4);
    expect(r.err).toContain('victims-broken.csv row 3: not readable as CSV');
  });

  it('imports GeoJSON places named by `name` (QGIS, OpenStreetMap)', async () => {
    const gj = join(work, 'osm.geojson');
    writeFileSync(gj, JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [70.6, 39.8] }, properties: { name: 'Kara-Bak water intake', 'name:ru': 'Водозабор Кара-Бак' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [70.61, 39.81] }, properties: { NAME_X: 'no usable name' } },
    ] }));
    const r = await runCli('place', 'import', gj, ...A, '--json');
    const rep = JSON.parse(r.out) as { imported: { row: number; id: string }[]; errors: { row: number; reason: string }[] };
    expect(rep.imported).toEqual([{ row: 1, id: 'kara-bak-water-intake' }]);
    expect(rep.errors).toEqual([{ row: 2, reason: expect.stringMatching(/nameEn: a place needs an English\/Latin name/) }]);
    expect(await cliJson('place', 'show', 'kara-bak-water-intake', ...A, '--json')).toMatchObject({ nameEn: 'Kara-Bak water intake', nameRu: 'Водозабор Кара-Бак', lat: 39.8, lon: 70.6 });
  });

  it('finds a tag with "№" by "№2" and "школа №2" in list --search', async () => {
    const card = join(work, 'card');
    mkdirSync(card, { recursive: true });
    writeFileSync(join(card, 'school.txt'), 'school number two\n');
    writeFileSync(join(card, 'other.txt'), 'something else, 2\n');
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    const items = await cliJson<{ id: number; sources: { name: string }[] }[]>('list', ...A, '--json');
    const school = items.find((i) => i.sources[0]!.name === 'school.txt')!.id;
    const other = items.find((i) => i.sources[0]!.name === 'other.txt')!.id;
    expect((await runCli('tag', String(school), '--tag', 'школа №2', ...A)).code).toBe(0);
    expect((await runCli('tag', String(other), '--tag', 'школа 2', ...A)).code).toBe(0);
    for (const q of ['№2', 'школа №2', 'No2']) {
      expect((await cliJson<{ id: number }[]>('list', '--search', q, ...A, '--json')).map((i) => i.id), q).toEqual([school]);
    }
  });
});
