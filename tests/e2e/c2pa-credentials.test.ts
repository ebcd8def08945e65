// Issue 14 §3 on the desktop: the Library marks items that carry C2PA Content Credentials, and the
// Item screen says who signed, when, with what, what was done and the verdict with its codes, in
// English and Russian. Production renderer in Chromium against the loopback host and the real core.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const DIR = join(SHARED_DIR, 'fixtures', 'c2pa');
const FILES = ['adobe-20220124-A.jpg', 'adobe-20220124-CA.jpg', 'adobe-20220124-XCA.jpg'];

describe.skipIf(!HAS_CHROMIUM || !existsSync(join(DIR, 'expected.json')))('Content Credentials in the Library and on the Item screen', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  const tid = (x: string) => page.getByTestId(x);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-c2pa-');
    const archive = join(hosted.tmp, 'archive');
    mkdirSync(join(hosted.tmp, 'card'));
    for (const f of FILES) copyFileSync(join(DIR, f), join(hosted.tmp, 'card', f));
    const r = await runCli('ingest', join(hosted.tmp, 'card'), '--archive', archive);
    expect(r.code, r.err).toBe(0);
    win = await openArchiveWindow(hosted.host, archive, /^3 items$/u, 'nav-library');
    page = win.page;
  }, 120_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('marks the two items with credentials, valid and invalid, and not the plain one', async () => {
    await expect.poll(async () => (await page.locator('[data-testid=item-tile]').count())).toBe(3);
    const badges = await page.locator('[data-testid=item-tile]').evaluateAll((tiles) => tiles.map((t) => [
      // The full name is the tile name's title (the text may be shortened in its middle to fit).
      t.querySelector('.name')?.getAttribute('title'), t.querySelector('[data-testid=credentials-badge]')?.getAttribute('data-verdict') ?? null,
    ]).sort());
    expect(badges).toEqual([['adobe-20220124-A.jpg', null], ['adobe-20220124-CA.jpg', 'valid-untrusted'], ['adobe-20220124-XCA.jpg', 'invalid']]);
  });

  it('says on the Item screen who signed, with what, what was done and why it is invalid, in English and Russian', async () => {
    await page.locator('[data-testid=item-tile] .name[title="adobe-20220124-XCA.jpg"]').click();
    await tid('credentials').waitFor();
    expect(await tid('credentials').getAttribute('data-verdict')).toBe('invalid');
    expect(await tid('credentials-verdict').textContent()).toBe('INVALID: the credentials do not hold');
    expect(await tid('credentials-codes').locator('li').allTextContents()).toEqual(['assertion.dataHash.mismatch The file\'s bytes were changed after signing.']);
    const text = await tid('credentials').textContent();
    expect(text).toContain('C2PA Test Signing Cert');
    expect(text).toContain('make_test_images/0.16.1 c2pa-rs/0.16.1');
    expect(text).toContain('opened an existing file; colour adjustments (brightnesscontrast)');
    expect(text).toContain('A.jpg (parentOf, no credentials of its own)');
    const timeline = await page.locator('[data-testid=custody] > li[data-type=validation] [data-testid=custody-summary]').allTextContents();
    expect(timeline).toEqual(['Content Credentials (C2PA) checked: INVALID: the credentials do not hold; signed by C2PA Test Signing Cert; problems: assertion.dataHash.mismatch.']);
    try {
      await tid('language').selectOption('ru');
      await expect.poll(async () => tid('credentials-verdict').textContent()).toBe('НЕДЕЙСТВИТЕЛЬНЫ: учётные данные не подтверждаются');
      expect(await tid('credentials-codes').locator('li').allTextContents()).toEqual(['assertion.dataHash.mismatch Байты файла изменены после подписи.']);
    } finally {
      await tid('language').selectOption('en');
    }
  });
});
