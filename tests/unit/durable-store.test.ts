// The object store's folders are made durable: every folder the store gains has its entry synced
// in its parent before an object in it is reported stored (POSIX fsync(2); FAT and exFAT lose an
// unsynced entry in a power cut, and with it every object in that folder).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';

const synced = vi.hoisted(() => ({ dirs: [] as string[], posix: true }));
vi.mock('../../electron/core/durable.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/durable.ts')>();
  return {
    ...real,
    syncDir: async (dir: string) => {
      synced.dirs.push(dir);
      await real.syncDir(dir);
    },
    // POSIX's rule by default (as on FAT and exFAT); the real answer for this machine in the last test.
    parentSyncNeeded: (dir: string) => synced.posix || real.parentSyncNeeded(dir),
  };
});

const { prepareObjectStore, objectPath } = await import('../../electron/core/objects.ts');
const { copyTask } = await import('../../electron/core/ingest/task.ts');
const { newFolderNeedsParentSync } = await import('../../electron/core/durable.ts');

const work = mkdtempSync(join(tmpdir(), 'ea-durable-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeEach(() => {
  synced.dirs = [];
});

/** Two different contents whose SHA-256 share their first four hex digits: one second-level folder. */
function twoInOneFolder(): [Buffer, Buffer] {
  const seen = new Map<string, Buffer>();
  for (;;) {
    const b = randomBytes(16);
    const key = createHash('sha256').update(b).digest('hex').slice(0, 4);
    const other = seen.get(key);
    if (other) return [other, b];
    seen.set(key, b);
  }
}

describe('durable object store folders', () => {
  const archive = join(work, 'archive');
  const objects = join(archive, 'objects');
  const tmp = join(archive, 'tmp');

  it('makes objects/sha256/00–ff once, syncing each new folder\'s parent up to the archive folder', async () => {
    mkdirSync(archive);
    await prepareObjectStore(objects);
    expect(readdirSync(join(objects, 'sha256')).sort()).toEqual(Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0')));
    expect(synced.dirs).toEqual([join(objects, 'sha256'), objects, archive]);
    synced.dirs = [];
    await prepareObjectStore(objects);
    expect(synced.dirs).toEqual([]); // nothing new, nothing to sync
  });

  it('syncs a new second-level folder in its parent before the copy is reported, once per folder', async () => {
    mkdirSync(tmp, { recursive: true });
    const [a, b] = twoInOneFolder();
    const src = (name: string, bytes: Buffer) => {
      const p = join(work, name);
      writeFileSync(p, bytes);
      return p;
    };
    const first = await copyTask({ src: src('a.bin', a), tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null });
    const shard = join(first.objectPath, '..');
    const top = join(shard, '..');
    expect(first.objectPath).toBe(objectPath(objects, createHash('sha256').update(a).digest('hex')));
    // The object's entry (in its folder), then that folder's entry (in the first-level folder).
    expect(synced.dirs).toEqual([shard, top]);

    synced.dirs = [];
    const second = await copyTask({ src: src('b.bin', b), tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null });
    expect(join(second.objectPath, '..')).toBe(shard);
    expect(synced.dirs).toEqual([shard]); // the folder's entry is durable already
  });

  it('syncs the first-level folder too when a store was prepared by an older version without it', async () => {
    const [c] = twoInOneFolder();
    const sha = createHash('sha256').update(c).digest('hex');
    rmSync(join(objects, 'sha256', sha.slice(0, 2)), { recursive: true, force: true });
    const p = join(work, 'c.bin');
    writeFileSync(p, c);
    const r = await copyTask({ src: p, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null });
    const shard = join(r.objectPath, '..');
    expect(synced.dirs).toEqual([shard, join(shard, '..'), join(objects, 'sha256')]);
  });

  it('skips the parent sync only where the file system makes a new folder durable with its first sync', () => {
    expect(newFolderNeedsParentSync('linux', 0xef53)).toBe(false); // ext2/3/4
    expect(newFolderNeedsParentSync('linux', 0x58465342n)).toBe(false); // XFS (statfs gives bigints too)
    for (const type of [0x4d44, 0x2011bab0, 0x9123683e, 0x65735546, 0xff534d42, 0x01021994]) {
      expect([type, newFolderNeedsParentSync('linux', type)]).toEqual([type, true]); // FAT, exFAT, btrfs, FUSE, SMB, tmpfs
    }
    expect(newFolderNeedsParentSync('linux', null)).toBe(true);
    expect(newFolderNeedsParentSync('darwin', 0xef53)).toBe(true);
    expect(newFolderNeedsParentSync('win32', 0xef53)).toBe(true);
  });

  it('on this machine, syncs the new folder\'s parent exactly when its file system needs it', async () => {
    synced.posix = false;
    try {
      const [d] = twoInOneFolder();
      const p = join(work, 'd.bin');
      writeFileSync(p, d);
      const r = await copyTask({ src: p, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null });
      const shard = join(r.objectPath, '..');
      const needs = newFolderNeedsParentSync(process.platform, statfsSync(objects).type);
      expect(synced.dirs).toEqual(needs ? [shard, join(shard, '..')] : [shard]);
    } finally {
      synced.posix = true;
    }
  });
});
