// VERIFY.html, the page every evidence set carries, opened from the bag in Debian's Chromium the
// way a clerk would (file://, the folder chosen with the directory picker): a signed, sealed set
// reads VALID; each forgery is refused with the line that names it; the page speaks ru/ky/en,
// loads nothing from the network, and checks a 300 MB video with flat memory.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawEd25519PublicKey, sshFingerprint } from '../../electron/core/signing/sshsig.ts';
import { copyBag, makeBag, newKey, TAMPERS, tsaResponse, type BagSpec } from '../helpers/verifier-bags.ts';
import { CHROMIUM, CHROMIUM_ARGS, HAS_CHROMIUM, watchCsp } from './chromium.ts';

const VERIFY_HTML = join(import.meta.dirname, '..', '..', 'resources', 'verify', 'VERIFY.html');
const key = newKey();
const forger = newKey();
const fingerprint = sshFingerprint(rawEd25519PublicKey(key));
const PAYLOAD: BagSpec['payload'] = [
  { name: 'photo-1.jpg', content: Buffer.from('\xff\xd8\xff\xe0 first photo', 'latin1') },
  { name: 'Көк-Таш/video-2.mp4', content: Buffer.alloc(70_000, 7) },
  { name: 'notes 100%.txt', content: Buffer.from('a file with a percent sign\n') },
];
const BIG_BYTES = 300 * 1024 * 1024;
const SHOTS = join(import.meta.dirname, 'screenshots');

interface Seen {
  verdict: string;
  verdictKey: string;
  verdictText: string;
  lines: Record<string, string>;
  page: Page;
}

