// The Library's speed as a person feels it (issue 16, "Done when"): with 10,000 footage items
// (bench/seed-footage.ts), the production renderer in Debian's Chromium at 1280×800 against the
// loopback test host over the real core, each step timed from the user's input event (its
// `timeStamp`: the click, key, wheel or change as the page received it, as Interaction to Next
// Paint counts) to the frame that shows
// the result: checked every animation frame, and once the DOM holds it (the expected count and
// first item, every row across the visible band drawn, no placeholder on screen), one more frame
// so the time includes that frame's style, layout and paint (double requestAnimationFrame). The
// previews (thumbnails on screen decoded) are timed the same way, as a second figure. Each step
// runs once to warm up, then `reps` times; the target is the median under 200 ms.
// `node bin/run-ts.mjs bench/library-ui.ts [N] [REPS]` runs this part alone; `npm run bench` runs it too.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, watchCsp } from '../tests/e2e/chromium.ts';
import { closeRendererHost, startRendererHost, type HostedRenderer } from '../tests/e2e/window.ts';
import { seedFootageArchive, type FootageSeed } from './seed-footage.ts';

/** The target for every step's median, milliseconds. */
export const STEP_TARGET_MS = 200;

/** One measured step: milliseconds of each repetition (warm-up left out), their median and max. */
export interface UiStep {
  step: string;
  /** To the frame showing the result (the asserted figure). */
  ms: number[];
  median: number;
  max: number;
  /** To the frame showing every preview on screen decoded, where the step shows previews. */
  previewsMedian?: number;
  previewsMax?: number;
}

/** What a run measured, and the conditions it ran in. */
export interface UiRun {
  seed: FootageSeed;
  steps: UiStep[];
  /** The host's 1, 5 and 15 minute load averages at the start and at the end. */
  load: { start: number[]; end: number[] };
  cores: number;
  consoleErrors: string[];
}

