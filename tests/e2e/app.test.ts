// End to end: the production renderer in Debian's Chromium (playwright-core) against the
// loopback test host running the real archive service on a temporary archive. Walks the whole
// workflow on the shared media corpus — create an archive, import, browse, read an item's
// metadata, tag it to a village (accepted from its GPS) and a person, filter by the village,
// export, verify the archive and the bag, switch language — asserting what the page shows, and
// saving a screenshot of each screen under tests/e2e/screenshots/.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CORPUS, loadExpected, MEDIA_DIR, REPO_ROOT } from '../helpers/corpus.ts';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, watchCsp } from './chromium.ts';
import { startHost, type TestHost } from './host.ts';

const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) n += countFiles(join(dir, e.name));
    else if (e.isFile()) n++;
  }
  return n;
}

/** Every file of a bag outside data/ (bag-info.txt, the manifests, evidence/…), as [relative path, text]. */
function tagFiles(bagDir: string, dir = bagDir): [string, string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e): [string, string][] => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return dir === bagDir && e.name === 'data' ? [] : tagFiles(bagDir, p);
    return e.isFile() ? [[relative(bagDir, p), readFileSync(p, 'utf8')]] : [];
  });
}

type ItemsJson = { path: string; originalName: string; sources: Record<string, unknown>[]; places: string[]; people: { id: unknown }[] }[];
const readItems = (bagDir: string) => JSON.parse(readFileSync(join(bagDir, 'evidence', 'items.json'), 'utf8')) as ItemsJson;

