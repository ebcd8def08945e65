// An item's description and notes through the IPC contract (catalog.describe): the schema at the
// boundary (the LongText limit, at least one field, nothing else), then the service over a real
// archive: a string sets a field, null or blank clears it, an absent field stays, the Item
// screen's detail shows the result, and every change is one `metadata modification` custody event
// with the before and after values and the operator; saving the same text again writes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LONG_TEXT_MAX, parseInput, type JobEvent, type Result } from '../../electron/common/ipc.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';

describe('catalog.describe: the input schema', () => {
  const refused = (input: unknown) => {
    const r = parseInput('catalog.describe', input);
    return r.ok ? null : r.error;
  };

  it('accepts a description, notes, both, null (clear) and text of exactly the limit', () => {
    for (const input of [
      { id: 1, description: 'Разрушенная школа, с. Максат' },
      { id: 1, notes: 'Снято со второго этажа' },
      { id: 1, description: 'a', notes: 'b' },
      { id: 1, description: null },
      { id: 1, notes: null, description: '' },
      { id: 1, notes: 'ж'.repeat(LONG_TEXT_MAX) },
    ]) {
      const r = parseInput('catalog.describe', input);
      expect(r.ok, JSON.stringify(input).slice(0, 80)).toBe(true);
      if (r.ok) expect(r.value).toEqual(input);
    }
  });

  it.each([
    ['no field to change', { id: 1 }, 'description'],
    ['text over the limit', { id: 1, description: 'x'.repeat(LONG_TEXT_MAX + 1) }, 'description'],
    ['notes over the limit', { id: 1, notes: 'ы'.repeat(LONG_TEXT_MAX + 1) }, 'notes'],
    ['a number as text', { id: 1, notes: 5 }, 'notes'],
    ['a bad item id', { id: 0, notes: 'x' }, 'id'],
    ['an item id as text', { id: '1', notes: 'x' }, 'id'],
    ['an unknown field', { id: 1, notes: 'x', tags: ['a'] }, 'tags'],
    ['several items', { itemIds: [1, 2], notes: 'x' }, 'itemIds'],
  ])('refuses %s', (_what, input, field) => {
    const e = refused(input);
    expect(e?.code).toBe('INVALID_INPUT');
    expect(e?.message).toMatch(new RegExp(`^catalog\\.describe: .*\\b${field}\\b`, 'u'));
  });

  it('the limit is the CLI\'s and the catalog forms\' 20,000 characters', () => {
    expect(LONG_TEXT_MAX).toBe(20_000);
  });
});

