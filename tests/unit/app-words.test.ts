// Issue 16 §4, the parts that run without a window: dates and numbers in the chosen language
// (renderer/src/format.ts), the date field's parsing, plural forms as i18next renders them from
// our locale files ("1 файл", "2 файла", "5 файлов"), every counted string in the renderer using
// plural keys, and what a public release's files still carry (release-risks.ts) over a real catalog.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import i18next from 'i18next';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedRecord } from '../../electron/common/types.ts';
import { insertItem } from '../../electron/core/db/items.ts';
import { loadMigrationSteps, openDb, type Db } from '../../electron/core/db/open.ts';
import { insertDerivative } from '../../electron/core/redact/store.ts';
import { redactedCoverage, releaseRisks } from '../../electron/core/service/release-risks.ts';
import { dateFieldOrder, datePartsToIso, formatBytes, formatCalendarDate, formatCaptured, formatKm, formatNumber, isoToDateParts } from '../../renderer/src/format.ts';
import en from '../../renderer/src/i18n/en.json' with { type: 'json' };
import ky from '../../renderer/src/i18n/ky.json' with { type: 'json' };
import ru from '../../renderer/src/i18n/ru.json' with { type: 'json' };
import { REPO_ROOT } from '../helpers/corpus.ts';

// Intl may put a narrow or ordinary no-break space where we would write a space.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/gu, ' ');

describe('format.ts in the chosen language', () => {
  it('writes calendar dates dd.mm.yyyy in ru and ky, month first in en, partial dates with what is known', () => {
    expect(formatCalendarDate('2021-04-29', 'ru')).toBe('29.04.2021');
    expect(formatCalendarDate('2021-04-29', 'ky')).toBe('29.04.2021');
    expect(formatCalendarDate('2021-04-29', 'en')).toBe('04/29/2021');
    expect(formatCalendarDate('2021-04', 'ru')).toBe('04.2021');
    expect(formatCalendarDate('1987', 'ky')).toBe('1987');
    expect(formatCalendarDate('soon', 'ru')).toBe('soon');
    expect(dateFieldOrder('ru')).toEqual(['day', 'month', 'year']);
    expect(dateFieldOrder('ky')).toEqual(['day', 'month', 'year']);
    expect(dateFieldOrder('en')).toEqual(['month', 'day', 'year']);
  });

  it('writes numbers, sizes and distances with the language’s separators and units', () => {
    expect(plain(formatNumber(12345, 'ru'))).toBe('12 345');
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(plain(formatBytes(1_500_000, 'ru'))).toBe('1,5 МБ');
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB');
    expect(plain(formatKm(2430, 'ru'))).toBe('2,4 км');
    expect(formatKm(2430, 'en')).toBe('2.4 km');
    // A capture time keeps its wall time and names the file's zone, in the language's words.
    expect(plain(formatCaptured('2021-04-29T14:02:11+06:00', 'ru'))).toMatch(/^29 апр\. 2021 г\., 14:02:11 \+06:00$/u);
  });

  it('turns the date field’s parts into ISO 8601, refusing days a month does not have', () => {
    expect(datePartsToIso({ day: '9', month: '4', year: '2021' })).toEqual({ ok: true, iso: '2021-04-09' });
    expect(datePartsToIso({ day: '29', month: '02', year: '2024' })).toEqual({ ok: true, iso: '2024-02-29' });
    expect(datePartsToIso({ day: '29', month: '02', year: '2023' })).toEqual({ ok: false });
    expect(datePartsToIso({ day: '30', month: '02', year: '2021' })).toEqual({ ok: false });
    expect(datePartsToIso({ day: '1', month: '13', year: '2021' })).toEqual({ ok: false });
    expect(datePartsToIso({ day: '', month: '', year: '' })).toEqual({ ok: true, iso: '' });
    expect(datePartsToIso({ day: '', month: '', year: '1987' })).toEqual({ ok: false });
    expect(datePartsToIso({ day: '', month: '', year: '1987' }, true)).toEqual({ ok: true, iso: '1987' });
    expect(datePartsToIso({ day: '', month: '5', year: '1987' }, true)).toEqual({ ok: true, iso: '1987-05' });
    expect(datePartsToIso({ day: '3', month: '', year: '1987' }, true)).toEqual({ ok: false });
    expect(datePartsToIso({ day: '1', month: '1', year: '87' })).toEqual({ ok: false });
    expect(isoToDateParts('2021-04-09')).toEqual({ day: '09', month: '04', year: '2021' });
    expect(isoToDateParts('1987')).toEqual({ day: '', month: '', year: '1987' });
  });
});

