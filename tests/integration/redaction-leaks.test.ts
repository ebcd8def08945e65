// Public-release outputs (`person export --redact`, `export --redact-people`) through the real CLI
// on a real archive: the test plants identifying values (names, a user-added hamlet with exact
// coordinates, a source folder named after an interviewee, person ids in custody events) and
// greps the files actually written for them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-redaction-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
const FOLDER = 'Interview Aigul T';
// Values that must not reach a public release.
const HAMLET_SECRETS = ['test-hamlet', 'Tashieva yard', 'house of the Tashiev family', 'phone GPS at the gate', '39.9171', '2.8251', 'Aigul street'];
const NAME_SECRETS = ['Айгүл', 'Ташиева', 'Aigul Tashieva', 'Tashieva'];
let aigul: number;
let bakyt: number;

interface Custody { seq: number; type: string; item: string | null; detail: Record<string, unknown> }

const ok = (args: string[]) => {
  const r = runCli([...args, ...A]);
  expect(r.code, `evidence ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
};
const expectNone = (file: string, text: string, secrets: string[]) => {
  for (const s of secrets) expect(text, `${file} contains "${s}"`).not.toContain(s);
};

beforeAll(() => {
  mkdirSync(join(work, 'card', FOLDER), { recursive: true });
  writeFileSync(join(work, 'card', FOLDER, 'statement.txt'), 'statement\n');
  writeFileSync(join(work, 'card', 'school.txt'), 'the school\n');
  ok(['ingest', join(work, 'card'), '--json']);
  ok(['place', 'add', 'test-hamlet', '--kind', 'hamlet', '--lat', '39.9171', '--lon=-2.8251', '--district', 'Aigul street',
    '--alt', 'Tashieva yard', '--notes', 'house of the Tashiev family', '--coord-source', 'phone GPS at the gate', '--coord-licence', 'CC0-1.0']);
  ok(['place', 'add', 'test-yard', '--kind', 'building']);
  aigul = runCliJson<{ id: number }>(['person', 'add', 'Айгүл Ташиева', '--latin', 'Aigul Tashieva', '--consent', 'given', '--residence', 'test-hamlet', ...A]).json.id;
  bakyt = runCliJson<{ id: number }>(['person', 'add', 'Бакыт', '--consent', 'given', '--residence', 'kok-tash-batken', ...A]).json.id;
  runCliJson(['person', 'add', 'Жылдыз', '--consent', 'given', '--residence', 'test-yard', ...A]);
  const items = runCliJson<{ id: number; sources: { name: string }[] }[]>(['list', '--json', ...A]).json;
  const idOf = new Map(items.map((i) => [i.sources[0]!.name, String(i.id)]));
  ok(['tag', idOf.get('statement.txt')!, '--person', `${aigul}:testimony of`, '--place', 'test-hamlet']);
  ok(['tag', idOf.get('school.txt')!, '--place', 'kok-tash-batken', '--tag', 'school']);
  ok(['tag', idOf.get('school.txt')!, '--person', `${bakyt}:depicts`]);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('person export --redact', () => {
  it('gives a user-added residence by rounded coordinates only, a seed village by name, and no catalog id', () => {
    for (const format of ['csv', 'json']) {
      const file = join(work, `register.${format}`);
      ok(['person', 'export', '--format', format, '--redact', '--out', file]);
      const text = readFileSync(file, 'utf8');
      expectNone(file, text, [...HAMLET_SECRETS, ...NAME_SECRETS, 'test-yard', 'Бакыт', 'Жылдыз']);
      expect(text).toContain('kok-tash-batken');
      expect(text).toContain('Kok-Tash');
      if (format === 'json') {
        const recs = JSON.parse(text) as Record<string, unknown>[];
        expect(recs.map((r) => r.residence)).toEqual([
          { placeId: null, name: null, district: null, country: 'KG', lat: 39.9, lon: -2.8 },
          expect.objectContaining({ placeId: 'kok-tash-batken', name: 'Kok-Tash', lat: 39.9, lon: 70.5 }),
          null,
        ]);
        expect(recs.every((r) => !('id' in r))).toBe(true);
      } else {
        expect(text).toMatch(/,,,KG,39\.9,-2\.8,/);
      }
    }
  });
});

describe('export --redact-people', () => {
  const bag = join(work, 'bag-public');
  const read = (rel: string) => readFileSync(join(bag, rel), 'utf8');

  beforeAll(() => {
    ok(['export', '--all', '--redact-people', '--out', bag, '--json']);
  }, 60_000);

  it('rounds user-added places in places.json and keeps seed villages exact', () => {
    const text = read('evidence/places.json');
    expectNone('places.json', text, HAMLET_SECRETS.filter((s) => s !== 'test-hamlet' && s !== 'Aigul street'));
    const places = JSON.parse(text) as Record<string, unknown>[];
    expect(places.find((p) => p.id === 'test-hamlet')).toMatchObject({ lat: 39.9, lon: -2.8, coordRoundedTo: 0.1, coordSource: null });
    expect(places.find((p) => p.id === 'kok-tash-batken')?.lat).not.toBe(39.9);
    expectNone('people.json', read('evidence/people.json'), [...HAMLET_SECRETS, ...NAME_SECRETS]);
  });

  it('leaves out of custody.json every event that mentions people, and the excerpt still verifies', () => {
    const all = runCliJson<{ events: Custody[] }>(['log', '--json', ...A]).json.events;
    const mentioning = all.filter((e) => e.type === 'metadata modification' && JSON.stringify(e.detail).includes('"people":[{'));
    expect(mentioning.length).toBe(2);
    const text = read('evidence/custody.json');
    const excerpt = JSON.parse(text) as { events: Custody[] };
    const seqs = excerpt.events.map((e) => e.seq);
    for (const e of mentioning) expect(seqs).not.toContain(e.seq);
    expect(text).not.toMatch(/"person(Id)?s?"\s*:\s*[[{0-9"]/);
    expect(text).not.toMatch(/"people"\s*:\s*\[\s*\{/);
    // The place-and-tag event without people stays, as do all ingestion events.
    expect(excerpt.events.filter((e) => e.type === 'metadata modification')).toHaveLength(1);
    expect(excerpt.events.filter((e) => e.type === 'ingestion')).toHaveLength(2);
    expect(read('bag-info.txt').replace(/\n\s+/g, ' ')).toMatch(/^Evidence-Redaction: .*custody events whose detail names people were withheld/m);

    const v = runCliJson<{ valid: boolean; problems: unknown[] }>(['verify-bag', bag, '--json']).json;
    expect(v.problems).toEqual([]);
    expect(v.valid).toBe(true);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), bag], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
    // Which events were withheld is on record in the archive.
    const set = runCliJson<{ events: Custody[] }>(['log', '--json', ...A]).json.events.filter((e) => e.type === 'dissemination' && e.item === null).at(-1)!;
    expect(set.detail.custodyExcerptWithheldSeqs).toEqual(mentioning.map((e) => e.seq));
  });

  it('drops source folder paths from items.json and items.csv, keeping file names', () => {
    for (const f of ['evidence/items.json', 'evidence/items.csv']) expectNone(f, read(f), [FOLDER, 'Aigul', work]);
    const items = JSON.parse(read('evidence/items.json')) as { originalName: string; sources: Record<string, unknown>[] }[];
    expect(items.map((i) => i.sources)).toEqual(expect.arrayContaining([[{ name: 'statement.txt' }], [{ name: 'school.txt' }]]));
    expect(items.map((i) => i.originalName).sort()).toEqual(['school.txt', 'statement.txt']);
    expect(read('evidence/items.csv').split('\n')[0]).not.toContain('sourcePath');
    // Known and documented: custody.json's ingestion events still carry each source path.
  });

  it('leaves an ordinary export as it was', () => {
    const full = join(work, 'bag-full');
    ok(['export', '--all', '--out', full, '--json']);
    const f = (rel: string) => readFileSync(join(full, rel), 'utf8');
    expect(f('evidence/places.json')).toContain('39.9171');
    expect(f('evidence/items.json')).toContain(FOLDER);
    expect(f('evidence/items.csv').split('\n')[0]).toContain('sourcePath');
    expect(f('evidence/custody.json')).toMatch(/"people": \[\s*\{/);
    expect(f('bag-info.txt')).not.toContain('Evidence-Redaction');
  });
});
