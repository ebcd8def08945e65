import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { listPeople } from '../../electron/core/catalog/people.ts';
import { importPeople, parseLooseDate } from '../../electron/core/catalog/people-import.ts';
import { pseudonymKey, pseudonymOf, registerCsv, registerRecords } from '../../electron/core/catalog/register.ts';
import { freshCatalog } from '../helpers/catalog.ts';

const CSV = `ФИО;Пол;Дата рождения;Село;Статус;Дата;Согласие;Конфиденциально;№
Асанова Айгүл;ж;12.03.1990;Ak-Sai;ранена;29.04.2021;да;;A-1
Токтогулов Бакыт;м;31.02.1985;Maksat;убит;;;;A-2
Исмаилова Жылдыз;ж;2012;Kok-Tash;killed;2021-04-29;;;A-3
Мамытов Эрлан;м;1970-05-05;kok-tash-batken;в плену;2022-09-14;нет;;A-4
;ж;1980;ak-sai;injured;;;;A-5
Осмонова Гүлзат;x;1975;batken;displaced;;;;A-6
Сыдыков Нурлан;м;1964-11-02;Samarkandek;property destroyed, injured;2021-04-30;given;да;A-7
Турдубаев Марат;м;1990;Nowhere-village;injured;;;;A-8
"Кадыров ""Каке"" Улан";м;1988;Кок-Таш (Баткен);wounded;;;;A-9
`;

describe('people import', () => {
  const { db, dir } = freshCatalog();
  afterAll(() => db.close());

  it('imports readable CSV rows and reports each unreadable one with its row and reason', async () => {
    const file = join(dir, 'victims.csv');
    writeFileSync(file, '\uFEFF' + CSV);
    const r = await importPeople(db, file);
    expect(r.rows).toBe(9);
    expect(r.errors).toEqual([
      { row: 3, reason: 'birth date "31.02.1985": day 31 does not exist in that month' },
      { row: 4, reason: expect.stringMatching(/^place "Kok-Tash" is ambiguous: kok-tash-batken .*kok-tash-leilek/) },
      { row: 6, reason: 'name: empty' },
      { row: 7, reason: 'sex "x": not understood (use female/male/unknown, ж/м)' },
      { row: 9, reason: expect.stringMatching(/^place "Nowhere-village": no place has this id or name/) },
    ]);
    expect(r.imported.map((i) => i.row)).toEqual([2, 5, 8, 10]);
    const people = listPeople(db);
    expect(people).toHaveLength(4);
    expect(people[0]).toMatchObject({ name: 'Асанова Айгүл', sex: 'female', birthDate: '1990-03-12', residencePlaceId: 'ak-sai', statuses: ['injured'], harmDate: '2021-04-29', consent: 'given', externalId: 'A-1' });
    expect(people[1]).toMatchObject({ name: 'Мамытов Эрлан', statuses: ['held captive'], consent: 'refused' });
    expect(people[2]).toMatchObject({ name: 'Сыдыков Нурлан', statuses: ['property destroyed', 'injured'], sensitive: true });
    expect(people[3]).toMatchObject({ name: 'Кадыров "Каке" Улан', residencePlaceId: 'kok-tash-batken', statuses: ['injured'] });
  });

  it('reports the rows of a file imported again as already present, and adds nobody twice', async () => {
    const file = join(dir, 'victims.csv');
    const before = listPeople(db);
    const r = await importPeople(db, file);
    expect(r.imported).toEqual([]);
    expect(r.alreadyPresent).toEqual([2, 5, 8, 10].map((row, i) => ({ row, id: before[i]!.id, name: before[i]!.name })));
    expect(r.errors.map((e) => e.row)).toEqual([3, 4, 6, 7, 9]); // still unreadable, still reported
    expect(listPeople(db)).toEqual(before);
  });

  it('imports XLSX with real date cells, reporting broken rows', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Жертвы');
    ws.addRow(['Name', 'Sex', 'Date of birth', 'Village', 'Status', 'External ID']);
    ws.addRow(['Абдыкадыров Жоомарт', 'male', new Date(Date.UTC(1979, 6, 1)), 'maksat', 'displaced', 'X-1']);
    ws.addRow(['Бекова Сайкал', 'female', 'not a date', 'maksat', 'displaced', 'X-2']);
    ws.addRow(['Жумабаева Айпери', 'female', 2001, 'Internatsional', 'missing; injured', 'X-3']);
    ws.addRow(['Асанова Айгүл', 'female', 1990, 'ak-sai', 'injured', 'A-1']);
    const file = join(dir, 'victims.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await importPeople(db, file);
    expect(r.errors).toEqual([
      { row: 3, reason: 'birth date "not a date": not a date (use YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY)' },
      { row: 5, reason: 'person: external id A-1 already exists' },
    ]);
    expect(r.imported.map((i) => i.name)).toEqual(['Абдыкадыров Жоомарт', 'Жумабаева Айпери']);
    expect(listPeople(db, { search: 'жоомарт' })[0]).toMatchObject({ birthDate: '1979-07-01', residencePlaceId: 'maksat', statuses: ['displaced'] });
    expect(listPeople(db, { search: 'Айпери' })[0]).toMatchObject({ birthDate: '2001', residencePlaceId: 'internatsional', statuses: ['missing', 'injured'] });
  });

  it('reports a CSV row with an unclosed quote and imports the rows after it, multi-line fields included', async () => {
    const file = join(dir, 'victims-quote.csv');
    writeFileSync(file, 'ФИО;Пол;Описание;№\r\nБекова Сайкал;ж;;Q-1\r\n"Жумабаев Азамат;м;дом сгорел;Q-2\r\nТурсунова Нуржан;ж;"две\r\nстроки";Q-3\r\nАлиев Руслан;м;;Q-4\r\n');
    const r = await importPeople(db, file);
    // The unclosed quote pairs with the next one, two lines down: still only its own row is lost.
    expect(r.errors).toEqual([{ row: 3, reason: 'not readable as CSV: a quote (") in this row does not enclose a whole field (unclosed or stray quote)' }]);
    expect(r.imported.map((i) => [i.row, i.name])).toEqual([[2, 'Бекова Сайкал'], [5, 'Турсунова Нуржан'], [6, 'Алиев Руслан']]);
    expect(listPeople(db, { search: 'Нуржан' })[0]).toMatchObject({ description: 'две\r\nстроки', externalId: 'Q-3' });
    expect(r.rows).toBe(4);
  });

  it('reports a row whose quotes pair up but are not valid CSV, and imports the rest', async () => {
    const file = join(dir, 'victims-stray.csv');
    writeFileSync(file, 'Name,Sex,External ID\nKerimov "Kaka" Ulan,male,S-1\nOsmonova Zarina,female,S-2\n');
    const r = await importPeople(db, file);
    expect(r.errors).toEqual([{ row: 2, reason: 'not readable as CSV: a quote (") in this row does not enclose a whole field (unclosed or stray quote)' }]);
    expect(r.imported.map((i) => [i.row, i.name])).toEqual([[3, 'Osmonova Zarina']]);
  });

  it('refuses a file it cannot read at all', async () => {
    const file = join(dir, 'victims.ods');
    writeFileSync(file, 'x');
    await expect(importPeople(db, file)).rejects.toThrow(/victims.ods: unsupported file type ".ods"/);
    const bad = join(dir, 'broken.xlsx');
    writeFileSync(bad, 'this is not a zip');
    await expect(importPeople(db, bad)).rejects.toThrow(/broken.xlsx/);
  });

  it('parses loose dates strictly', () => {
    expect(parseLooseDate('1.5.2021', 'd')).toBe('2021-05-01');
    expect(parseLooseDate('2021-2', 'd')).toBe('2021-02');
    expect(() => parseLooseDate('2021-13', 'd')).toThrow(/month 13/);
    expect(() => parseLooseDate('29.02.2021', 'd')).toThrow(/day 29/);
    expect(parseLooseDate('29.02.2020', 'd')).toBe('2020-02-29');
  });
});