describe('catalog.describe through the archive service', () => {
  let dir: string;
  let svc: ArchiveService;
  let itemId: number;
  let sha256: string;
  const events: JobEvent[] = [];
  const call = async <T>(c: string, input: unknown) => (await dispatch(svc.handlers, c, input, { checkOutput: true })) as Result<T>;
  const value = async <T>(c: string, input: unknown): Promise<T> => {
    const r = await call<T>(c, input);
    if (!r.ok) throw new Error(`${c}: ${r.error.code} ${r.error.message}`);
    return r.value;
  };
  const detail = () => svc.handlers['items.get']({ id: itemId });
  const modifications = async () => (await detail()).custody.filter((e) => e.type === 'metadata modification');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-describe-'));
    svc = createArchiveService({ settingsFile: join(dir, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: (e) => events.push(e), threads: 1, autoDerivatives: false });
    await value('settings.set', { operator: 'Айгерим Сыдыкова' });
    await value('archive.open', { dir: join(dir, 'archive'), create: true });
    writeFileSync(join(dir, 'school.txt'), 'a statement about the school\n');
    const { jobId } = await value<{ jobId: string }>('jobs.start', { kind: 'ingest', inputs: [join(dir, 'school.txt')] });
    const ended = () => events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    const item = (await svc.handlers['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).items[0]!;
    itemId = item.id;
    sha256 = item.sha256;
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an item starts with no description and no notes', async () => {
    const d = await detail();
    expect([d.links?.description, d.links?.notes]).toEqual([null, null]);
    expect(await modifications()).toEqual([]);
  });

  it('sets both, as one custody event by the operator with before and after', async () => {
    const r = await value<{ changed: boolean; custodySeq: number | null }>('catalog.describe', { id: itemId, description: '  Разрушенная школа, с. Максат  ', notes: 'Снято с крыши соседнего дома.\nВторая строка.' });
    expect(r.changed).toBe(true);
    const d = await detail();
    // Stored trimmed, line breaks kept.
    expect(d.links?.description).toBe('Разрушенная школа, с. Максат');
    expect(d.links?.notes).toBe('Снято с крыши соседнего дома.\nВторая строка.');
    const mods = await modifications();
    expect(mods).toHaveLength(1);
    const [ev] = mods;
    expect(ev!.seq).toBe(r.custodySeq);
    expect(ev!.item).toBe(sha256);
    expect(ev!.actor).toBe('Айгерим Сыдыкова');
    expect(ev!.detail).toMatchObject({
      outcome: 'success', action: 'tagging', via: 'app',
      before: { description: null, notes: null },
      after: { description: 'Разрушенная школа, с. Максат', notes: 'Снято с крыши соседнего дома.\nВторая строка.' },
    });
  });

  it('changes only the field given; the other stays', async () => {
    const r = await value<{ changed: boolean; custodySeq: number | null }>('catalog.describe', { id: itemId, description: 'Мектеп талкаланган, Максат айылы' });
    expect(r.changed).toBe(true);
    const d = await detail();
    expect(d.links?.description).toBe('Мектеп талкаланган, Максат айылы');
    expect(d.links?.notes).toBe('Снято с крыши соседнего дома.\nВторая строка.');
    const last = (await modifications()).at(-1)!;
    expect(last.seq).toBe(r.custodySeq);
    expect(last.detail).toMatchObject({ before: { description: 'Разрушенная школа, с. Максат' }, after: { description: 'Мектеп талкаланган, Максат айылы', notes: 'Снято с крыши соседнего дома.\nВторая строка.' } });
  });

  it('saving the same text again changes nothing and logs nothing', async () => {
    const before = (await modifications()).length;
    expect(await value('catalog.describe', { id: itemId, description: 'Мектеп талкаланган, Максат айылы ' })).toEqual({ changed: false, custodySeq: null });
    expect((await modifications()).length).toBe(before);
  });

  it('null clears the notes, blank text clears the description, each logged', async () => {
    const before = (await modifications()).length;
    expect(await value('catalog.describe', { id: itemId, notes: null })).toMatchObject({ changed: true });
    expect((await detail()).links?.notes).toBeNull();
    expect((await detail()).links?.description).toBe('Мектеп талкаланган, Максат айылы');
    expect(await value('catalog.describe', { id: itemId, description: ' \n ' })).toMatchObject({ changed: true });
    expect((await detail()).links?.description).toBeNull();
    const mods = await modifications();
    expect(mods.length).toBe(before + 2);
    expect(mods.at(-2)!.detail).toMatchObject({ before: { notes: 'Снято с крыши соседнего дома.\nВторая строка.' }, after: { notes: null } });
    expect(mods.at(-1)!.detail).toMatchObject({ before: { description: 'Мектеп талкаланган, Максат айылы' }, after: { description: null, notes: null } });
  });

  it('finds the item by its description in the Library search', async () => {
    await value('catalog.describe', { id: itemId, description: 'Разрушенная школа, с. Максат' });
    const hit = await svc.handlers['items.list']({ filter: { text: 'Максат' }, sort: { by: 'id', dir: 'asc' } });
    expect(hit.items.map((i) => i.id)).toEqual([itemId]);
  });

  it('answers NOT_FOUND for an unknown item and INVALID_INPUT for text over the limit, writing nothing', async () => {
    const before = (await detail()).custody.length;
    expect(await call('catalog.describe', { id: itemId + 1000, notes: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const long = await call('catalog.describe', { id: itemId, notes: 'x'.repeat(LONG_TEXT_MAX + 1) });
    expect(long).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await detail()).custody.length).toBe(before);
    expect((await detail()).links?.notes).toBeNull();
  });
});
