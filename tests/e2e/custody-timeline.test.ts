// Issue 15 §4 on the desktop: the Item screen's custody timeline reads as `evidence log` does —
// each event a line of when, who, what (the PREMIS type in words), its outcome and a sentence of
// what happened, in English, Russian and Kyrgyz; a failed fixity check FAILED, in red, with what
// was found. The production renderer in Debian's Chromium against the loopback host and the real
// core (no corpus needed). Saves tests/e2e/screenshots/item-custody-timeline.png.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const OPERATOR = 'Айгерим Сыдыкова';
const SHOTS = join(REPO_ROOT, 'tests', 'e2e', 'screenshots');

describe.skipIf(!HAS_CHROMIUM)('the Item screen\'s custody timeline in readable lines', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let tmp: string;
  let archive: string;
  let sha = '';
  let foundSha = '';
  const tid = (x: string) => page.getByTestId(x);
  const A = () => ['--archive', archive];
  /** The timeline's entries as [type, outcome, sentence], oldest first. */
  const entries = async () => page.locator('[data-testid=custody] > li').evaluateAll((lis) => lis.map((li) => [
    li.getAttribute('data-type'), li.querySelector('[data-testid=custody-outcome]')?.textContent ?? '', li.querySelector('[data-testid=custody-summary]')?.textContent ?? '',
  ]));

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-timeline-');
    ({ host, tmp } = hosted);
    await host.service.handlers['settings.set']({ operator: OPERATOR });
    archive = join(tmp, 'Kok-Tash');
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    mkdirSync(join(tmp, 'card'));
    writeFileSync(join(tmp, 'card', 'statement.txt'), 'statement: evidence\n');
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [join(tmp, 'card')] });
    const ended = () => host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    await host.service.handlers['archive.close']({});

    process.env.EVIDENCE_OPERATOR = OPERATOR;
    const [item] = await cliJson<{ id: number; sha256: string }[]>('list', '--json', ...A());
    sha = item!.sha256;
    const person = (await cliJson<{ id: number }>('person', 'add', 'Айгүл', ...A())).id;
    expect((await runCli('tag', String(item!.id), '--person', `${person}:interviewee`, '--tag', 'school', ...A())).code).toBe(0);
    expect((await runCli('verify', ...A())).code).toBe(0);
    const obj = objectPath(join(archive, 'objects'), sha);
    const damaged = Buffer.from(readFileSync(obj));
    damaged[0]! ^= 0x20;
    chmodSync(obj, 0o644);
    writeFileSync(obj, damaged);
    foundSha = createHash('sha256').update(damaged).digest('hex');
    expect((await runCli('verify', ...A())).code).toBe(1);

    win = await openArchiveWindow(host, archive, /^1 item$/u, 'nav-library');
    page = win.page;
    await page.locator('[data-testid=item-tile] .name', { hasText: 'statement.txt' }).click();
    await tid('item-name').filter({ hasText: 'statement.txt' }).waitFor();
  });

  afterAll(() => closeRendererHost(hosted, win));

  it('gives each event when, who, what, its outcome and what happened, the failed check FAILED with what was found', async () => {
    await expect.poll(async () => (await entries()).length).toBe(7);
    const source = join(tmp, 'card', 'statement.txt');
    expect(await entries()).toEqual([
      ['ingestion', 'done', expect.stringMatching(new RegExp(`^Received into the archive from ${source.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')} \\(file statement\\.txt, 20 byte\\) on computer .+\\.$`, 'u'))],
      ['message digest calculation', 'done', 'Checksums of the source file calculated in one reading: SHA-256.'],
      ['replication', 'done', 'Copy stored in the archive and verified: written, flushed to disk, read back and compared by SHA-256.'],
      ['metadata extraction', 'done', 'The file was examined; it holds no technical metadata this program reads.'],
      ['metadata modification', 'done', 'Catalog entry changed: people, tags.'],
      // The first check passed inside run 1 (one event for the run): read as this item's pass.
      ['fixity check', 'passed', 'Integrity check PASSED in fixity check run 1 (files checked in that run: 1).'],
      ['fixity check', 'FAILED', 'Integrity check FAILED.'],
    ]);
    // The item's last check: FAILED in red, with what it was and what to do, never like a pass.
    const last = tid('last-check');
    expect(await last.getAttribute('data-status')).toBe('FAILED');
    expect(await last.textContent()).toMatch(/^Last fixity check: FAILED on .+: altered \(run 2\)\. Restore it from a replica or the original card \(evidence repair\), then check it again\.$/u);
    expect(await last.getAttribute('role')).toBe('alert');
    const colourOf = (sel: string) => page.evaluate((s) => getComputedStyle(document.querySelector(s)!).color, sel);
    expect(await colourOf('[data-testid=last-check]')).toBe(await colourOf('[data-testid=custody-failed] .outcome'));
    expect(await colourOf('[data-testid=last-check]')).not.toBe(await colourOf('[data-testid=item-name]'));
    const failed = tid('custody-failed');
    expect(await failed.locator('.who').textContent()).toBe(OPERATOR);
    expect(await failed.locator('.what').textContent()).toBe('Fixity check');
    expect(await tid('fixity-finding').locator('li').allTextContents()).toEqual([`Content altered: SHA-256 expected ${sha}, found ${foundSha}`]);
    // A line reads in order: when, who, what, outcome.
    const order = await failed.evaluate((li) => Array.from(li.children).slice(0, 4).map((c) => c.className));
    expect(order).toEqual(['when', 'who', 'what', 'outcome']);
    mkdirSync(SHOTS, { recursive: true });
    await tid('custody').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'item-custody-timeline.png') });
  });

  it('says the same in Russian and Kyrgyz', async () => {
    try {
      await tid('language').selectOption('ru');
      await expect.poll(async () => (await entries())[4]).toEqual(['metadata modification', 'выполнено', 'Изменена запись в каталоге: люди, метки.']);
      expect((await entries()).slice(5)).toEqual([
        ['fixity check', 'пройдена', 'Проверка целостности ПРОЙДЕНА в проверке № 1 (в этой проверке файлов: 1).'],
        ['fixity check', 'НЕ ПРОЙДЕНА', 'Проверка целостности НЕ ПРОЙДЕНА.'],
      ]);
      await tid('language').selectOption('ky');
      await expect.poll(async () => (await entries())[4]).toEqual(['metadata modification', 'аткарылды', 'Каталогдогу жазуу өзгөртүлгөн: адамдар, белгилер.']);
      expect((await entries())[6]).toEqual(['fixity check', 'ӨТКӨН ЖОК', 'Бүтүндүгүн текшерүү ИЙГИЛИКСИЗ.']);
      expect((await entries())[5]![2]).toBe('Бүтүндүгүн текшерүү № 1 текшерүүдө ИЙГИЛИКТҮҮ (ал текшерүүдө 1 файл текшерилген).');
      expect(await tid('last-check').textContent()).toMatch(/^Акыркы бүтүндүк текшерүүсү: .+ ИЙГИЛИКСИЗ: өзгөртүлгөн \(№ 2 текшерүү\)\./u);
      expect((await entries())[0]![2]).toMatch(/^Архивге .*statement\.txt жолунан кабыл алынган \(файл statement\.txt, 20 \S+\), компьютер .+\.$/u);
    } finally {
      await tid('language').selectOption('en');
    }
  });
});
