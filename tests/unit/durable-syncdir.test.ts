// syncDir where a directory cannot be synced (Windows, some network shares answering EINVAL)
// resolves, so that an ingest still works there; a sync that was attempted and failed (EIO: the
// disk lost the write) or a permission error is an error, never swallowed.
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

  it('resolves where a file system cannot sync a directory (network shares: EINVAL, ENOTSUP)', async () => {
    fail.open = null;
    for (const code of ['EINVAL', 'ENOTSUP', 'EOPNOTSUPP']) {
      fail.sync = code;
      await expect(syncDir(dir)).resolves.toBeUndefined();
    }
  });

  it('does not try on Windows, which cannot open a directory for flushing', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'win32' });
    try {
      fail.open = 'EPERM';
      await expect(syncDir(dir)).resolves.toBeUndefined();
    } finally {
      Object.defineProperty(process, 'platform', platform);
      fail.open = null;
    }
  });

  it('does not let a permission error quietly turn durability off elsewhere', async () => {
    fail.sync = null;
    for (const code of ['EPERM', 'EACCES']) {
      fail.open = code;
      await expect(syncDir(dir)).rejects.toMatchObject({ code });
    }
    fail.open = null;
  });

  it('throws when the sync itself fails, and for a folder that does not exist', async () => {
    fail.open = null;
    fail.sync = 'EIO';
    await expect(syncDir(dir)).rejects.toMatchObject({ code: 'EIO' });
    fail.sync = null;
    await expect(syncDir(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
