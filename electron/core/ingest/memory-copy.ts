// Verified copy of a small file from one read: the bytes that are hashed are the bytes written.
import { createHash } from 'node:crypto';
import { closeSync, fdatasync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import type { DigestAlgorithm, Digests } from '../../common/types.ts';
import { WHOLE_READ_MAX_BYTES } from '../metadata/io.ts';
import { CopyVerificationError, digestFile, openSource, sourceStat, type ByteCounter, type SourceStat } from './digest.ts';
import { dropCachedPages } from '../page-cache.ts';

// Off the thread: while one file waits for the disk, the same worker hashes and parses others.
const fdatasyncAsync = promisify(fdatasync);

/**
 * Files up to this size (bytes) are read whole into memory once; larger ones are streamed.
 * How many such files are held at once is bounded in bytes (IN_MEMORY_BUDGET_BYTES).
 * The same limit as metadata parsing's whole reads, so a file gives the same record either way.
 */
export const IN_MEMORY_MAX_BYTES = WHOLE_READ_MAX_BYTES;

/**
 * Tasks each worker thread runs at once. A small file's task spends much of its time waiting:
 * for fdatasync and the directory fsync (done off the thread), and for the main thread, which
 * hands out new files only between its catalog commits; the other tasks hash and parse
 * meanwhile. Measured on 2,000 photos (2 cores): 1 → 4.1 s, 4 → 3.0 s, 8 → 2.75 s (third
 * session); 24 took 4–7 % less time than 8 in four series of alternating runs (fifth session).
 * Each task of a small file holds one SMALL_FILE_BYTES buffer (24 MiB a thread at most).
 */
export const TASKS_PER_THREAD = 24;

/**
 * Bytes of the large whole-file buffers (IN_MEMORY_MAX_BYTES each, for files of 1–8 MiB) all the
 * worker threads of one pool may hold at once, reused from file to file (ingest/byte-budget.ts
 * WholeFileBuffers); each thread also has one SMALL_FILE_BYTES buffer per task it runs.
 */
export const IN_MEMORY_BUDGET_BYTES = 48 * 1024 * 1024;

/** The 8 MiB buffers each of `threads` threads gets from IN_MEMORY_BUDGET_BYTES: 3 for 2 threads, 1 from 4. */
export function largeBuffersPerThread(threads: number): number {
  return Math.max(1, Math.floor(IN_MEMORY_BUDGET_BYTES / Math.max(1, threads) / IN_MEMORY_MAX_BYTES));
}

function changed(src: string | Buffer, before: { size: number; mtimeMs: number }, after: { size: number; mtimeMs: number }): CopyVerificationError {
  return new CopyVerificationError(`${String(src)}: the file changed while it was being read (size ${before.size} → ${after.size} bytes, modified ${new Date(before.mtimeMs).toISOString()} → ${new Date(after.mtimeMs).toISOString()}); not ingested`);
}

/**
 * Reads the whole of `src` (opened read-only with openSource: without `followLinks` a symbolic
 * link is refused) when it is at most `maxBytes` long, into the start of `into` when it is long
 * enough (the bytes returned are then a view of it); returns null,
 * having read nothing, for a larger file. The size and mtime seen through the open descriptor
 * before and after the read must agree with the bytes read, so a file that grows or is
 * truncated while we read it is refused; a same-size rewrite in place is caught later by
 * checkSourceUnchanged. Returns the bytes and the SourceStat of the version read.
 * Throws fs errors (ENOENT, EACCES, EISDIR) and CopyVerificationError.
 */
export function readWholeFile(src: string | Buffer, maxBytes: number, counter: ByteCounter = null, followLinks = true, into?: Buffer): { bytes: Buffer; stat: SourceStat } | null {
  const fd = openSource(src, followLinks);
  try {
    const big = fstatSync(fd, { bigint: true });
    const before = { size: Number(big.size), mtimeMs: Number(big.mtimeNs) / 1e6 };
    if (before.size > maxBytes) return null;
    const bytes = into && before.size <= into.length ? into.subarray(0, before.size) : Buffer.allocUnsafe(before.size);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, got);
      if (n === 0) break;
      got += n;
      if (counter) Atomics.add(counter, 0, BigInt(n));
    }
    // One byte more than the size said means the file grew while we read it.
    const extra = readSync(fd, Buffer.allocUnsafe(1), 0, 1, got);
    const bigAfter = fstatSync(fd, { bigint: true });
    const after = { size: Number(bigAfter.size), mtimeMs: Number(bigAfter.mtimeNs) / 1e6 };
    const steady = bigAfter.size === big.size && bigAfter.mtimeNs === big.mtimeNs;
    // procfs and sysfs files report size 0 (or a page) and hold something else: not a file that changed.
    if (steady && extra !== 0) throw new CopyVerificationError(`${String(src)}: the file holds more bytes than its size says (${before.size}), like the virtual files of /proc and /sys; not ingested`);
    if (got !== before.size || !steady) throw changed(src, before, after);
    return { bytes, stat: sourceStat(big) };
  } finally {
    closeSync(fd);
  }
}

