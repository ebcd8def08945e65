// The IPC contract and its service adapter: every payload is validated before a handler runs,
// bad ones are refused with INVALID_INPUT naming the field, and answers keep to the contract.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvidenceApi } from '../../electron/common/bridge-api.ts';
import { CHANNEL_NAMES, HOST_CHANNELS, parseInput, type JobEvent } from '../../electron/common/ipc.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';

describe('IPC validation through the archive service', () => {
  let dir: string;
  let svc: ArchiveService;
  const events: JobEvent[] = [];
  const call = (c: string, input: unknown) => dispatch(svc.handlers, c, input, { checkOutput: true });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-ipc-'));
    svc = createArchiveService({ settingsFile: join(dir, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: (e) => events.push(e), threads: 1 });
  });
  afterAll(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const BAD: [string, unknown, string][] = [
    ['archive.open', { dir: '' }, 'dir'],
    ['archive.open', { dir: '/tmp/x' }, 'create'],
    ['archive.open', { dir: 'a\0b', create: true }, 'dir'],
    ['archive.open', { dir: '/tmp/x', create: true, extra: 1 }, 'extra'],
    ['items.get', { id: -1 }, 'id'],
    ['items.get', { id: 1.5 }, 'id'],
    ['items.get', { id: '1' }, 'id'],
    ['items.list', { filter: { kinds: ['exe'] }, sort: { by: 'id', dir: 'asc' } }, 'kinds'],
    ['items.list', { filter: { from: '29.04.2021' }, sort: { by: 'id', dir: 'asc' } }, 'from'],
    ['items.list', { filter: { from: '2021-02-30' }, sort: { by: 'id', dir: 'asc' } }, 'from'],
    ['items.list', { filter: { to: '2021-13-01' }, sort: { by: 'id', dir: 'asc' } }, 'to'],
    ['items.list', { filter: {}, sort: { by: 'sha256; DROP TABLE items', dir: 'asc' } }, 'sort.by'],
    ['jobs.start', { kind: 'ingest', inputs: [] }, 'inputs'],
    ['jobs.start', { kind: 'format-disk' }, 'kind'],
    ['jobs.start', { kind: 'export', outDir: '/tmp/x' }, 'itemIds'],
    ['jobs.start', { kind: 'export', outDir: '/tmp/x', itemIds: [1], filter: {} }, 'itemIds'],
    ['catalog.link', { itemIds: [1], entity: 'person', id: 3, linked: true }, 'role'],
    ['catalog.link', { itemIds: [1], entity: 'place', id: '../etc', linked: true }, 'id'],
    ['catalog.create', { data: { entity: 'place', input: { nameEn: 'X', lat: 91, lon: 0 } } }, 'lat'],
    ['catalog.create', { data: { entity: 'person', input: {} } }, 'name'],
    ['settings.set', { language: 'de' }, 'language'],
  ];
  it.each(BAD)('%s refuses %j (field %s)', async (channel, input, field) => {
    const r = await call(channel, input);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('INVALID_INPUT');
      expect(r.error.message).toContain(field.split('.').pop()!);
    }
  });

  it('refuses unknown channels and host channels', async () => {
    expect(await call('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(await call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    for (const c of HOST_CHANNELS) expect((await call(c, c === 'clipboard.write' ? { text: 'x' } : c === 'dialog.pickFolder' ? { purpose: 'import' } : {})).ok).toBe(false);
  });

  it('answers NO_ARCHIVE before an archive is open, then works after', async () => {
    expect(await call('items.list', { filter: {}, sort: { by: 'id', dir: 'asc' } })).toMatchObject({ ok: false, error: { code: 'NO_ARCHIVE' } });
    expect(await call('archive.open', { dir: join(dir, 'none'), create: false })).toMatchObject({ ok: false, error: { code: 'NOT_AN_ARCHIVE' } });
    const r = await call('archive.open', { dir: join(dir, 'arch'), create: true });
    expect(r).toMatchObject({ ok: true, value: { itemCount: 0, writable: true, name: 'arch' } });
    expect(await call('items.list', { filter: {}, sort: { by: 'id', dir: 'asc' } })).toEqual({ ok: true, value: { total: 0, items: [] } });
    expect(await call('items.get', { id: 5 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call('catalog.get', { entity: 'person', id: 99 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const s = await call('settings.get', {});
    expect(s).toMatchObject({ ok: true, value: { recent: [join(dir, 'arch')] } });
  });

  it('reports a failed job through its state event, not a thrown error', async () => {
    const r = await call('jobs.start', { kind: 'export', itemIds: [12345], outDir: join(dir, 'out') });
    expect(r.ok).toBe(true);
    const jobId = (r as { value: { jobId: string } }).value.jobId;
    await expect.poll(() => events.find((e) => e.type === 'state' && e.job.id === jobId && e.job.state === 'failed'), { timeout: 10_000 }).toBeTruthy();
    const ev = events.find((e) => e.type === 'state' && e.job.id === jobId && e.job.state === 'failed');
    expect(ev?.type === 'state' && ev.job.error?.message).toContain('12345');
  });

  it('an export job request is a full set by default, and refuses a public release that includes sensitive people', async () => {
    const base = { kind: 'export', itemIds: [1], outDir: '/tmp/x' } as const;
    const parsed = parseInput('jobs.start', base);
    expect(parsed.ok && parsed.value.kind === 'export' && [parsed.value.redactPeople, parsed.value.includeSensitive]).toEqual([false, false]);
    for (const flags of [{ redactPeople: true }, { includeSensitive: true }, { redactPeople: true, includeSensitive: false }]) {
      expect(parseInput('jobs.start', { ...base, ...flags }).ok, JSON.stringify(flags)).toBe(true);
    }
    expect(parseInput('jobs.start', { ...base, redactPeople: 'yes' }).ok).toBe(false);
    // Through the service as the window calls it: refused before any job starts.
    const before = events.length;
    const r = await call('jobs.start', { ...base, redactPeople: true, includeSensitive: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (!r.ok) expect(r.error.message).toMatch(/includeSensitive: .*redactPeople.*not both/u);
    expect(events.length).toBe(before);
  });

  it('parseInput trims catalog names and keeps the contract types', () => {
    const r = parseInput('catalog.create', { data: { entity: 'place', input: { nameEn: '  Kok-Tash  ' } } });
    expect(r.ok && (r.value.data.input as { nameEn: string }).nameEn).toBe('Kok-Tash');
  });

  it('the bridge API has one function per channel plus events, media URLs and dropped paths, nothing else', async () => {
    const seen: string[] = [];
    const api = createEvidenceApi({
      invoke: async (c) => {
        seen.push(c);
        return { ok: true, value: null };
      },
      subscribe: () => () => {},
      mediaUrl: (v, id) => `x://${v}/${id}`,
      pathForFile: () => '',
    });
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES, 'onJobEvent', 'mediaUrl', 'pathForFile'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    await api['items.get']({ id: 1 });
    expect(seen).toEqual(['items.get']);
    expect(api.mediaUrl('thumb', 3)).toBe('x://thumb/3');
  });
});
