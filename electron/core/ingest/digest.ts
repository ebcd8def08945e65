import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, existsSync, fdatasyncSync, fstatSync, lstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import type { DigestAlgorithm, Digests } from '../../common/types.ts';
import { dropCachedPages } from '../page-cache.ts';

/** Read size for hashing and copying: large enough that syscalls do not dominate, small enough to keep memory flat. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

// One read buffer per thread, reused: allocating 4 MiB for each of thousands of small photos
// made the garbage collector the busiest part of an ingest. Safe because reads here are synchronous.
let shared: Buffer | null = null;
function readBuffer(): Buffer {
  return (shared ??= Buffer.allocUnsafe(CHUNK_BYTES));
}

/** Counts bytes processed across threads, so the main thread can show progress inside one large file. */
export type ByteCounter = BigInt64Array | null;

/** More hashes fed from the same read pass (the MHL formats of a file a card's hash list names: mhl/hash.ts). */
export interface ExtraHasher {
  update(data: Uint8Array): void;
}

function hashers(algorithms: readonly DigestAlgorithm[]): Map<DigestAlgorithm, Hash> {
  const m = new Map<DigestAlgorithm, Hash>();
  m.set('sha256', createHash('sha256'));
  for (const a of algorithms) if (!m.has(a)) m.set(a, createHash(a));
  return m;
}

function finish(m: Map<DigestAlgorithm, Hash>): Digests {
  const out: Partial<Record<DigestAlgorithm, string>> = {};
  for (const [a, h] of m) out[a] = h.digest('hex');
  return out as Digests;
}

/**
 * Message digests of a whole file in one sequential read pass (SHA-256 always, plus each of
 * `algorithms`; FIPS 180-4 SHA-1/SHA-256, RFC 1321 MD5), lower-case hex. Memory stays at one
 * CHUNK_BYTES buffer whatever the file size. Returns the digests and the byte count read.
 * Without `followLinks`, a path that is a symbolic link is refused (see openSource).
 * With `fromDevice`, the file's cached pages are dropped first (dropCachedPages), so the bytes
 * hashed are read from the storage device rather than from a copy in memory, as a fixity check
 * needs (where posix_fadvise is available; elsewhere the read may still be served from memory).
 * Throws the fs error (ENOENT, EACCES, EISDIR...) when the file cannot be read.
 */
export function digestFile(path: string | Buffer, algorithms: readonly DigestAlgorithm[] = ['sha256'], counter: ByteCounter = null, followLinks = true, fromDevice = false, extra?: ExtraHasher): { digests: Digests; bytes: number } {
  const hs = hashers(algorithms);
  const buf = readBuffer();
  const fd = openSource(path, followLinks);
  let bytes = 0;
  try {
    if (fromDevice) dropCachedPages(fd);
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      const view = buf.subarray(0, n);
      for (const h of hs.values()) h.update(view);
      extra?.update(view);
      bytes += n;
      if (counter) Atomics.add(counter, 0, BigInt(n));
    }
    if (fromDevice) dropCachedPages(fd); // and leaves nothing cached behind
  } finally {
    closeSync(fd);
  }
  return { digests: finish(hs), bytes };
}

/** Raised when a source changed while it was being read, or a copy does not read back identical. */
export class CopyVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyVerificationError';
  }
}

// Windows has neither flag; there, cards hardly ever hold links or named pipes.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** Raised for a path that is not a regular file when it is opened (a named pipe, socket or device). */
export class NotRegularFileError extends CopyVerificationError {
  constructor(path: string | Buffer) {
    super(`${String(path)}: is not a regular file (a named pipe, socket or device); not read`);
    this.name = 'NotRegularFileError';
  }
}

