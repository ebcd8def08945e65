// items.csv reads well in a spreadsheet (issue 15 §4): people, places, incidents and cases as names
// with their ids, tags as a list, never JSON arrays in cells; a public release keeps its
// redaction (people as the pseudonyms it releases, user places as P- pseudonyms, incidents by
// type, cases by id); verify-bag checks every such cell against items.json and the tag files, and
// still passes sets written before (JSON cells, no Evidence-Items-CSV in bag-info.txt). Self-made
// files, so it never skips.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-items-csv-'));
const A = ['--archive', join(work, 'archive')];
const full = join(work, 'bag-full');
const pub = join(work, 'bag-public');
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Report = { valid: boolean; problems: { file?: string; reason: string }[] };
const verify = async (d: string) => JSON.parse((await runCli('verify-bag', d, '--json')).out) as Report;
const rowsOf = (d: string) => parse(readFileSync(join(d, 'evidence/items.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
const jsonOf = <T,>(d: string, f: string) => JSON.parse(readFileSync(join(d, 'evidence', f), 'utf8')) as T;

/** Recomputes every tag manifest over the files it lists, as a forger (or an old exporter's bag rewritten here) would. */
function reseal(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => /^tagmanifest-\w+\.txt$/.test(n))) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const files = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('  ') + 2));
    writeFileSync(join(dir, name), files.map((f) => `${createHash(alg).update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join(''));
  }
}

/** A copy of `bag` with items.csv's rows passed through `edit` (and bag-info.txt through `info`), re-sealed. */
function forge(bag: string, name: string, edit: (rows: Record<string, string>[]) => void, info: (t: string) => string = (t) => t): string {
  const d = join(work, name);
  cpSync(bag, d, { recursive: true });
  const rows = rowsOf(d);
  edit(rows);
  writeFileSync(join(d, 'evidence/items.csv'), stringify(rows, { bom: true, header: true, columns: Object.keys(rowsOf(bag)[0]!) }));
  writeFileSync(join(d, 'bag-info.txt'), info(readFileSync(join(d, 'bag-info.txt'), 'utf8')));
  reseal(d);
  return d;
}

const ok = async (...args: string[]) => {
  const r = await runCli(...args, ...A);
  expect(r.code, `evidence ${args.join(' ')}: ${r.err}`).toBe(0);
  return r;
};

describe('items.csv names people, places, incidents and cases', () => {
  const id: Record<string, string> = {};
  let aigul = 0;
  let hidden = 0;

  beforeAll(async () => {
    const card = join(work, 'card');
    mkdirSync(card);
    writeFileSync(join(card, 'statement.txt'), 'statement of 29 April 2021\n');
    writeFileSync(join(card, 'yard.txt'), 'the yard after the shelling\n');
    await ok('init', A[1]!);
    await ok('ingest', card);
    for (const it of await cliJson<{ id: number; sources: { name: string }[] }[]>('list', '--json', ...A)) id[it.sources[0]!.name] = String(it.id);
    aigul = (await cliJson<{ id: number }>('person', 'add', 'Айгүл Токтогулова', '--consent', 'given', ...A)).id;
    hidden = (await cliJson<{ id: number }>('person', 'add', 'Нургүл Мамытова', '--sensitive', ...A)).id;
    await cliJson('place', 'add', 'Tashiev yard', '--id', 'tashiev-yard', '--kind', 'yard', ...A);
    await cliJson('incident', 'add', 'Shelling of Kok-Tash', '--type', 'shelling', '--start', '2021-04-29T10:00+06:00', ...A);
    await cliJson('case', 'add', '12-345', '--authority', 'Prosecutor General', ...A);
    await ok('tag', id['statement.txt']!, '--person', `${aigul}:interviewee`, '--person', `${aigul}:victim`, '--place', 'kok-tash-batken', '--place', 'tashiev-yard',
      '--incident', '1', '--case', '12-345', '--tag', 'school', '--tag', '=cmd');
    await ok('tag', id['yard.txt']!, '--person', `${hidden}:depicts`);
    await ok('export', '--all', '--out', full);
    await ok('export', '--all', '--redact-people', '--out', pub);
  }, 60_000);

  it('in a full set: names with their ids, people with their role, a withheld person by pseudonym', async () => {
    const kokTash = jsonOf<{ id: string; nameEn: string }[]>(full, 'places.json').find((p) => p.id === 'kok-tash-batken')!.nameEn;
    const rows = rowsOf(full);
    const statement = rows.find((r) => r.originalName === 'statement.txt')!;
    expect(statement.people).toBe(`Айгүл Токтогулова (#${aigul}, testimony of); Айгүл Токтогулова (#${aigul}, victim)`);
    expect(statement.places).toBe(`${kokTash} (kok-tash-batken); Tashiev yard (tashiev-yard)`);
    expect(statement.incidents).toBe('Shelling of Kok-Tash (#1)');
    expect(statement.cases).toBe('Prosecutor General No. 12-345 (#1)');
    expect(statement.tags).toBe("'=cmd; school"); // a formula-looking cell stays quoted
    const yard = rows.find((r) => r.originalName === 'yard.txt')!;
    expect(yard.people).toMatch(/^V-[0-9A-F]{12} \(depicts\)$/u);
    expect(yard.places).toBe('');
    expect(readFileSync(join(full, 'evidence/items.csv'), 'utf8')).not.toContain('[');
    expect(readFileSync(join(full, 'bag-info.txt'), 'utf8')).toMatch(/^Evidence-Items-CSV: readable: /mu);
    expect(await verify(full)).toEqual(expect.objectContaining({ valid: true, problems: [] }));
  });

  it('in a public release: only what the set releases — pseudonyms, P- places, incidents by type, cases by id', async () => {
    const rows = rowsOf(pub);
    expect(rows.map((r) => r.originalName)).toEqual(['statement.txt']); // the sensitive person's item is left out
    const [row] = rows;
    const people = jsonOf<{ pseudonym: string }[]>(pub, 'people.json');
    expect(people).toHaveLength(1);
    const v = people[0]!.pseudonym;
    expect(row!.people).toBe(`${v} (testimony of); ${v} (victim)`);
    const kokTash = jsonOf<{ id: string; nameEn: string }[]>(pub, 'places.json').find((p) => p.id === 'kok-tash-batken')!.nameEn;
    expect(row!.places).toMatch(new RegExp(`^${kokTash} \\(kok-tash-batken\\); P-[0-9A-F]{12}$`, 'u'));
    expect(row!.incidents).toBe('shelling (#1)');
    expect(row!.cases).toBe('#1');
    const csv = readFileSync(join(pub, 'evidence/items.csv'), 'utf8');
    for (const secret of ['Айгүл', 'Токтогулова', 'Tashiev', 'tashiev', 'Shelling of', 'Prosecutor', '12-345']) expect(csv).not.toContain(secret);
    expect(await verify(pub)).toEqual(expect.objectContaining({ valid: true, problems: [] }));
  });

  it('fails a set whose name cell was edited and re-sealed, naming the column and both values', async () => {
    const d = forge(full, 'forged-name', (rows) => {
      const r = rows.find((x) => x.originalName === 'statement.txt')!;
      r.people = r.people!.replaceAll('Айгүл Токтогулова', 'Бакыт Осмонов');
    });
    const v = await verify(d);
    expect(v.valid).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ file: 'evidence/items.csv',
      reason: expect.stringMatching(/: column people is "Бакыт Осмонов \(#\d+, testimony of\); .*", but evidence\/items\.json gives "Айгүл Токтогулова \(#\d+, testimony of\); /u) })]);
    // A role swapped in the CSV alone is caught too.
    const d2 = forge(pub, 'forged-role', (rows) => {
      rows[0]!.people = rows[0]!.people!.replace('(victim)', '(witness)');
    });
    expect((await verify(d2)).problems).toEqual([expect.objectContaining({ reason: expect.stringMatching(/column people is ".*\(witness\).*", but evidence\/items\.json gives ".*\(victim\)/u) })]);
  });

  it('still passes a set written before (JSON cells, no Evidence-Items-CSV), and fails JSON cells under the declaration', async () => {
    const items = jsonOf<Record<string, unknown>[]>(full, 'items.json');
    const asJson = (rows: Record<string, string>[]) => {
      for (const r of rows) {
        const it = items.find((i) => i.sha256 === r.sha256)!;
        for (const c of ['places', 'people', 'incidents', 'cases', 'tags']) r[c] = JSON.stringify(it[c]);
      }
    };
    const dropDeclaration = (t: string) => t.replace(/^Evidence-Items-CSV:.*\n(?:[ \t].*\n)*/mu, '');
    const old = forge(full, 'old-style', asJson, dropDeclaration);
    expect(readFileSync(join(old, 'bag-info.txt'), 'utf8')).not.toContain('Evidence-Items-CSV');
    expect(rowsOf(old).find((r) => r.originalName === 'statement.txt')!.people).toBe(`[{"id":${aigul},"role":"testimony of"},{"id":${aigul},"role":"victim"}]`);
    expect(await verify(old)).toEqual(expect.objectContaining({ valid: true, problems: [] }));
    const oldPub = forge(pub, 'old-style-public', (rows) => {
      const pubItems = jsonOf<Record<string, unknown>[]>(pub, 'items.json');
      for (const r of rows) for (const c of ['places', 'people', 'incidents', 'cases', 'tags']) r[c] = JSON.stringify(pubItems.find((i) => i.sha256 === r.sha256)![c]);
    }, dropDeclaration);
    expect(await verify(oldPub)).toEqual(expect.objectContaining({ valid: true, problems: [] }));

    const mixed = forge(full, 'json-under-declaration', asJson);
    const v = await verify(mixed);
    expect(v.valid).toBe(false);
    expect(v.problems.filter((p) => /column people is "\[/u.test(p.reason))).toHaveLength(2);
    // And readable cells without the declaration are not what an older exporter wrote.
    const undeclared = forge(full, 'readable-undeclared', () => undefined, dropDeclaration);
    expect((await verify(undeclared)).problems).toContainEqual(expect.objectContaining({ reason: expect.stringMatching(/column people is "Айгүл Токтогулова .*", but evidence\/items\.json gives "\[\{/u) }));
  });
});