// Compared a slice at a time; reads here are synchronous, so one buffer per thread is enough.
const COMPARE_BYTES = 1024 * 1024;
let scratch: Buffer | null = null;

/** True when the open file `fd` holds exactly `bytes`, read from its start. Throws fs errors. */
function fdHolds(fd: number, bytes: Buffer): boolean {
  const buf = (scratch ??= Buffer.allocUnsafe(COMPARE_BYTES));
  let at = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, COMPARE_BYTES, at);
    if (n === 0) return at === bytes.length;
    if (at + n > bytes.length || !buf.subarray(0, n).equals(bytes.subarray(at, at + n))) return false;
    at += n;
  }
}

/**
 * True when the file at `path` holds exactly `bytes` (same length, same content). Used to trust
 * a file already at an object's address only after reading it. Throws fs errors.
 */
export function fileHolds(path: string, bytes: Buffer): boolean {
  const fd = openSource(path, true); // a named pipe planted at an object's address must not hang us
  try {
    return fdHolds(fd, bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * The second, independent read of a small source (DESIGN.md §2 verified copy): after the copy
 * is written and verified, the source is read again and must still hold exactly the bytes that
 * were hashed and copied. One read alone cannot see a rewrite in place that lands while it runs
 * (the mtime moves when the write starts, before its data arrives), so without this a file
 * being overwritten could be stored half old, half new. Throws CopyVerificationError naming
 * `src` when it differs; fs errors as Node throws them.
 */
export function checkSourceUnchanged(src: string | Buffer, bytes: Buffer, followLinks = true): void {
  const fd = openSource(src, followLinks);
  try {
    if (!fdHolds(fd, bytes)) {
      throw new CopyVerificationError(`${String(src)}: the file changed while it was being read (a second reading differs from the first); not ingested`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Message digests of bytes in memory: SHA-256 always plus each of `algorithms` (FIPS 180-4
 * SHA-1/SHA-256, RFC 1321 MD5), lower-case hex; the same values digestFile gives for a file
 * holding these bytes.
 */
export function digestBytes(bytes: Buffer, algorithms: readonly DigestAlgorithm[]): Digests {
  const out: Partial<Record<DigestAlgorithm, string>> = { sha256: createHash('sha256').update(bytes).digest('hex') };
  for (const a of algorithms) out[a] ??= createHash(a).update(bytes).digest('hex');
  return out as Digests;
}

/**
 * The write half of a verified copy (DESIGN.md §2) for bytes already hashed: creates `dst`
 * exclusively and read-only (mode 0444; the descriptor stays writable), writes `bytes`,
 * fdatasyncs, then re-reads `dst` from the file system and recomputes its SHA-256; a verified
 * copy's pages are then dropped from the page cache (dropCachedPages).
 * Throws CopyVerificationError when the copy does not read back as `sha256`; fs errors
 * (EEXIST, ENOSPC, EIO) as Node throws them. The caller removes `dst` on error.
 */
export async function writeVerifiedCopy(src: string | Buffer, bytes: Buffer, sha256: string, dst: string): Promise<void> {
  const fd = openSync(dst, 'wx', 0o444);
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, done);
    await fdatasyncAsync(fd); // the data and the size that reads it back; not timestamps
    const check = digestFile(dst, ['sha256']);
    if (check.digests.sha256 !== sha256 || check.bytes !== bytes.length) {
      throw new CopyVerificationError(`${String(src)}: the copy does not read back as the file that was hashed (source sha256 ${sha256}, copy ${check.digests.sha256}): the copy is damaged; not ingested`);
    }
    dropCachedPages(fd); // verified: the copy need not stay in memory (see page-cache.ts)
  } finally {
    closeSync(fd);
  }
}