/** What the page must show for a step to be done (checked each animation frame, in the page). */
interface Expect {
  view: 'grid' | 'list';
  /** The item count text ("6,512 items"). */
  count?: string;
  /** An item that must be drawn (the first match of a filter, the last item at the end). */
  id?: number;
  /** Group headings must be drawn in the visible band (true) or none at all (false). */
  groups?: boolean;
  /** The browser's scrollTop must differ from this (a scroll happened and was drawn). */
  notTop?: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Installed before any page script: remembers the time stamp of the first input event after
 * `__perf.arm()`, the moment the user acted.
 */
const PERF_INIT = `(() => {
  // tsx compiles the page functions below with esbuild's keepNames, which calls __name.
  globalThis.__name ??= (f) => f;
  const p = window.__perf = { t0: 0, armed: false, arm() { this.t0 = 0; this.armed = true; } };
  // A click counts from its click event (the button let go), as INP counts an interaction.
  for (const type of ['click', 'keydown', 'wheel', 'input', 'change']) {
    addEventListener(type, (e) => { if (p.armed && !p.t0) p.t0 = e.timeStamp; }, { capture: true });
  }
})();`;

/**
 * Waits in the page until `want` is drawn and answers the milliseconds from the armed input
 * event to the end of the frame that drew it, and to the end of the frame that drew the previews
 * on screen decoded (null when none is on screen). Throws after 15 s with what was missing.
 */
async function settle(page: Page, want: Expect, timed = true): Promise<{ ms: number; previewsMs: number | null }> {
  return page.evaluate(async ([w, timed]) => {
    const perf = (window as unknown as { __perf: { t0: number; armed: boolean } }).__perf;
    const frame = () => new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
    const inBand = (el: Element, top: number, bottom: number) => {
      const q = el.getBoundingClientRect();
      return q.bottom > top && q.top < bottom;
    };
    let missing = '';
    const drawn = (): boolean => {
      const b = document.querySelector<HTMLElement>('[data-testid=item-browser]');
      if (!b) return !(missing = 'no browser');
      if (!b.classList.contains(w.view)) return !(missing = `not the ${w.view} view`);
      if (w.count !== undefined && document.querySelector('[data-testid=item-count]')?.textContent !== w.count) return !(missing = `count is not ${w.count}`);
      if (w.notTop !== undefined && b.scrollTop === w.notTop) return !(missing = 'not scrolled');
      if (w.id !== undefined && !b.querySelector(`[data-item-id="${w.id}"]`)) return !(missing = `item ${w.id} not drawn`);
      const r = b.getBoundingClientRect();
      const sizer = b.querySelector<HTMLElement>(':scope > div:last-child')!;
      const rows = Array.from(sizer.children).map((e) => e.getBoundingClientRect()).sort((x, y) => x.top - y.top);
      // Rows drawn end to end over the band the browser shows (or to the end of the content).
      const end = Math.min(r.bottom, sizer.getBoundingClientRect().bottom) - 1;
      let y = Math.max(r.top, sizer.getBoundingClientRect().top) + 1; // below the list's header
      for (const q of rows) if (q.top <= y + 1 && q.bottom > y) y = q.bottom;
      if (y < end) return !(missing = `rows drawn only to ${Math.round(y - r.top)} of ${Math.round(end - r.top)} px`);
      for (const p of Array.from(b.querySelectorAll('[data-testid=item-placeholder]'))) if (inBand(p, r.top, r.bottom)) return !(missing = 'a placeholder on screen');
      const headers = Array.from(b.querySelectorAll('[data-testid=group-header]'));
      if (w.groups === true && !headers.some((h) => inBand(h, r.top, r.bottom))) return !(missing = 'no group heading on screen');
      if (w.groups === false && headers.length) return !(missing = 'group headings drawn');
      if (!b.querySelector(w.view === 'grid' ? '[data-testid=item-tile]' : '[data-testid=item-row]')) return !(missing = 'no item drawn');
      return true;
    };
    const previewsDrawn = (): boolean | null => {
      const b = document.querySelector<HTMLElement>('[data-testid=item-browser]')!;
      const r = b.getBoundingClientRect();
      const imgs = Array.from(b.querySelectorAll<HTMLImageElement>('img.thumb')).filter((i) => inBand(i, r.top, r.bottom));
      if (!imgs.length) return null;
      return imgs.every((i) => i.complete && i.naturalWidth > 0);
    };
    const deadline = performance.now() + 15_000;
    let shown = 0;
    for (;;) {
      await frame();
      if (drawn()) break;
      if (performance.now() > deadline) throw new Error(`not drawn in 15 s: ${missing}`);
    }
    // This frame's rendering (style, layout, paint) runs after the callback above: the next
    // frame's callback comes once it is done.
    shown = await frame();
    const t0 = perf.t0;
    perf.armed = false;
    if (!timed) return { ms: NaN, previewsMs: null };
    if (!t0) throw new Error('no input event was recorded for this step');
    let previews: number | null = null;
    for (;;) {
      const p = previewsDrawn();
      if (p === null) break;
      if (p) {
        previews = await frame();
        break;
      }
      if (performance.now() > deadline) throw new Error('previews not decoded in 15 s');
      await frame();
    }
    return { ms: shown - t0, previewsMs: previews === null ? null : Math.max(shown, previews) - t0 };
  }, [want, timed] as const);
}

/** Arms the page's input clock, runs `act` (the user's action), and waits for `want` drawn (timed unless `timed` is false). */
async function step(page: Page, act: () => Promise<unknown>, want: Expect, timed = true) {
  await page.evaluate(() => (window as unknown as { __perf: { arm(): void } }).__perf.arm());
  await act();
  return settle(page, want, timed);
}

/**
 * Seeds `items` footage items into a new archive under a temporary folder, builds and serves the
 * renderer, opens the archive in Chromium at 1280×800 and measures each step of the Library
 * (`reps` times after one warm-up): opening it, changing filters (kind, camera, place, search),
 * scrolling (PageDown, the wheel, to the middle, to the end), grid ↔ list and grouping by day.
 * `screenshot` is where the grid is saved as PNG; `mediaDir` the corpus for real previews;
 * `log` hears progress. Throws when Chromium is missing or a step is never drawn (a wrong count
 * or item shown counts as never drawn), or what `inspect` throws.
 */
export async function runLibraryUi(opts: {
  items?: number; reps?: number; screenshot?: string; mediaDir?: string; log?: (s: string) => void;
  /** Runs on the page after the measurements (the grid, unfiltered, at the top), before it closes: a test's further checks. */
  inspect?: (page: Page) => Promise<void>;
} = {}): Promise<UiRun> {
  if (!HAS_CHROMIUM) throw new Error(`${CHROMIUM}: no Chromium to measure the Library in`);
  const n = opts.items ?? 10_000;
  const reps = opts.reps ?? 5;
  const log = opts.log ?? (() => {});
  const load = { start: loadavg(), end: [] as number[] };
  let hosted: HostedRenderer | undefined;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const t = performance.now();
    hosted = await startRendererHost('evidence-library-ui-', { production: true });
    const bundle = readdirSync(join(hosted.tmp, 'renderer', 'assets')).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(hosted!.tmp, 'renderer', 'assets', f), 'utf8'));
    // React's production build points to its error decoder ("Minified React error"); the development build spells its checks out instead.
    if (!bundle.some((js) => js.includes('Minified React error'))) throw new Error('the renderer was built with React\'s development build: the figures would not be what users get');
    log(`renderer built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const archive = join(hosted.tmp, 'footage');
    const seed = await seedFootageArchive(archive, n, { mediaDir: opts.mediaDir });
    log(`${n.toLocaleString('en')} items seeded in ${seed.seconds.toFixed(1)} s (${seed.withThumbs.toLocaleString('en')} thumbnails)`);

    // What each filter must show, from the catalog itself: the count and the first item in the
    // Library's default order (capture time, newest first).
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    const first = (where: string, ...args: unknown[]) => db.prepare(`SELECT id FROM items i ${where} ORDER BY captured_at DESC, id DESC LIMIT 1`).pluck().get(...args) as number;
    const count = (where: string, ...args: unknown[]) => `${(db.prepare(`SELECT count(*) FROM items i ${where}`).pluck().get(...args) as number).toLocaleString('en-US')} items`;
    const camera = seed.cameras[0]!; // Sony ILCE-7SM3
    const filters = {
      all: { count: count(''), id: first('') },
      video: { count: count("WHERE kind = 'video'"), id: first("WHERE kind = 'video'") },
      camera: { count: count("WHERE make = 'Sony' AND model = 'ILCE-7SM3'"), id: first("WHERE make = 'Sony' AND model = 'ILCE-7SM3'") },
      place: { count: count('WHERE id IN (SELECT item_id FROM item_places WHERE place_id = ?)', seed.places[0]), id: first('WHERE id IN (SELECT item_id FROM item_places WHERE place_id = ?)', seed.places[0]) },
      search: { count: count("WHERE id IN (SELECT item_id FROM sightings WHERE file_name LIKE '%GX01%')"), id: first("WHERE id IN (SELECT item_id FROM sightings WHERE file_name LIKE '%GX01%')") },
      last: db.prepare('SELECT id FROM items ORDER BY captured_at DESC, id DESC LIMIT 1 OFFSET ?').pluck().get(n - 1) as number,
    };
    db.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const csp = await watchCsp(page);
    await page.addInitScript({ content: hosted.host.preload });
    await page.addInitScript({ content: PERF_INIT });
    await page.goto(hosted.host.url);
    await page.getByTestId('archive-dir').fill(archive);
    await page.getByTestId('archive-open-button').click();
    await page.getByTestId('item-count').filter({ hasText: filters.all.count }).waitFor({ timeout: 60_000 });
    const tid = (id: string) => page.getByTestId(id);
    const grid = (f: { count: string; id: number }): Expect => ({ view: 'grid', ...f });

    const steps: UiStep[] = [];
    /** Runs `measured` 1 + reps times, `reset` (untimed, waited for) after each. */
    const measure = async (name: string, measured: () => Promise<{ ms: number; previewsMs: number | null }>, reset?: () => Promise<unknown>) => {
      const ms: number[] = [];
      const pv: number[] = [];
      for (let i = 0; i <= reps; i++) {
        const r = await measured().catch((e: unknown) => {
          throw new Error(`${name}, run ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
        });
        if (i > 0) {
          ms.push(r.ms);
          if (r.previewsMs !== null) pv.push(r.previewsMs);
        }
        await reset?.();
      }
      const s: UiStep = { step: name, ms, median: median(ms), max: Math.max(...ms), ...(pv.length ? { previewsMedian: median(pv), previewsMax: Math.max(...pv) } : {}) };
      steps.push(s);
      log(`${name}: median ${s.median.toFixed(0)} ms, max ${s.max.toFixed(0)} ms${s.previewsMedian !== undefined ? `; previews ${s.previewsMedian.toFixed(0)} ms` : ''} (${ms.map((x) => x.toFixed(0)).join(', ')})`);
    };
    const untimed = (act: () => Promise<unknown>, want: Expect) => step(page, act, want, false);

    // 1. Opening the Library from another screen.
    await measure('open the Library (first tiles)', () => step(page, () => tid('nav-library').click(), grid(filters.all)),
      async () => {
        await tid('nav-archives').click();
        await tid('library').waitFor({ state: 'detached' });
      });
    await untimed(() => tid('nav-library').click(), grid(filters.all));

    // 2. Filters, each applied (timed) and cleared (untimed).
    const clear = () => untimed(() => tid('clear-filters').click(), grid(filters.all));
    await measure('filter: kind = video', () => step(page, () => tid('kind-video').check(), grid(filters.video)), clear);
    await measure(`filter: camera = ${camera}`, () => step(page, () => tid('camera').selectOption(camera), grid(filters.camera)), clear);
    await measure(`filter: place = ${seed.places[0]}`, () => step(page, () => tid('filter-place').selectOption(seed.places[0]!), grid(filters.place)), clear);
    await measure('filter: search "GX01" + Enter', () => step(page, async () => {
      await tid('search').fill('GX01');
      // The clock starts at Enter: typing itself only waits for a pause (250 ms) or for Enter.
      await page.evaluate(() => (window as unknown as { __perf: { arm(): void } }).__perf.arm());
      await tid('search').press('Enter');
    }, grid(filters.search)), clear);

    // 3. Scrolling: PageDown and the wheel from the top, a jump to the middle, End and Home.
    const browserEl = tid('item-browser');
    const top = () => browserEl.evaluate((el) => el.scrollTop);
    const toTop = () => untimed(() => browserEl.evaluate((el) => el.scrollTo({ top: 0 })), { view: 'grid', id: filters.all.id });
    await browserEl.focus();
    let pageDowns = 0;
    await measure('scroll: PageDown', async () => {
      const before = await top();
      pageDowns++;
      // PageDown scrolls the focused scroller: focus it again (a tile may hold focus after a step).
      await browserEl.focus();
      return step(page, () => page.keyboard.press('PageDown'), { view: 'grid', notTop: before });
    }, async () => {
      if (pageDowns % 3 === 0) await toTop();
    });
    await toTop();
    const box = (await browserEl.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await measure('scroll: wheel (800 px)', async () => step(page, () => page.mouse.wheel(0, 800), { view: 'grid', notTop: await top() }));
    await toTop();
    // A jump, as a drag of the scroll bar's thumb makes: the clock starts at the scroll itself.
    await measure('scroll: to the middle', () => step(page, () => browserEl.evaluate((el) => {
      (window as unknown as { __perf: { t0: number } }).__perf.t0 = performance.now();
      el.scrollTo({ top: el.scrollHeight / 2 });
    }), { view: 'grid', notTop: 0 }), toTop);
    await browserEl.focus();
    await measure('scroll: to the end (End)', () => step(page, () => page.keyboard.press('End'), { view: 'grid', id: filters.last }),
      () => untimed(() => page.keyboard.press('Home'), { view: 'grid', id: filters.all.id }));

    // 4. Views: grid ↔ list, grouping by day.
    await measure('view: grid → list', () => step(page, () => tid('view-list').click(), { view: 'list', id: filters.all.id }),
      () => untimed(() => tid('view-grid').click(), grid(filters.all)));
    await untimed(() => tid('view-list').click(), { view: 'list', id: filters.all.id });
    await measure('view: list → grid', () => step(page, () => tid('view-grid').click(), grid(filters.all)),
      () => untimed(() => tid('view-list').click(), { view: 'list', id: filters.all.id }));
    await untimed(() => tid('view-grid').click(), grid(filters.all));
    await measure('group by day', () => step(page, () => tid('group-by').selectOption('day'), { ...grid(filters.all), groups: true }),
      () => untimed(() => tid('group-by').selectOption('none'), { ...grid(filters.all), groups: false }));

    if (opts.screenshot) {
      await untimed(() => tid('group-by').selectOption('day'), { ...grid(filters.all), groups: true });
      await page.screenshot({ path: opts.screenshot });
      await untimed(() => tid('group-by').selectOption('none'), { ...grid(filters.all), groups: false });
    }
    await opts.inspect?.(page);
    load.end = loadavg();
    return { seed, steps, load, cores: (await import('node:os')).cpus().length, consoleErrors: csp.consoleErrors };
  } finally {
    await browser.close();
    await closeRendererHost(hosted, undefined);
  }
}

