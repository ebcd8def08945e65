import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { addPerson, listPeople } from '../../electron/core/catalog/people.ts';
import { listPlaces, searchPlaces } from '../../electron/core/catalog/places.ts';
import { ftsQuery } from '../../electron/core/catalog/fts.ts';
import { tagItem } from '../../electron/core/catalog/tagging.ts';
import { filterItemIds } from '../../electron/core/catalog/filters.ts';
import { addFakeItem, freshCatalog } from '../helpers/catalog.ts';

describe("SQLite FTS5 unicode61 folds Cyrillic case", () => {
  it('matches Kyrgyz and Russian words whatever their case', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(a, tokenize = "unicode61 remove_diacritics 2")`);
    db.prepare('INSERT INTO t VALUES (?)').run('Көк-Таш ЖАҢЫ-ЖЕР Ёлка Kök');
    const n = (q: string) => (db.prepare('SELECT count(*) c FROM t WHERE t MATCH ?').get(q) as { c: number }).c;
    expect(n('"көк-таш"')).toBe(1);
    expect(n('КӨК')).toBe(1);
    expect(n('жаңы')).toBe(1);
    expect(n('ёлка')).toBe(1);
    expect(n('kok')).toBe(1); // remove_diacritics 2: ö → o
    expect(n('кок')).toBe(0); // ө is a letter of its own, not о with a diacritic: the transliteration key covers this
    db.close();
  });
});

describe('catalog search', () => {
  const { db } = freshCatalog();
  afterAll(() => db.close());

  it('finds Kok-Tash by any spelling and case, the Batken village first among homonyms', () => {
    for (const q of ['Kok-Tash', 'Koktash', 'Көк-Таш', 'Кок-Таш', 'көк-таш', 'КӨК-ТАШ', 'Кёк-Таш']) {
      const ids = searchPlaces(db, q).map((p) => p.id);
      expect(ids.slice(0, 2).sort(), q).toEqual(['kok-tash-batken', 'kok-tash-leilek']);
    }
    expect(listPlaces(db, { search: 'Баткен' }).map((p) => p.id)).toContain('batken');
  });

  it('finds people by Cyrillic name case-insensitively and by Latin transliteration', () => {
    const p = addPerson(db, { name: 'Гүлзат Токтосунова', residencePlaceId: 'ak-sai', statuses: ['injured'] });
    expect(listPeople(db, { search: 'гүлзат' }).map((x) => x.id)).toEqual([p.id]);
    expect(listPeople(db, { search: 'ГҮЛЗАТ ТОКТОСУНОВА' }).map((x) => x.id)).toEqual([p.id]);
    expect(listPeople(db, { search: 'Gulzat' }).map((x) => x.id)).toEqual([p.id]);
    expect(listPeople(db, { search: 'Асанов' })).toEqual([]);
  });

  it('finds items by description, place name and person name in any script', () => {
    const id = addFakeItem(db, 1);
    const other = addFakeItem(db, 2);
    const person = addPerson(db, { name: 'Бакыт Осмонов' });
    tagItem(db, id, { addPlaces: ['kok-tash-batken'], description: 'Сгоревший ДОМ семьи', addPeople: [{ id: person.id, role: 'depicts' }] }, { actor: 'tester' });
    tagItem(db, other, { addPlaces: ['ak-sai'], description: 'школа' }, { actor: 'tester' });
    expect(filterItemIds(db, { search: 'сгоревший дом' })).toEqual([id]);
    expect(filterItemIds(db, { search: 'көк-таш' })).toEqual([id]);
    expect(filterItemIds(db, { search: 'Koktash' })).toEqual([id]);
    expect(filterItemIds(db, { search: 'бакыт' })).toEqual([id]);
    expect(filterItemIds(db, { search: 'ШКОЛА' })).toEqual([other]);
    expect(filterItemIds(db, { search: 'Ак-Сай' })).toEqual([other]);
  });

  it('finds text holding compatibility characters (№, fullwidth, superscripts) however the query spells them', () => {
    const school = addFakeItem(db, 3);
    const plan = addFakeItem(db, 4);
    tagItem(db, school, { addTags: ['школа №2'], description: 'Окно класса №5' }, { actor: 'tester' });
    tagItem(db, plan, { description: 'План ＡＢ² этажа' }, { actor: 'tester' });
    expect(filterItemIds(db, { search: '№2' })).toEqual([school]);
    expect(filterItemIds(db, { search: 'школа №2' })).toEqual([school]);
    expect(filterItemIds(db, { search: 'No2' })).toEqual([school]);
    expect(filterItemIds(db, { search: 'класса №5' })).toEqual([school]);
    expect(filterItemIds(db, { search: '№3' })).toEqual([]);
    expect(filterItemIds(db, { search: 'AB2' })).toEqual([plan]);
    expect(filterItemIds(db, { search: 'ＡＢ²' })).toEqual([plan]);
    const person = addPerson(db, { name: 'Свидетель №7' });
    expect(listPeople(db, { search: '№7' }).map((x) => x.id)).toEqual([person.id]);
  });

  it('never lets FTS syntax in user input break the query', () => {
    expect(ftsQuery('"')).toBeNull();
    expect(() => filterItemIds(db, { search: 'NEAR( "a" * OR' })).not.toThrow();
    expect(() => filterItemIds(db, { search: '()' })).toThrow(/give at least one word/);
  });
});
