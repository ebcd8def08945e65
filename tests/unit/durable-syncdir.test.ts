// syncDir on platforms and file systems that cannot sync a directory (Windows answers EPERM,
// some network shares EINVAL) resolves, so that an ingest still works there; a sync that was
// attempted and failed (EIO: the disk lost the write) is an error, never swallowed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const fail = vi.hoisted(() => ({ open: null as string | null, sync: null as string | null }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const err = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });
  return {
    ...real,
    openSync: (...args: Parameters<typeof real.openSync>) => {
      if (fail.open) throw err(fail.open);
      return real.openSync(...args);
    },
    fsync: (fd: number, cb: (e: NodeJS.ErrnoException | null) => void) => {
      if (fail.sync) {
        const code = fail.sync;
        setImmediate(() => cb(err(code)));
      } else real.fsync(fd, cb);
    },
  };
});

const { syncDir } = await import('../../electron/core/durable.ts');
const dir = mkdtempSync(join(tmpdir(), 'ea-syncdir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syncDir', () => {
  it('syncs a directory', async () => {
    fail.open = fail.sync = null;
    await expect(syncDir(dir)).resolves.toBeUndefined();
  });

  it('resolves where a directory cannot be opened or synced (Windows EPERM/EISDIR, network shares EINVAL)', async () => {
    for (const code of ['EPERM', 'EISDIR']) {
      fail.open = code;
      fail.sync = null;
      await expect(syncDir(dir)).resolves.toBeUndefined();
    }
    fail.open = null;
    for (const code of ['EPERM', 'EINVAL', 'ENOTSUP']) {
      fail.sync = code;
      await expect(syncDir(dir)).resolves.toBeUndefined();
    }
  });

  it('throws when the sync itself fails, and for a folder that does not exist', async () => {
    fail.open = null;
    fail.sync = 'EIO';
    await expect(syncDir(dir)).rejects.toMatchObject({ code: 'EIO' });
    fail.sync = null;
    await expect(syncDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
