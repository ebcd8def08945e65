// The Verify screen when a fixity check is cancelled part-way: the production renderer in
// Debian's Chromium against the loopback host and the real core (no corpus needed). A cancelled
// check verified nothing, so it must read neither as a pass nor as "0 problems found"; a check
// run to the end afterwards passes as usual.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobResultSchema, type JobEvent } from '../../electron/common/ipc.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

// While `held.after` is set, the pool's re-hashing requests past that many wait until the check is
// cancelled, so when the Cancel button is pressed exactly `held.after` items have been checked
// and the rest are still to do: the moment is fixed by the test, not by how fast the disk is.
// The requests then go to the real pool, which the cancellation has stopped.
const held = vi.hoisted(() => ({ after: null as number | null, requests: 0 }));
vi.mock('../../electron/core/ingest/pool.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/ingest/pool.ts')>();
  return {
    ...real,
    createIngestPool: (...args: Parameters<typeof real.createIngestPool>) => {
      const pool = real.createIngestPool(...args);
      const signal = args[1];
      return {
        ...pool,
        digest: async (t: Parameters<typeof pool.digest>[0]) => {
          const n = ++held.requests;
          if (held.after !== null && n > held.after && signal && !signal.aborted) {
            await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
          }
          return pool.digest(t);
        },
      };
    },
  };
});

const FILES = 12;
const CHECKED_BEFORE_CANCEL = 5;

