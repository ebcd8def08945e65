// The Item screen's description and notes: the production renderer in Debian's Chromium against
// the loopback host and the real core (no corpus needed). An investigator writes a description
// and notes in Russian, saves, and the screen, the core's record (read by the `evidence` CLI in
// its own process) and the custody log all hold it; clearing the notes removes them and sends
// only that field; Cancel writes nothing; Save is off while a save is under way; a failed save
// shows the error banner and keeps what was typed; the section speaks Russian and Kyrgyz.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import type { TestHost } from './host.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const DESCRIPTION = 'Разрушенная школа, с. Максат';
const NOTES = 'Снято с крыши соседнего дома, 14:20.\nСо слов директора: обстрел ночью, пострадавших нет.';
const OPERATOR = 'Айгерим Сыдыкова';

type Custody = { seq: number; type: string; actor: string; item: string | null; detail: Record<string, unknown> };
type Text = { description: string | null; notes: string | null };

describe.skipIf(!HAS_CHROMIUM)('Item screen: description and notes', () => {
  let hosted: HostedRenderer | undefined;
  let host: TestHost;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let archive: string;
  let itemId: number;
  let sha256: string;
  /** The bodies the window sent on catalog.describe, in order. */
  const sent: Record<string, unknown>[] = [];
  const tid = (id: string) => page.getByTestId(id);

  /** The item's description and notes as the core has them: `evidence list --json`, in its own process. */
  const stored = (): Text => {
    const r = runCliJson<{ id: number; catalog: Text }[]>(['list', '--json', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    const it = r.json.find((i) => i.id === itemId)!;
    return { description: it.catalog.description, notes: it.catalog.notes };
  };
  /** The item's custody events as the core logs them: `evidence show <id> --json`. */
  const custody = (): Custody[] => {
    const r = runCliJson<{ custody: Custody[] }>(['show', String(itemId), '--json', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    return r.json.custody;
  };
  const modifications = () => custody().filter((e) => e.type === 'metadata modification');

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-item-text-');
    ({ host } = hosted);
    const { tmp } = hosted;
    await host.service.handlers['settings.set']({ operator: OPERATOR });
    archive = join(tmp, 'Maksat School');
    await host.service.handlers['archive.open']({ dir: archive, create: true });
    writeFileSync(join(tmp, 'statement.txt'), 'statement of the school director\n');
    const { jobId } = await host.service.handlers['jobs.start']({ kind: 'ingest', inputs: [join(tmp, 'statement.txt')] });
    const ended = () => host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    const item = (await host.service.handlers['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).items[0]!;
    itemId = item.id;
    sha256 = item.sha256;
    await host.service.handlers['archive.close']({});

    win = await openArchiveWindow(host, archive, /^1 item$/u, 'nav-library');
    page = win.page;
    page.on('request', (req) => {
      if (req.url().endsWith('/__ipc/catalog.describe')) sent.push(JSON.parse(req.postData() ?? 'null') as Record<string, unknown>);
    });
    await page.locator('[data-testid=item-tile] .name', { hasText: 'statement.txt' }).click();
    await tid('item-name').filter({ hasText: 'statement.txt' }).waitFor();
  });

  afterAll(() => closeRendererHost(hosted, win));

  it('shows an item with neither yet, and offers nothing to save until something is typed', async () => {
    expect(await tid('item-description').textContent()).toBe('none');
    expect(await tid('item-notes').textContent()).toBe('none');
    await tid('item-text-edit').click();
    expect(await tid('item-description-input').inputValue()).toBe('');
    expect(await tid('item-notes-input').inputValue()).toBe('');
    expect(await tid('item-text-save').isDisabled()).toBe(true);
    await tid('item-text-cancel').click();
    expect(await tid('item-description-input').count()).toBe(0);
  });

  it('saves a description and notes in Russian: on screen, in the core, in the custody log', async () => {
    const eventsBefore = await tid('custody').locator('li').count();
    await tid('item-text-edit').click();
    await tid('item-description-input').fill(DESCRIPTION);
    await tid('item-notes-input').fill(NOTES);
    await tid('item-text-save').click();

    await expect.poll(() => tid('item-description').textContent()).toBe(DESCRIPTION);
    expect(await tid('item-notes').textContent()).toBe(NOTES);
    expect(await tid('item-notes-input').count()).toBe(0);
    // Line breaks are shown as the investigator wrote them, not run together.
    expect(await tid('item-notes').evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('pre-wrap');
    // The item's custody list reloaded with the new event.
    await expect.poll(() => tid('custody').locator('li').count()).toBe(eventsBefore + 1);
    expect(await tid('custody').locator('li').last().textContent()).toContain('Tags changed');
    expect(await tid('custody').locator('li').last().textContent()).toContain(OPERATOR);
    expect(await tid('error').count()).toBe(0);

    expect(sent).toEqual([{ id: itemId, description: DESCRIPTION, notes: NOTES }]);
    expect(stored()).toEqual({ description: DESCRIPTION, notes: NOTES });
    const mods = modifications();
    expect(mods).toHaveLength(1);
    expect(mods[0]).toMatchObject({
      actor: OPERATOR, item: sha256,
      detail: { outcome: 'success', action: 'tagging', via: 'app', before: { description: null, notes: null }, after: { description: DESCRIPTION, notes: NOTES } },
    });
    // The Library finds the item by its description.
    expect((await host.service.handlers['items.list']({ filter: { text: 'Максат' }, sort: { by: 'id', dir: 'asc' } })).items.map((i) => i.id)).toEqual([itemId]);
  });

  it('Cancel drops what was typed and writes nothing', async () => {
    const before = sent.length;
    await tid('item-text-edit').click();
    expect(await tid('item-description-input').inputValue()).toBe(DESCRIPTION);
    expect(await tid('item-notes-input').inputValue()).toBe(NOTES);
    await tid('item-description-input').fill('не то');
    await tid('item-text-cancel').click();
    expect(await tid('item-description').textContent()).toBe(DESCRIPTION);
    expect(sent.length).toBe(before);
    expect(stored()).toEqual({ description: DESCRIPTION, notes: NOTES });
  });

  it('clearing the notes removes them, and sends only the notes', async () => {
    await tid('item-text-edit').click();
    await tid('item-notes-input').fill('');
    await tid('item-text-save').click();
    await expect.poll(() => tid('item-notes').textContent()).toBe('none');
    expect(await tid('item-description').textContent()).toBe(DESCRIPTION);

    expect(sent.at(-1)).toEqual({ id: itemId, notes: null });
    expect(stored()).toEqual({ description: DESCRIPTION, notes: null });
    const mods = modifications();
    expect(mods).toHaveLength(2);
    expect(mods[1]!.detail).toMatchObject({ before: { description: DESCRIPTION, notes: NOTES }, after: { description: DESCRIPTION, notes: null } });
  });

  it('keeps Save off while saving, and on a failed save shows the error banner and keeps the text', async () => {
    // Hold the call until the test has looked at the button, then let it through to the service.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const hold = async (route: Route) => {
      await held;
      await route.continue();
    };
    await page.route('**/__ipc/catalog.describe', hold);
    await tid('item-text-edit').click();
    await tid('item-notes-input').fill('Повторная съёмка 12 мая');
    await tid('item-text-save').click();
    await expect.poll(() => tid('item-text-save').textContent()).toBe('Saving…');
    expect(await tid('item-text-save').isDisabled()).toBe(true);
    expect(await tid('item-notes-input').isDisabled()).toBe(true);
    release();
    await expect.poll(() => tid('item-notes').textContent()).toBe('Повторная съёмка 12 мая');
    await page.unroute('**/__ipc/catalog.describe', hold);
    expect(stored().notes).toBe('Повторная съёмка 12 мая');

    // A save the archive refuses (answered here as the service answers a failure).
    const refuse = (route: Route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ok: false, error: { code: 'FAILED', message: 'disk full while saving the notes' } }) });
    await page.route('**/__ipc/catalog.describe', refuse);
    await tid('item-text-edit').click();
    await tid('item-description-input').fill('Школа №2, с. Максат');
    await tid('item-text-save').click();
    await expect.poll(() => tid('error').textContent()).toContain('disk full while saving the notes');
    expect(await tid('error').textContent()).toContain('The operation failed.');
    // Still editing, with what was typed, and Save available again to retry.
    expect(await tid('item-description-input').inputValue()).toBe('Школа №2, с. Максат');
    expect(await tid('item-text-save').isDisabled()).toBe(false);
    await page.unroute('**/__ipc/catalog.describe', refuse);
    await tid('error').getByRole('button').click();
    await tid('item-text-cancel').click();
    expect(stored()).toEqual({ description: DESCRIPTION, notes: 'Повторная съёмка 12 мая' });
  });

  it('speaks Russian and Kyrgyz', async () => {
    const labels = () => page.locator('.item-text dt').allTextContents();
    try {
      await tid('language').selectOption('ru');
      await expect.poll(labels).toEqual(['Описание', 'Заметки']);
      expect(await page.getByRole('heading', { name: 'Описание и заметки' }).count()).toBe(1);
      await tid('item-text-edit').click();
      expect(await tid('item-text-save').textContent()).toBe('Сохранить');
      await tid('item-text-cancel').click();
      await tid('language').selectOption('ky');
      await expect.poll(labels).toEqual(['Сүрөттөмө', 'Эскертмелер']);
      expect(await page.getByRole('heading', { name: 'Сүрөттөмө жана эскертмелер' }).count()).toBe(1);
    } finally {
      await tid('language').selectOption('en');
    }
  });

  it('logged no CSP violation and no console error', async () => {
    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  });
});
