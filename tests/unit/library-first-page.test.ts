// items.view with `first` (bench/library-ui.ts showed the second round trip for the first page
// cost a fifth of opening the Library): the summaries it answers are the view's first ones, the
// same that items.page answers for that window, thumbnails included; without `first` the answer
// is the view alone, and `first` past the end gives what there is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';
import { seedFootageArchive, type FootageSeed } from '../../bench/seed-footage.ts';
import { dateTimeFormat, numberFormat } from '../../renderer/src/intl-cache.ts';

describe('items.view with its first page', () => {
  let dir: string;
  let svc: ArchiveService;
  let seed: FootageSeed;
  const call = async (c: string, input: unknown) => {
    const r = await dispatch(svc.handlers, c, input, { checkOutput: true });
    if (!r.ok) throw new Error(`${c}: ${r.error.code} ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-first-page-'));
    seed = await seedFootageArchive(join(dir, 'archive'), 500);
    svc = createArchiveService({ settingsFile: join(dir, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: () => {}, threads: 1, autoDerivatives: false });
    await call('archive.open', { dir: join(dir, 'archive'), create: false });
  });
  afterAll(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the same summaries as items.page for the first window, thumbnails included', async () => {
    const v = await call('items.view', { filter: { kinds: ['video'] }, sort: { by: 'capturedAt', dir: 'desc' }, first: 200 });
    const items = v.items as { id: number; thumb: boolean; kind: string; durationSec: number | null; reel: string | null }[];
    expect(items).toHaveLength(200);
    const page = await call('items.page', { view: v.view, offset: 0, limit: 200 });
    expect(items).toEqual(page.items);
    expect(items.every((i) => i.kind === 'video' && i.durationSec! > 0 && /^A0\d\d$/u.test(i.reel!))).toBe(true);
    // Videos with i % 25 == 0 have no thumbnail yet (seed-footage.ts); the rest have one.
    expect(items.filter((i) => !i.thumb).every((i) => i.id % 25 === 0)).toBe(true);
    expect(items.filter((i) => i.thumb).length).toBeGreaterThan(180);
  });

  it('answers the view alone without `first`, and what there is when `first` passes the end', async () => {
    const plain = await call('items.view', { filter: {}, sort: { by: 'capturedAt', dir: 'desc' } });
    expect(plain.items).toBeUndefined();
    expect(plain.total).toBe(seed.items);
    const place = await call('items.view', { filter: { placeId: 'kok-tash-batken' }, sort: { by: 'capturedAt', dir: 'desc' }, first: 1000 });
    // Place PLACES[i % 5] when i % 3 == 0: i % 15 == 0, 33 of 1..500.
    expect(place.total).toBe(33);
    expect((place.items as unknown[]).length).toBe(33);
    expect((await dispatch(svc.handlers, 'items.view', { filter: {}, sort: { by: 'id', dir: 'asc' }, first: 1001 })).ok).toBe(false);
  });
});

describe('the renderer\'s Intl formatter cache', () => {
  it('gives one formatter per language and options, formatting as a new one does', () => {
    const a = dateTimeFormat('ru', { dateStyle: 'medium', timeZone: 'UTC' });
    expect(dateTimeFormat('ru', { dateStyle: 'medium', timeZone: 'UTC' })).toBe(a);
    expect(dateTimeFormat('ky', { dateStyle: 'medium', timeZone: 'UTC' })).not.toBe(a);
    const d = new Date(Date.UTC(2021, 4, 12));
    expect(a.format(d)).toBe(new Intl.DateTimeFormat('ru', { dateStyle: 'medium', timeZone: 'UTC' }).format(d));
    expect(numberFormat('en', { maximumFractionDigits: 2 })).toBe(numberFormat('en', { maximumFractionDigits: 2 }));
    expect(numberFormat('en', { maximumFractionDigits: 2 }).format(29.97)).toBe('29.97');
    expect(numberFormat('en').format(10000)).toBe('10,000');
  });
});
