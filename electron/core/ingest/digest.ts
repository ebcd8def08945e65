import { createHash, type Hash } from 'node:crypto';
import { closeSync, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import type { DigestAlgorithm, Digests } from '../../common/types.ts';

/** Read size for hashing and copying: large enough that syscalls do not dominate, small enough to keep memory flat. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** Counts bytes processed across threads, so the main thread can show progress inside one large file. */
export type ByteCounter = BigInt64Array | null;

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
 * Throws the fs error (ENOENT, EACCES, EISDIR...) when the file cannot be read.
 */
export function digestFile(path: string, algorithms: readonly DigestAlgorithm[] = ['sha256'], counter: ByteCounter = null): { digests: Digests; bytes: number } {
  const hs = hashers(algorithms);
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      const view = buf.subarray(0, n);
      for (const h of hs.values()) h.update(view);
      bytes += n;
      if (counter) Atomics.add(counter, 0, BigInt(n));
    }
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

/**
 * Verified copy (DESIGN.md §2): streams `src` into `dst` (created exclusively; it must not exist)
 * while computing every requested digest in the same pass, fsyncs `dst`, then re-reads `dst` and
 * recomputes SHA-256. Throws CopyVerificationError when the source's size or mtime changed during
 * the copy or the copy's SHA-256 differs from the source's; fs errors as thrown by Node. The
 * source is opened read-only and never written. Returns the source's digests and size in bytes.
 */
export function verifiedCopy(
  src: string | Buffer,
  dst: string,
  algorithms: readonly DigestAlgorithm[],
  counter: ByteCounter = null,
): { digests: Digests; bytes: number } {
  const hs = hashers(algorithms);
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  const inFd = openSync(src, 'r');
  let bytes = 0;
  try {
    const before = fstatSync(inFd);
    const outFd = openSync(dst, 'wx', 0o600);
    try {
      for (;;) {
        const n = readSync(inFd, buf, 0, CHUNK_BYTES, null);
        if (n === 0) break;
        const view = buf.subarray(0, n);
        for (const h of hs.values()) h.update(view);
        let off = 0;
        while (off < n) off += writeSync(outFd, view, off, n - off);
        bytes += n;
        if (counter) Atomics.add(counter, 0, BigInt(n));
      }
      fdatasyncSync(outFd); // the data and the size that reads it back; not timestamps
    } finally {
      closeSync(outFd);
    }
    const after = fstatSync(inFd);
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || bytes !== before.size) {
      throw new CopyVerificationError(`${String(src)}: the file changed while it was being read (size ${before.size} → ${after.size} bytes, modified ${new Date(before.mtimeMs).toISOString()} → ${new Date(after.mtimeMs).toISOString()}); not ingested`);
    }
  } finally {
    closeSync(inFd);
  }
  const digests = finish(hs);
  const check = digestFile(dst, ['sha256']);
  if (check.digests.sha256 !== digests.sha256 || check.bytes !== bytes) {
    throw new CopyVerificationError(`${String(src)}: the copy did not read back identical (source sha256 ${digests.sha256}, copy ${check.digests.sha256}); not ingested`);
  }
  return { digests, bytes };
}
