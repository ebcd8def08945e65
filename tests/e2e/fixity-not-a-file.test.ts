// The Item screen when a fixity check found something other than a file at an object's address
// (core/verify/object-kind.ts: a symbolic link, a folder, a named pipe): the last-check line and
// the failed check in the custody timeline say that the archive's copy was replaced by that thing
// (a link with its target), so the archive does not hold the file, and to repair it; in red, in
// English, Russian and Kyrgyz; never a bare "missing", never a pass. Production renderer in
// Debian's Chromium against the loopback host and the real core; the check is the real CLI's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';
import { errorColour } from './colours.ts';

const FILES = { link: 'statement-linked.txt', folder: 'statement-folder.txt', pipe: 'statement-pipe.txt' };

describe.skipIf(!HAS_CHROMIUM)('Item screen: an object replaced by a symbolic link, a folder or a pipe', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let archive: string;
  /** Where the link in the store points: a replica's copy outside the archive. */
  let target: string;
  const tid = (x: string) => page.getByTestId(x);
  const badColour = () => errorColour(page);
  const open = async (name: string) => {
    await tid('nav-library').click();
    await page.locator('[data-testid=item-tile] .name', { hasText: name }).click();
    await tid('item-name').filter({ hasText: name }).waitFor();
  };

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-not-a-file-');
    const { tmp } = hosted;
    archive = join(tmp, 'Archive');
    const card = join(tmp, 'card');
    mkdirSync(card);
    for (const f of Object.values(FILES)) writeFileSync(join(card, f), `${f}: a witness statement\n`);
    expect((await runCli('ingest', card, '--archive', archive)).code).toBe(0);
    const items = await cliJson<{ sha256: string; sources: { name: string }[] }[]>('list', '--json', '--archive', archive);
    const obj = (name: string) => objectPath(join(archive, 'objects'), items.find((i) => i.sources[0]!.name === name)!.sha256);
    // Each object taken out of the store and something else put at its address.
    target = join(tmp, 'replica', FILES.link);
    mkdirSync(join(tmp, 'replica'));
    writeFileSync(target, `${FILES.link}: a witness statement\n`);
    rmSync(obj(FILES.link));
    symlinkSync(target, obj(FILES.link));
    rmSync(obj(FILES.folder));
    mkdirSync(obj(FILES.folder));
    rmSync(obj(FILES.pipe));
    execFileSync('mkfifo', [obj(FILES.pipe)]);
    const v = await runCli('verify', '--archive', archive);
    expect(v.code, v.err).toBe(1);
    win = await openArchiveWindow(hosted.host, archive, /^3 items$/u, 'nav-library');
    page = win.page;
  }, 120_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('says the archive\'s copy was replaced by a symbolic link to its target, and to repair it, in red', async () => {
    await open(FILES.link);
    const last = tid('last-check');
    expect(await last.getAttribute('data-status')).toBe('FAILED');
    expect(await last.getAttribute('data-not-a-file')).toBe('symbolic link');
    expect(await last.textContent()).toMatch(new RegExp(`^Last fixity check: FAILED on .+ \\(run \\d+\\): The archive does not hold this file: its copy in the archive's store was replaced by a symbolic link to ${target.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}\\. Restore the file from a replica or the original card \\(evidence repair\\), then check it again\\.$`, 'u'));
    expect(await last.textContent()).not.toMatch(/missing|passed/u);
    expect(await last.evaluate((el) => getComputedStyle(el).color)).toBe(await badColour());
    // The failed check in the timeline says the same, in red, FAILED.
    const failed = tid('custody-failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.getByTestId('custody-outcome').textContent()).toBe('FAILED');
    expect(await failed.getByTestId('fixity-finding').locator('li').allTextContents()).toEqual([
      `The archive does not hold this file: its copy in the archive's store was replaced by a symbolic link to ${target}`,
    ]);
    expect(await failed.evaluate((el) => getComputedStyle(el).color)).toBe(await badColour());
  });

  it('says so in Russian and Kyrgyz', async () => {
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => tid('fixity-finding').textContent()).toBe(`Архив не хранит этот файл: его копия в хранилище архива заменена символической ссылкой на ${target}`);
      expect(await tid('last-check').textContent()).toContain(`НЕ ПРОЙДЕНА`);
      expect(await tid('last-check').textContent()).toContain(`: Архив не хранит этот файл: его копия в хранилище архива заменена символической ссылкой на ${target}. Восстановите файл с реплики или с исходной карты (evidence repair) и проверьте снова.`);
      await tid('language').selectOption('ky');
      await expect.poll(() => tid('fixity-finding').textContent()).toBe(`Архив бул файлды сактабайт: анын архивдин сактагычындагы көчүрмөсү ${target} көрсөткөн символдук шилтеме менен алмаштырылган`);
      expect(await tid('last-check').textContent()).toContain('ИЙГИЛИКСИЗ');
      expect(await tid('last-check').textContent()).toContain(`: Архив бул файлды сактабайт: анын архивдин сактагычындагы көчүрмөсү ${target} көрсөткөн символдук шилтеме менен алмаштырылган. Файлды репликадан`);
    } finally {
      await tid('language').selectOption('en');
    }
  });

  it('says a folder or a named pipe stands in the file\'s place', async () => {
    for (const [name, what] of [[FILES.folder, 'folder'], [FILES.pipe, 'named pipe']] as const) {
      await open(name);
      const last = tid('last-check');
      expect(await last.getAttribute('data-not-a-file')).toBe(what);
      expect(await last.textContent()).toMatch(new RegExp(`^Last fixity check: FAILED on .+ \\(run \\d+\\): The archive does not hold this file: its copy in the archive's store was replaced by a ${what}\\. Restore the file`, 'u'));
      expect(await last.evaluate((el) => getComputedStyle(el).color)).toBe(await badColour());
      expect(await tid('fixity-finding').textContent()).toBe(`The archive does not hold this file: its copy in the archive's store was replaced by a ${what}`);
    }
  });

  it('on the Verify screen, heads each failure "not a file" and says what stands in its place', async () => {
    const host = hosted!.host;
    const jobIds = () => new Set(host.events.flatMap((e) => (e.type === 'state' && e.job.kind === 'verifyArchive' ? [e.job.id] : [])));
    const before = jobIds();
    await tid('nav-verify').click();
    await tid('start-fixity').click();
    let job: string | undefined;
    await expect.poll(() => (job = [...jobIds()].find((j) => !before.has(j))), { timeout: 10_000 }).toBeDefined();
    await expect.poll(() => tid('fixity-report').getAttribute('data-job-id', { timeout: 1_000 }).catch(() => null), { timeout: 120_000 }).toBe(job);
    const linked = tid('fixity-problems').getByTestId('fixity-failure').filter({ hasText: FILES.link });
    expect(await linked.getByTestId('failure-head').textContent()).toMatch(new RegExp(`^FAILED \\(not a file\\): item \\d+ “${FILES.link}”$`, 'u'));
    expect(await linked.getByTestId('failure-found').textContent()).toBe(`The archive does not hold this file: its copy in the archive's store was replaced by a symbolic link to ${target}`);
    expect(await linked.getByTestId('failure-next').textContent()).toMatch(/^Restore it from a good copy: evidence repair \d+ --from REPLICA\|FILE/u);
    const folder = tid('fixity-problems').getByTestId('fixity-failure').filter({ hasText: FILES.folder });
    expect(await folder.getByTestId('failure-head').textContent()).toMatch(/^FAILED \(not a file\)/u);
  }, 180_000);

  it('logged no CSP violation and no console error', async () => {
    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  });
});
