// The Keys screen in Debian's Chromium against the loopback host and the real keystore: create a
// key (name, passphrase twice), see its fingerprint and public key as the keystore recorded them,
// copy the fingerprint, and check a passphrase with the reusable passphrase dialog (wrong, then
// right). No archive is open: keys belong to the person.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listKeys } from '../../electron/core/signing/keystore.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, watchCsp } from './chromium.ts';
import { closeRendererHost, startRendererHost, type HostedRenderer } from './window.ts';

describe.skipIf(!HAS_CHROMIUM)('Keys screen', () => {
  let hosted: HostedRenderer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let csp: Awaited<ReturnType<typeof watchCsp>>;
  let keysDir: string;
  const savedEnv = process.env.EVIDENCE_KEYS_DIR;
  const tid = (id: string) => page.getByTestId(id);
  const PASS = 'тоо-суу Batken 2021';

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-keys-');
    keysDir = join(hosted.tmp, 'keys');
    // The service reads the keys folder at each call: this test's own, never the user's profile.
    process.env.EVIDENCE_KEYS_DIR = keysDir;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-US' });
    csp = await watchCsp(page);
    await page.addInitScript({ content: hosted.host.preload });
    await page.goto(hosted.host.url);
  });

  afterAll(async () => {
    if (savedEnv === undefined) delete process.env.EVIDENCE_KEYS_DIR;
    else process.env.EVIDENCE_KEYS_DIR = savedEnv;
    await browser?.close();
    await closeRendererHost(hosted, undefined);
  });

  it('creates a key, shows the fingerprint the keystore recorded, and checks its passphrase in the dialog', async () => {
    await tid('nav-keys').click();
    await tid('no-keys').waitFor();
    expect(await tid('keys-dir').textContent()).toBe(`Keys are kept in ${keysDir}, never inside an archive.`);

    await tid('key-name').fill('batken-group');
    await tid('key-pass1').fill('short');
    expect(await tid('key-pass-problem').textContent()).toBe('The passphrase needs at least 8 characters.');
    expect(await tid('key-create').isDisabled()).toBe(true);
    await tid('key-pass1').fill(PASS);
    await tid('key-pass2').fill(`${PASS}!`);
    expect(await tid('key-pass-problem').textContent()).toBe('The two passphrases differ.');
    expect(await tid('key-create').isDisabled()).toBe(true);
    await tid('key-pass2').fill(PASS);
    expect(await tid('key-pass-problem').count()).toBe(0);
    await tid('key-create').click();
    await tid('key-created').waitFor();

    const [info] = listKeys(keysDir);
    expect(info?.name).toBe('batken-group');
    expect(await tid('new-key-fingerprint').textContent()).toBe(info!.fingerprint);
    const card = tid('key-batken-group');
    expect(await card.getByTestId('key-fingerprint').textContent()).toBe(info!.fingerprint);
    expect(await card.getByTestId('key-public').textContent()).toBe(info!.publicKeyLine);
    // The form is cleared: the passphrase does not linger in the page.
    expect(await tid('key-pass1').inputValue()).toBe('');
    expect(await tid('key-pass2').inputValue()).toBe('');
    // Nothing under the keys folder holds the passphrase or a clear private key.
    for (const f of readdirSync(keysDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
      const text = readFileSync(join(f.parentPath, f.name), 'utf8');
      expect(text).not.toContain(PASS);
      expect(text).not.toMatch(/BEGIN PRIVATE KEY/);
    }

    await card.getByTestId('copy-fingerprint').click();
    await expect.poll(() => hosted!.host.clipboard.at(-1)).toBe(info!.fingerprint);

    // The passphrase dialog: modal, names the key, refuses a wrong passphrase in words, accepts the right one.
    await card.getByTestId('check-passphrase').click();
    const dialog = tid('passphrase-dialog');
    await dialog.waitFor();
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open && d.matches(':modal'))).toBe(true);
    expect(await tid('passphrase-fingerprint').textContent()).toBe(info!.fingerprint);
    expect(await tid('passphrase-input').getAttribute('type')).toBe('password');
    await tid('passphrase-input').fill('not the passphrase');
    await tid('passphrase-submit').click();
    await tid('passphrase-error').waitFor();
    expect(await tid('passphrase-error').textContent()).toBe('Wrong passphrase: it does not unlock this key.');
    await tid('passphrase-input').fill(PASS);
    await tid('passphrase-submit').click();
    await tid('passphrase-ok').waitFor();
    expect(await tid('passphrase-dialog').count()).toBe(0);
    expect(await tid('passphrase-ok').textContent()).toBe('The passphrase unlocks this key.');

    // Escape cancels the dialog without a call.
    await card.getByTestId('check-passphrase').click();
    await tid('passphrase-dialog').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => tid('passphrase-dialog').count()).toBe(0);

    // In Kyrgyz, the same screen speaks Kyrgyz.
    await tid('language').selectOption('ky');
    expect(await page.locator('.keys h1').textContent()).toBe('Кол коюу ачкычтары');
    expect(await card.locator('dt').first().textContent()).toBe('Ачкычтын изи');

    expect(await csp.violations()).toEqual([]);
    expect(csp.consoleErrors).toEqual([]);
  });
});