/** Prints the table `npm run bench` shows for the Library in the window. */
export function printLibraryUi(r: UiRun): void {
  console.log(`\n| Library in Chromium, ${r.seed.items.toLocaleString('en')} items, 1280×800 | median | max | previews decoded (median) | target | met |\n|---|---|---|---|---|---|`);
  for (const s of r.steps) {
    console.log(`| ${s.step} | ${s.median.toFixed(0)} ms | ${s.max.toFixed(0)} ms | ${s.previewsMedian === undefined ? '—' : `${s.previewsMedian.toFixed(0)} ms`} | < ${STEP_TARGET_MS} ms | ${s.median < STEP_TARGET_MS ? 'yes' : 'NO'} |`);
  }
  console.log(`(${r.steps[0]?.ms.length ?? 0} runs per step after one warm-up; ${r.cores} cores, load average ${r.load.start.map((x) => x.toFixed(1)).join(' ')} at the start, ${r.load.end.map((x) => x.toFixed(1)).join(' ')} at the end)`);
}

if (process.argv[1]?.endsWith('library-ui.ts')) {
  const [n, reps] = process.argv.slice(2).map(Number);
  const shared = process.env.EVIDENCE_SHARED_DIR;
  printLibraryUi(await runLibraryUi({ items: n || undefined, reps: reps || undefined, mediaDir: shared ? join(shared, 'fixtures', 'media') : undefined, log: (s) => console.log(`  ${s}`) }));
}
