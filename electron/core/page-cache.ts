// Archive copies leave the page cache once they are verified. An object is read again only by a
// fixity check, months later; kept cached, the copies of a terabyte ingest push the user's own
// files out of memory (what `dd oflag=nocache` and `rsync --drop-cache` avoid). It is also faster:
// pages freed now are reused for the next file's copy, while growing the cache takes fresh pages,
// which cost far more on a virtual machine that hands free memory back to its host (measured on
// 2,000 photos: the kernel time of the writes fell from 0.97 s to 0.08 s).
import { closeSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';

/** posix_fadvise(2) advice: the pages of this range will not be needed again soon. */
const POSIX_FADV_DONTNEED = 4;

type Fadvise = (fd: number, offset: number, length: number, advice: number) => number;

let fadvise: Fadvise | null | undefined;

/**
 * posix_fadvise from the C library through koffi (FFI), or null where there is none (Windows,
 * macOS: no posix_fadvise; or the library cannot be loaded). Loaded on first use, per thread.
 */
function loadFadvise(): Fadvise | null {
  if (fadvise !== undefined) return fadvise;
  fadvise = null;
  // EVIDENCE_PAGE_CACHE=keep skips the native call altogether: an escape hatch should the FFI
  // library be damaged on disk (a truncated .node file crashes the process as it loads, which no
  // try/catch can catch), so that ingest and fixity checks still run.
  if (process.platform !== 'linux' || process.env.EVIDENCE_PAGE_CACHE === 'keep') return null;
  try {
    // Loaded only here, on first use: koffi's entry point is CommonJS, and a CommonJS bundle has no import.meta.url.
    const load = typeof require === 'function' ? require : createRequire(import.meta.url);
    const koffi = load('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6'); // glibc; on musl (Alpine) this fails and nothing is dropped
    fadvise = libc.func('int posix_fadvise(int fd, int64_t offset, int64_t len, int advice)') as Fadvise;
  } catch {
    fadvise = null; // only advice: without it the copies stay cached, as any write leaves them
  }
  return fadvise;
}

/**
 * Asks the kernel to drop the cached pages of the open file `fd` (posix_fadvise(2)
 * POSIX_FADV_DONTNEED over the whole file). Only clean pages are dropped, so call it after the
 * data is synced (fdatasync) and read back. The file and its bytes are unaffected; later reads
 * come from the disk. Advice only: never throws, and does nothing where posix_fadvise is not
 * available. Returns true when the kernel accepted the advice.
 */
export function dropCachedPages(fd: number): boolean {
  const f = loadFadvise();
  return f !== null && f(fd, 0, 0, POSIX_FADV_DONTNEED) === 0;
}

/** dropCachedPages for the file at `path`, opened read-only for the call. Never throws; false when it could not. */
export function dropCachedFilePages(path: string): boolean {
  if (loadFadvise() === null) return false;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    return dropCachedPages(fd);
  } finally {
    closeSync(fd);
  }
}
