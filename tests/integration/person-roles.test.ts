// A person's role on an item (issue 15 §4): depicts, victim, witness, testimony of (the
// interviewee), recorded by (filmed/photographed by), mentioned, medical record of, property of.
// Older catalogs (schema 7, whose CHECK knew only four roles) upgrade keeping every link; the CLI
// takes the new roles and their aliases; every role has words in the app (en/ru/ky) and in the
// custody report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PERSON_ROLES } from '../../electron/common/catalog.ts';
import { addPerson } from '../../electron/core/catalog/people.ts';
import { getItemTags, parsePersonRef, tagItem } from '../../electron/core/catalog/tagging.ts';
import { openDb, SCHEMA_VERSION } from '../../electron/core/db/open.ts';
import { dict } from '../../electron/core/report/i18n.ts';
import { personWord } from '../../electron/core/report/words.ts';
import { crossCheckCatalog } from '../../electron/core/verify/catalog.ts';
import { addFakeItem, freshCatalog } from '../helpers/catalog.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { setBackSchema } from '../helpers/schema.ts';

const OLD_ROLES = ['depicts', 'testimony of', 'medical record of', 'property of'];
const NEW_ROLES = ['victim', 'witness', 'recorded by', 'mentioned'];

describe('person roles', () => {
  it('are the eight documenters record, the four older ones among them', () => {
    expect([...PERSON_ROLES]).toEqual(['depicts', 'victim', 'witness', 'testimony of', 'recorded by', 'mentioned', 'medical record of', 'property of']);
    for (const r of OLD_ROLES) expect(PERSON_ROLES).toContain(r);
  });

  it('are parsed from ID:role, with interviewee, filmed by and photographed by as other names', () => {
    expect(parsePersonRef('3:victim')).toEqual({ id: '3', role: 'victim' });
    expect(parsePersonRef('3:Witness')).toEqual({ id: '3', role: 'witness' });
    expect(parsePersonRef('3:recorded-by')).toEqual({ id: '3', role: 'recorded by' });
    expect(parsePersonRef('3:interviewee')).toEqual({ id: '3', role: 'testimony of' });
    expect(parsePersonRef('3:filmed_by')).toEqual({ id: '3', role: 'recorded by' });
    expect(parsePersonRef('3:photographed  by')).toEqual({ id: '3', role: 'recorded by' });
    expect(parsePersonRef('3:testimony of')).toEqual({ id: '3', role: 'testimony of' });
    expect(() => parsePersonRef('3:constructor')).toThrow('person "3:constructor": unknown role "constructor" (one of: depicts, victim, witness, testimony of, recorded by, mentioned, medical record of, property of)');
  });

  it('have words in en, ru and ky in the app and in the custody report', () => {
    for (const lang of ['en', 'ru', 'ky'] as const) {
      const app = JSON.parse(readFileSync(join(import.meta.dirname, '../../renderer/src/i18n', `${lang}.json`), 'utf8')) as { roles: Record<string, string> };
      expect(Object.keys(app.roles).sort()).toEqual([...PERSON_ROLES].sort());
      for (const r of PERSON_ROLES) {
        expect(app.roles[r]!.trim(), `${lang} ${r}`).not.toBe('');
        const said = personWord(lang, { label: 'Айгүл', pseudonym: false, role: r });
        expect(said).toBe(`Айгүл — ${(dict(lang) as Record<string, string>)[`role_${r}`]}`);
        if (lang !== 'en') expect(said, `${lang} ${r} is translated`).not.toMatch(/[a-z]{3}/u);
      }
    }
  });

  it('upgrade a schema-7 catalog keeping every link, then accept the new roles', () => {
    const { db, dir } = freshCatalog();
    const item = addFakeItem(db, 1);
    const p = addPerson(db, { name: 'Айгүл Токтогулова' });
    const q = addPerson(db, { name: 'Бакыт Осмонов' });
    tagItem(db, item, { addPeople: [{ id: p.id, role: 'depicts' }, { id: p.id, role: 'testimony of' }, { id: q.id, role: 'property of' }] }, { actor: 'Айжан' });
    const before = getItemTags(db, item);
    db.close();
    // What version 7 left: item_people with the four-role CHECK.
    const file = join(dir, 'archive.sqlite');
    const raw = new Database(file);
    raw.exec(`
      CREATE TABLE item_people_old (item_id INTEGER NOT NULL REFERENCES items(id), person_id INTEGER NOT NULL REFERENCES people(id),
        role TEXT NOT NULL CHECK (role IN ('depicts','testimony of','medical record of','property of')), PRIMARY KEY (item_id, person_id, role)) WITHOUT ROWID;
      INSERT INTO item_people_old SELECT item_id, person_id, role FROM item_people;
      DROP TABLE item_people;
      ALTER TABLE item_people_old RENAME TO item_people;
      CREATE INDEX item_people_person ON item_people(person_id, role, item_id);`);
    expect(() => raw.prepare("INSERT INTO item_people VALUES (?, ?, 'victim')").run(item, q.id)).toThrow(/CHECK constraint failed/u);
    setBackSchema(raw, 7);
    raw.close();

    const up = openDb(file);
    try {
      expect(up.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(getItemTags(up, item)).toEqual(before);
      expect((up.prepare("SELECT sql FROM sqlite_master WHERE name = 'item_people'").get() as { sql: string }).sql).toContain("'recorded by'");
      expect(up.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item_people'").all()).toContainEqual({ name: 'item_people_person' });
      tagItem(up, item, { addPeople: NEW_ROLES.map((role) => ({ id: q.id, role: role as (typeof PERSON_ROLES)[number] })) }, { actor: 'Айжан' });
      expect(getItemTags(up, item).people.filter((x) => x.id === q.id).map((x) => x.role).sort()).toEqual(['mentioned', 'property of', 'recorded by', 'victim', 'witness']);
      expect(() => up.prepare("INSERT INTO item_people VALUES (?, ?, 'bystander')").run(item, q.id)).toThrow(/CHECK constraint failed/u);
      // The synthetic item has no ingestion event; nothing else may be found.
      expect(crossCheckCatalog(up).filter((x) => !/no ingestion event/u.test(x.reason))).toEqual([]);
    } finally {
      up.close();
    }
  });

  it('are taken by `evidence tag` and listed in its help', async () => {
    const { dir, db } = freshCatalog();
    db.close();
    const A = ['--archive', dir];
    const help = await runCli('tag', '--help');
    expect(help.out.replace(/\s+/gu, ' ')).toContain('link a person in a role: depicts, victim, witness, testimony of, recorded by, mentioned, medical record of, property of');
    const item = String(addItemVia(dir));
    const person = await cliJson<{ id: number }>('person', 'add', 'Айгүл Токтогулова', ...A);
    const r = await runCli('tag', item, '--person', `${person.id}:interviewee`, '--person', `${person.id}:filmed by`, '--person', `${person.id}:witness`, ...A);
    expect(r.code, r.err).toBe(0);
    const shown = await cliJson<{ catalog: { people: { id: number; role: string }[] } }>('show', item, '--json', ...A);
    expect(shown.catalog.people.map((x) => x.role).sort()).toEqual(['recorded by', 'testimony of', 'witness']);
    const bad = await runCli('tag', item, '--person', `${person.id}:bystander`, ...A);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('unknown role "bystander" (one of: depicts, victim, witness, testimony of, recorded by, mentioned, medical record of, property of)');
  });
});

/** A synthetic item in the catalog at `dir`, inserted straight into SQLite; its id. */
function addItemVia(dir: string): number {
  const db = openDb(join(dir, 'archive.sqlite'));
  try {
    return addFakeItem(db, 2);
  } finally {
    db.close();
  }
}
