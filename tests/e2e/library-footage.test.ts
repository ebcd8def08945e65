// Issue 16 §2, the Library as a filmmaker uses it, in Debian's Chromium against the loopback host
// and the real core, on an archive ingested from the media corpus (reel CORPUS) and a second card
// (reel CARD_B: a clip with a long camera-style name, and the corpus' ProRAW DNG with the preview
// its upstream copy lost put back, since the corpus file is truncated before any pixel).
// Checked: previews (the DNG from its embedded preview, the DJI thermal TIFF stretched: pixel
// statistics of the drawn thumbnail), badges, durations, zoom kept across a reload, grouping by
// day and by reel with the counts the catalog gives, list columns against the corpus and ffprobe,
// the keyboard, Space's quick look, the scrub strip, the contact sheet and a folder dropped onto the
// window. Screenshots go to tests/e2e/screenshots/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { makeMissingThumbnails } from '../../electron/core/derivatives/batch.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR, REPO_ROOT } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');
const LONG = 'iphone_13_pro_max_interview_kok_tash_0042.mov';
const expected = HAS_CORPUS ? JSON.parse(readFileSync(join(MEDIA_DIR, 'expected.json'), 'utf8')) as Record<string, { durationSec?: number; width?: number; height?: number; capturedAt?: string | null }> : {};

/** ffprobe's first video stream of `file`: codec name and frame rate (frames per second, 2 decimals). */
function probe(file: string): { codec: string; fps: number } {
  const j = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,avg_frame_rate', '-of', 'json', file], { encoding: 'utf8' })) as { streams: { codec_name: string; avg_frame_rate: string }[] };
  const [n, d] = j.streams[0]!.avg_frame_rate.split('/').map(Number);
  return { codec: j.streams[0]!.codec_name, fps: Math.round((n! / d!) * 100) / 100 };
}

/** Mean and standard deviation of the grey levels of the image drawn in `selector` (read back from a canvas). */
async function pixelStats(page: Page, selector: string): Promise<{ w: number; mean: number; sd: number }> {
  return page.locator(selector).evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    let s2 = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const v = (d[i]! + d[i + 1]! + d[i + 2]!) / 3;
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    return { w: img.naturalWidth, mean, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
  });
}

