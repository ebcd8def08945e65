// The Electron side without Electron: the bundles scripts/build-electron.mjs makes, and main's
// archive worker thread (its message protocol) running the real service on a real archive.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../electron/common/ipc.ts';
import { startArchiveWorker, type ArchiveWorker } from '../../electron/main/worker-host.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const OUT = join(REPO_ROOT, 'dist-electron');

describe('bundled Electron code and the archive worker thread', () => {
  let dir: string;
  let worker: ArchiveWorker;
  const events: JobEvent[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-electron.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'evidence-worker-'));
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'a.txt'), 'first file\n');
    writeFileSync(join(dir, 'in', 'b.txt'), 'second file\n');
    worker = startArchiveWorker(pathToFileURL(join(OUT, 'archive-worker.mjs')), {
      settingsFile: join(dir, 'settings.json'),
      appInfo: { version: 't', platform: process.platform, packaged: false },
      gazetteerSeed: join(REPO_ROOT, 'resources', 'gazetteer', 'places.csv'),
      verifyHtml: join(REPO_ROOT, 'resources', 'verify', 'VERIFY.html'),
      checkOutput: true,
    }, (ev) => events.push(ev));
  });
  afterAll(async () => {
    await worker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds main, preload (CommonJS, no raw ipcRenderer exposed) and both workers', () => {
    for (const f of ['main.mjs', 'archive-worker.mjs', 'worker.mjs', 'preload.cjs']) expect(existsSync(join(OUT, f)), f).toBe(true);
    const preload = readFileSync(join(OUT, 'preload.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).toContain('exposeInMainWorld("evidence"');
    expect(preload).not.toMatch(/exposeInMainWorld\("ipcRenderer"/u);
    const main = readFileSync(join(OUT, 'main.mjs'), 'utf8');
    expect(main).toContain('contextIsolation: true');
    expect(main).toContain('sandbox: true');
    expect(main).toContain('nodeIntegration: false');
  });

  it('opens an archive, ingests with the bundled ingest worker, lists and resolves media', async () => {
    const open = await worker.call('archive.open', { dir: join(dir, 'arch'), create: true });
    expect(open).toMatchObject({ ok: true, value: { itemCount: 0 } });
    const start = await worker.call('jobs.start', { kind: 'ingest', inputs: [join(dir, 'in')] });
    expect(start.ok).toBe(true);
    await expect.poll(() => events.some((e) => e.type === 'state' && e.job.kind === 'ingest' && e.job.state === 'done'), { timeout: 30_000 }).toBe(true);
    expect(events.filter((e) => e.type === 'file').length).toBe(2);
    const list = await worker.call('items.list', { filter: {}, sort: { by: 'name', dir: 'asc' } });
    expect(list.ok && (list.value as { items: { name: string }[] }).items.map((i) => i.name)).toEqual(['a.txt', 'b.txt']);
    const id = list.ok ? (list.value as { items: { id: number }[] }).items[0]!.id : 0;
    const file = await worker.media({ variant: 'original', id });
    expect(readFileSync(file.path, 'utf8')).toBe('first file\n');
    await expect(worker.media({ variant: 'original', id: 999 })).rejects.toMatchObject({ status: 404 });
    // The places of the shipped gazetteer were loaded through the path main passed.
    const places = await worker.call('catalog.list', { entity: 'place' });
    expect(places.ok && (places.value as unknown[]).length).toBeGreaterThan(10);
    expect(await worker.call('items.get', { id: -3 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});
