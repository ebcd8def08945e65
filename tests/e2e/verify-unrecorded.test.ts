// The Verify screen on an archive whose import was stopped after it had stored objects but before
// it recorded them: the production renderer in Debian's Chromium against the loopback host and
// the real core (no corpus needed). Intact unrecorded copies are a calm note with their count,
// their paths (a few, then all on request) and the way out; the check still passes. A damaged
// object, recorded or not, is still a failure; and importing the same folder again, as the note
// advises, records the copies so the note goes away.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

// The archive the window opened, kept so one test can fill its disk: `PRAGMA max_page_count` at
// the database's current size makes SQLite refuse new pages with SQLITE_FULL, exactly what a full
// file system gives it (as tests/integration/verify-disk-full.test.ts does for the CLI).
const opened = vi.hoisted(() => ({ last: null as import('../../electron/core/archive.ts').Archive | null }));
vi.mock('../../electron/core/archive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/archive.ts')>();
  return { ...real, openArchive: async (...args: Parameters<typeof real.openArchive>) => (opened.last = await real.openArchive(...args)) };
});

/** Enough copies that listing them all at once would swamp the screen. */
const COPIES = 1_200;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
/** The object's place in the store, as the core lays it out (objects/sha256/ab/cd/<sha256>). */
const addressOf = (archive: string, h: string) => join(archive, 'objects', 'sha256', h.slice(0, 2), h.slice(2, 4), h);