describe.skipIf(!HAS_CHROMIUM || !HAS_CORPUS)('the Library for footage', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let archive: string;
  let total: number;
  const tid = (x: string) => page.getByTestId(x);
  const tile = (name: string) => page.locator(`[data-testid=item-tile]:has([data-testid=tile-name][title="${name}"])`);
  const db = () => new Database(join(archive, 'archive.sqlite'), { readonly: true });
  /** Searches for `text` and waits until the one tile or row shown is the file `name` (the search is debounced). */
  async function only(text: string, name: string, what: 'item-tile' | 'item-row' = 'item-tile') {
    await tid('search').fill(text);
    await page.locator(`[data-testid=${what}]:has([title="${name}"])`).waitFor();
    await expect.poll(() => tid(what).count()).toBe(1);
  }
  /** Clears the search and waits for every item. */
  async function showAll() {
    await tid('search').fill('');
    await expect.poll(() => tid('item-count').textContent()).toBe(`${total} items`);
  }

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-footage-');
    archive = join(hosted.tmp, 'archive');
    const card = join(hosted.tmp, 'CARD_B');
    mkdirSync(card);
    // A clip of its own bytes (re-muxed, so not a duplicate of the corpus file) under a camera's long name.
    execFileSync('ffmpeg', ['-v', 'error', '-i', join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov'), '-c', 'copy', '-map_metadata', '0', '-metadata', 'comment=card B', join(card, LONG)]);
    // The corpus DNG ends at byte 64,104, where its 5,364,435-byte IFD0 JPEG preview would begin: put a preview there.
    const head = readFileSync(join(MEDIA_DIR, 'exiv2/IMG_1361.dng'));
    const jpeg = await sharp(join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 5.jpg')).rotate().resize(4032, 3024, { fit: 'fill' }).jpeg({ quality: 70 }).toBuffer();
    writeFileSync(join(card, 'IMG_1361_with_preview.dng'), Buffer.concat([head, jpeg, Buffer.alloc(5_364_435 - jpeg.length)]));
    for (const [dir, reel] of [[card, 'CARD_B'], [MEDIA_DIR, 'CORPUS']] as const) {
      const r = await runCli('ingest', dir, '--archive', archive, '--reel', reel);
      expect(r.code, r.err).toBeLessThanOrEqual(1); // 1: some corpus files are damaged on purpose
    }
    expect((await runCli('tag', '--archive', archive, '--tag', 'interview', '--place', 'kok-tash-batken', execDb(archive, `SELECT i.sha256 FROM items i JOIN sightings s ON s.item_id = i.id WHERE s.file_name = '${LONG}'`))).code).toBe(0);
    // Badges the corpus cannot give by itself: a failed fixity check, and a card copied incompletely.
    const w = new Database(join(archive, 'archive.sqlite'));
    expect(w.prepare("INSERT OR REPLACE INTO item_fixity (item_id, checked_at, outcome) SELECT item_id, '2026-01-01T00:00:00Z', 'altered' FROM sightings WHERE file_name = 'Nikon D5000.jpg'").run().changes).toBe(1);
    expect(w.prepare("UPDATE reel_runs SET missing = 1 WHERE reel_id = (SELECT id FROM reels WHERE name = 'CARD_B')").run().changes).toBe(1);
    total = w.prepare('SELECT count(*) FROM items').pluck().get() as number;
    w.close();
    // Posters, thumbnails and scrub strips, as the app's background job makes them after an import.
    const a = await openArchive(archive, { write: true });
    const rep = await makeMissingThumbnails(a);
    await a.close();
    expect(rep.strips.made).toBeGreaterThanOrEqual(4);
    win = await openArchiveWindow(hosted.host, archive, new RegExp(`^${total} items$`, 'u'), 'nav-library');
    page = win.page;
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 600_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('shows previews: the DNG from its embedded preview, the thermal TIFF stretched, a video poster with its duration', async () => {
    await tid('item-tile').first().waitFor();
    await only('IMG_1361_with', 'IMG_1361_with_preview.dng');
    const dng = await pixelStats(page, '[data-testid=item-tile] img.thumb');
    expect(dng.w).toBe(240); // 320 × 240 preview turned upright by Orientation 6
    expect(dng.sd).toBeGreaterThan(20);
    await only('002.tiff', '002.tiff');
    const thermal = await pixelStats(page, '[data-testid=item-tile] img.thumb');
    // value / 256 would give a flat 29–31 grey; the stretch spreads the roof over the whole range.
    expect(thermal.mean).toBeGreaterThan(60);
    expect(thermal.sd).toBeGreaterThan(25);
    expect(await page.locator('[data-testid=item-tile] [data-testid=tile-camera]').textContent()).toBe('DJI XT2');
    expect(await page.locator('[data-testid=item-tile] [data-testid=tile-date]').textContent()).toBe('May 24, 2019, 3:06 PM');
    await showAll();
    const clip = tile(LONG);
    expect(await clip.locator('[data-testid=tile-duration]').textContent()).toBe('0:04');
    // The name shortened in its middle to what the caption holds, never cut by the edge; the full name on hover.
    const name = clip.locator('[data-testid=tile-name]');
    expect(await name.textContent()).toMatch(/^iphone_13.*….*0042\.mov$/u);
    expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await name.getAttribute('title')).toBe(LONG);
    expect(await clip.locator('[data-testid=tile-date]').textContent()).toMatch(/^Jul 24, 2019, \d+:25 AM$/u);
    expect(await clip.locator('img.thumb').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'library-grid.png') });
  });

  it('marks GPS, tagged, failed fixity and an incompletely copied card with badges', async () => {
    const badges = async (name: string) => (await tile(name).locator('.badge').evaluateAll((b) => b.map((x) => x.getAttribute('data-testid')))).sort();
    expect(await badges(LONG)).toEqual(['badge-incomplete', 'badge-tagged']); // the re-muxed copy kept no GPS
    expect(await badges('IMG_1361_with_preview.dng')).toEqual(['badge-gps', 'badge-incomplete']);
    await only('with-gps', 'with-gps.mov');
    expect(await badges('with-gps.mov')).toEqual(['badge-gps']);
    await only('Nikon D5000.jpg', 'Nikon D5000.jpg');
    expect(await badges('Nikon D5000.jpg')).toEqual(['badge-fixity', 'badge-gps']);
    await showAll();
  });

  it('zooms the tiles with Ctrl + and −, and keeps the size after a reload', async () => {
    await showAll();
    const width = async () => Math.round((await tid('item-tile').first().boundingBox())!.width);
    const perRow = () => page.locator('.grid-row').first().locator('[data-testid=item-tile]').count();
    // 180 px asked for: 6 tiles across the 1280 px window, sharing its width.
    await expect.poll(perRow).toBe(6);
    const w0 = await width();
    expect(w0).toBeGreaterThanOrEqual(180);
    await page.keyboard.press('Control+Equal');
    await page.keyboard.press('Control+Equal');
    await expect.poll(perRow).toBe(4);
    expect(await width()).toBeGreaterThan(w0 + 80);
    await page.keyboard.press('Control+Minus');
    await expect.poll(perRow).toBe(5);
    await page.keyboard.press('Control+Equal');
    await expect.poll(perRow).toBe(4);
    const w4 = await width();
    await page.reload();
    await page.getByTestId('archive-dir').fill(archive);
    await page.getByTestId('archive-open-button').click();
    await tid('nav-library').click();
    await tid('item-tile').first().waitFor();
    await expect.poll(width).toBe(w4);
    expect(await tid('zoom').inputValue()).toBe('4');
    await page.screenshot({ path: join(SHOTS, 'library-grid-zoom.png') });
    await tid('zoom').fill('2');
    await expect.poll(perRow).toBe(6);
  });

  it('groups by capture day and by card/reel with the counts the catalog gives', async () => {
    await showAll();
    const d = db();
    const byDay = new Map((d.prepare('SELECT substr(captured_at, 1, 10) k, count(*) n FROM items GROUP BY k').all() as { k: string | null; n: number }[]).map((r) => [r.k ?? '', r.n]));
    const byReel = d.prepare('SELECT r.name k, count(DISTINCT s.item_id) n FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.id = (SELECT min(id) FROM sightings x WHERE x.item_id = s.item_id) GROUP BY r.name ORDER BY r.name').all() as { k: string; n: number }[];
    d.close();
    await tid('group-by').selectOption('day');
    await tid('group-header').first().waitFor();
    const headers = async () => tid('group-header').evaluateAll((h) => h.map((x) => [x.getAttribute('data-group-key'), Number(x.getAttribute('data-count')), x.querySelector('.group-name')!.textContent]));
    const shown = await headers();
    expect(shown.length).toBeGreaterThan(2);
    for (const [k, n] of shown) expect(n, String(k)).toBe(byDay.get(k as string));
    // Newest day first; its heading in words.
    expect(shown[0]![0]).toBe([...byDay.keys()].filter(Boolean).sort().at(-1));
    const first = shown.find(([k]) => k === '2025-06-01');
    if (first) expect(first[2]).toBe('Sunday, June 1, 2025');
    await page.screenshot({ path: join(SHOTS, 'library-group-day.png') });
    await tid('group-by').selectOption('reel');
    await expect.poll(async () => (await headers()).map(([k, n]) => [k, n])).toEqual(byReel.map((r) => [r.k, r.n]));
    expect(byReel.find((r) => r.k === 'CARD_B')!.n).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'library-group-reel.png') });
    await tid('group-by').selectOption('none');
    await expect.poll(() => tid('group-header').count()).toBe(0);
  });

  it('lists every column with real values: duration, resolution, frame rate, codec, camera, card, size, places, tags', async () => {
    await showAll();
    await tid('view-list').click();
    await tid('item-row').first().waitFor();
    const row = (name: string) => page.locator(`[data-testid=item-row]:has(.name[title="${name}"])`);
    const cols = async (name: string) => {
      await only(name, name, 'item-row');
      return Object.fromEntries(await row(name).locator('[data-col]').evaluateAll((cs) => cs.map((c) => [c.getAttribute('data-col'), c.textContent])));
    };
    const mov = expected['metadata-extractor-images/mov/with-gps.mov']!;
    const flir = expected['metadata-extractor-images/mp4/FLIR Thermal.mp4']!;
    const p1 = probe(join(MEDIA_DIR, 'metadata-extractor-images/mov/with-gps.mov'));
    expect(await cols(LONG)).toMatchObject({
      duration: '0:04', resolution: `${mov.width}×${mov.height}`, fps: String(p1.fps), codec: p1.codec, reel: 'CARD_B', tags: 'interview',
    });
    const iphone = expected['metadata-extractor-images/jpg/Apple iPhone 4.jpg']!;
    expect(await cols('Apple iPhone 4.jpg')).toMatchObject({
      camera: 'Apple iPhone 4', resolution: `${iphone.width}×${iphone.height}`, duration: '', fps: '', reel: 'CORPUS', date: 'Jan 13, 2011, 2:33 PM', size: '338 kB',
    });
    expect((await cols(LONG)).places).toMatch(/Kok-Tash|Кок-Таш/u);
    const p2 = probe(join(MEDIA_DIR, 'metadata-extractor-images/mp4/FLIR Thermal.mp4'));
    expect(await cols('FLIR Thermal.mp4')).toMatchObject({
      duration: `0:${String(Math.round(flir.durationSec!)).padStart(2, '0')}`, resolution: `${flir.width}×${flir.height}`, fps: String(p2.fps), codec: p2.codec, reel: 'CORPUS',
    });
    expect(await row('FLIR Thermal.mp4').locator('.list-thumb img').count()).toBe(1);
    const flirId = await row('FLIR Thermal.mp4').getAttribute('data-item-id');
    await showAll();
    await page.screenshot({ path: join(SHOTS, 'library-list.png') });
    // Sorting by a column header: duration, longest first on the second click.
    await page.locator('[data-testid=list-header] [data-col=duration] button').click();
    await page.locator('[data-testid=list-header] [data-col=duration] button').click();
    // Polled: the first row read at once may still be the ascending order's, drawn until the new view comes.
    await expect.poll(() => tid('item-row').first().getAttribute('data-item-id')).toBe(flirId);
    await tid('view-grid').click();
    await page.locator('[data-testid=list-header] [data-col=duration]').waitFor({ state: 'detached' });
    await tid('sort').selectOption('capturedAt');
    if ((await tid('sort-dir').textContent())?.includes('Ascending')) await tid('sort-dir').click();
  });

  it('moves with the arrows, previews with Space, opens with Enter, selects all with Ctrl+A', async () => {
    await tid('view-grid').click();
    await showAll();
    await tid('item-tile').first().waitFor();
    const ids = await tid('item-tile').evaluateAll((t) => t.map((x) => x.getAttribute('data-item-id')));
    const cols = await page.locator('.grid-row').first().locator('[data-testid=item-tile]').count();
    await tid('item-browser').focus();
    const cursor = () => page.locator('[data-testid=item-tile].cursor').getAttribute('data-item-id');
    expect(await cursor()).toBe(ids[0]);
    await page.keyboard.press('ArrowRight');
    expect(await cursor()).toBe(ids[1]);
    await page.keyboard.press('ArrowDown');
    expect(await cursor()).toBe(ids[1 + cols]);
    await page.keyboard.press('ArrowLeft');
    expect(await cursor()).toBe(ids[cols]);
    await page.keyboard.press('Space');
    await tid('quicklook').waitFor();
    expect(await tid('quicklook').getAttribute('data-item-id')).toBe(ids[cols]);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tid('quicklook').getAttribute('data-item-id')).toBe(ids[cols + 1]);
    await page.keyboard.press('Space');
    await tid('quicklook').waitFor({ state: 'detached' });
    await tid('item-browser').focus();
    await page.keyboard.press('Control+a');
    await expect.poll(() => tid('selection-count').textContent()).toBe(`${total} selected`);
    await tid('item-browser').focus();
    await page.keyboard.press('Enter');
    await tid('item-name').waitFor();
    expect(await tid('item-name').textContent()).toBeTruthy();
    await tid('back').click();
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it('scrubs through a clip’s strip under the pointer', async () => {
    await tid('view-grid').click();
    await tid('zoom').fill('5');
    await only('FLIR', 'FLIR Thermal.mp4');
    const clip = tile('FLIR Thermal.mp4');
    await clip.scrollIntoViewIfNeeded();
    const box = (await clip.locator('.tile-image').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.05, box.y + box.height / 2);
    await expect.poll(() => clip.locator('[data-testid=scrub]').getAttribute('data-frame')).toBe('0');
    await page.mouse.move(box.x + box.width * 0.72, box.y + box.height / 2);
    await expect.poll(() => clip.locator('[data-testid=scrub]').getAttribute('data-frame')).toBe('7');
    expect(await clip.locator('[data-testid=scrub] img').evaluate(async (i: HTMLImageElement) => (await i.decode(), i.naturalWidth))).toBe(3200);
    await page.screenshot({ path: join(SHOTS, 'library-scrub-strip.png') });
    await page.mouse.move(0, 0);
  });

  it('shows a clip’s contact sheet with timecodes on the Item screen', async () => {
    await tile('FLIR Thermal.mp4').locator('[data-testid=tile-name]').click();
    await tid('contact-sheet-image').waitFor({ timeout: 60_000 });
    const w = await tid('contact-sheet-image').evaluate(async (i: HTMLImageElement) => (await i.decode(), i.naturalWidth));
    expect(w).toBe(1280);
    await tid('contact-sheet-image').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'item-contact-sheet.png') });
    await tid('back').click();
    await tid('search').fill('');
    await tid('zoom').fill('2');
  });

  it('imports a folder dropped from the file manager onto the window', async () => {
    await showAll();
    const dropDir = join(hosted!.tmp, 'dropped');
    mkdirSync(dropDir);
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } }).jpeg().toFile(join(dropDir, 'dropped.jpg'));
    await tid('item-tile').first().waitFor();
    await tid('library').evaluate((el, path) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['x'], 'dropped', { type: '' }));
      (window as unknown as { __evidenceTestPaths: Record<string, string> }).__evidenceTestPaths = { dropped: path };
      el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, dropDir);
    await tid('drop-started').waitFor();
    // The ingest job the drop started ends, having added the one file.
    const ended = () => hosted!.host.events.find((e) => e.type === 'state' && e.job.kind === 'ingest' && ['done', 'failed', 'cancelled'].includes(e.job.state));
    await expect.poll(() => ended() !== undefined, { timeout: 60_000 }).toBe(true);
    const job = ended()!;
    expect(job.type === 'state' && [job.job.state, job.job.error?.message ?? null]).toEqual(['done', null]);
    const files = hosted!.host.events.filter((e) => e.type === 'file').map((e) => e.type === 'file' && [e.file.path, e.file.status, e.file.reason ?? null]);
    expect(files).toEqual([[join(dropDir, 'dropped.jpg'), 'added', null]]);
    await expect.poll(() => tid('item-count').textContent(), { timeout: 60_000 }).toBe(`${total + 1} items`);
    expect(existsSync(dropDir)).toBe(true);
  }, 120_000);
});

/** One value from the archive's catalog, read-only. */
function execDb(archive: string, sql: string): string {
  const d = new Database(join(archive, 'archive.sqlite'), { readonly: true });
  try {
    return d.prepare(sql).pluck().get() as string;
  } finally {
    d.close();
  }
}