/**
 * Opens a file read-only for hashing or copying and returns its descriptor, refusing what is not
 * a regular file. The open never waits (O_NONBLOCK): opening a named pipe for reading would
 * otherwise block until something writes to it, hanging an ingest or a verify that Ctrl-C cannot
 * stop, and the descriptor's own stat then says what was opened. Without `followLinks` (every
 * file met inside a folder) a symbolic link is refused too (O_NOFOLLOW), so a file swapped for a
 * link after the folder walk cannot bring in content from outside the card; with it (a path given
 * directly as an input, an object in the store), links are followed. Throws CopyVerificationError
 * for such a link, NotRegularFileError, and fs errors (ENOENT, EACCES).
 */
export function openSource(path: string | Buffer, followLinks: boolean): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK | (followLinks ? 0 : NOFOLLOW));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP' && !followLinks) {
      throw new CopyVerificationError(`${String(path)}: has become a symbolic link since the folder was listed; links inside folders are not followed; not ingested`);
    }
    throw e;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new NotRegularFileError(path);
  }
  return fd;
}

// Where /proc exists (Linux), a descriptor's file can be named as /proc/self/fd/N.
const PROC_FD = process.platform === 'linux' && existsSync('/proc/self/fd');

/**
 * Kernel copy (copy_file_range/sendfile via libuv, off this thread) of the file open at `fd`,
 * which openSource opened as `src`, to `dst` (created exclusively). copyFile takes only paths:
 * given `src`, it would open whatever is at that path by then, and a named pipe swapped in since
 * our check would block it for ever. On Linux the descriptor's own file is named instead
 * (/proc/self/fd/N), so the bytes copied are those of the file that was checked; elsewhere the
 * path is the only way. Throws fs errors (EEXIST, ENOSPC, EIO).
 */
export async function copyOpenFile(fd: number, src: string | Buffer, dst: string): Promise<void> {
  await copyFile(PROC_FD ? `/proc/self/fd/${fd}` : src, dst, constants.COPYFILE_EXCL);
}

/**
 * Verified copy (DESIGN.md §2): opens `src` with openSource and copies the file it opened to
 * `dst` (created exclusively; it must not exist) in the kernel (copyOpenFile) while this thread computes
 * every requested digest of `src` in one read pass; then fdatasyncs `dst`, re-reads it and
 * recomputes SHA-256. The copy is accepted only when the re-read copy equals what was hashed,
 * so a source that changed between the two readings, or a copy damaged on its way to the disk,
 * is refused. Memory stays at one CHUNK_BYTES buffer whatever the file size.
 * Throws CopyVerificationError when the source's size or mtime changed during the copy or the
 * copy's SHA-256 differs, or when without `followLinks` the source is a symbolic link;
 * NotRegularFileError for a named pipe, socket or device; fs errors as thrown by Node. The source
 * is only ever opened for reading.
 * Returns the source's digests, size in bytes and the SourceStat of the version read.
 */
export async function verifiedCopy(
  src: string | Buffer,
  dst: string,
  algorithms: readonly DigestAlgorithm[],
  counter: ByteCounter = null,
  followLinks = true,
  extra?: ExtraHasher,
): Promise<{ digests: Digests; bytes: number; stat: SourceStat }> {
  const source = openSource(src, followLinks);
  let big: BigIntStats;
  let after: BigIntStats;
  let hashed: { digests: Digests; bytes: number };
  try {
    big = fstatSync(source, { bigint: true });
    // The kernel copies while this thread hashes: the two reads of the source overlap in time.
    const copying = copyOpenFile(source, src, dst);
    try {
      hashed = digestFile(src, algorithms, counter, followLinks, false, extra);
    } finally {
      await copying.catch(() => undefined);
    }
    await copying;
    after = fstatSync(source, { bigint: true });
  } finally {
    closeSync(source);
  }
  const before = { size: Number(big.size), mtimeMs: Number(big.mtimeMs) };
  if (after.size !== big.size || after.mtimeNs !== big.mtimeNs || hashed.bytes !== before.size) {
    throw new CopyVerificationError(`${String(src)}: the file changed while it was being read (size ${before.size} → ${Number(after.size)} bytes, modified ${new Date(before.mtimeMs).toISOString()} → ${new Date(Number(after.mtimeMs)).toISOString()}); not ingested`);
  }
  const fd = openSync(dst, 'r+');
  try {
    fdatasyncSync(fd); // the data and the size that reads it back; not timestamps
  } finally {
    closeSync(fd);
  }
  const check = digestFile(dst, ['sha256']);
  if (check.digests.sha256 !== hashed.digests.sha256 || check.bytes !== hashed.bytes) {
    throw new CopyVerificationError(`${String(src)}: the copy does not read back as the file that was hashed (source sha256 ${hashed.digests.sha256}, copy ${check.digests.sha256}): the source changed during the copy or the copy is damaged; not ingested`);
  }
  return { ...hashed, stat: sourceStat(big) };
}