describe.skipIf(!HAS_CHROMIUM)('Verify screen: intact copies an interrupted import left unrecorded', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let tmp: string;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let csp: ArchiveWindow['csp'];
  let archive: string;
  let card: string;
  /** The stored-but-unrecorded copies, sorted as the report lists them. */
  let copies: { path: string; content: string }[];
  let recorded: { path: string; content: string };
  const tid = (id: string) => page.getByTestId(id);
  /** The colour of the failure class (.error) on this page. */
  const badColour = () => page.evaluate(() => {
    const probe = document.createElement('span');
    probe.className = 'error';
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  /** The reel an import of a single file names (catalog/reels.ts: the folder's name). */
  const REEL = 'card';

  /** Starts a fixity check from the screen and waits until the screen shows that run's report. */
  const runFixity = async () => {
    const jobIds = () => new Set(host.events.flatMap((e) => (e.type === 'state' && e.job.kind === 'verifyArchive' ? [e.job.id] : [])));
    const before = jobIds();
    await tid('start-fixity').click();
    let id: string | undefined;
    await expect.poll(() => (id = [...jobIds()].find((j) => !before.has(j))), { timeout: 10_000 }).toBeDefined();
    await expect.poll(() => tid('fixity-report').getAttribute('data-job-id', { timeout: 1_000 }).catch(() => null), { timeout: 120_000 }).toBe(id);
  };

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-unrecorded-');
    ({ host, tmp } = hosted);

    // A card of files; the import got through the first and had stored the rest when it was stopped.
    card = join(tmp, 'card');
    mkdirSync(card);
    const first = 'a file the import recorded before it was stopped\n';
    writeFileSync(join(card, 'first.txt'), first);
    archive = join(tmp, 'Stopped Import');
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [join(card, 'first.txt')] });
    const ended = () => host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    // expect.poll is for tests only; vi.waitFor works in hooks.
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the first import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    await host.service.handlers['archive.close']({});
    recorded = { path: addressOf(archive, sha(first)), content: first };

    // What the store holds after the stop: each copy written, fsynced and renamed into place
    // read-only at its address (ingest/task.ts), with no catalog row or custody event yet.
    copies = [];
    for (let i = 0; i < COPIES; i++) {
      const content = `evidence file ${i} of a card whose import was stopped\n`;
      writeFileSync(join(card, `file-${String(i).padStart(4, '0')}.txt`), content);
      const path = addressOf(archive, sha(content));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
      chmodSync(path, 0o444);
      copies.push({ path, content });
    }
    copies.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    // Opening an archive with items lands in the Library; the one recorded item is all it lists.
    win = await openArchiveWindow(host, archive, /^1 item$/u, 'nav-verify');
    ({ page, csp } = win);
  });

  afterAll(() => closeRendererHost(hosted, win));

  it('passes, and shows the unrecorded copies as a note: how many, where, and what to do', async () => {
    await runFixity();
    expect(await tid('fixity-verdict').textContent()).toBe('All originals are intact and the custody log holds.');
    expect(await tid('fixity-report').getAttribute('class')).toBe('report ok');
    expect(await tid('fixity-items').textContent()).toBe('1');
    expect(await tid('fixity-problems').count()).toBe(0);

    const note = tid('unrecorded-copies');
    expect(await note.getAttribute('role')).toBe('note');
    expect(await tid('unrecorded-title').textContent()).toBe('1,200 intact copies that no item records yet');
    expect(await note.textContent()).toContain('Running that import again records them.');
    // Calm: not in the problems list, not in the failure colour, not an alert.
    expect(await page.locator('.problems [data-testid=unrecorded-copies], [role=alert] [data-testid=unrecorded-copies]').count()).toBe(0);
    const colour = (sel: string) => page.evaluate((s) => getComputedStyle(document.querySelector(s)!).color, sel);
    const bad = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'error';
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    expect(await colour('[data-testid=unrecorded-title]')).not.toBe(bad);
    expect(await colour('[data-testid=unrecorded-paths]')).not.toBe(bad);

    // A few real paths at first, the way to all of them, and all of them on request.
    const lines = async () => (await tid('unrecorded-paths').textContent())!.split('\n');
    expect(await lines()).toEqual(copies.slice(0, 5).map((c) => c.path));
    expect(await tid('unrecorded-toggle').textContent()).toBe('Show all 1,200');
    await tid('unrecorded-toggle').click();
    expect(await lines()).toEqual(copies.map((c) => c.path));
    expect(await tid('unrecorded-toggle').getAttribute('aria-expanded')).toBe('true');
    // The full list scrolls in its own box instead of stretching the screen.
    const box = await tid('unrecorded-paths').evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
    expect(box.client).toBeLessThanOrEqual(400);
    expect(box.scroll).toBeGreaterThan(box.client * 10);
    await tid('unrecorded-toggle').click();
    expect(await lines()).toHaveLength(5);
    expect(await tid('unrecorded-toggle').textContent()).toBe('Show all 1,200');
  });

  it('says the same in Russian and Kyrgyz', async () => {
    // The number as this Chromium's ICU writes it in each language (it may lack Kyrgyz data and fall back).
    const num = (lng: string) => page.evaluate(([l, n]) => new Intl.NumberFormat(l).format(n), [lng, COPIES] as const);
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => tid('unrecorded-title').textContent()).toBe(`${await num('ru')} целых копий пока не относятся ни к одному материалу`);
      expect(await tid('unrecorded-copies').textContent()).toContain('Повторный запуск того же импорта запишет их.');
      expect(await tid('unrecorded-toggle').textContent()).toBe(`Показать все (${await num('ru')})`);
      expect(await tid('fixity-verdict').textContent()).toBe('Все оригиналы целы, журнал хранения не нарушен.');
      await tid('language').selectOption('ky');
      await expect.poll(() => tid('unrecorded-title').textContent()).toBe(`${await num('ky')} бүтүн нуска азырынча эч бир материалга таандык эмес`);
      expect(await tid('unrecorded-copies').textContent()).toContain('Ошол эле импортту кайра иштетсеңиз, алар катталат.');
      expect(await tid('fixity-verdict').textContent()).toBe('Бардык түп нускалар бүтүн, сактоо журналы бузулган эмес.');
    } finally {
      await tid('language').selectOption('en');
    }
    await expect.poll(() => tid('unrecorded-title').textContent()).toBe('1,200 intact copies that no item records yet');
  });

  it('still fails on a damaged object, recorded or not, and keeps the note for the intact copies', async () => {
    // A damaged copy is no longer an intact copy at its address: a failure, not a note.
    const broken = copies.at(-1)!;
    for (const o of [recorded, broken]) {
      chmodSync(o.path, 0o644);
      writeFileSync(o.path, 'damaged\n');
    }
    try {
      await checkDamaged(broken.path);
    } finally {
      // Put both back, so the last check can show the archive whole again.
      for (const o of [recorded, broken]) {
        writeFileSync(o.path, o.content);
        chmodSync(o.path, 0o444);
      }
    }
  });

  const checkDamaged = async (brokenPath: string) => {
    await runFixity();
    expect(await tid('fixity-verdict').textContent()).toBe('2 problems found');
    expect(await tid('fixity-report').getAttribute('class')).toBe('report bad');
    const problems = tid('fixity-problems').locator('li');
    expect(await problems.count()).toBe(2);
    // The failed item: which file (original name, source path, card/reel), what was found, what to do; in red.
    const altered = problems.and(page.locator('[data-kind=altered]'));
    expect(await altered.getByTestId('failure-head').textContent()).toBe('FAILED (altered): item 1 “first.txt”');
    expect(await altered.getByTestId('failure-name').textContent()).toBe('first.txt');
    expect(await altered.getByTestId('failure-source').textContent()).toBe(join(card, 'first.txt'));
    expect(await altered.getByTestId('failure-reel').textContent()).toBe(REEL);
    expect(await altered.getByTestId('failure-found').textContent()).toBe(
      `Content altered: SHA-256 expected ${sha(recorded.content)}, found ${sha('damaged\n')}; Size expected ${Buffer.byteLength(recorded.content)} bytes, found 8`);
    expect(await altered.getByTestId('failure-next').textContent()).toBe('Restore it from a good copy: evidence repair 1 --from REPLICA|FILE (a replica or the original card), then check it again. Do not import it again over it.');
    expect(await altered.evaluate((el) => getComputedStyle(el).color)).toBe(await badColour());
    // The run: its number, what it covered, and its counts, the failure in red.
    expect(await tid('fixity-run').textContent()).toMatch(/^#\d+$/u);
    expect(await tid('fixity-scope').textContent()).toBe('the whole archive');
    expect(await tid('fixity-outcomes').textContent()).toBe('0 passed, 1 failed');
    expect(await tid('fixity-outcomes').evaluate((el) => getComputedStyle(el).color)).toBe(await badColour());
    const unexpected = problems.and(page.locator('[data-kind=unexpected]'));
    expect(await unexpected.locator('strong').textContent()).toBe('Unexpected file:');
    expect(await unexpected.textContent()).toContain(brokenPath);
    expect(await tid('unrecorded-title').textContent()).toBe('1,199 intact copies that no item records yet');
    await tid('unrecorded-toggle').click();
    expect((await tid('unrecorded-paths').textContent())!.split('\n')).toEqual(copies.slice(0, -1).map((c) => c.path));
  };

  it('after the same import is run again, passes without the note', async () => {
    host.dialogAnswers.push([card]);
    await tid('nav-import').click();
    await tid('pick-folder').click();
    await expect.poll(() => tid('inputs').textContent()).toContain(card);
    await tid('start-import').click();
    await tid('import-report').waitFor({ timeout: 300_000 });
    const n = async (s: string) => Number((await tid(`count-${s}`).locator('.n').textContent())!.replace(/\D/gu, ''));
    expect(await n('added')).toBe(COPIES);
    expect(await n('failed')).toBe(0);

    await tid('nav-verify').click();
    await runFixity();
    // The damaged object the previous test put back by hand, with no repair recorded: an unrecorded change, said once.
    expect(await tid('fixity-verdict').textContent()).toBe('1 problem found');
    const change = tid('fixity-problems').locator('[data-kind=unrecorded-change]');
    expect(await change.getByTestId('failure-head').textContent()).toBe('FAILED (replaced outside the archive): item 1 “first.txt”');
    expect(await change.getByTestId('failure-found').textContent()).toMatch(/^Unrecorded change: the file was replaced outside the archive \(its check of \S+ found it altered, and no repair was recorded since\)$/u);
    expect(await change.getByTestId('failure-next').textContent()).toContain('evidence repair 1 --from FILE');
    expect(await tid('fixity-outcomes').textContent()).toBe('1,200 passed, 1 failed');
    await runFixity();
    expect(await tid('fixity-verdict').textContent()).toBe('All originals are intact and the custody log holds.');
    expect(await tid('fixity-items').textContent()).toBe('1,201');
    expect(await tid('fixity-outcomes').textContent()).toBe('1,201 passed, 0 failed');
    expect(await tid('unrecorded-copies').count()).toBe(0);
  }, 360_000);

  it('says when the check could not be recorded in the custody log (full disk), and still shows its findings', async () => {
    const db = opened.last!.db;
    const before = db.prepare('SELECT COUNT(*) AS n FROM custody_events').get() as { n: number };
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    try {
      await runFixity();
      expect(await tid('fixity-verdict').textContent()).toBe('All originals are intact and the custody log holds.');
      expect(await tid('fixity-items').textContent()).toBe('1,201');
      expect(await tid('fixity-not-recorded').textContent()).toBe('This check ran but could not be recorded in the custody log: the disk is full. The findings above hold; free some space and run the check again to record it.');
      expect(db.prepare('SELECT COUNT(*) AS n FROM custody_events').get()).toEqual(before);
    } finally {
      db.pragma('max_page_count = 1073741823');
    }
    await runFixity();
    expect(await tid('fixity-not-recorded').count()).toBe(0);
  }, 120_000);

  it('logged no CSP violation and no console error', async () => {
    expect(await csp.violations()).toEqual([]);
    expect(csp.consoleErrors).toEqual([]);
  });
});