describe('the redacted victims register', () => {
  const { db, dir } = freshCatalog();
  afterAll(() => db.close());

  it('keeps no real name, exact birth date, sensitive person, person without consent (refused or unknown) or exact coordinate', async () => {
    const file = join(dir, 'victims.csv');
    writeFileSync(file, CSV);
    await importPeople(db, file);
    const all = listPeople(db);
    const full = registerRecords(db);
    expect(full.map((p) => p.name)).toEqual(all.map((p) => p.name));

    const red = registerRecords(db, { redact: true });
    // Only consent "given" is published: refused (Мамытов), unknown (Кадыров) and sensitive (Сыдыков, consent given) are left out.
    expect(all.map((p) => p.consent)).toEqual(['given', 'refused', 'given', 'unknown']);
    expect(red.map((r) => r.pseudonym)).toEqual([all[0]!].map((p) => pseudonymOf(pseudonymKey(db), p.id)));
    expect(red[0]).toEqual({
      pseudonym: expect.stringMatching(/^V-[0-9A-F]{12}$/), sex: 'female', birthYear: 1990, ageAtHarm: null,
      residence: { placeId: 'ak-sai', name: 'Ak-Sai', district: 'Batken', country: 'KG', lat: 39.9, lon: 70.5 }, statuses: ['injured'],
      harmDate: '2021-04-29', consent: 'given',
    });
    for (const text of [JSON.stringify(red), registerCsv(red, true)]) {
      for (const p of all) {
        for (const word of p.name.split(/[\s"]+/).filter((w) => w.length > 2)) expect(text).not.toContain(word);
        if (p.birthDate && p.birthDate.length > 4) expect(text).not.toContain(p.birthDate);
        expect(text).not.toContain(p.externalId!);
      }
      for (const exact of ['39.87438', '70.52211', '39.9491', '70.52804']) expect(text).not.toContain(exact);
      expect(text).not.toMatch(/"id"|Кадыров|Каке|Сыдыков/);
    }
    // Pseudonyms are stable across exports and differ between people.
    expect(registerRecords(db, { redact: true }).map((r) => r.pseudonym)).toEqual(red.map((r) => r.pseudonym));
    expect(new Set(full.map((r) => r.pseudonym)).size).toBe(full.length);
  });
});
