// Issue 16, "Done when": with 10,000 items, opening the Library, changing a filter and scrolling
// stay under 200 ms per step in Chromium. bench/library-ui.ts does the work (it is `npm run
// bench`'s measurement too): it seeds 10,000 footage items (bench/seed-footage.ts: clips and
// photos from six cameras on twenty cards, thumbnails on disk), opens the built renderer in
// Debian's Chromium at 1280×800 over the real core, and times each step from the input event to
// the frame that shows the result, which must be the right one (the count and first item the
// catalog gives, every row on screen drawn, no placeholder). Here every step's median of 5 runs
// (after a warm-up) must be under 200 ms; the max is reported. The grid grouped by day is saved as
// tests/e2e/screenshots/library-10k.png.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printLibraryUi, runLibraryUi, STEP_TARGET_MS, type UiRun } from '../../bench/library-ui.ts';
import { HAS_CORPUS, MEDIA_DIR, REPO_ROOT } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';

const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');

describe.skipIf(!HAS_CHROMIUM)('the Library with 10,000 items in Chromium', () => {
  it('opens, filters, scrolls, switches view and groups, each step under 200 ms (median of 5)', async () => {
    let selected = '';
    const run: UiRun = await runLibraryUi({
      items: 10_000, reps: 5, screenshot: join(SHOTS, 'library-10k.png'), mediaDir: HAS_CORPUS ? MEDIA_DIR : undefined,
      // Tiles are memoized with callbacks that never change: a click must still see the selection
      // the earlier clicks made (a tile's stale callback would forget them), and Shift-click the range.
      inspect: async (page) => {
        const ids = await page.getByTestId('item-tile').evaluateAll((els) => els.slice(0, 5).map((e) => e.getAttribute('data-item-id')));
        await page.getByTestId(`select-${ids[0]}`).click();
        await page.getByTestId(`select-${ids[2]}`).click();
        await page.getByTestId(`select-${ids[4]}`).click({ modifiers: ['Shift'] });
        await page.getByTestId('selection-count').filter({ hasText: /^4 selected$/u }).waitFor({ timeout: 5_000 }).catch(() => undefined);
        selected = (await page.getByTestId('selection-count').textContent()) ?? '';
      },
    });
    // Items 0, 2, then 2–4 with Shift: 0, 2, 3, 4.
    expect(selected).toBe('4 selected');
    printLibraryUi(run);
    expect(run.seed.withThumbs).toBeGreaterThan(9_000);
    expect(run.steps.map((s) => s.step)).toEqual([
      'open the Library (first tiles)', 'filter: kind = video', 'filter: camera = Sony ILCE-7SM3', 'filter: place = kok-tash-batken',
      'filter: search "GX01" + Enter', 'scroll: PageDown', 'scroll: wheel (800 px)', 'scroll: to the middle', 'scroll: to the end (End)',
      'view: grid → list', 'view: list → grid', 'group by day',
    ]);
    for (const s of run.steps) {
      expect(s.ms).toHaveLength(5);
      // Each figure is a real frame time, never 0 or a clock mix-up.
      for (const ms of s.ms) expect(ms).toBeGreaterThan(0);
    }
    // Every step shows previews, so each has their time as well.
    expect(run.steps.every((s) => s.previewsMedian !== undefined)).toBe(true);
    const slow = run.steps.filter((s) => s.median >= STEP_TARGET_MS).map((s) => `${s.step}: median ${s.median.toFixed(0)} ms (max ${s.max.toFixed(0)} ms)`);
    expect(slow).toEqual([]);
    expect(run.consoleErrors).toEqual([]);
  }, 120_000);
});
