// Issue 15, hostile test round (fix15 9, 10, 12): the progress line says its ETA once and in the
// user's units; English plurals agree with their count, Russian "of N" takes the genitive; an age
// too long for a date is a usage error, not an internal one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { progressLine } from '../../electron/cli/commands/verify-lines.ts';
import { setCliLanguage, t } from '../../electron/cli/i18n/index.ts';
import { parseAge } from '../../electron/core/verify/scope.ts';
import { ScopeError } from '../../electron/core/verify/reels.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fix15-words-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(() => setCliLanguage('en'));

/** The progress line's text after two updates `ms` apart, the second with `bytes` more read. */
async function progressText(bytes: number, ms: number): Promise<string> {
  let err = '';
  const bar = progressLine({ out: () => {}, err: (s) => { err = s; }, isTTY: true, signal: new AbortController().signal }, 0);
  bar.update({ filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 10_000_000, currentFile: null });
  await new Promise((r) => setTimeout(r, ms));
  bar.update({ filesDone: 0, filesTotal: 1, bytesDone: bytes, bytesTotal: 10_000_000, currentFile: null });
  return err.replace(/^\r\u001b\[2K/u, '');
}

describe('progress line (fix15 9)', () => {
  it('says "time left unknown" once, with no "about … left" around it', async () => {
    const en = await progressText(0, 5);
    expect(en).toMatch(/\| items 0\/1 \| .* \| time left unknown$/u);
    expect(en).not.toContain('about');
    setCliLanguage('ru');
    const ru = await progressText(0, 5);
    expect(ru).toMatch(/\| оставшееся время неизвестно$/u);
    expect(ru).not.toContain('осталось около');
  });

  it('gives the time left in the language\'s units', async () => {
    setCliLanguage('ru');
    expect(await progressText(1000, 20)).toMatch(/осталось около \d+ (?:мин \d{2} с|с|ч \d{2} мин)$/u);
    setCliLanguage('ky');
    expect(await progressText(1000, 20)).toMatch(/болжол менен \d+ (?:мүн \d{2} сек|сек|саат \d{2} мүн) калды$/u);
  });
});

describe('plurals (fix15 10)', () => {
  it('English agrees with one; Russian "of N" is genitive', () => {
    expect(t('fix15:verify.runSummary', { run: 1, scope: 'x', passed: 1, failed: 0, root: 'r', count: 1 })).toMatch(/over 1 item$/u);
    expect(t('fix15:replica.damagedReplaced', { count: 1 })).toBe('1 damaged copy replaced');
    setCliLanguage('ru');
    expect(t('fix15:verify.ofItems', { count: 2 })).toBe('2 материалов');
    expect(t('fix15:verify.ofItems', { count: 21 })).toBe('21 материала');
    expect(t('fix15:verify.ofItems', { count: 5 })).toBe('5 материалов');
  });
});

describe('--older-than too long (fix15 12)', () => {
  it('is a ScopeError, and `verify --older-than 99999999y` exits 2', async () => {
    expect(() => parseAge('99999999y')).toThrow(ScopeError);
    expect(parseAge('1000y')).toBe(1000 * 365 * 86_400_000);
    const dir = join(work, 'arc');
    expect((await runCli('init', dir)).code).toBe(0);
    const r = await runCli('verify', '--older-than', '99999999y', '--archive', dir);
    expect(r.err).toContain('longer than 1000 years');
    expect(r.code).toBe(2);
  });
});

describe('list id column (fix15 14)', () => {
  it('stays aligned past id 99999', async () => {
    const { openDb } = await import('../../electron/core/db/open.ts');
    const { addFakeItem } = await import('../helpers/catalog.ts');
    const dir = join(work, 'ids');
    expect((await runCli('init', dir)).code).toBe(0);
    const db = openDb(join(dir, 'archive.sqlite'));
    try {
      addFakeItem(db, 1);
      db.prepare('UPDATE items SET id = 99999 WHERE id = 1').run();
      addFakeItem(db, 2);
    } finally {
      db.close();
    }
    const r = await runCli('list', '--archive', dir);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\s*\d+ {2}[0-9a-f]{12}/u.test(l));
    expect(rows.map((l) => l.indexOf(' ', l.search(/\d/u)))).toEqual([6, 6]);
  });
});

describe('ru/ky words in show and reel list (fix15 11)', () => {
  it('the last check line and a card kind are said in the language', async () => {
    const { lastCheckLine } = await import('../../electron/cli/commands/show.ts');
    const { cardText } = await import('../../electron/cli/commands/reel-text.ts');
    const c = { checkedAt: '2026-01-02T00:00:00Z', runId: 29, outcome: 'pass', eventSeq: 257, status: 'PASSED' } as const;
    expect(lastCheckLine(c as never)).toBe('last check   2026-01-02T00:00:00Z  passed  (run 29, custody row #257)');
    setCliLanguage('ru');
    expect(lastCheckLine(c as never, 16)).toBe(`${'посл. проверка'.padEnd(16)} 2026-01-02T00:00:00Z  пройдена  (запуск 29, строка журнала #257)`);
    setCliLanguage('ky');
    expect(cardText({ kind: 'DCF camera card', maker: 'Canon', folders: ['DCIM/100CANON'] })).toBe('фотокамеранын картасы (DCF), Canon (DCIM/100CANON)');
  });
});

describe('list: sidecar links read by window, not per row (fix15 8)', () => {
  it('gives every item its sidecar links, across windows, hiding sidecars when asked', async () => {
    const { freshCatalog } = await import('../helpers/catalog.ts');
    const { seedSyntheticCatalog } = await import('../../bench/seed-catalog.ts');
    const { sidecarListing } = await import('../../electron/cli/commands/sidecars-text.ts');
    const { sidecarOfIds } = await import('../../electron/core/sidecars/query.ts');
    const { db } = freshCatalog();
    try {
      seedSyntheticCatalog(db, 9000);
      const link = db.prepare("INSERT INTO item_sidecars (item_id, sidecar_id, kind, linked_at) VALUES (?, ?, 'xmp', '2026-01-01T00:00:00Z')");
      for (const [item, sidecar] of [[1, 2], [3, 2], [10, 4095], [11, 4096], [12, 8999], [8998, 9000]] as const) link.run(item, sidecar);
      const shown = sidecarListing(db, true, undefined);
      const hidden = sidecarListing(db, false, 1);
      const ids = Array.from({ length: 9000 }, (_, i) => i + 1);
      expect(ids.map((id) => shown.of(id))).toEqual(ids.map((id) => sidecarOfIds(db, id)));
      const kept = ids.filter((id) => hidden.of(id) !== null);
      expect(kept).toHaveLength(9000 - 5 - 1);
      expect(kept[0]).toBe(3);
      expect(kept).not.toContain(4096);
    } finally {
      db.close();
    }
  });
});
