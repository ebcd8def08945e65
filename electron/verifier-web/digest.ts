// Streaming message digests over a file read in slices, so that a multi-gigabyte video is hashed
// with flat memory. WebCrypto cannot do this (its digest() takes the whole message at once), so
// the digests are @noble/hashes' incremental ones.

import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { toHex } from './bytes.ts';

/** One file of the bag as the verifier reads it (a browser File, or a file on disk in tests). */
export interface BagFile {
  /** Path relative to the bag folder, "/"-separated, as found. */
  path: string;
  /** Size in bytes. */
  size: number;
  /** The bytes [start, end); rejects when the file cannot be read (moved, changed, no permission). */
  read(start: number, end: number): Promise<Uint8Array>;
}

interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

const FACTORIES: Record<string, () => IncrementalHash> = {
  md5: () => md5.create(),
  sha1: () => sha1.create(),
  sha256: () => sha256.create(),
  sha384: () => sha384.create(),
  sha512: () => sha512.create(),
};

/** WebCrypto names of the algorithms it can digest (not MD5). */
const WEBCRYPTO: Record<string, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/** Files up to this size are read whole and digested natively (WebCrypto); larger ones stream in slices. */
export const WHOLE_FILE_BYTES = 32 * 1024 * 1024;

/** Bytes read per slice: large enough that the per-slice cost vanishes, small enough that memory stays flat. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** True when `alg` (a BagIt manifest algorithm name, lower case, RFC 8493 §2.4) can be computed here. */
export function digestSupported(alg: string): boolean {
  return Object.hasOwn(FACTORIES, alg);
}

/** Number of hex digits of an `alg` digest; 0 for an unsupported algorithm. */
export function digestHexLength(alg: string): number {
  const f = FACTORIES[alg];
  return f ? f().digest().length * 2 : 0;
}

/** Lower-case hex digest of bytes already in memory. */
export function digestBytes(alg: string, bytes: Uint8Array): string {
  const f = FACTORIES[alg];
  if (!f) throw new Error(`unsupported digest algorithm ${alg}`);
  const h = f();
  h.update(bytes);
  return toHex(h.digest());
}

/**
 * Reads `file` once through every algorithm of `algs`, returning lower-case hex keyed by
 * algorithm. Files up to WHOLE_FILE_BYTES whose algorithms WebCrypto knows are read whole and
 * digested natively; others are read in CHUNK_BYTES slices (memory stays flat for a 4 GB video)
 * through @noble/hashes, the next slice being read while the current one is hashed. `onBytes` is called with the byte count of each slice hashed. Rejects with the read
 * error, or with `signal`'s reason when aborted (checked between slices).
 */
export async function digestFile(
  file: BagFile,
  algs: readonly string[],
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle && file.size <= WHOLE_FILE_BYTES && algs.every((a) => Object.hasOwn(WEBCRYPTO, a))) {
    // A photo-sized file fits in memory; the browser's native digest is many times faster than JS.
    const bytes = await file.read(0, file.size);
    signal?.throwIfAborted();
    if (bytes.length !== file.size) throw new Error('the file changed size while it was read');
    const out: Record<string, string> = {};
    for (const a of algs) out[a] = toHex(new Uint8Array(await subtle.digest(WEBCRYPTO[a] as string, bytes as Uint8Array<ArrayBuffer>)));
    onBytes?.(bytes.length);
    return out;
  }
  const hashes = algs.map((a) => {
    const f = FACTORIES[a];
    if (!f) throw new Error(`unsupported digest algorithm ${a}`);
    return [a, f()] as const;
  });
  let at = 0;
  let next: Promise<Uint8Array> | null = file.size > 0 ? file.read(0, Math.min(CHUNK_BYTES, file.size)) : null;
  while (next) {
    const chunk = await next;
    signal?.throwIfAborted();
    at += chunk.length;
    if (chunk.length === 0 && at < file.size) throw new Error('the file became shorter while it was read');
    next = at < file.size ? file.read(at, Math.min(at + CHUNK_BYTES, file.size)) : null;
    for (const [, h] of hashes) h.update(chunk);
    onBytes?.(chunk.length);
  }
  return Object.fromEntries(hashes.map(([a, h]) => [a, toHex(h.digest())]));
}
