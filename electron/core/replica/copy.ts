// A verified, crash-safe copy of one object to its content address in another store (a replica,
// or the archive itself when repairing): written under a temporary name, flushed, read back and
// compared by SHA-256, and only then renamed into place. A process killed at any point leaves
// either the old state or the whole verified copy under the final name, never part of one.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fdatasyncSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirs } from '../dirs.ts';
import { syncDir } from '../durable.ts';
import { CHUNK_BYTES, digestFile, openSource } from '../ingest/digest.ts';
import { syncParents } from '../objects.ts';

/** The content a copy must hold: what the catalog records for the item. */
export interface ExpectedContent {
  sha256: string;
  bytes: number;
}

/** The source did not hold the expected content: nothing was written under the final name. */
export class SourceMismatchError extends Error {
  constructor(
    readonly found: { sha256: string; bytes: number },
    expected: ExpectedContent,
  ) {
    super(`the source does not hold the recorded content: SHA-256 expected ${expected.sha256}, found ${found.sha256}${found.bytes !== expected.bytes ? `; size expected ${expected.bytes} bytes, found ${found.bytes}` : ''}`);
    this.name = 'SourceMismatchError';
  }
}

/** Temporary files of copies live here until they are renamed; their names end so. */
export const PARTIAL_SUFFIX = '.partial';

/**
 * Copies the file `src` to `dest` (a content address `…/sha256/ab/cd/<sha256>`), crash-safely:
 * reads `src` once while hashing it and writing to a new file in `tmpDir` (same file system as
 * `dest`), fdatasync(2)s it, makes it read-only, re-reads it from the device and compares its
 * SHA-256 and size with `expected`, makes `dest`'s folder if needed (syncing new entries), then
 * rename(2)s it over `dest` (atomic on POSIX) and syncs the folder. Whatever was at `dest` is
 * replaced only by a verified copy. Refuses a source that is not a regular file, and one that is a
 * symbolic link unless `followLinks` (a file the user names).
 * Returns the bytes copied. Throws SourceMismatchError when `src` does not hold `expected` (nothing
 * written), Error when the copy does not read back identical (the temporary file removed), or the
 * fs error (ENOENT, EACCES, ENOSPC, EIO).
 */
export async function copyVerified(src: string, dest: string, tmpDir: string, expected: ExpectedContent, followLinks = false): Promise<number> {
  makeDirs(tmpDir);
  const tmp = join(tmpDir, `${expected.sha256}.${process.pid}.${randomBytes(4).toString('hex')}${PARTIAL_SUFFIX}`);
  const inFd = openSource(src, followLinks);
  let outFd: number | null = null;
  try {
    outFd = openSync(tmp, 'wx', 0o600);
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let bytes = 0;
    for (;;) {
      const n = readSync(inFd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      const view = buf.subarray(0, n);
      h.update(view);
      for (let off = 0; off < n; ) off += writeSync(outFd, view, off, n - off);
      bytes += n;
    }
    const sha = h.digest('hex');
    if (sha !== expected.sha256 || bytes !== expected.bytes) throw new SourceMismatchError({ sha256: sha, bytes }, expected);
    fdatasyncSync(outFd);
    // Stored copies are read-only, as the archive's own are.
    fchmodSync(outFd, 0o444);
    closeSync(outFd);
    outFd = null;
    const back = digestFile(tmp, ['sha256'], null, false, true);
    if (back.digests.sha256 !== expected.sha256 || back.bytes !== expected.bytes) {
      throw new Error(`the copy did not read back identical (SHA-256 ${back.digests.sha256}, ${back.bytes} bytes): the destination drive may be failing`);
    }
    const folder = dirname(dest);
    const made = makeDirs(folder);
    if (made !== undefined) await syncParents(folder, made);
    renameSync(tmp, dest);
    await syncDir(folder);
    return bytes;
  } catch (e) {
    if (outFd !== null) closeSync(outFd);
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    closeSync(inFd);
  }
}

/** Removes copies left in `tmpDir` by an interrupted run (files ending in PARTIAL_SUFFIX); they never reached a content address. */
export function clearPartials(tmpDir: string): void {
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const n of names) if (n.endsWith(PARTIAL_SUFFIX)) rmSync(join(tmpDir, n), { force: true });
}
