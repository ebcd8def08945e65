// The CLI in Russian and Kyrgyz: language chosen by --lang, LC_MESSAGES over LANG; help, tables,
// plurals and errors in real words; every catalog key in every language.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commandsFor } from '../../electron/cli/commands/index.ts';
import { localizeHelp } from '../../electron/cli/i18n/help.ts';
import { CATALOGS } from '../../electron/cli/i18n/catalogs.ts';
import { setCliLanguage, t } from '../../electron/cli/i18n/index.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

let archive = '';
let five = '';

/** An archive holding `n` small text files (kind "other"). */
async function archiveWith(n: number): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'cli-i18n-'));
  const src = join(root, 'src');
  mkdirSync(src);
  for (let i = 0; i < n; i++) writeFileSync(join(src, `note-${i}.txt`), `note ${i}\n`);
  const r = await runCli('ingest', src, '--archive', join(root, 'arc'), '--operator', 'Айгүл', '--threads', '1', '--json');
  expect(r.code).toBe(0);
  return join(root, 'arc');
}

beforeAll(async () => {
  archive = await archiveWith(2);
  five = await archiveWith(5);
});

const saved = { LANG: process.env.LANG, LC_MESSAGES: process.env.LC_MESSAGES, LC_ALL: process.env.LC_ALL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  setCliLanguage('en');
});