describe.skipIf(!HAS_CHROMIUM)('VERIFY.html in Chromium', () => {
  let tmp: string;
  let browser: Browser;
  let full: string;
  let redacted: string;
  const requests: string[] = [];
  const problems: string[] = [];
  const html = () => ({ path: 'VERIFY.html', content: readFileSync(VERIFY_HTML) });

  /** Opens the bag's own VERIFY.html, chooses the bag's folder, waits for the verdict. */
  const check = async (bagDir: string, opts: { locale?: string; timeout?: number } = {}): Promise<Seen> => {
    const context = await browser.newContext({ locale: opts.locale ?? 'en-US' });
    const page = await context.newPage();
    const csp = await watchCsp(page);
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(bagDir, 'VERIFY.html')).href);
    await page.getByTestId('folder-input').setInputFiles(bagDir);
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: opts.timeout ?? 30_000 });
    const lines = Object.fromEntries(await page.locator('#checks > li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-check'), e.getAttribute('data-status')])));
    problems.push(...(await csp.violations()), ...csp.consoleErrors);
    return {
      verdict: (await verdict.getAttribute('data-verdict')) ?? '',
      verdictKey: (await verdict.getAttribute('data-verdict-key')) ?? '',
      verdictText: (await verdict.textContent()) ?? '',
      lines,
      page,
    };
  };
  const failing = (s: Seen) => Object.entries(s.lines).filter(([, st]) => st === 'fail').map(([id]) => id).sort();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'verify-html-'));
    full = (await makeBag(tmp, 'full', { payload: PAYLOAD, key, tagFiles: [html()] })).bagDir;
    writeFileSync(join(full, 'signatures', 'tagmanifest-sha256.txt.1.tsr'), tsaResponse(join(tmp, 'tsa'), readFileSync(join(full, 'tagmanifest-sha256.txt'))));
    redacted = (await makeBag(tmp, 'redacted', { payload: PAYLOAD, key, redacted: true, tagFiles: [html()] })).bagDir;
    // gc() for the heap measurement: what the page still holds after the check, not garbage a lazy collector has not reached yet.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc', '--enable-precise-memory-info'] });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reads a signed, sealed, time-stamped set as valid once the sender\'s fingerprint is given, and shows who signed it', async () => {
    const s = await check(full);
    expect(failing(s)).toEqual([]);
    // As verify-bag without --expect-key: intact, but the key is not confirmed.
    expect([s.verdict, await s.page.getByTestId('verdict').getAttribute('data-missing')]).toEqual(['intact-unproven', 'verdict.missingUnpinned']);
    expect(s.verdictText).toContain('Every file is intact, but this set is NOT FULLY PROVEN');
    expect(s.lines).toMatchObject({ bagit: 'ok', 'bag-info': 'ok', 'manifest-sha256': 'ok', 'manifest-md5': 'ok', 'payload-listed': 'ok', 'tagmanifest-sha256': 'ok',
      signature: 'ok', timestamps: 'info', 'custody-events': 'ok', seal: 'ok', proof: 'ok', items: 'ok' });
    expect(await s.page.getByTestId('fingerprint').textContent()).toBe(fingerprint);
    expect(await s.page.getByTestId('identity').textContent()).toBe('archivist@bir-duino.test');
    await s.page.screenshot({ path: join(SHOTS, 'verify-html-valid.png'), fullPage: true });
    await expect.poll(() => s.page.locator('#signer .compare').textContent()).toContain('Compare this fingerprint');

    // The fingerprint the sender gave: the same one confirms, another refuses.
    await s.page.locator('#expected').fill(fingerprint);
    expect(await s.page.getByTestId('verdict').getAttribute('data-verdict')).toBe('valid');
    expect(await s.page.getByTestId('verdict').textContent()).toContain('This evidence set is intact, its custody history is sealed and complete');
    await s.page.locator('#expected').fill(sshFingerprint(rawEd25519PublicKey(forger)));
    expect(await s.page.getByTestId('verdict').getAttribute('data-verdict')).toBe('invalid');
    expect(await s.page.getByTestId('expect-answer').textContent()).toContain('NOT the fingerprint you were given');
    await s.page.context().close();
  });

  it('speaks the browser\'s language and switches between ru, ky and en', async () => {
    const s = await check(full, { locale: 'ru-RU' });
    expect(s.verdictText).toContain('Все файлы целы, но этот комплект НЕ ПОДТВЕРЖДЁН ПОЛНОСТЬЮ');
    expect(await s.page.locator('#checks li[data-check="signature"] .title').textContent()).toBe('Подпись манифеста служебных файлов');
    await s.page.locator('#lang').selectOption('ky');
    expect(await s.page.getByTestId('verdict').textContent()).toContain('Бардык файлдар бүтүн, бирок бул топтом ТОЛУК ТАСТЫКТАЛГАН ЭМЕС');
    expect(await s.page.evaluate(() => document.documentElement.lang)).toBe('ky');
    await s.page.screenshot({ path: join(SHOTS, 'verify-html-ky.png'), fullPage: true });
    await s.page.locator('#lang').selectOption('en');
    expect(await s.page.getByTestId('verdict').textContent()).toContain('Every file is intact');
    await s.page.context().close();
  });

  it('says plainly when a set is not signed or not sealed, never valid', async () => {
    const unsigned = await makeBag(tmp, 'unsigned', { payload: PAYLOAD, key, sign: false, seal: 'none', tagFiles: [html()] });
    let s = await check(unsigned.bagDir);
    expect([s.verdict, s.verdictKey, s.lines.signature]).toEqual(['intact-unproven', 'verdict.incomplete', 'warn']);
    expect(s.verdictText).toContain('it is NOT SIGNED');
    expect(await s.page.locator('#checks li[data-check="signature"] .summary').textContent()).toContain('NOT SIGNED');
    await s.page.context().close();

    const unsealed = await makeBag(tmp, 'unsealed', { payload: PAYLOAD, key, seal: 'none', tagFiles: [html()] });
    s = await check(unsealed.bagDir);
    expect([s.verdict, s.verdictKey, s.lines.seal, s.lines.proof]).toEqual(['intact-unproven', 'verdict.incomplete', 'warn', 'warn']);
    expect(s.verdictText).toContain('NOT SEALED');
    await s.page.context().close();
  });

  it('reads a redacted set as intact (not time-stamped, key not confirmed)', async () => {
    const s = await check(redacted);
    expect([s.verdict, failing(s)]).toEqual(['intact-unproven', []]);
    await s.page.context().close();
  });

  for (const [i, t] of TAMPERS.entries()) {
    it(`refuses ${t.name}`, async () => {
      const dir = copyBag(t.base === 'full' ? full : redacted, join(tmp, `tampered-${i}`));
      // The token pins the tag manifest; without it each forgery fails on the lines TAMPERS names (the unit tests' bags have none either).
      rmSync(join(dir, 'signatures', 'tagmanifest-sha256.txt.1.tsr'), { force: true });
      await t.apply(dir, forger);
      const s = await check(dir);
      expect(s.verdict).toBe('invalid');
      expect(s.verdictText).toContain('Do not rely on this evidence set');
      expect(failing(s)).toEqual([...t.failing].sort());
      for (const id of t.failing) expect(await s.page.locator(`#checks li[data-check="${id}"] .mark`).textContent()).toBe('✗');
      if (i === 5) await s.page.screenshot({ path: join(SHOTS, 'verify-html-event-removed.png'), fullPage: true });
      await s.page.context().close();
    });
  }

  it('checks a 300 MB payload file to the end', async () => {
    // A sparse file: made in an instant, read in full like any other.
    const big = join(tmp, 'big-video.mp4');
    const fd = openSync(big, 'w');
    writeSync(fd, Buffer.from('ftypisom'), 0, 8, 4);
    writeSync(fd, Buffer.from('end'), 0, 3, BIG_BYTES - 3);
    closeSync(fd);
    const h = createHash('sha256');
    for (let at = 0; at < BIG_BYTES; at += 64 << 20) {
      const fdr = openSync(big, 'r');
      const buf = Buffer.alloc(Math.min(64 << 20, BIG_BYTES - at));
      readSync(fdr, buf, 0, buf.length, at);
      closeSync(fdr);
      h.update(buf);
    }
    const bag = await makeBag(tmp, 'large', {
      payload: [{ name: 'big-video.mp4', source: big, bytes: BIG_BYTES, sha256: h.digest('hex') }], key, tagFiles: [html()], algorithms: ['sha256'],
    });
    rmSync(big);
    const started = Date.now();
    const s = await check(bag.bagDir, { timeout: 170_000 });
    expect([s.verdict, failing(s)]).toEqual(['intact-unproven', []]);
    expect(await s.page.locator('#checks li[data-check="manifest-sha256"] .summary').textContent()).toBe('1 file(s), 300 MB, each matches its checksum.');
    // Slices are dropped as they are hashed: the page's heap never holds the file.
    const heap = await s.page.evaluate(() => {
      (window as unknown as { gc?: () => void }).gc?.();
      return (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize;
    });
    console.log(`VERIFY.html checked 300 MB in ${Date.now() - started} ms; JS heap ${(heap / 2 ** 20).toFixed(1)} MiB`);
    expect(heap).toBeLessThan(64 * 2 ** 20);
    await s.page.context().close();
  }, 240_000);

  it('loaded nothing from the network and broke no CSP rule', () => {
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
