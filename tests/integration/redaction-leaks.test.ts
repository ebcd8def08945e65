// Public-release outputs (`person export --redact`, `export --redact-people`) through the real CLI
// on a real archive: the test plants identifying values (names, a user-added hamlet with exact
// coordinates, a source folder named after an interviewee, person ids in custody events, an
// item's description and notes naming people, an incident and a case described in free text)
// and greps the files and paths actually written for them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// Free text of an incident (at the hamlet, its title naming the family) and of a case, both linked to school.txt.
const INCIDENT_TITLE = 'Shelling of Kanykei Mamatova\'s house';
const INCIDENT_DESCRIPTION = 'Ermek Sydykov saw the shell land from the neighbouring yard';
const CASE_DESCRIPTION = 'Complaint filed by Cholpon Asanbekova for her son';
const CATALOG_TEXT_SECRETS = [INCIDENT_TITLE, 'Kanykei', 'Mamatova', INCIDENT_DESCRIPTION, 'Sydykov', CASE_DESCRIPTION, 'Asanbekova'];
const PSEUDONYMOUS_PLACE = /^P-[0-9A-F]{12}$/;
let aigul: number;
let bakyt: number;
let incident: number;
let caseId: number;

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

/** Every entry of a bag (files and folders), bag-relative. */
const bagPaths = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));

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
  incident = runCliJson<{ id: number }>(['incident', 'add', INCIDENT_TITLE, '--type', 'shelling', '--start', '2021-04-29', '--place', 'test-hamlet',
    '--place', 'kok-tash-batken', '--description', INCIDENT_DESCRIPTION, '--json', ...A]).json.id;
  caseId = runCliJson<{ id: number }>(['case', 'add', '12-345-2021', '--authority', 'Prosecutor General', '--article', '130 part 2',
    '--opened', '2021-05-03', '--description', CASE_DESCRIPTION, '--json', ...A]).json.id;
  // The place first, alone: its tagging event names nobody and carries no text, only the hamlet's id.
  ok(['tag', idOf.get('statement.txt')!, '--place', 'test-hamlet']);
  ok(['tag', idOf.get('statement.txt')!, '--person', `${aigul}:testimony of`]);
  ok(['tag', idOf.get('school.txt')!, '--place', 'kok-tash-batken', '--tag', 'school', '--incident', String(incident), '--case', String(caseId)]);
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
    // An earlier set for an authority: its dissemination events record data/test-hamlet/statement.txt.
    ok(['export', '--all', '--recipient', 'Office of the Ombudsman', '--out', join(work, 'bag-earlier'), '--json']);
    ok(['export', '--all', '--redact-people', '--out', bag, '--json']);
  }, 60_000);

  it('gives a user-added place in places.json under a pseudonymous id, without names or district, rounded; seed villages in full', () => {
    const text = read('evidence/places.json');
    expectNone('places.json', text, HAMLET_SECRETS);
    const places = JSON.parse(text) as Record<string, unknown>[];
    expect(places).toHaveLength(2);
    // In order of the ids shown, so the pseudonym's position among the villages says nothing of the slug.
    expect(places.map((p) => String(p.id))).toEqual(places.map((p) => String(p.id)).sort());
    const hamlet = places.find((p) => PSEUDONYMOUS_PLACE.test(String(p.id)));
    expect(hamlet).toEqual({
      // "hamlet" is not a kind the seed gazetteer uses (users type kinds freely): null.
      id: expect.stringMatching(PSEUDONYMOUS_PLACE), nameEn: null, nameKy: null, nameRu: null, country: 'KG', district: null, ayilAymak: null, kind: null,
      lat: 39.9, lon: -2.8, coordRoundedTo: 0.1, coordSource: null, coordLicence: null, coordAttribution: null,
    });
    expect(places.find((p) => p.id === 'kok-tash-batken')).toMatchObject({ nameEn: 'Kok-Tash', district: expect.any(String) });
    expect(places.find((p) => p.id === 'kok-tash-batken')?.lat).not.toBe(39.9);
    expectNone('people.json', read('evidence/people.json'), [...HAMLET_SECRETS, ...NAME_SECRETS]);
  });

  it('refers to the user-added place by the same pseudonymous id in items.json, items.csv, incidents.json and the payload folder', () => {
    const hamletId = String((JSON.parse(read('evidence/places.json')) as { id: string }[]).find((p) => PSEUDONYMOUS_PLACE.test(p.id))!.id);
    const items = JSON.parse(read('evidence/items.json')) as { path: string; originalName: string; places: string[] }[];
    const byName = new Map(items.map((i) => [i.originalName, i]));
    expect(byName.get('statement.txt')).toMatchObject({ path: `data/${hamletId}/statement.txt`, places: [hamletId] });
    expect(byName.get('school.txt')).toMatchObject({ path: 'data/kok-tash-batken/school.txt', places: ['kok-tash-batken'] });
    expect(read('manifest-sha256.txt')).toContain(`data/${hamletId}/statement.txt`);
    expect(read('evidence/items.csv')).toContain(hamletId);
    const incidents = JSON.parse(read('evidence/incidents.json')) as { placeIds: string[] }[];
    expect(incidents.map((i) => i.placeIds)).toEqual([[hamletId, 'kok-tash-batken'].sort()]);
    // The same id in every public set from this archive.
    const again = join(work, 'bag-public-again');
    const statement = runCliJson<{ id: number; sources: { name: string }[] }[]>(['list', '--json', ...A]).json.find((i) => i.sources[0]!.name === 'statement.txt')!;
    ok(['export', '--item', String(statement.id), '--redact-people', '--out', again, '--json']);
    expect((JSON.parse(readFileSync(join(again, 'evidence/places.json'), 'utf8')) as { id: string }[]).map((p) => p.id)).toEqual([hamletId]);
  });

  it('gives incidents and cases by their structured fields only', () => {
    expect(JSON.parse(read('evidence/incidents.json'))).toEqual([
      { id: incident, type: 'shelling', startedAt: '2021-04-29', endedAt: null, placeIds: expect.any(Array) },
    ]);
    expect(JSON.parse(read('evidence/cases.json'))).toEqual([
      { id: caseId, openedOn: '2021-05-03' },
    ]);
    const items = JSON.parse(read('evidence/items.json')) as { originalName: string; incidents: number[]; cases: number[] }[];
    expect(items.find((i) => i.originalName === 'school.txt')).toMatchObject({ incidents: [incident], cases: [caseId] });
  });

  it('leaves out of custody.json every event that mentions people, a source path, a description or notes, and the excerpt still verifies', () => {
    const all = runCliJson<{ events: Custody[] }>(['log', '--json', ...A]).json.events;
    const set = all.filter((e) => e.type === 'dissemination' && e.item === null && e.detail.bagDir === bag).at(-1)!;
    // The item events before the public set was written (the earlier set's dissemination events included).
    const before = all.filter((e) => e.item !== null && e.seq < set.seq && !(e.type === 'dissemination' && e.detail.exportId === set.detail.exportId));
    const mentioning = before.filter((e) => e.type === 'metadata modification' && JSON.stringify(e.detail).includes('"people":[{'));
    expect(mentioning.length).toBe(3);
    // The description was set while nobody was linked to school.txt: withheld for its text alone.
    const described = before.filter((e) => JSON.stringify(e.detail).includes(DESCRIPTION) && !JSON.stringify(e.detail).includes('"people":[{'));
    expect(described).toHaveLength(1);
    const ingestions = before.filter((e) => e.type === 'ingestion');
    expect(ingestions.map((e) => (e.detail.sourcePath as string).startsWith(work))).toEqual([true, true]);
    // statement.txt's tagging to the hamlet alone, and the earlier set's data/test-hamlet/statement.txt: withheld for the hamlet's id.
    const placed = before.filter((e) => JSON.stringify(e.detail).includes('test-hamlet') && !JSON.stringify(e.detail).includes('"people":[{'));
    expect(placed.map((e) => e.type).sort()).toEqual(['dissemination', 'metadata modification']);
    // The earlier set was made for a named recipient: both its dissemination events are withheld.
    const forRecipient = before.filter((e) => e.type === 'dissemination' && e.detail.recipient === 'Office of the Ombudsman');
    expect(forRecipient).toHaveLength(2);
    const withheld = [...new Set([...mentioning, ...described, ...ingestions, ...placed, ...forRecipient].map((e) => e.seq))].sort((a, b) => a - b);

    const text = read('evidence/custody.json');
    const excerpt = JSON.parse(text) as Excerpt;
    const seqs = excerpt.events.map((e) => e.seq);
    for (const seq of withheld) expect(seqs).not.toContain(seq);
    expect(seqs).toEqual(before.map((e) => e.seq).filter((seq) => !withheld.includes(seq)));
    expect(text).not.toMatch(/"person(Id)?s?"\s*:\s*[[{0-9"]/);
    expect(text).not.toMatch(/"people"\s*:\s*\[\s*\{/);
    expect(text).not.toMatch(/"sourcePath"|"description"\s*:\s*"|"notes"\s*:\s*"/);
    // The place-and-tag event without people, text or a user-added place stays, as do the digest,
    // copy and metadata events; not the earlier set's dissemination of school.txt (its recipient).
    expect(excerpt.events.filter((e) => e.type === 'metadata modification')).toHaveLength(1);
    expect(excerpt.events.filter((e) => e.type === 'dissemination')).toEqual([]);
    expect(text).not.toContain('Office of the Ombudsman');
    expect(excerpt.events.filter((e) => e.type === 'ingestion')).toHaveLength(0);
    expect(excerpt.events.filter((e) => e.type === 'message digest calculation')).toHaveLength(2);
    expect(excerpt.events.filter((e) => e.type === 'metadata extraction')).toHaveLength(2);
    const info = read('bag-info.txt').replace(/\n\s+/g, ' ');
    expect(info).toMatch(/^Evidence-Redaction: .*descriptions and notes are left out of evidence\/items\.json/m);
    expect(info).toMatch(/^Evidence-Redaction: .*custody events whose detail names people, records a source path \(every ingestion event.*were withheld/m);
    expect(info).toMatch(/^Evidence-Redaction: .*places added by the archive's users appear under a pseudonymous id .*without names, district, ayil aymak, coordinate source, licence or attribution/m);
    expect(info).toMatch(/^Evidence-Redaction: .*names a recipient \(every transfer.*were withheld/m);
    expect(info).toMatch(/^Evidence-Redaction: .*File names and tags naming a person flagged sensitive or whose consent to publication is not given are withheld.*Still in this set, for items shipped as originals: their exact GPS coordinates \(evidence\/items\.json and items\.csv, and the originals' own EXIF metadata\), the camera serial number, the other tags users gave items and the original file names/m);
    expect(info).toMatch(/^Evidence-Redaction: .*cases\.json only each case's id and opening date \(titles, descriptions, authorities, case numbers and articles are left out\)/m);
    expect(info).toMatch(/^Evidence-Redaction: .*or mentions a place added by users were withheld/m);

    const v = runCliJson<BagCheck>(['verify-bag', bag, '--json']).json;
    expect(v.problems).toEqual([]);
    expect(v.valid).toBe(true);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), bag], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
    // Which events were withheld is on record in the archive, and listed in the bag.
    expect(set.detail.custodyExcerptWithheldSeqs).toEqual(withheld);
    expect(excerpt.withheldSeqs).toEqual(withheld);
  });

  it('no file or path of the public bag holds the source folder, the work path, a name, the hamlet or any free text', () => {
    const files = bagFiles(bag);
    expect(files.map(([rel]) => rel)).toEqual(expect.arrayContaining(['bag-info.txt', 'evidence/custody.json', 'evidence/items.json', 'evidence/items.csv',
      'evidence/places.json', 'evidence/incidents.json', 'evidence/cases.json', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']));
    expect(files.length).toBeGreaterThanOrEqual(12);
    const secrets = [FOLDER, work, basename(work), ...NAME_SECRETS, ...TEXT_SECRETS, ...HAMLET_SECRETS, ...CATALOG_TEXT_SECRETS];
    for (const [rel, text] of files) expectNone(rel, text, secrets);
    const paths = bagPaths(bag);
    expect(paths.filter((p) => p.startsWith('data/')).length).toBeGreaterThanOrEqual(4);
    for (const rel of paths) expectNone(`path ${rel}`, rel, secrets);
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
    const withheldCount = (JSON.parse(read('evidence/custody.json')) as Excerpt).withheldSeqs!.length;
    expect(v1.problems).toEqual([
      { file: 'evidence/custody.json', code: 'custody.withheld-unredacted', params: { count: withheldCount }, reason: `custody.json lists ${withheldCount} withheld seq(s), but bag-info.txt declares no Evidence-Redaction: only a set for public release may withhold events` },
      ...items.map((i) => ({ file: i.path, code: 'item.no-ingestion', params: { sha: i.sha256 }, reason: `no "ingestion" event for item ${i.sha256} in evidence/custody.json` })),
    ]);

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
    expect(v2.problems).toEqual([{ file: victim.path, code: 'item.no-ingestion-not-withheld', params: { sha: victim.sha256, seq: digest.seq - 1, digestSeq: digest.seq }, reason: `no "ingestion" event for item ${victim.sha256} in evidence/custody.json; bag-info.txt declares ` +
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

  it('refuses --redact-people with --include-sensitive, writing nothing', () => {
    const out = join(work, 'bag-both');
    const r = runCli(['export', '--all', '--redact-people', '--include-sensitive', '--out', out, ...A]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('choose --redact-people (a public release, which never names people flagged sensitive) or --include-sensitive (a full set), not both');
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an ordinary export as it was', () => {
    const full = join(work, 'bag-full');
    ok(['export', '--all', '--out', full, '--json']);
    const f = (rel: string) => readFileSync(join(full, rel), 'utf8');
    expect(f('evidence/places.json')).toContain('39.9171');
    expect(f('evidence/places.json')).toContain('Aigul street');
    expect(f('manifest-sha256.txt')).toContain('data/test-hamlet/statement.txt');
    expect(JSON.parse(f('evidence/incidents.json'))).toEqual([expect.objectContaining({
      id: incident, title: INCIDENT_TITLE, description: INCIDENT_DESCRIPTION, placeIds: ['kok-tash-batken', 'test-hamlet'],
    })]);
    expect(JSON.parse(f('evidence/cases.json'))).toEqual([expect.objectContaining({ id: caseId, description: CASE_DESCRIPTION })]);
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

// What the hostile tester found: a recipient typed at export and transfer, seed villages edited by
// users, free text in a user place's kind and licence and in a case, and pseudonyms printed beside
// names in authority sets. Runs after the sets above on the same archive.
describe('export --redact-people after recipients, transfers, edited seed villages and typed case fields', () => {
  const pub = join(work, 'bag-public-2');
  const authority = join(work, 'bag-authority-2');
  const RECIPIENT = 'Lawyer of Айгүл Ташиева';
  const TRANSFEREE = 'Нурлан Ташиев (victim\'s son)';
  const SEED_EDITS = ['39.94987', '70.52851', 'Aigul\'s phone', 'Nurlan Tashiev', 'Aigul Tashieva\'s town'];
  const TYPED = ['house of aigul tashieva', 'by leave of the tashiev family', 'No.55-Tashieva', 'Batken prosecutor on the complaint of Tashieva', 'Tashieva family article'];
  const SECRETS = [RECIPIENT, 'Lawyer of', TRANSFEREE, 'Нурлан', 'Ташиев', 'victim\'s son', ...SEED_EDITS, ...TYPED, ...NAME_SECRETS, 'tashiev', FOLDER, work];
  let sensitivePseudonym: string;
  let transferSeqs: number[];
  let ids: Map<string, string>;
  const readPub = (rel: string) => readFileSync(join(pub, rel), 'utf8');
  const expectNoneCi = (where: string, text: string) => {
    for (const s of SECRETS) expect(text.toLowerCase(), `${where} contains "${s}"`).not.toContain(s.toLowerCase());
  };

  beforeAll(() => {
    ids = new Map(runCliJson<{ id: number; sources: { name: string }[] }[]>(['list', '--json', ...A]).json.map((i) => [i.sources[0]!.name, String(i.id)]));
    const statement = ids.get('statement.txt')!;
    const school = ids.get('school.txt')!;
    // 1. A set for a named recipient, then handed over to someone named.
    const lawyer = runCliJson<{ exportId: string }>(['export', '--item', statement, '--recipient', RECIPIENT, '--out', join(work, 'bag-lawyer'), '--json', ...A]).json;
    ok(['transfer', '--to', TRANSFEREE, '--export', lawyer.exportId]);
    transferSeqs = runCliJson<{ events: Custody[] }>(['log', '--json', ...A]).json.events.filter((e) => e.type === 'transfer' && e.item !== null).map((e) => e.seq);
    // 2. Seed villages edited by users.
    ok(['place', 'edit', 'kok-tash-batken', '--lat', '39.94987', '--lon', '70.52851', '--coord-source', 'Aigul\'s phone', '--coord-attribution', 'Nurlan Tashiev']);
    ok(['place', 'edit', 'batken', '--name-en', 'Batken (Aigul Tashieva\'s town)']);
    // 3. Free text in a user place's kind and licence, and in a case's number, authority and articles.
    ok(['place', 'add', 'user-house', '--kind', 'house of Aigul Tashieva', '--coord-licence', 'by leave of the Tashiev family', '--lat', '39.95', '--lon', '70.53']);
    const typedCase = runCliJson<{ id: number }>(['case', 'add', 'No.55-Tashieva', '--authority', 'Batken prosecutor on the complaint of Tashieva',
      '--article', 'Tashieva family article', '--opened', '2022-09-20', '--json', ...A]).json.id;
    ok(['tag', statement, '--place', 'batken', '--place', 'user-house', '--case', String(typedCase)]);
    // 4. A sensitive person (consent given, yet withheld everywhere) and a consenting one living in the renamed town.
    const nurlan = runCliJson<{ id: number }>(['person', 'add', 'Нурлан Ташиев', '--latin', 'Nurlan Tashiev', '--consent', 'given', '--sensitive', ...A]).json.id;
    const asel = runCliJson<{ id: number }>(['person', 'add', 'Асель', '--consent', 'given', '--residence', 'batken', ...A]).json.id;
    ok(['tag', school, '--person', `${nurlan}:depicts`, '--person', `${asel}:depicts`]);
    // school.txt now shows a person flagged sensitive: a public release leaves it out unless asked
    // for by name; asked for here, its sensitive person must still appear nowhere in the set.
    ok(['export', '--item', statement, school, '--redact-people', '--include-withheld-media', school, '--out', pub, '--json']);
    ok(['export', '--item', statement, school, '--out', authority, '--json']);
    const withheld = (JSON.parse(readFileSync(join(authority, 'evidence/people.json'), 'utf8')) as { withheld?: boolean; pseudonym?: string }[]).filter((p) => p.withheld);
    expect(withheld).toHaveLength(1);
    sensitivePseudonym = withheld[0]!.pseudonym!;
  }, 120_000);

  it('withholds every dissemination with a recipient and every transfer from custody.json, and the bag still verifies', () => {
    expect(transferSeqs).toHaveLength(1);
    const excerpt = JSON.parse(readPub('evidence/custody.json')) as Excerpt;
    expect(excerpt.events.filter((e) => e.type === 'transfer')).toEqual([]);
    expect(excerpt.events.filter((e) => e.type === 'dissemination' && e.detail.recipient !== null)).toEqual([]);
    // Earlier sets made without a recipient stay on record.
    expect(excerpt.events.filter((e) => e.type === 'dissemination').length).toBeGreaterThan(0);
    for (const seq of transferSeqs) expect(excerpt.withheldSeqs).toContain(seq);
    expect(runCliJson<BagCheck>(['verify-bag', pub, '--json']).json.problems).toEqual([]);
    const py = spawnSync('python3', [join(SHARED_DIR, 'tools', 'bagcheck.py'), pub], { encoding: 'utf8' });
    expect(py.status, py.stdout + py.stderr).toBe(0);
  });

  it('gives seed villages as shipped, user places without typed kind or licence, cases by id and opening date only', () => {
    const places = JSON.parse(readPub('evidence/places.json')) as Record<string, unknown>[];
    expect(places.find((p) => p.id === 'kok-tash-batken')).toMatchObject({ nameEn: 'Kok-Tash', lat: 39.9491, lon: 70.52804 });
    expect(String(places.find((p) => p.id === 'kok-tash-batken')!.coordSource)).toContain('whosonfirst');
    expect(places.find((p) => p.id === 'batken')).toMatchObject({ nameEn: 'Batken', lat: 40.06259, lon: 70.81939 });
    const house = places.filter((p) => PSEUDONYMOUS_PLACE.test(String(p.id)));
    expect(house.map((p) => [p.kind, p.coordLicence, p.coordAttribution])).toEqual(house.map(() => [null, null, null]));
    expect(house).toHaveLength(2);
    for (const c of JSON.parse(readPub('evidence/cases.json')) as Record<string, unknown>[]) expect(Object.keys(c).sort()).toEqual(['id', 'openedOn']);
    // The redacted register, too, names the town as shipped.
    const register = join(work, 'register-2.json');
    ok(['person', 'export', '--format', 'json', '--redact', '--out', register]);
    const text = readFileSync(register, 'utf8');
    expectNoneCi('register', text);
    expect(JSON.parse(text)).toEqual(expect.arrayContaining([expect.objectContaining({ residence: expect.objectContaining({ placeId: 'batken', name: 'Batken', lat: 40.1, lon: 70.8 }) })]));
  });

  it('no file or path of the public set holds a recipient, an edit of a seed village, typed free text or the sensitive person\'s pseudonym', () => {
    const files = bagFiles(pub);
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const [rel, text] of files) {
      expectNoneCi(rel, text);
      expect(text, rel).not.toContain(sensitivePseudonym);
    }
    for (const rel of bagPaths(pub)) expectNoneCi(`path ${rel}`, rel);
  });

  it('gives no pseudonym beside a name in an authority set, so none of the public pseudonyms appears there', () => {
    const people = JSON.parse(readFileSync(join(authority, 'evidence/people.json'), 'utf8')) as Record<string, unknown>[];
    const full = people.filter((p) => !p.withheld);
    expect(full.length).toBeGreaterThanOrEqual(2);
    for (const p of full) expect(p).not.toHaveProperty('pseudonym');
    const publicPseudonyms = (JSON.parse(readPub('evidence/people.json')) as { pseudonym: string }[]).map((p) => p.pseudonym);
    expect(publicPseudonyms.length).toBeGreaterThanOrEqual(2);
    for (const [rel, text] of bagFiles(authority)) for (const ps of publicPseudonyms) expect(text, rel).not.toContain(ps);
    expect(runCliJson<BagCheck>(['verify-bag', authority, '--json']).json.problems).toEqual([]);
  });

  it('says in --redact-people\'s help what stays in a public set', () => {
    const r = runCli(['export', '--help']);
    const help = (r.stdout + r.stderr).replace(/\s+/g, ' ');
    expect(help).toContain('File names and tags that name a person flagged sensitive or whose consent is not "given" are withheld');
    expect(help).toContain('Still in the set unless --redacted-media: items\' exact GPS (evidence/items.json and the originals\' own EXIF), ' +
      'the camera serial number, the other tags and file names');
    expect(help).toMatch(/--keep-file-names .*--keep-tags /u);
  });
});
