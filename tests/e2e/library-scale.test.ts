// The Library over a big catalog in Debian's Chromium: an archive of synthetic items (bench/
// seed-archive.ts: realistic records, one sighting each) opens showing its count, the grid and
// the list scroll to the very last item in the chosen order with every row on screen filled in,
// and Select all selects every item. 100,000 items by default (seeded in a few seconds);
// EVIDENCE_E2E_LIBRARY_ITEMS=1000000 runs it on a million (about a minute to seed), and
// EVIDENCE_E2E_LIBRARY_ARCHIVE=DIR on an archive bench/seed-archive.ts made before. Speed is
// measured by `npm run bench`, not here: this checks what the window shows.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedArchive } from '../../bench/seed-archive.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const GIVEN = process.env.EVIDENCE_E2E_LIBRARY_ARCHIVE;
const N = GIVEN ? (() => {
  const db = new Database(join(GIVEN, 'archive.sqlite'), { readonly: true });
  const n = db.prepare('SELECT count(*) FROM items').pluck().get() as number;
  db.close();
  return n;
})() : Number(process.env.EVIDENCE_E2E_LIBRARY_ITEMS ?? 100_000);
const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');

describe.skipIf(!HAS_CHROMIUM)(`Library of ${N.toLocaleString('en-US')} items`, () => {
  let hosted: HostedRenderer | undefined;
  let w: ArchiveWindow | undefined;
  let dir: string;
  /** Item ids in the Library's default order (capture time, newest first, undated last), by the order's definition. */
  let expected: { first: number; last: number };
  const tid = (id: string) => w!.page.getByTestId(id);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-library-');
    dir = GIVEN ?? join(hosted.tmp, 'big-archive');
    if (!GIVEN) await seedArchive(dir, N);
    const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
    const order = 'ORDER BY captured_at IS NULL, captured_at DESC, id DESC';
    expected = {
      first: db.prepare(`SELECT id FROM items ${order} LIMIT 1`).pluck().get() as number,
      last: db.prepare(`SELECT id FROM items ${order} LIMIT 1 OFFSET ?`).pluck().get(N - 1) as number,
    };
    db.close();
    w = await openArchiveWindow(hosted.host, dir, new RegExp(`^${N.toLocaleString('en-US')} items$`), 'nav-library');
  }, 300_000);

  afterAll(async () => {
    await closeRendererHost(hosted, w);
  });

  /** Scrolls the browser to its end and waits until the row of `id` is drawn and no placeholder is left on screen. */
  async function scrollToEnd(id: number) {
    const browser = tid('item-browser');
    await expect.poll(async () => {
      await browser.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      return (await w!.page.locator(`[data-item-id="${id}"]`).count()) > 0 && (await tid('item-placeholder').count()) === 0;
    }, { timeout: 30_000 }).toBe(true);
  }

  it('opens with the count and the newest item first in the grid', async () => {
    await expect.poll(() => tid('item-count').textContent()).toBe(`${N.toLocaleString('en-US')} items`);
    await tid('item-tile').first().waitFor();
    expect(Number(await tid('item-tile').first().getAttribute('data-item-id'))).toBe(expected.first);
  });

  it('scrolls the grid to the last item', async () => {
    await scrollToEnd(expected.last);
    const tiles = tid('item-tile');
    expect(Number(await tiles.last().getAttribute('data-item-id'))).toBe(expected.last);
    await w!.page.screenshot({ path: join(SHOTS, `library-${N}-grid-end.png`) });
  });

  it('scrolls the list to the last item, each row showing its own file name', async () => {
    await tid('view-list').click();
    await scrollToEnd(expected.last);
    const last = w!.page.locator(`[data-testid="item-row"][data-item-id="${expected.last}"]`);
    // seed-catalog.ts names item i IMG_<i, 7 digits>.JPG.
    expect(await last.locator('.name').textContent()).toBe(`IMG_${String(expected.last).padStart(7, '0')}.JPG`);
    await w!.page.screenshot({ path: join(SHOTS, `library-${N}-list-end.png`) });
  });

  it('halfway down, the rows drawn are consecutive items of the order, top to bottom', async () => {
    await tid('item-browser').evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    // Drawn again once the last item (where the previous test left the list) is gone from the page.
    await expect.poll(async () => (await w!.page.locator(`[data-item-id="${expected.last}"]`).count()) === 0 &&
      (await tid('item-placeholder').count()) === 0 && (await tid('item-row').count()) > 10).toBe(true);
    // Drawn rows (overscan included) sorted by where they are drawn.
    const drawn = await tid('item-row').evaluateAll((els) => els
      .map((el) => ({ id: Number(el.getAttribute('data-item-id')), y: el.getBoundingClientRect().top }))
      .sort((a, b) => a.y - b.y).map((r) => r.id));
    const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
    const pos = db.prepare('SELECT rn FROM (SELECT id, row_number() OVER (ORDER BY captured_at IS NULL, captured_at DESC, id DESC) - 1 rn FROM items) WHERE id = ?').pluck().get(drawn[0]) as number;
    const want = db.prepare('SELECT id FROM items ORDER BY captured_at IS NULL, captured_at DESC, id DESC LIMIT ? OFFSET ?').pluck().all(drawn.length, pos) as number[];
    db.close();
    expect(drawn).toEqual(want);
    expect(pos / N).toBeGreaterThan(0.4);
    expect(pos / N).toBeLessThan(0.6);
  });

  it('selects every item with Select all', async () => {
    await tid('select-all').click();
    await expect.poll(() => tid('selection-count').textContent(), { timeout: 30_000 }).toBe(`${N.toLocaleString('en-US')} selected`);
    const checked = await tid('item-row').evaluateAll((els) => els.map((el) => el.querySelector<HTMLInputElement>('input[type="checkbox"]')!.checked));
    expect(checked.length).toBeGreaterThan(10);
    expect(checked.every(Boolean)).toBe(true);
  });
});
