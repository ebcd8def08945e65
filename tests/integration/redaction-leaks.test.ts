// Public-release outputs (`person export --redact`, `export --redact-people`) through the real CLI
// on a real archive: the test plants identifying values (names, a user-added hamlet with exact
// coordinates, a source folder named after an interviewee, person ids in custody events, an
// item's description and notes naming people) and greps the files actually written for them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
// Free text typed about the items: a description (set before anyone is linked to the item, so its
// custody event names nobody) and notes.
const DESCRIPTION = 'Nurlan Usonov filming from the school roof';
const NOTES = 'handed over by Gulzat Abdykadyrova, her neighbour';
const TEXT_SECRETS = ['Nurlan Usonov', 'Usonov', 'Gulzat Abdykadyrova', 'Abdykadyrova'];
let aigul: number;
let bakyt: number;

interface Custody { seq: number; type: string; item: string | null; detail: Record<string, unknown> }
interface Excerpt { chainHead: { seq: number; hash: string }; events: Custody[]; withheldSeqs?: number[] }
interface BagCheck { valid: boolean; problems: { file?: string; seq?: number; reason: string }[] }

/** Every file of a bag, bag-relative, with its content as UTF-8 text (the payload here is text too). */
function bagFiles(dir: string): [string, string][] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => {
      const abs = join(e.parentPath, e.name);
      return [abs.slice(dir.length + 1), readFileSync(abs, 'utf8')] as [string, string];
    });
}

