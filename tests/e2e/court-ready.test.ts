// Court-ready evidence sets from the window (issue 12), in Debian's Chromium against the loopback
// host and the real core, keystore and a real RFC 3161 TSA (tests/helpers/tsa.ts, in this
// process): with no key the Export screen says so and exports unsigned only when asked; a key
// made on the Keys screen signs the set after its passphrase is typed (wrong, then right); the
// result shows the fingerprint to read out, the seal, the timestamp; the Verify screen shows each
// check line and the verdict (intact but unproven without the expected key, valid with it and the
// TSA's CA), a tampered copy's failing line in red, and the archive's seals, a broken one in red.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../electron/common/ipc.ts';
import { listKeys } from '../../electron/core/signing/keystore.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');
const PASS = 'Баткен тоо-суу 2021';
const RED = 'rgb(179, 38, 30)'; // --bad

describe.skipIf(!HAS_CHROMIUM)('court-ready sets from the window', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let tsa: TestTsa | undefined;
  let page: Page;
  let tmp: string;
  const savedKeys = process.env.EVIDENCE_KEYS_DIR;
  const tid = (id: string) => page.getByTestId(id);
  /** A screenshot of the window, scrolled to `testId` first (the screen scrolls inside the window, not the page). */
  const shot = async (name: string, testId?: string) => {
    if (testId) await tid(testId).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-court-');
    tmp = hosted.tmp;
    // This test's own keys folder, never the user's profile (the service reads it at each call).
    process.env.EVIDENCE_KEYS_DIR = join(tmp, 'keys');
    tsa = await startTestTsa();
    mkdirSync(join(tmp, 'media'));
    writeFileSync(join(tmp, 'media', 'statement.txt'), 'Witness statement, Batken, 2021-04-29.\n');
    writeFileSync(join(tmp, 'media', 'list.csv'), 'name,village\nA.,Kok-Tash\n');
    // The archive is made and filled through the host's service, as the Import screen would.
    const h = hosted.host.service.handlers;
    await h['archive.open']({ dir: join(tmp, 'archive'), create: true });
    const { jobId } = await h['jobs.start']({ kind: 'ingest', inputs: [join(tmp, 'media')] });
    const done = (): JobInfo | undefined => hosted!.host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && e.job.state === 'done' ? [e.job] : [])).at(0);
    for (const deadline = Date.now() + 30_000; !done() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 25));
    const result = done()?.result;
    expect(result?.kind === 'ingest' && result.report.counts.added).toBe(2);
    win = await openArchiveWindow(hosted.host, join(tmp, 'archive'), /^2 items$/u, 'nav-export');
    page = win.page;
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    if (savedKeys === undefined) delete process.env.EVIDENCE_KEYS_DIR;
    else process.env.EVIDENCE_KEYS_DIR = savedKeys;
    await tsa?.close();
    await closeRendererHost(hosted, win);
  });

  let fingerprint = '';
  let bagDir = '';

  it('without a key: says so, links to the Keys screen, and exports unsigned only when chosen, with the warning', async () => {
    await tid('source-filter').check();
    await tid('export-dest').fill(join(tmp, 'exports'));
    await tid('no-signing-key').waitFor();
    expect(await tid('no-signing-key').locator('p').textContent()).toBe('No signing key yet: a set made now is neither signed nor sealed.');
    expect(await tid('start-export').isDisabled()).toBe(true);
    await tid('export-unsigned').check();
    expect(await tid('unsigned-warning').textContent()).toContain('this set is neither signed nor sealed; a recipient can check that its files are intact, not who made it');
    expect(await tid('start-export').isEnabled()).toBe(true);
    await shot('court-01-export-no-key');
    await tid('export-unsigned').uncheck();
    await tid('go-keys').click();
    await page.locator('.keys h1').waitFor();
  });

  it('signs with the key made on the Keys screen: passphrase wrong, then right; the result shows who signed, the seal and the timestamp', async () => {
    await tid('key-name').fill('batken-group');
    await tid('key-pass1').fill(PASS);
    await tid('key-pass2').fill(PASS);
    await tid('key-create').click();
    await tid('key-created').waitFor();
    fingerprint = listKeys(join(tmp, 'keys'))[0]!.fingerprint;

    await tid('nav-export').click();
    await tid('signing-fingerprint').waitFor();
    expect(await tid('signing-fingerprint').textContent()).toBe(fingerprint);
    expect(await tid('signing-with').textContent()).toBe(`Signed by the key “batken-group”, fingerprint ${fingerprint}`);
    expect(await tid('no-signing-key').count()).toBe(0);
    await tid('source-filter').check();
    await tid('export-dest').fill(join(tmp, 'exports'));
    await tid('recipient').fill('Prosecutor General');
    // A bad TSA address is said before anything starts.
    await tid('tsa-urls').fill('ftp://tsa.example/');
    expect(await tid('tsa-bad').textContent()).toBe('“ftp://tsa.example/” is not an http:// or https:// address.');
    expect(await tid('start-export').isDisabled()).toBe(true);
    await tid('tsa-urls').fill(tsa!.url);
    // The report's language follows the app's unless chosen: here Kyrgyz.
    expect(await tid('report-lang').inputValue()).toBe('en');
    await tid('report-lang').selectOption('ky');
    await shot('court-02-export-signing');

    await tid('start-export').click();
    await tid('passphrase-dialog').waitFor();
    expect(await tid('passphrase-fingerprint').textContent()).toBe(fingerprint);
    await tid('passphrase-input').fill('not the passphrase');
    await tid('passphrase-submit').click();
    await tid('passphrase-error').waitFor();
    expect(await tid('passphrase-error').textContent()).toBe('Wrong passphrase: it does not unlock this key.');
    // Checked before the job starts: no export job was started by the wrong one.
    expect(hosted!.host.events.some((e) => e.type === 'state' && e.job.kind === 'export')).toBe(false);
    await shot('court-03-passphrase-wrong');
    await tid('passphrase-input').fill(PASS);
    await tid('passphrase-submit').click();
    await tid('export-result').waitFor({ timeout: 60_000 });
    expect(await tid('passphrase-dialog').count()).toBe(0);

    expect(await tid('export-signer').textContent()).toBe(fingerprint);
    expect(await tid('court-ready').locator('.signer .hint').textContent()).toMatch(/^Read this fingerprint out to the recipient/u);
    expect(await tid('export-seal').textContent()).toMatch(/^sealed at row \d+$/u);
    const stamps = tid('export-timestamp');
    expect(await stamps.count()).toBe(1);
    expect(await stamps.getAttribute('data-ok')).toBe('true');
    expect(await stamps.textContent()).toMatch(new RegExp(`^✓${tsa!.url.replace(/[.]/gu, '\\.')} time-stamped at \\d{4}-\\d\\d-\\d\\dT`, 'u'));
    expect(await tid('tagmanifest').textContent()).toMatch(/^[0-9a-f]{64}$/u);
    bagDir = (await tid('bag-dir').textContent())!;
    expect(readdirSync(join(bagDir, 'signatures')).sort()).toEqual(['allowed_signers', 'signer.asc', 'tagmanifest-sha256.txt.1.tsr', 'tagmanifest-sha256.txt.1.tsr.crt', 'tagmanifest-sha256.txt.asc', 'tagmanifest-sha256.txt.sshsig']);
    expect(readFileSync(join(bagDir, 'evidence', 'custody-report.html'), 'utf8')).toContain('<html lang="ky">');
    // The passphrase went to the service for this job only: no event, no setting, no job carries it.
    expect(JSON.stringify(hosted!.host.events)).not.toContain(PASS);
    expect(readFileSync(join(tmp, 'settings.json'), 'utf8')).not.toContain(PASS);
    // The TSA and the key are remembered for the next export.
    expect(JSON.parse(readFileSync(join(tmp, 'settings.json'), 'utf8'))).toMatchObject({ tsaUrls: [tsa!.url], signingKey: 'batken-group' });
    await shot('court-04-export-signed', 'export-result');
  }, 120_000);

  const verifyBag = async (dir: string, opts: { expectKey?: string; tsaCa?: string } = {}) => {
    await tid('bag-dir-input').fill(dir);
    await tid('expect-key').fill(opts.expectKey ?? '');
    await tid('tsa-ca').fill(opts.tsaCa ?? '');
    const doneJobs = () => hosted!.host.events.flatMap((e) => (e.type === 'state' && e.job.kind === 'verifyBag' && e.job.state === 'done' ? [e.job.id] : []));
    const before = doneJobs().length;
    await tid('start-bag').click();
    await expect.poll(() => doneJobs().length, { timeout: 60_000 }).toBe(before + 1);
    await page.locator(`[data-testid=bag-report][data-job="${doneJobs().at(-1)}"]`).waitFor();
    const checks = await tid('bag-check').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-status')} ${e.getAttribute('data-name')}`));
    return { level: await tid('bag-verdict').getAttribute('data-level'), heading: await tid('bag-verdict').textContent(), checks };
  };

  it('verifies that bag: every check line and the verdict; valid with the expected key and the TSA CA', async () => {
    await tid('nav-verify').click();
    const plain = await verifyBag(bagDir);
    expect(plain.level).toBe('intact-unproven');
    expect(plain.heading).toBe('Intact, not fully proven');
    expect(plain.checks).toEqual(['ok files', 'ok signature (allowed_signers)', 'ok signature (sshsig)', 'ok signature (openpgp)', 'note signer', 'ok timestamp 1', 'ok custody seal']);
    expect(await tid('bag-missing').locator('li').allTextContents()).toEqual([`It is signed by ${fingerprint}, a key you have not confirmed: compare it with the fingerprint the sender gave you and enter it above.`]);
    expect(await tid('bag-sentence').textContent()).toMatch(/^INTACT, NOT FULLY PROVEN: every file is as listed, but it is signed by /u);
    expect(await page.locator('[data-testid=bag-check][data-status=ok] .mark').first().textContent()).toBe('✓');
    expect(await page.locator('[data-testid=bag-check][data-status=note] .mark').first().textContent()).toBe('!');
    await shot('court-05-verify-unpinned', 'bag-report');

    writeFileSync(join(tmp, 'tsa-ca.pem'), tsa!.caPem);
    const pinned = await verifyBag(bagDir, { expectKey: fingerprint, tsaCa: join(tmp, 'tsa-ca.pem') });
    expect(pinned.level).toBe('valid');
    expect(pinned.heading).toBe('Valid: intact, signed by the expected key, sealed and time-stamped');
    expect(pinned.checks.every((c) => c.startsWith('ok '))).toBe(true);
    expect(await tid('bag-sentence').textContent()).toMatch(new RegExp(`^VALID: every file is as listed, signed by ${fingerprint.replace(/[+/]/gu, '\\$&')} \\(the key you expected\\)`, 'u'));
    expect(await tid('bag-missing').count()).toBe(0);
    await shot('court-06-verify-valid', 'bag-report');
  }, 120_000);

  it('a tampered copy shows its failing line in red, and the verdict invalid', async () => {
    const copy = join(tmp, 'tampered');
    cpSync(bagDir, copy, { recursive: true });
    const payload = readdirSync(join(copy, 'data'), { recursive: true, withFileTypes: true }).find((e) => e.isFile() && e.name.endsWith('statement.txt'))!;
    writeFileSync(join(payload.parentPath, payload.name), 'Witness statement, Osh, 2021-04-29.\n');
    const r = await verifyBag(copy, { expectKey: fingerprint });
    expect(r.level).toBe('invalid');
    expect(r.heading).toBe('Invalid: do not rely on this set');
    expect(r.checks[0]).toBe('fail files');
    const failing = page.locator('[data-testid=bag-check][data-status=fail]').first();
    expect(await failing.locator('.mark').textContent()).toBe('✗');
    expect(await failing.evaluate((e) => getComputedStyle(e).color)).toBe(RED);
    expect(await tid('bag-problems').textContent()).toContain('statement.txt');
    await shot('court-07-verify-tampered', 'bag-report');

    // The same screen in Russian: the verdict and the check names in Russian.
    await tid('language').selectOption('ru');
    expect(await tid('bag-verdict').textContent()).toBe('Недействителен: на этот набор полагаться нельзя');
    expect(await failing.locator('strong').textContent()).toBe('Файлы');
    await shot('court-08-verify-tampered-ru', 'bag-report');
    await tid('language').selectOption('en');
  }, 120_000);

  it('the archive check shows how many seals hold, and the first broken seal in red', async () => {
    await tid('start-fixity').click();
    await expect.poll(() => tid('fixity-seals').count(), { timeout: 60_000 }).toBe(1);
    expect(await tid('fixity-seals').textContent()).toMatch(new RegExp(`^1 of 1 seal holdsthe latest seals row \\d+, signed by ${fingerprint.replace(/[+/]/gu, '\\$&')}$`, 'u'));
    expect(await tid('fixity-first-broken').count()).toBe(0);
    await shot('court-09-fixity-seals', 'fixity-report');

    // Someone edits the copy of the seal kept outside the catalog: the seal no longer holds.
    const sealsDir = join(tmp, 'archive', 'seals');
    const [file] = readdirSync(sealsDir).filter((f) => f.endsWith('.json'));
    const seal = JSON.parse(readFileSync(join(sealsDir, file!), 'utf8')) as { head: string };
    seal.head = seal.head.replace(/^./u, (c) => (c === '0' ? '1' : '0'));
    writeFileSync(join(sealsDir, file!), JSON.stringify(seal));
    const firstJob = await tid('fixity-report').getAttribute('data-job-id');
    await tid('start-fixity').click();
    await expect.poll(() => tid('fixity-report').getAttribute('data-job-id'), { timeout: 60_000 }).not.toBe(firstJob);
    await tid('fixity-first-broken').waitFor();
    expect(await tid('fixity-seals').textContent()).toMatch(/^0 of 1 seal holds/u);
    expect(await tid('fixity-first-broken').textContent()).toMatch(/^the seal of row \d+: seals\/\d+\.json differs from the seal in custody row \d+$/u);
    expect(await tid('fixity-first-broken').evaluate((e) => getComputedStyle(e).color)).toBe(RED);
    expect(await tid('fixity-problems').locator('li[data-kind=seal] strong').first().textContent()).toBe('Seal:');
    await shot('court-10-fixity-broken-seal', 'fixity-report');

    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  }, 120_000);
});
