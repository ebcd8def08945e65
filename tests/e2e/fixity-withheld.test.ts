// Issue 11 §4 and §3 on the desktop: the production renderer in Debian's Chromium against the
// loopback host and the real core (no corpus needed).
// - The Item screen's custody timeline shows a failed fixity check in red, FAILED, with what was
//   found (expected and found SHA-256), in English, Russian and Kyrgyz; a passing one says passed.
// - The Export screen lists, before a public release, each item it would leave out and why; the
//   user sends one anyway by ticking it; the result lists what was left out and what was sent on
//   request; the bag holds exactly the items sent, and the custody log records the choice.
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const OPERATOR = 'Айгерим Сыдыкова';
const FILES = ['school.txt', 'captive.txt', 'statement.txt', 'street.txt'];

describe.skipIf(!HAS_CHROMIUM)('failed fixity checks on the Item screen; items withheld from a public release on the Export screen', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let tmp: string;
  let archive: string;
  const id: Record<string, number> = {};
  const sha: Record<string, string> = {};
  let original: Buffer;
  let foundSha: string;
  const tid = (x: string) => page.getByTestId(x);
  const A = () => ['--archive', archive];

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-fixity-withheld-');
    ({ host, tmp } = hosted);
    await host.service.handlers['settings.set']({ operator: OPERATOR });
    archive = join(tmp, 'Kok-Tash');
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    mkdirSync(join(tmp, 'card'));
    for (const f of FILES) writeFileSync(join(tmp, 'card', f), `${f}: evidence\n`);
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [join(tmp, 'card')] });
    const ended = () => host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    await host.service.handlers['archive.close']({});

    process.env.EVIDENCE_OPERATOR = OPERATOR;
    for (const it of await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A())) {
      id[it.sources[0]!.name] = it.id;
      sha[it.sources[0]!.name] = it.sha256;
    }
    const person = async (...args: string[]) => (await cliJson<{ id: number }>('person', 'add', ...args, ...A())).id;
    const child = await person('Айдай', '--consent', 'given', '--sensitive');
    const unknown = await person('Бакыт');
    const consented = await person('Асель', '--consent', 'given');
    for (const [f, p] of [['captive.txt', child], ['statement.txt', unknown], ['school.txt', consented]] as const) {
      expect((await runCli('tag', String(id[f]), '--person', `${p}:depicts`, ...A())).code).toBe(0);
    }
    expect((await runCli('verify', ...A())).code).toBe(0);
    // A byte of school.txt's copy flipped, then a fixity check that finds it.
    const obj = objectPath(join(archive, 'objects'), sha['school.txt']!);
    original = readFileSync(obj);
    const damaged = Buffer.from(original);
    damaged[0]! ^= 0x20;
    chmodSync(obj, 0o644);
    writeFileSync(obj, damaged);
    foundSha = createHash('sha256').update(damaged).digest('hex');
    expect((await runCli('verify', ...A())).code).toBe(1);

    win = await openArchiveWindow(host, archive, /^4 items$/u, 'nav-library');
    page = win.page;
  });

  afterAll(() => closeRendererHost(hosted, win));

  it('shows the failed check in red, FAILED, with the expected and found SHA-256; the passing one says passed', async () => {
    await page.locator('[data-testid=item-tile] .name', { hasText: 'school.txt' }).click();
    await tid('item-name').filter({ hasText: 'school.txt' }).waitFor();
    const failed = tid('custody-failed');
    await expect.poll(() => failed.count()).toBe(1);
    expect(await failed.locator('[data-testid=custody-outcome]').textContent()).toBe('FAILED');
    expect(await failed.textContent()).toContain('Fixity check');
    expect(await tid('fixity-finding').locator('li').allTextContents()).toEqual([
      `Content altered: SHA-256 expected ${sha['school.txt']}, found ${foundSha}`,
    ]);
    // Red: the theme's --bad colour, as errors use it.
    const bad = await page.evaluate(() => {
      const probe = document.createElement('span');
      probe.className = 'error';
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    });
    expect(await failed.evaluate((el) => getComputedStyle(el).color)).toBe(bad);
    expect(await failed.locator('[data-testid=custody-outcome]').evaluate((el) => getComputedStyle(el).color)).toBe(bad);
    // The check before the damage passed, and says so, not in red.
    const passed = tid('custody-event').filter({ hasText: 'Fixity check' });
    expect(await passed.count()).toBe(1);
    expect(await passed.locator('[data-testid=custody-outcome]').textContent()).toBe('passed');
    expect(await passed.evaluate((el) => getComputedStyle(el).color)).not.toBe(bad);
  });

  it('says so in Russian and Kyrgyz', async () => {
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => tid('custody-failed').locator('[data-testid=custody-outcome]').textContent()).toBe('НЕ ПРОЙДЕНА');
      expect(await tid('fixity-finding').textContent()).toBe(`Содержимое изменено: SHA-256 ожидалась ${sha['school.txt']}, найдена ${foundSha}`);
      await tid('language').selectOption('ky');
      await expect.poll(() => tid('custody-failed').locator('[data-testid=custody-outcome]').textContent()).toBe('ӨТКӨН ЖОК');
      expect(await tid('fixity-finding').textContent()).toBe(`Мазмуну өзгөргөн: SHA-256 күтүлгөн ${sha['school.txt']}, табылган ${foundSha}`);
    } finally {
      await tid('language').selectOption('en');
    }
  });

  it('lists before a public release each item it leaves out and why, and sends one only when ticked', async () => {
    // Restored from a backup before anything leaves the archive.
    writeFileSync(objectPath(join(archive, 'objects'), sha['school.txt']!), original);
    await tid('back').click();
    await tid('nav-export').click();
    await tid('source-filter').check();
    await tid('kind-public').check();
    await tid('withheld-list').waitFor();
    expect(await tid('withheld-count').textContent()).toBe('2 items will be left out of this public release');
    const rows = tid('withheld-list').getByTestId('withheld-item');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 3).map((td) => td.textContent)))).toEqual(
      [
        [String(id['captive.txt']), 'captive.txt', 'shows a person flagged sensitive'],
        [String(id['statement.txt']), 'statement.txt', 'a person\'s consent to publication is unknown'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(await tid('start-export').textContent()).toBe('Export 2 items');
    await tid(`send-anyway-${id['statement.txt']}`).check();
    expect(await tid('start-export').textContent()).toBe('Export 3 items');

    await tid('export-dest').fill(join(tmp, 'public'));
    // No signing key here: unsigned by the user's explicit choice.
    await tid('export-unsigned').check();
    await tid('start-export').click();
    await tid('export-result').waitFor({ timeout: 60_000 });
    expect(await tid('export-withheld').getByTestId('withheld-item').allTextContents()).toEqual([`${id['captive.txt']}captive.txtshows a person flagged sensitive`]);
    expect(await tid('export-included').getByTestId('withheld-item').allTextContents()).toEqual([`${id['statement.txt']}statement.txta person's consent to publication is unknown`]);

    const bagDir = (await tid('bag-dir').textContent())!;
    const payload = readdirSync(join(bagDir, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
    expect(payload).toEqual(['school.txt', 'statement.txt', 'street.txt']);
    const info = readFileSync(join(bagDir, 'bag-info.txt'), 'utf8').replace(/\n[ \t]+/g, ' ');
    expect(info).toMatch(/^Evidence-Withheld-Items: 1 item chosen for this set was left out of it\. Reasons \(an item can have several\): shows a person flagged sensitive: 1 item\./mu);
    expect(info).not.toContain('captive');
    expect((await verifyBag(bagDir)).problems).toEqual([]);
    const events = (await cliJson<{ events: { type: string; item: string | null; detail: Record<string, unknown> }[] }>('log', '--json', ...A())).events;
    const set = events.filter((e) => e.type === 'dissemination' && e.item === null).at(-1)!;
    expect(set.detail.selection).toMatchObject({ publicRelease: {
      withheld: [{ item: sha['captive.txt'], reasons: ['sensitive'] }],
      includedOnRequest: [{ item: sha['statement.txt'], reasons: ['consent-unknown'] }],
    } });
  });

  it('refuses to start when every item chosen would be left out', async () => {
    await tid('nav-library').click();
    await tid(`select-${id['captive.txt']}`).click();
    await tid('nav-export').click();
    await tid('source-selection').check();
    await tid('kind-public').check();
    await tid('export-dest').fill(join(tmp, 'public-2'));
    await tid('export-unsigned').check();
    await tid('all-withheld').waitFor();
    expect(await tid('start-export').textContent()).toBe('Export 0 items');
    expect(await tid('start-export').isDisabled()).toBe(true);
    await tid(`send-anyway-${id['captive.txt']}`).check();
    await expect.poll(() => tid('all-withheld').count()).toBe(0);
    expect(await tid('start-export').isDisabled()).toBe(false);
  });

  it('logged no CSP violation and no console error', async () => {
    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  });
});