/** Rewrites tagmanifest-sha256.txt for the tag files it lists, as whoever edits a bag would. */
function reseal(dir: string): void {
  const file = join(dir, 'tagmanifest-sha256.txt');
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(/^[0-9a-f]+\s+/, ''));
  writeFileSync(file, lines.map((f) => `${createHash('sha256').update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join(''));
}

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
  ok(['tag', idOf.get('school.txt')!, '--description', DESCRIPTION]);
  ok(['tag', idOf.get('school.txt')!, '--person', `${bakyt}:depicts`]);
  ok(['tag', idOf.get('statement.txt')!, '--notes', NOTES]);
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

  it('leaves out of custody.json every event that mentions people, a source path, a description or notes, and the excerpt still verifies', () => {
    const all = runCliJson<{ events: Custody[] }>(['log', '--json', ...A]).json.events;
    const set = all.filter((e) => e.type === 'dissemination' && e.item === null).at(-1)!;
    const before = all.filter((e) => e.item !== null && e.seq < set.seq && e.type !== 'dissemination');
    const mentioning = before.filter((e) => e.type === 'metadata modification' && JSON.stringify(e.detail).includes('"people":[{'));
    expect(mentioning.length).toBe(3);
    // The description was set while nobody was linked to school.txt: withheld for its text alone.
    const described = before.filter((e) => JSON.stringify(e.detail).includes(DESCRIPTION) && !JSON.stringify(e.detail).includes('"people":[{'));
    expect(described).toHaveLength(1);
    const ingestions = before.filter((e) => e.type === 'ingestion');
    expect(ingestions.map((e) => (e.detail.sourcePath as string).startsWith(work))).toEqual([true, true]);
    const withheld = [...mentioning, ...described, ...ingestions].map((e) => e.seq).sort((a, b) => a - b);

    const text = read('evidence/custody.json');
    const excerpt = JSON.parse(text) as Excerpt;
    const seqs = excerpt.events.map((e) => e.seq);
    for (const seq of withheld) expect(seqs).not.toContain(seq);
    expect(seqs).toEqual(before.map((e) => e.seq).filter((seq) => !withheld.includes(seq)));
    expect(text).not.toMatch(/"person(Id)?s?"\s*:\s*[[{0-9"]/);
    expect(text).not.toMatch(/"people"\s*:\s*\[\s*\{/);
    expect(text).not.toMatch(/"sourcePath"|"description"\s*:\s*"|"notes"\s*:\s*"/);
    // The place-and-tag event without people or text stays, as do the digest, copy and metadata events.
    expect(excerpt.events.filter((e) => e.type === 'metadata modification')).toHaveLength(1);
    expect(excerpt.events.filter((e) => e.type === 'ingestion')).toHaveLength(0);
    expect(excerpt.events.filter((e) => e.type === 'message digest calculation')).toHaveLength(2);
    expect(excerpt.events.filter((e) => e.type === 'metadata extraction')).toHaveLength(2);
    const info = read('bag-info.txt').replace(/\n\s+/g, ' ');
    expect(info).toMatch(/^Evidence-Redaction: .*descriptions and notes are left out of evidence\/items\.json/m);
    expect(info).toMatch(/^Evidence-Redaction: .*custody events whose detail names people, records a source path \(every ingestion event.*were withheld/m);

    const v = runCliJson<BagCheck>(['verify-bag', bag, '--json']).json;
    expect(v.problems).toEqual([]);
    expect(v.valid).toBe(true);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), bag], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
    // Which events were withheld is on record in the archive, and listed in the bag.
    expect(set.detail.custodyExcerptWithheldSeqs).toEqual(withheld);
    expect(excerpt.withheldSeqs).toEqual(withheld);
  });

  it('no file of the public bag holds the source folder, the work path, a name or the items\' text', () => {
    const files = bagFiles(bag);
    expect(files.map(([rel]) => rel)).toEqual(expect.arrayContaining(['bag-info.txt', 'evidence/custody.json', 'evidence/items.json', 'evidence/items.csv']));
    expect(files.length).toBeGreaterThanOrEqual(10);
    // ("Aigul street", the district a user gave test-hamlet, stays in places.json: place names are not redacted.)
    for (const [rel, text] of files) expectNone(rel, text, [FOLDER, work, basename(work), ...NAME_SECRETS, ...TEXT_SECRETS]);
  });

  it('verify-bag accepts missing ingestion events only where the bag declares the redaction and lists them as withheld', () => {
    const dropDeclaration = join(work, 'bag-undeclared');
    cpSync(bag, dropDeclaration, { recursive: true });
    const info = readFileSync(join(dropDeclaration, 'bag-info.txt'), 'utf8');
    writeFileSync(join(dropDeclaration, 'bag-info.txt'), info.replace(/^Evidence-Redaction:.*\n(?:[ \t].*\n)*/m, ''));
    reseal(dropDeclaration);
    const items = JSON.parse(read('evidence/items.json')) as { path: string; sha256: string }[];
    const v1 = runCliJson<BagCheck>(['verify-bag', dropDeclaration, '--json']).json;
    expect(v1.valid).toBe(false);
    expect(v1.problems).toEqual(items.map((i) => ({ file: i.path, reason: `no "ingestion" event for item ${i.sha256} in evidence/custody.json` })));

    const unlisted = join(work, 'bag-unlisted');
    cpSync(bag, unlisted, { recursive: true });
    const excerpt = JSON.parse(read('evidence/custody.json')) as Excerpt;
    const digest = excerpt.events.find((e) => e.type === 'message digest calculation')!;
    const victim = items.find((i) => i.sha256 === digest.item)!;
    excerpt.withheldSeqs = excerpt.withheldSeqs!.filter((seq) => seq !== digest.seq - 1);
    writeFileSync(join(unlisted, 'evidence/custody.json'), JSON.stringify(excerpt, null, 2) + '\n');
    reseal(unlisted);
    const v2 = runCliJson<BagCheck>(['verify-bag', unlisted, '--json']).json;
    expect(v2.valid).toBe(false);
    expect(v2.problems).toEqual([{ file: victim.path, reason: `no "ingestion" event for item ${victim.sha256} in evidence/custody.json; bag-info.txt declares ` +
      `Evidence-Redaction, but seq ${digest.seq - 1}, just before the item's message digest calculation (seq ${digest.seq}), is not listed in withheldSeqs` }]);
  });

  it('drops source folder paths from items.json and items.csv, keeping file names', () => {
    for (const f of ['evidence/items.json', 'evidence/items.csv']) expectNone(f, read(f), [FOLDER, 'Aigul', work]);
    const items = JSON.parse(read('evidence/items.json')) as { originalName: string; sources: Record<string, unknown>[] }[];
    expect(items.map((i) => i.sources)).toEqual(expect.arrayContaining([[{ name: 'statement.txt' }], [{ name: 'school.txt' }]]));
    expect(items.map((i) => i.originalName).sort()).toEqual(['school.txt', 'statement.txt']);
    expect(read('evidence/items.csv').split('\n')[0]).not.toContain('sourcePath');
  });

  it('leaves items\' descriptions and notes out of items.json and items.csv', () => {
    for (const f of ['evidence/items.json', 'evidence/items.csv']) expectNone(f, read(f), [DESCRIPTION, NOTES, ...TEXT_SECRETS]);
    const items = JSON.parse(read('evidence/items.json')) as Record<string, unknown>[];
    expect(items).toHaveLength(2);
    for (const i of items) {
      expect(i).not.toHaveProperty('description');
      expect(i).not.toHaveProperty('notes');
      expect(i).toHaveProperty('tags');
    }
    const header = read('evidence/items.csv').replace(/^\ufeff/, '').split(/\r?\n/)[0]!.split(',');
    expect(header).toContain('tags');
    expect(header).not.toContain('description');
    expect(header).not.toContain('notes');
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
    const items = JSON.parse(f('evidence/items.json')) as { originalName: string; description: string | null; notes: string | null }[];
    expect(items.map((i) => [i.originalName, i.description, i.notes]).sort()).toEqual([
      ['school.txt', DESCRIPTION, null], ['statement.txt', null, NOTES],
    ]);
    expect(f('evidence/items.csv')).toContain(DESCRIPTION);
    expect(f('evidence/items.csv')).toContain(NOTES);
    const excerpt = JSON.parse(f('evidence/custody.json')) as Excerpt;
    expect(excerpt).not.toHaveProperty('withheldSeqs');
    const sources = excerpt.events.filter((e) => e.type === 'ingestion').map((e) => e.detail.sourcePath).sort();
    expect(sources).toEqual([join(work, 'card', FOLDER, 'statement.txt'), join(work, 'card', 'school.txt')].sort());
    expect(excerpt.events.some((e) => JSON.stringify(e.detail).includes(DESCRIPTION))).toBe(true);
    const v = runCliJson<BagCheck>(['verify-bag', full, '--json']).json;
    expect(v.problems).toEqual([]);
  });
});