/**
 * What identifies the version of a source that was read: size (bytes), modification time (ms and
 * exact ns, as text), inode and status-change time (ns, as text), taken from the descriptor the
 * content was read through, so a sighting records the version whose bytes were stored.
 */
export interface SourceStat {
  bytes: number;
  mtimeMs: number;
  mtimeNs: string;
  ino: string;
  ctimeNs: string;
}

/** SourceStat of BigInt stats (fs.fstatSync(fd, { bigint: true })). */
export function sourceStat(st: BigIntStats): SourceStat {
  return { bytes: Number(st.size), mtimeMs: Number(st.mtimeMs), mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString(), ctimeNs: st.ctimeNs.toString() };
}

/**
 * Stats of a source: of the file a link points to with `followLinks`, else of the path itself;
 * it must be a regular file (CopyVerificationError for a link, NotRegularFileError otherwise).
 */
function sourceLstat(src: string | Buffer, followLinks: boolean): BigIntStats {
  const st = followLinks ? statSync(src, { bigint: true }) : lstatSync(src, { bigint: true });
  if (st.isSymbolicLink()) throw new CopyVerificationError(`${String(src)}: has become a symbolic link since the folder was listed; links inside folders are not followed; not ingested`);
  if (!st.isFile()) throw new NotRegularFileError(src);
  return st;
}

/**
 * First half of a verified copy for large files: opens `src` with openSource, copies the file it
 * opened to `dst` (created exclusively) in the kernel (copyOpenFile) and fdatasyncs it, returning
 * the source's state before the copy. The caller then
 * hashes source and copy on two threads at once and finishes with checkVerifiedCopy. Throws fs
 * errors; the source is only opened for reading.
 */
export async function stageCopy(src: string | Buffer, dst: string, followLinks = true): Promise<SourceStat> {
  const source = openSource(src, followLinks);
  let before: BigIntStats;
  try {
    before = fstatSync(source, { bigint: true });
    await copyOpenFile(source, src, dst);
  } finally {
    closeSync(source);
  }
  const fd = openSync(dst, 'r+');
  try {
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return sourceStat(before);
}

/**
 * Second half of a verified copy for large files: the source must still have the size and mtime
 * it had before the copy, and the copy's SHA-256 (computed after fdatasync, from a separate read)
 * must equal the source's. Throws CopyVerificationError otherwise.
 */
export function checkVerifiedCopy(src: string | Buffer, before: SourceStat, source: { digests: Digests; bytes: number }, copy: { digests: Digests; bytes: number }, followLinks = true): void {
  const after = sourceLstat(src, followLinks);
  if (Number(after.size) !== before.bytes || after.mtimeNs.toString() !== before.mtimeNs || source.bytes !== before.bytes) {
    throw new CopyVerificationError(`${String(src)}: the file changed while it was being read (size ${before.bytes} → ${Number(after.size)} bytes, modified ${new Date(before.mtimeMs).toISOString()} → ${new Date(Number(after.mtimeMs)).toISOString()}); not ingested`);
  }
  if (copy.digests.sha256 !== source.digests.sha256 || copy.bytes !== source.bytes) {
    throw new CopyVerificationError(`${String(src)}: the copy does not read back as the file that was hashed (source sha256 ${source.digests.sha256}, copy ${copy.digests.sha256}): the source changed during the copy or the copy is damaged; not ingested`);
  }
}
