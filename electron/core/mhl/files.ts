// Hashing files on disk in the MHL formats, and listing a folder the way a history describes it.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMultiHasher, type MhlHashFormat } from './hash.ts';
import { ASC_MHL_DIR } from './read.ts';

const CHUNK = 4 * 1024 * 1024;

/**
 * The hashes of the file at `path` in each of `formats`, in one sequential read, with its size in
 * bytes. Throws fs errors (ENOENT, EACCES, EISDIR).
 */
export async function hashFile(path: string, formats: readonly MhlHashFormat[]): Promise<{ hashes: Partial<Record<MhlHashFormat, string>>; bytes: number }> {
  const h = await createMultiHasher(formats);
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { hashes: h.digests(), bytes };
}

/**
 * Regular files under `folder`, as paths relative to it with "/", sorted; the ascmhl/ folder and
 * `.DS_Store` files are left out (the ASC MHL default ignore list), and so are the folders in
 * `skipTopLevel` (names directly under `folder`). Symbolic links are not followed.
 */
export function listFolderFiles(folder: string, skipTopLevel: readonly string[] = []): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = rel ? join(folder, rel) : folder;
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.name === ASC_MHL_DIR || e.name === '.DS_Store') continue;
      if (!rel && skipTopLevel.includes(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Size and modification time of a file (for a generation's path attributes). */
export function fileFacts(path: string): { bytes: number; mtime: Date } {
  const st = statSync(path);
  return { bytes: st.size, mtime: st.mtime };
}