describe('plural forms', () => {
  const i18n = i18next.createInstance();
  beforeAll(async () => {
    await i18n.init({ resources: { en: { translation: en }, ru: { translation: ru }, ky: { translation: ky } }, lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false } });
  });
  const say = (lng: string, key: string, count: number, vars: Record<string, string> = {}) => i18n.getFixedT(lng)(key, { count, n: String(count), ...vars });

  it('renders "1 file", "1 файл", "2 файла", "5 файлов", "21 файл" and Kyrgyz', () => {
    expect(say('en', 'verify.payloadValue', 1, { files: '1', bytes: '3 kB' })).toBe('1 file, 3 kB');
    expect(say('en', 'verify.payloadValue', 5, { files: '5', bytes: '3 kB' })).toBe('5 files, 3 kB');
    expect(say('ru', 'verify.payloadValue', 1, { files: '1', bytes: '3 кБ' })).toBe('1 файл, 3 кБ');
    expect(say('ru', 'verify.payloadValue', 2, { files: '2', bytes: '3 кБ' })).toBe('2 файла, 3 кБ');
    expect(say('ru', 'verify.payloadValue', 5, { files: '5', bytes: '3 кБ' })).toBe('5 файлов, 3 кБ');
    expect(say('ru', 'verify.payloadValue', 21, { files: '21', bytes: '3 кБ' })).toBe('21 файл, 3 кБ');
    expect(say('ky', 'verify.payloadValue', 5, { files: '5', bytes: '3 кБ' })).toBe('5 файл, 3 кБ');
    expect(say('ru', 'library.count', 1)).toBe('1 материал');
    expect(say('ru', 'library.count', 3)).toBe('3 материала');
    expect(say('ru', 'library.count', 11)).toBe('11 материалов');
    expect(say('en', 'custody.count.items', 1)).toBe('1 file');
    expect(say('ru', 'custody.count.problems', 5)).toBe('5 проблем');
    expect(say('en', 'archives.current', 1, { name: 'Batken' })).toBe('Open: Batken (1 item)');
  });

  it('every en key with _one has ru _one/_few/_many/_other and ky _one/_other', () => {
    const flat = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? flat(v as object, `${p}${k}.`) : [`${p}${k}`]));
    const ruKeys = new Set(flat(ru));
    const kyKeys = new Set(flat(ky));
    const bases = flat(en).filter((k) => k.endsWith('_one')).map((k) => k.slice(0, -4));
    expect(bases.length).toBeGreaterThan(20);
    const missing = bases.flatMap((b) => [
      ...['one', 'few', 'many', 'other'].filter((f) => !ruKeys.has(`${b}_${f}`)).map((f) => `ru ${b}_${f}`),
      ...['one', 'other'].filter((f) => !kyKeys.has(`${b}_${f}`)).map((f) => `ky ${b}_${f}`),
    ]);
    expect(missing).toEqual([]);
  });

  it('every count the renderer passes goes to a plural key, and no English string says "(s)"', () => {
    const src = join(REPO_ROOT, 'renderer', 'src');
    const flat = (o: object, p = ''): string[] => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? flat(v as object, `${p}${k}.`) : [`${p}${k}`]));
    const enKeys = new Set(flat(en));
    const calls = (readdirSync(src, { recursive: true }) as string[]).filter((f) => /\.tsx?$/u.test(f))
      .flatMap((f) => [...readFileSync(join(src, f), 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.]+)', \{ count: /gu)].map((m) => `${f}: ${m[1]}`));
    expect(calls.length).toBeGreaterThan(10);
    expect(calls.filter((c) => !enKeys.has(`${c.split(': ')[1]}_one`))).toEqual([]);
    expect(flat(en).filter((k) => {
      const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], en);
      return typeof v === 'string' && /\w\(s\)/u.test(v);
    })).toEqual([]);
  });
});

