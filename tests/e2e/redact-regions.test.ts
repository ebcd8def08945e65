// The Item screen's redaction boxes (issue 13 §4): the production renderer in Debian's Chromium
// against the loopback host and the real core. A documenter drags a box on a real photo stored
// rotated (EXIF Orientation 6); the box is kept in pixels of the upright picture, saved in the
// catalog with a custody event naming only how many boxes there are, and comes back on reload.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { existsSync } from 'node:fs';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const PHOTO = join(SHARED_DIR, 'fixtures', 'faces', 'portrait-orientation-6.jpg');

describe.skipIf(!HAS_CHROMIUM || !existsSync(PHOTO))('Item screen: boxes to blur on a redacted copy', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let archive: string;
  let itemId: number;
  const tid = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-redact-');
    ({ host } = hosted);
    archive = join(hosted.tmp, 'Faces');
    await host.service.handlers['settings.set']({ operator: 'A. Usenova' });
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [PHOTO] });
    const ended = () => host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    itemId = (await host.service.handlers['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).items[0]!.id;
    await host.service.handlers['archive.close']({});
    win = await openArchiveWindow(host, archive, /^1 item$/u, 'nav-library');
    page = win.page;
    await page.locator('[data-testid=item-tile] .name', { hasText: 'portrait-orientation-6.jpg' }).click();
    await tid('region-surface').locator('img').waitFor();
    await vi.waitFor(() => tid('region-surface').locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 || Promise.reject(new Error('not loaded'))), { timeout: 20_000 });
  }, 180_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('draws a box by dragging, in pixels of the upright picture, and saves it in the catalog', async () => {
    // The section sits below the metadata, tags and GPS lines: scroll it into view as a user would.
    await tid('region-surface').scrollIntoViewIfNeeded();
    const r = (await tid('region-surface').boundingBox())!;
    // The thumbnail shows the photo upright: wider than tall (840×700), though stored 700×840.
    expect(r.width).toBeGreaterThan(r.height);
    await page.mouse.move(r.x + r.width * 0.1, r.y + r.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(r.x + r.width * 0.25, r.y + r.height * 0.35, { steps: 4 });
    await page.mouse.move(r.x + r.width * 0.4, r.y + r.height * 0.5, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => tid('region').count()).toBe(1);
    expect(await tid('region-list').locator('li').count()).toBe(1);
    await tid('regions-save').click();
    await expect.poll(() => tid('regions-save').isDisabled()).toBe(true);
    expect(await tid('error').count()).toBe(0);

    // Stored in the catalog, through the core.
    const stored = await host.service.handlers['redact.regions']({ id: itemId });
    expect(stored.size).toEqual({ width: 840, height: 700 });
    expect(stored.regions).toHaveLength(1);
    const box = stored.regions[0]!;
    for (const [v, want] of [[box.x, 84], [box.y, 140], [box.w, 252], [box.h, 210]] as const) expect(Math.abs(v - want)).toBeLessThanOrEqual(4);

    // The custody log says the boxes changed and how many, read by the CLI in its own process.
    const show = runCliJson<{ custody: { type: string; actor: string; detail: Record<string, unknown> }[] }>(['show', String(itemId), '--json', '--archive', archive]);
    const ev = show.json.custody.filter((e) => e.type === 'metadata modification').at(-1)!;
    expect(ev).toMatchObject({ actor: 'A. Usenova', detail: { outcome: 'success', action: 'redaction regions', regions: 1 } });
  });

  it('shows the saved box again when the item is opened anew, and removing it saves an empty list', async () => {
    await tid('back').click();
    await page.locator('[data-testid=item-tile] .name', { hasText: 'portrait-orientation-6.jpg' }).click();
    await expect.poll(() => tid('region').count()).toBe(1);
    await tid('region-remove').click();
    expect(await tid('region').count()).toBe(0);
    await tid('regions-save').click();
    await expect.poll(async () => (await host.service.handlers['redact.regions']({ id: itemId })).regions.length).toBe(0);
  });

  it('makes a redacted copy without face blurring, and lists it', async () => {
    await tid('redact-blur').uncheck();
    await tid('redact-make').click();
    await expect.poll(() => tid('redact-copies').locator('li').count()).toBe(1);
    expect(await tid('redact-copies').textContent()).toContain('metadata removed');
    const show = runCliJson<{ derivatives: { sha256: string; mime: string; settings: { blurFaces: boolean } }[] }>(['show', String(itemId), '--json', '--archive', archive]);
    expect(show.json.derivatives).toHaveLength(1);
    expect(show.json.derivatives[0]).toMatchObject({ mime: 'image/jpeg', settings: { blurFaces: false } });
    expect(await tid('error').count()).toBe(0);
  });
});
