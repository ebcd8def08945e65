// Issue 13 part 2, desktop: opening an archive whose catalog is encrypted. The window asks for the
// passphrase in the passphrase dialog (CATALOG_LOCKED), says so in words when it is wrong, opens
// the Library with the right one, and shows the thumbnails that are sealed on disk (opened in
// memory by the service, never written out plain).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed } from '../../electron/core/derivatives/sealed.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, watchCsp } from './chromium.ts';
import { closeRendererHost, startRendererHost, type HostedRenderer } from './window.ts';

describe.skipIf(!HAS_CHROMIUM)('an encrypted archive in the window', () => {
  let hosted: HostedRenderer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let csp: Awaited<ReturnType<typeof watchCsp>>;
  let arch: string;
  const PASS = 'Нарын суу 2024';
  const saved = process.env.EVIDENCE_PASSPHRASE;
  const tid = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-encrypted-');
    arch = join(hosted.tmp, 'archive');
    const input = join(hosted.tmp, 'in');
    mkdirSync(input);
    await sharp({ create: { width: 120, height: 80, channels: 3, background: '#2a6' } }).jpeg().toFile(join(input, 'photo.jpg'));
    process.env.EVIDENCE_PASSPHRASE = PASS;
    expect((await runCli('init', arch, '--encrypt')).code).toBe(0);
    expect((await runCli('ingest', input, '--archive', arch)).code).toBe(0);
    // The host's service must not see the CLI's variable: the window has to ask.
    delete process.env.EVIDENCE_PASSPHRASE;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    csp = await watchCsp(page);
    await page.addInitScript({ content: hosted.host.preload });
    await page.goto(hosted.host.url);
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.EVIDENCE_PASSPHRASE;
    else process.env.EVIDENCE_PASSPHRASE = saved;
    await browser?.close();
    await closeRendererHost(hosted, undefined);
  });

  it('asks for the passphrase, refuses a wrong one, opens with the right one and shows sealed thumbnails', async () => {
    const thumbs = readdirSync(join(arch, 'derivatives', 'thumbs'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(thumbs).toHaveLength(1);
    expect(isSealed(readFileSync(join(thumbs[0]!.parentPath, thumbs[0]!.name)))).toBe(true);

    await tid('archive-dir').fill(arch);
    await tid('archive-open-button').click();
    await tid('passphrase-dialog').waitFor();
    expect(await page.locator('#passphrase-title').textContent()).toBe('This archive is encrypted');
    await tid('passphrase-input').fill('not it');
    await tid('passphrase-submit').click();
    await tid('passphrase-error').waitFor();
    expect(await tid('passphrase-error').textContent()).toBe("Wrong passphrase: it does not open this archive's catalog. Nothing was changed.");
    await tid('passphrase-input').fill(PASS);
    await tid('passphrase-submit').click();
    await tid('item-count').filter({ hasText: /1 item/u }).waitFor();
    expect(await tid('passphrase-dialog').count()).toBe(0);
    // The sealed thumbnail reaches the window as a JPEG that decodes.
    const img = page.locator('img.thumb').first();
    await img.waitFor();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(120);
    expect(await csp.violations()).toEqual([]);
  });
});