describe('releaseRisks', () => {
  let dir: string;
  let db: Db;
  const ids: Record<string, number> = {};
  const rec = (n: number, over: Partial<NormalizedRecord>): NormalizedRecord => ({
    sha256: n.toString(16).padStart(64, '0'), bytes: 10, mime: 'image/jpeg', kind: 'image', make: null, model: null, serial: null, serialSource: null,
    capturedAt: null, capturedAtSource: null, capturedAtHasZone: false, otherDates: [], gps: null, orientation: null, width: null, height: null, durationSec: null, codec: null,
    ...over,
  } as NormalizedRecord);

  beforeAll(async () => {
    await loadMigrationSteps();
    dir = mkdtempSync(join(tmpdir(), 'evidence-words-'));
    db = openDb(join(dir, 'catalog.db'));
    const at = '2021-05-01T00:00:00Z';
    ids.gpsSerial = insertItem(db, rec(1, { gps: { lat: 39.9, lon: 70.5, alt: null, noFix: false }, serial: '123456', serialSource: 'BodySerialNumber' } as Partial<NormalizedRecord>), {}, null, [], at);
    ids.lensSerial = insertItem(db, rec(2, {}), { exif: { LensSerialNumber: '0000c1' } }, null, [], at);
    ids.video = insertItem(db, rec(3, { kind: 'video', mime: 'video/mp4' }), {}, null, [], at);
    ids.audio = insertItem(db, rec(4, { kind: 'audio', mime: 'audio/mpeg' }), {}, null, [], at);
    ids.noFix = insertItem(db, rec(5, { gps: { lat: 0, lon: 0, alt: null, noFix: true } } as Partial<NormalizedRecord>), {}, null, [], at);
  });
  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts GPS positions, serial numbers (body or lens) and photos/videos among the chosen items only', () => {
    const all = Object.values(ids);
    expect(releaseRisks(db, [...all, ...all, 999])).toEqual({
      items: 5, withGps: 1, withSerial: 2, mayShowFaces: 4, linkedToPeople: 0, redacted: { itemsWithRedacted: 0, itemsWithout: 5 },
    });
    expect(releaseRisks(db, [ids.audio!, ids.video!])).toMatchObject({ items: 2, withGps: 0, withSerial: 0, mayShowFaces: 1 });
  });

  it('counts redacted copies from the derivatives table when the archive has it', () => {
    // Migration 016's table, filled as the redact command does (insertDerivative): two copies of
    // one item count it once; another item's copy counts it.
    const derivative = (itemId: number, n: number) => insertDerivative(db, {
      itemId, sha256: n.toString(16).padStart(64, 'd'), bytes: 1000 + n, mime: 'image/jpeg', kind: 'redacted',
      settings: { strip: 'all', blur: 'faces' }, settingsKey: n.toString(16).padStart(64, 'e'), logSha256: null,
      removed: { groups: ['EXIF', 'XMP'], blurred: 1 }, createdAt: '2021-05-02T00:00:00Z', actor: 'test',
    });
    expect(redactedCoverage(db, Object.values(ids))).toEqual({ itemsWithRedacted: 0, itemsWithout: 5 });
    derivative(ids.gpsSerial!, 1);
    derivative(ids.gpsSerial!, 2);
    derivative(ids.video!, 3);
    expect(db.prepare('SELECT count(*) FROM derivatives').pluck().get()).toBe(3);
    expect(redactedCoverage(db, Object.values(ids))).toEqual({ itemsWithRedacted: 2, itemsWithout: 3 });
    expect(redactedCoverage(db, [ids.audio!])).toEqual({ itemsWithRedacted: 0, itemsWithout: 1 });
    expect(redactedCoverage(db, [ids.video!, 999])).toEqual({ itemsWithRedacted: 1, itemsWithout: 0 });
    expect(releaseRisks(db, Object.values(ids)).redacted).toEqual({ itemsWithRedacted: 2, itemsWithout: 3 });
  });
});