describe.skipIf(!HAS_CORPUS || !HAS_CHROMIUM)('desktop app in Chromium over the loopback host', () => {
  let tmp: string;
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  let csp: { violations: () => Promise<string[]>; consoleErrors: string[] };
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
  const tid = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'evidence-e2e-'));
    mkdirSync(SHOTS, { recursive: true });
    await build({ configFile: join(REPO_ROOT, 'renderer', 'vite.config.ts'), build: { outDir: join(tmp, 'renderer') }, logLevel: 'warn' });
    host = await startHost({ rendererDir: join(tmp, 'renderer'), settingsFile: join(tmp, 'settings.json') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    csp = await watchCsp(page);
    await page.addInitScript({ content: host.preload });
    await page.goto(host.url);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('creates an archive with the operator name', async () => {
    await expect.poll(() => tid('nav-archives').textContent()).toBe('Archives');
    await tid('operator').fill('Test Documenter');
    await tid('operator-save').click();
    await expect.poll(async () => (await host.service.handlers['settings.get']({})).operator).toBe('Test Documenter');
    await shot('01-archives');
    await tid('archive-dir').fill(join(tmp, 'My Case'));
    await tid('archive-create').click();
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Import');
  });

  it('imports the corpus with live progress and a final report', async () => {
    host.dialogAnswers.push([MEDIA_DIR]);
    await tid('pick-folder').click();
    await expect.poll(() => tid('inputs').textContent()).toContain(MEDIA_DIR);
    await tid('start-import').click();
    await tid('progress').waitFor({ timeout: 30_000 }).then(() => shot('02-import-progress'), () => undefined);
    await tid('import-report').waitFor({ timeout: 180_000 });
    const n = async (s: string) => Number((await tid(`count-${s}`).locator('.n').textContent())!.replace(/\D/gu, ''));
    const total = (await n('added')) + (await n('duplicate')) + (await n('skipped')) + (await n('failed'));
    expect(total).toBe(countFiles(MEDIA_DIR));
    expect(await n('failed')).toBe(0);
    expect(await n('added')).toBeGreaterThanOrEqual(Object.keys(loadExpected()).length);
    await shot('03-import-report');
  });

  it('shows every item in the Library grid and list, with thumbnails', async () => {
    const total = (await host.service.handlers['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).total;
    await tid('to-library').click();
    await expect.poll(() => tid('item-count').textContent()).toBe(`${total} items`);
    // Thumbnails are made in the background after the import; wait for that job to end.
    await expect.poll(() => host.events.some((e) => e.type === 'state' && e.job.kind === 'derivatives' && e.job.state === 'done'), { timeout: 120_000 }).toBe(true);
    await tid('kind-image').check();
    await expect.poll(async () => page.locator('img.thumb').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 20_000 }).toBeGreaterThan(5);
    await shot('04-library-grid');
    await tid('kind-image').uncheck();
    await tid('view-list').click();
    await expect.poll(() => tid('item-row').count()).toBeGreaterThan(5);
    // Virtualized: far fewer rows in the DOM than items would need only when they overflow; here all fit or some do.
    expect(await tid('item-row').count()).toBeLessThanOrEqual(total);
    await shot('05-library-list');
    await tid('view-grid').click();
  });

  it('finds an item by text and shows its metadata, digests, sightings and custody', async () => {
    const expected = loadExpected()['metadata-extractor-images/jpg/Apple iPhone 5.jpg']!;
    await tid('search').fill('iPhone 5');
    await expect.poll(() => page.locator('[data-testid=item-tile] .name', { hasText: 'Apple iPhone 5.jpg' }).count()).toBe(1);
    await page.locator('[data-testid=item-tile] .name', { hasText: 'Apple iPhone 5.jpg' }).click();
    await expect.poll(() => tid('item-name').textContent()).toBe('Apple iPhone 5.jpg');
    const meta = tid('metadata');
    await expect.poll(() => meta.textContent()).toContain('Apple iPhone 5');
    expect(await meta.locator('[data-field=gps]').textContent()).toContain(expected.gps!.lat.toFixed(6));
    expect(await tid('digest-sha256').textContent()).toBe(expected.sha256);
    expect(await tid('sightings').textContent()).toContain('Apple iPhone 5.jpg');
    expect(await tid('custody').textContent()).toContain('Ingestion');
    expect(await tid('custody').textContent()).toContain('Test Documenter');
    await expect.poll(() => tid('image').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await tid('digests').getByRole('button').first().click();
    await expect.poll(() => host.clipboard.at(-1)).toBe(expected.sha256);
    await shot('06-item');
  });

  it('serves video by item id with Range requests', async () => {
    const video = (await host.service.handlers['items.list']({ filter: { kinds: ['video'] }, sort: { by: 'id', dir: 'asc' } })).items[0]!;
    const r = await page.evaluate(async (id) => {
      const res = await fetch(`/media/original/${id}`, { headers: { Range: 'bytes=0-99' } });
      return { status: res.status, range: res.headers.get('content-range'), len: (await res.arrayBuffer()).byteLength };
    }, video.id);
    expect(r).toEqual({ status: 206, range: `bytes 0-99/${video.bytes}`, len: 100 });
    // Asked from Node, so the expected failures do not count as the page's console errors.
    for (const path of ['media/original/..%2F..%2Farchive.sqlite', 'media/original/1%2F..', 'media/original/abc', 'media/secret/1']) {
      expect((await fetch(host.url + path)).status).toBe(400);
    }
    expect((await fetch(`${host.url}media/original/999999`)).status).toBe(404);
  });

  it('creates a village near the item, accepts it from GPS, and links a person', async () => {
    const expected = loadExpected()['metadata-extractor-images/jpg/Apple iPhone 5.jpg']!;
    const itemId = (await host.service.handlers['items.list']({ filter: { text: 'Apple iPhone 5.jpg' }, sort: { by: 'id', dir: 'asc' } })).items[0]!.id;
    // A village placed 30 m from where the phone was.
    await tid('nav-places').click();
    await tid('catalog-new').click();
    await tid('field-nameEn').fill('Test-Village');
    await tid('field-nameKy').fill('Тест-Айыл');
    await tid('field-lat').fill(String(expected.gps!.lat + 0.0003));
    await tid('field-lon').fill(String(expected.gps!.lon));
    await tid('catalog-save').click();
    await expect.poll(() => tid('catalog-name').textContent()).toContain('Test-Village');
    await tid('nav-people').click();
    await tid('catalog-new').click();
    await tid('field-name').fill('Айгүл Токтогулова');
    await tid('field-sex').selectOption('female');
    await tid('catalog-save').click();
    await expect.poll(() => tid('catalog-name').textContent()).toContain('Айгүл Токтогулова');
    await shot('07-person');

    await tid('nav-library').click();
    await tid('search').fill('Apple iPhone 5.jpg');
    await page.locator('[data-testid=item-tile] .name', { hasText: 'Apple iPhone 5.jpg' }).click();
    await expect.poll(() => tid('place-suggestions').textContent()).toContain('Test-Village');
    await tid('place-suggestions').getByRole('button').first().click();
    await expect.poll(() => tid('links-place').textContent()).toContain('Test-Village');
    await tid('link-person').selectOption({ label: 'Айгүл Токтогулова' });
    await tid('link-role').selectOption('depicts');
    await tid('link-person-add').click();
    await expect.poll(() => tid('links-person').textContent()).toContain('Айгүл Токтогулова');
    await tid('tag-input').fill('Shelling');
    await tid('tag-add').click();
    await expect.poll(() => tid('links-tags').textContent()).toContain('shelling');
    await expect.poll(() => tid('custody').textContent()).toContain('Tags changed');
    const links = (await host.service.handlers['items.get']({ id: itemId })).links;
    expect(links).not.toBeNull();
    expect(links!.places.map((p) => p.name)).toEqual(['Test-Village']);
    expect(links!.people.map((p) => [p.name, p.role])).toEqual([['Айгүл Токтогулова', 'depicts']]);
    await shot('08-item-tagged');
  });

  it('filters the Library by the village and shows the place page with its items', async () => {
    await tid('back').click();
    await expect.poll(() => tid('search').inputValue()).toBe('Apple iPhone 5.jpg');
    await tid('clear-filters').click();
    await expect.poll(() => tid('search').inputValue()).toBe('');
    const village = (await host.service.handlers['catalog.list']({ entity: 'place' })).find((p) => p.name === 'Test-Village')!;
    await tid('filter-place').selectOption(String(village.id));
    await expect.poll(() => tid('item-count').textContent()).toBe('1 item');
    expect(await tid('item-tile').locator('.name').textContent()).toBe('Apple iPhone 5.jpg');
    await shot('09-library-filtered');
    await tid('nav-places').click();
    await tid('catalog-search').fill('Test-Village');
    await page.getByRole('button', { name: /Test-Village/u }).click();
    await expect.poll(() => tid('catalog-items').textContent()).toBe('1 item');
    await shot('10-place-page');
    await tid('show-in-library').click();
    await expect.poll(() => tid('item-count').textContent()).toBe('1 item');
  });

  it('exports the filtered items and shows the bag and its tag-manifest SHA-256', async () => {
    await tid('select-all').click();
    await expect.poll(() => tid('selection-count').textContent()).toBe('1 selected');
    await tid('export-selection').click();
    await tid('source-selection').check();
    // A full set for an authority unless the investigator chooses otherwise.
    expect(await tid('kind-full').isChecked()).toBe(true);
    expect(await tid('include-sensitive').isVisible()).toBe(true);
    await tid('export-dest').fill(join(tmp, 'exports'));
    await tid('recipient').fill('Prosecutor General');
    // No signing key in this test: the set is unsigned only by the user's explicit choice.
    expect(await tid('start-export').isDisabled()).toBe(true);
    await tid('export-unsigned').check();
    await tid('start-export').click();
    await tid('export-result').waitFor({ timeout: 60_000 });
    expect(await tid('export-kind').textContent()).toBe('Full set for an authority');
    const bagDir = (await tid('bag-dir').textContent())!;
    const tm = (await tid('tagmanifest').textContent())!;
    expect(tm).toMatch(/^[0-9a-f]{64}$/u);
    expect(statSync(join(bagDir, 'bagit.txt')).isFile()).toBe(true);
    const report = await verifyBag(bagDir);
    expect(report.valid).toBe(true);
    expect(report.tagManifestSha256).toBe(tm);
    expect(report.payloadFiles).toBe(1);
    // What the authority needs: where the file was found, the village, the person by name, the item's own fields.
    expect(readFileSync(join(bagDir, 'bag-info.txt'), 'utf8')).not.toMatch(/^Evidence-Redaction:/mu);
    const items = readItems(bagDir);
    expect(items).toHaveLength(1);
    expect(items[0]!.sources).toEqual([expect.objectContaining({ name: 'Apple iPhone 5.jpg', path: join(MEDIA_DIR, 'metadata-extractor-images', 'jpg', 'Apple iPhone 5.jpg') })]);
    expect(items[0]!).toHaveProperty('description');
    expect(items[0]!.places).toEqual(['test-village']);
    expect(readFileSync(join(bagDir, 'evidence', 'people.json'), 'utf8')).toContain('Айгүл Токтогулова');
    await shot('11-export');

    await tid('nav-verify').click();
    await tid('bag-dir-input').fill(bagDir);
    await tid('start-bag').click();
    // Every file intact, but unsigned, unsealed and not time-stamped: said so, never "valid".
    await expect.poll(() => tid('bag-verdict').textContent(), { timeout: 60_000 }).toBe('Intact, not fully proven');
    expect(await tid('bag-missing').locator('li').allTextContents()).toEqual([
      'It is not signed: nothing shows who made it.', 'Its custody history is not sealed.', 'No trusted timestamp shows when it existed.',
    ]);
    expect(await tid('bag-tagmanifest').textContent()).toBe(tm);
  });

  it('makes a public release from the window: people, places and source paths redacted, and the bag verifies', async () => {
    await tid('nav-export').click();
    await tid('source-selection').check();
    await tid('kind-public').check();
    expect(await tid('public-hint').textContent()).toContain('source folder paths');
    // A public release never carries sensitive people's records: the choice is not offered.
    await expect.poll(() => tid('include-sensitive').count()).toBe(0);
    // The item shows a person whose consent to publication is unknown: left out unless sent
    // anyway, item by item (issue 11). Sent here, its person must still be named nowhere.
    await tid('withheld-list').waitFor();
    expect(await tid('withheld-list').getByTestId('withheld-item').allTextContents()).toEqual([expect.stringContaining('a person\'s consent to publication is unknown')]);
    await tid('withheld-list').locator('input[type=checkbox]').check();
    await tid('export-dest').fill(join(tmp, 'public'));
    await tid('export-unsigned').check();
    await tid('start-export').click();
    await tid('export-result').waitFor({ timeout: 60_000 });
    expect(await tid('export-kind').textContent()).toBe('Public release (people redacted)');
    await shot('11-export-public');
    const bagDir = (await tid('bag-dir').textContent())!;
    const tm = (await tid('tagmanifest').textContent())!;
    expect(bagDir.startsWith(join(tmp, 'public'))).toBe(true);

    expect(readFileSync(join(bagDir, 'bag-info.txt'), 'utf8')).toMatch(/^Evidence-Redaction: Prepared for public release/mu);
    const items = readItems(bagDir);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item!.originalName).toBe('Apple iPhone 5.jpg');
    expect(item!.sources).toEqual([{ name: 'Apple iPhone 5.jpg' }]); // the file name, not where it was found
    expect(item).not.toHaveProperty('description');
    expect(item).not.toHaveProperty('notes');
    // The village users added is under its pseudonymous id, folder included; the person (no consent given) is not named.
    expect(item!.places).toEqual([expect.stringMatching(/^P-[0-9A-F]{12}$/u)]);
    expect(item!.path).toBe(`data/${item!.places[0]}/Apple iPhone 5.jpg`);
    expect(JSON.parse(readFileSync(join(bagDir, 'evidence', 'people.json'), 'utf8'))).toEqual([]);
    const custody = JSON.parse(readFileSync(join(bagDir, 'evidence', 'custody.json'), 'utf8')) as { withheldSeqs?: number[] };
    expect(custody.withheldSeqs?.length).toBeGreaterThan(0);
    const files = tagFiles(bagDir);
    expect(files.map(([rel]) => rel)).toEqual(expect.arrayContaining(['bag-info.txt', 'evidence/items.json', 'evidence/items.csv', 'evidence/custody.json']));
    for (const [rel, text] of files) {
      expect(text, rel).not.toContain(MEDIA_DIR);
      expect(text, rel).not.toContain('Токтогулова');
      expect(text, rel).not.toMatch(/test-village|Тест-Айыл/iu);
    }

    // The recipient's check, through the core.
    const report = await verifyBag(bagDir);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.tagManifestSha256).toBe(tm);
    expect(report.payloadFiles).toBe(1);
    // And through the window's Verify screen, as a recipient with the app would.
    await tid('nav-verify').click();
    await tid('bag-dir-input').fill(bagDir);
    await tid('start-bag').click();
    await expect.poll(() => tid('bag-tagmanifest').textContent(), { timeout: 60_000 }).toBe(tm);
    expect(await tid('bag-verdict').textContent()).toBe('Intact, not fully proven');
    expect(await tid('bag-check').first().getAttribute('data-status')).toBe('ok');
  });

  it('runs a fixity check of the archive and shows a readable report', async () => {
    const total = (await host.service.handlers['archive.current']({}))!.itemCount;
    await tid('start-fixity').click();
    await expect.poll(() => tid('fixity-verdict').textContent(), { timeout: 120_000 }).toBe('All originals are intact and the custody log holds.');
    expect(await tid('fixity-items').textContent()).toBe(String(total));
    await shot('12-verify');
  });

  it('switches to Russian and Kyrgyz', async () => {
    await tid('language').selectOption('ru');
    await expect.poll(() => tid('nav-library').textContent()).toBe('Материалы');
    await tid('nav-library').click();
    await expect.poll(() => tid('item-count').textContent()).toBe('1 материал');
    await shot('13-library-ru');
    await tid('language').selectOption('ky');
    await expect.poll(() => tid('nav-library').textContent()).toBe('Материалдар');
    await shot('14-library-ky');
    expect((await host.service.handlers['settings.get']({})).language).toBe('ky');
  });

  it('logged no CSP violation and no console error on any screen', async () => {
    expect(await csp.violations()).toEqual([]);
    expect(csp.consoleErrors).toEqual([]);
  });
});