describe.skipIf(!HAS_CHROMIUM)('Verify screen: a fixity check cancelled part-way', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let tmp: string;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let csp: ArchiveWindow['csp'];
  /** The run the cancelled check started (the next check resumes it). */
  let runId = 0;
  const tid = (id: string) => page.getByTestId(id);
  const fixityJobs = () => new Set(host.events.flatMap((e) => (e.type === 'state' && e.job.kind === 'verifyArchive' ? [e.job.id] : [])));
  /** The last state event of a job. */
  const stateOf = (id: string) => host.events.filter((e): e is Extract<JobEvent, { type: 'state' }> => e.type === 'state' && e.job.id === id).at(-1)?.job;

  /** Starts a check from the screen and resolves to its job id. */
  const startFixity = async (): Promise<string> => {
    const before = fixityJobs();
    await tid('start-fixity').click();
    let id: string | undefined;
    await expect.poll(() => (id = [...fixityJobs()].find((j) => !before.has(j))), { timeout: 10_000 }).toBeDefined();
    return id!;
  };
  /** The label of the fact whose value has test id `id`. */
  const labelOf = (id: string) => tid(id).locator('xpath=preceding-sibling::dt[1]').textContent();
  const reportShown = (id: string) => expect.poll(() => tid('fixity-report').getAttribute('data-job-id', { timeout: 1_000 }).catch(() => null), { timeout: 120_000 }).toBe(id);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-verify-cancel-');
    ({ host, tmp } = hosted);

    const card = join(tmp, 'card');
    mkdirSync(card);
    for (let i = 0; i < FILES; i++) writeFileSync(join(card, `note-${String(i).padStart(2, '0')}.txt`), `evidence note ${i}\n`);
    const archive = join(tmp, 'Cancelled Check');
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [card] });
    const ended = () => { const s = stateOf(jobId)?.state; return s && !['queued', 'running'].includes(s) ? s : undefined; };
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    await host.service.handlers['archive.close']({});

    win = await openArchiveWindow(host, archive, new RegExp(`^${FILES} items$`, 'u'), 'nav-verify');
    ({ page, csp } = win);
  });

  afterAll(() => closeRendererHost(hosted, win));

  it('shows a check cancelled with the Cancel button as interrupted, not as a pass or as "0 problems found"', async () => {
    held.requests = 0;
    held.after = CHECKED_BEFORE_CANCEL;
    let id: string;
    try {
      id = await startFixity();
      // The items before the hold are re-hashed and shown; then the check waits on the test.
      await expect.poll(() => host.events.some((e) => e.type === 'progress' && e.jobId === id && e.progress.filesDone === CHECKED_BEFORE_CANCEL), { timeout: 60_000 }).toBe(true);
      await expect.poll(() => tid('progress-files').textContent()).toBe(`${CHECKED_BEFORE_CANCEL} of ${FILES}`);
      await tid('cancel').click();
      await reportShown(id);
    } finally {
      held.after = null;
    }
    const job = stateOf(id)!;
    expect(job.state).toBe('cancelled');
    // What the window got is what the IPC contract carries.
    const report = JobResultSchema.parse(job.result);
    expect(report).toMatchObject({ kind: 'verifyArchive', report: { ok: false, interrupted: true, itemsChecked: CHECKED_BEFORE_CANCEL, itemsTotal: FILES, custodyEventsAdded: 0, problems: [], run: { resumed: false, passed: CHECKED_BEFORE_CANCEL } } });
    const fr = report.kind === 'verifyArchive' ? report.report : null;
    // The chain as it stood (rows numbered from 1); an unfinished run appends nothing until it finishes.
    expect(fr!.custodyRowsChecked).toBe(fr!.chainHeadBefore!.seq);
    expect(fr!.chainHead!.seq).toBe(fr!.chainHeadBefore!.seq);
    runId = fr!.run!.id;
    expect(await tid('fixity-kept').textContent()).toBe(`The progress of run ${runId} is kept: the next fixity check continues where this one stopped. Nothing is recorded in the custody log until the run has checked every item.`);
    expect(await tid('fixity-run').textContent()).toBe(`#${runId}`);

    expect(await tid('fixity-verdict').textContent()).toBe('Check cancelled before it finished: the archive is not verified');
    expect(await tid('fixity-report').getAttribute('class')).toBe('report interrupted');
    expect(await tid('fixity-interrupted').textContent()).toBe('Only the items counted here were re-hashed before the check was cancelled, and any problems listed are only those found until then. Run the fixity check again to verify the whole archive.');
    expect(await tid('fixity-interrupted').getAttribute('role')).toBe('status');
    expect(await tid('fixity-items').textContent()).toBe(String(CHECKED_BEFORE_CANCEL));
    // How many there were to check, beside how many were.
    expect(await labelOf('fixity-total')).toBe('Items in the archive');
    expect(await tid('fixity-total').textContent()).toBe(String(FILES));
    expect(await labelOf('fixity-custody-rows')).toBe('Custody log rows checked');
    expect(await tid('fixity-custody-rows').textContent()).toBe(String(fr!.custodyRowsChecked));
    expect(await labelOf('fixity-events-added')).toBe('Custody log events this check added');
    expect(await tid('fixity-events-added').textContent()).toBe('0');
    expect(await labelOf('fixity-chain-head')).toBe('Custody chain head after this check');
    expect(await tid('fixity-chain-head').textContent()).toBe(`#${fr!.chainHead!.seq} ${fr!.chainHead!.hash}`);
    expect(await tid('fixity-problems').count()).toBe(0);
    expect(await tid('fixity-report').textContent()).not.toMatch(/problems? found|intact/u);
  });

  it('says the same in Russian and Kyrgyz', async () => {
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => tid('fixity-verdict').textContent()).toBe('Проверка отменена до завершения: архив не проверен');
      expect(await labelOf('fixity-total')).toBe('Материалов в архиве');
      expect(await labelOf('fixity-events-added')).toBe('Записей журнала добавлено этой проверкой');
      expect(await labelOf('fixity-chain-head')).toBe('Вершина цепочки журнала после этой проверки');
      expect(await tid('fixity-interrupted').textContent()).toBe('До отмены были перепроверены только указанные здесь материалы, а перечисленные проблемы — лишь те, что нашлись к этому моменту. Запустите проверку целостности снова, чтобы проверить весь архив.');
      await tid('language').selectOption('ky');
      await expect.poll(() => tid('fixity-verdict').textContent()).toBe('Текшерүү аягына чейин жетпей токтотулду: архив текшерилген жок');
      expect(await labelOf('fixity-total')).toBe('Архивдеги материалдар');
      expect(await labelOf('fixity-events-added')).toBe('Бул текшерүү журналга кошкон жазуулар');
      expect(await labelOf('fixity-chain-head')).toBe('Ушул текшерүүдөн кийинки журнал чынжырынын башы');
      expect(await tid('fixity-interrupted').textContent()).toBe('Токтотулганга чейин бул жерде көрсөтүлгөн материалдар гана кайра текшерилди, ал эми тизмедеги көйгөйлөр ошол убакка чейин табылгандары гана. Бүт архивди текшерүү үчүн бүтүндүгүн кайра текшериңиз.');
    } finally {
      await tid('language').selectOption('en');
    }
    await expect.poll(() => tid('fixity-verdict').textContent()).toBe('Check cancelled before it finished: the archive is not verified');
  });

  it('a check run to the end afterwards passes, without the interruption note', async () => {
    const id = await startFixity();
    await reportShown(id);
    expect(stateOf(id)!.state).toBe('done');
    expect(await tid('fixity-verdict').textContent()).toBe('All originals are intact and the custody log holds.');
    expect(await tid('fixity-report').getAttribute('class')).toBe('report ok');
    expect(await tid('fixity-items').textContent()).toBe(String(FILES));
    expect(await tid('fixity-total').textContent()).toBe(String(FILES));
    // The cancelled run, resumed and finished: one event for the run.
    expect(await tid('fixity-events-added').textContent()).toBe('1');
    expect(await tid('fixity-interrupted').count()).toBe(0);
    expect(await tid('fixity-run').textContent()).toBe(`#${runId}, resumed: items checked before it was interrupted: ${CHECKED_BEFORE_CANCEL} (sessions: 2)`);
    expect(await tid('fixity-outcomes').textContent()).toBe(`${FILES} passed, 0 failed`);
  });

  it('shows the total as soon as the check starts, before the first item is re-hashed', async () => {
    held.requests = 0;
    held.after = 0; // every item waits: nothing is re-hashed until the check is cancelled
    let id: string;
    try {
      id = await startFixity();
      await expect.poll(() => tid('progress-files').textContent({ timeout: 1_000 }).catch(() => null), { timeout: 30_000 }).toBe(`0 of ${FILES}`);
      expect(host.events.filter((e) => e.type === 'progress' && e.jobId === id).map((e) => e.type === 'progress' && [e.progress.filesDone, e.progress.filesTotal])).toEqual([[0, FILES]]);
      await tid('cancel').click();
      await reportShown(id);
    } finally {
      held.after = null;
    }
    expect(await tid('fixity-verdict').textContent()).toBe('Check cancelled before it finished: the archive is not verified');
    expect(await tid('fixity-items').textContent()).toBe('0');
    expect(await tid('fixity-total').textContent()).toBe(String(FILES));
  });

  it('logged no CSP violation and no console error', async () => {
    expect(await csp.violations()).toEqual([]);
    expect(csp.consoleErrors).toEqual([]);
  });
});