describe('evidence in Russian and Kyrgyz', () => {
  it('speaks English by default (tests run under LANG=C.UTF-8)', async () => {
    expect(process.env.LANG).toBe('C.UTF-8');
    const r = await runCli('list', '--archive', archive);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 items');
    const h = await runCli('list', '--help');
    expect(h.out).toContain('Usage: evidence list');
    expect(h.out).toContain('only items with a usable GPS position');
  });

  it('--lang ru: help, the list table and its plural count in Russian', async () => {
    const h = await runCli('--lang', 'ru', 'list', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toContain('Использование: evidence list');
    expect(h.out).toContain('Параметры:');
    expect(h.out).toContain('только материалы с пригодными координатами GPS');
    expect(h.out).toContain('показать справку по команде');
    const two = await runCli('list', '--archive', archive, '--lang', 'ru');
    expect(two.out).toMatch(/^ {4}1 {2}[0-9a-f]{12} {2}другое /mu);
    expect(two.out.trim().split('\n').at(-1)).toBe('2 материала');
    expect((await runCli('list', '--archive', five, '--lang', 'ru')).out.trim().split('\n').at(-1)).toBe('5 материалов');
    const one = await runCli('list', '--archive', five, '--lang=ru', '--limit', '1');
    expect(one.out.trim().split('\n').at(-1)).toBe('1 материал');
    expect(one.err).toBe('есть ещё материалы: добавьте --after 1 для следующей страницы\n');
  });

  it('--lang ky: help and the show table in Kyrgyz', async () => {
    const h = await runCli('--lang', 'ky', '--help');
    expect(h.out).toContain('Колдонуу: evidence');
    expect(h.out).toContain('Буйруктар:');
    expect(h.out).toContain('сактоо журналын чыгаруу');
    const s = await runCli('show', '1', '--archive', archive, '--lang', 'ky');
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/^түрү +башка$/mu);
    expect(s.out).toContain('сактоо журналы:');
    expect(s.out).toContain('аткарган: Айгүл');
  });

  it('LANG=ru_RU.UTF-8 gives Russian errors; LC_MESSAGES overrides LANG', async () => {
    process.env.LANG = 'ru_RU.UTF-8';
    const bad = await runCli('verify', '--archive', archive, '--expect-head', 'nonsense');
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('evidence: --expect-head: укажите НОМЕР:ХЕШ, например 812:3f2a… (64 шестнадцатеричные цифры)\n');
    const limit = await runCli('list', '--archive', archive, '--limit', 'x');
    expect(limit.err).toBe('evidence: --limit x: укажите целое число ≥ 0\n');
    process.env.LC_MESSAGES = 'ky_KG.UTF-8';
    const ky = await runCli('list', '--archive', archive, '--limit', 'x');
    expect(ky.err).toBe('evidence: --limit x: ≥ 0 бүтүн санды көрсөтүңүз\n');
    // --lang wins over both.
    expect((await runCli('list', '--archive', archive, '--limit', 'x', '--lang', 'en')).err).toBe('evidence: --limit x: give a whole number ≥ 0\n');
  });

  it('verify and log: summaries and custody lines in Russian, with the app\'s words for event types', async () => {
    const v = await runCli('verify', '--archive', five, '--lang', 'ru');
    expect(v.code).toBe(0);
    expect(v.out).toContain('OK: перехешировано 5 из 5 материалов');
    expect(v.out).toContain('0 проблем');
    // One fixity check run records one custody event for the run (plus one per failure), not one per item.
    expect(v.out).toMatch(/^запуск проверки \d+ \(весь архив\): прошли проверку — 5, не прошли — 0; корень Меркла [0-9a-f]{64} \(материалов: 5\)$/mu);
    expect(v.out).toMatch(/^событий, добавленных запуском в журнал хранения: 1 \(1 за запуск \+ 1 за каждую ошибку\); вершина журнала теперь #\d+ [0-9a-f]{64}$/mu);
    expect(v.out).not.toMatch(/\b(run|passed|failed|events|items)\b/u);
    const l = await runCli('log', '--archive', five, '--lang', 'ru');
    expect(l.out).toMatch(/^#\d+ {2}\S+ \S+ UTC {2}Айгүл {2}Приём {2}note-0\.txt {2}выполнено — Принят в архив из /mu);
    expect(l.out).toMatch(/Проверка целостности {2}\(архив\) {2}пройдена — проверено 5 материалов \(/u);
    expect(l.out).not.toMatch(/ingestion|fixity check/u);
    // --json never changes.
    const en = await runCli('log', '--archive', five, '--json');
    const ru = await runCli('log', '--archive', five, '--json', '--lang', 'ru');
    expect(ru.out).toBe(en.out);
  });

  it('plural forms: ru one/few/many, ky and en', () => {
    setCliLanguage('ru');
    expect([1, 2, 5, 21, 22, 25, 11].map((count) => t('n.file', { count }))).toEqual(['1 файл', '2 файла', '5 файлов', '21 файл', '22 файла', '25 файлов', '11 файлов']);
    expect([1, 3, 7].map((count) => t('n.problem', { count }))).toEqual(['1 проблема', '3 проблемы', '7 проблем']);
    setCliLanguage('ky');
    expect([1, 2, 5].map((count) => t('n.file', { count }))).toEqual(['1 файл', '2 файл', '5 файл']);
    setCliLanguage('en');
    expect([1, 2].map((count) => t('n.person', { count }))).toEqual(['1 person', '2 people']);
  });
});

/** "a.b_one" → "a.b" for plural keys, to compare languages with different plural forms. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/u, '');

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('CLI catalogs', () => {
  for (const [ns, cat] of Object.entries(CATALOGS)) {
    it(`${ns}: every English key exists in ru and ky, with every plural form`, () => {
      const en = keys(cat.en ?? {}).filter((k) => !k.startsWith('help.'));
      const ru = new Set(keys(cat.ru ?? {}));
      const ky = new Set(keys(cat.ky ?? {}));
      for (const k of en) {
        if (/_(one|other)$/u.test(k)) {
          for (const f of ['one', 'few', 'many', 'other']) expect(ru.has(`${base(k)}_${f}`), `${ns}:${base(k)}_${f} in ru`).toBe(true);
          for (const f of ['one', 'other']) expect(ky.has(`${base(k)}_${f}`), `${ns}:${base(k)}_${f} in ky`).toBe(true);
        } else {
          expect(ru.has(k), `${ns}:${k} in ru`).toBe(true);
          expect(ky.has(k), `${ns}:${k} in ky`).toBe(true);
        }
      }
      // No key only in a translation (a typo, or English removed and the translation left behind).
      const enBase = new Set(en.map(base));
      for (const k of [...ru, ...ky]) if (!k.startsWith('help.')) expect(enBase.has(base(k)), `${ns}:${k} has no English`).toBe(true);
      // Help text is keyed by its English: the Russian and Kyrgyz translate the same texts.
      const help = (l: 'ru' | 'ky') => Object.keys((cat[l] as { help?: object } | undefined)?.help ?? {}).sort();
      expect(help('ky')).toEqual(help('ru'));
    });
  }
});

/** Every description of `evidence --help` and its sub-commands' help with no letter of `script`, as "path what: text". */
async function untranslatedHelp(lang: 'ru' | 'ky'): Promise<string[]> {
  setCliLanguage(lang);
  const program = new Command('evidence');
  for (const c of await commandsFor([])) c.define(program);
  localizeHelp(program);
  const missing: string[] = [];
  const walk = (c: Command, path: string) => {
    const check = (what: string, text: string) => {
      if (text && !/[а-яёөүң]/iu.test(text)) missing.push(`${path} ${what}: ${text}`);
    };
    check('description', c.description());
    for (const a of c.registeredArguments) check(`<${a.name()}>`, a.description);
    for (const o of c.options) check(o.long ?? o.flags, o.description);
    for (const s of c.commands) walk(s, `${path} ${s.name()}`);
  };
  walk(program, 'evidence');
  return missing;
}

describe('help of every command', () => {
  // A command or option added later with English help only is caught here.
  it.each(['ru', 'ky'] as const)('is translated in %s', async (lang) => {
    expect(await untranslatedHelp(lang)).toEqual([]);
  });
});

describe('export --lang', () => {
  it('chooses the custody report\'s language, not the CLI\'s; the global --lang before `export` chooses the CLI\'s', async () => {
    const out = mkdtempSync(join(tmpdir(), 'cli-i18n-set-'));
    const report = await runCli('export', '--archive', archive, '--all', '--out', join(out, 'a'), '--no-sign', '--lang', 'ky');
    expect(report.code, report.err).toBe(0);
    expect(report.out).toMatch(/^Exported 2 items to /u);
    const cli = await runCli('--lang', 'ru', 'export', '--archive', archive, '--all', '--out', join(out, 'b'), '--no-sign');
    expect(cli.code, cli.err).toBe(0);
    expect(cli.out).toMatch(/^Экспортировано: 2 материала в /u);
    expect(cli.err).toContain('предупреждение: --no-sign: этот набор не подписан и не запечатан');
  });
});
