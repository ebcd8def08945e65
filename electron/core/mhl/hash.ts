// The hash formats of ASC MHL v2.0 (and legacy MHL v1.1's XXH32), streamed, and the directory
// hashes ASC MHL defines over them. xxHash, MD5, SHA-1 and SHA-512 come from hash-wasm; the C4 ID
// encoding (SMPTE ST 2114) is written here, as the standard defines it.
import { createMD5, createSHA1, createSHA512, createXXHash128, createXXHash3, createXXHash32, createXXHash64, type IHasher } from 'hash-wasm';

/** ASC MHL v2.0 hash elements (ASCMHL.xsd HashType order), plus `xxh32` for legacy MHL v1.1 `<xxhash>`. */
export type MhlHashFormat = 'c4' | 'md5' | 'sha1' | 'xxh128' | 'xxh3' | 'xxh64' | 'xxh32';

/** The formats ASC MHL v2.0 writes, in the order its schema requires them inside one element. */
export const ASC_MHL_FORMATS: readonly MhlHashFormat[] = ['c4', 'md5', 'sha1', 'xxh128', 'xxh3', 'xxh64'];

/** True for a format name this module computes. */
export const isMhlHashFormat = (s: string): s is MhlHashFormat => (ASC_MHL_FORMATS as readonly string[]).includes(s) || s === 'xxh32';

/** A running hash of one format: feed bytes, then take the digest as the MHL writes it (hex; C4 ID for c4). */
export interface MhlHasher {
  update(data: Uint8Array): void;
  digest(): string;
}

// The C4 ID alphabet (SMPTE ST 2114 §6): base 58 without 0, O, I and l.
const C4_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const C4_LENGTH = 90;

/**
 * The C4 ID of a SHA-512 digest (SMPTE ST 2114): the 512-bit digest as a big-endian integer in
 * base 58 with the C4 alphabet, left-padded with "1" (the alphabet's zero) to 88 characters and
 * prefixed "c4": always 90 characters. Throws RangeError unless `sha512` is 64 bytes.
 */
export function c4FromSha512(sha512: Uint8Array): string {
  if (sha512.length !== 64) throw new RangeError(`a C4 ID is made from a 64-byte SHA-512 digest, not ${sha512.length} bytes`);
  let v = BigInt(`0x${Buffer.from(sha512).toString('hex')}`);
  let out = '';
  while (v > 0n) {
    out = C4_ALPHABET[Number(v % 58n)]! + out;
    v /= 58n;
  }
  return `c4${out.padStart(C4_LENGTH - 2, '1')}`;
}

/** The 64 SHA-512 bytes a C4 ID encodes (inverse of c4FromSha512). Throws RangeError for text that is not a C4 ID. */
export function sha512FromC4(id: string): Buffer {
  if (id.length !== C4_LENGTH || !id.startsWith('c4')) throw new RangeError(`not a C4 ID (90 characters starting "c4"): ${id.slice(0, 100)}`);
  let v = 0n;
  for (const ch of id.slice(2)) {
    const d = C4_ALPHABET.indexOf(ch);
    if (d < 0) throw new RangeError(`not a C4 ID: character "${ch}" is outside the C4 alphabet`);
    v = v * 58n + BigInt(d);
  }
  const hex = v.toString(16).padStart(128, '0');
  if (hex.length > 128) throw new RangeError('not a C4 ID: its value exceeds 512 bits');
  return Buffer.from(hex, 'hex');
}

function wrapHex(h: IHasher): MhlHasher {
  h.init();
  return { update: (d) => void h.update(d), digest: () => h.digest('hex') };
}

/** A fresh streaming hasher of `format` (hash-wasm; c4 = SHA-512 then c4FromSha512). */
export async function createMhlHasher(format: MhlHashFormat): Promise<MhlHasher> {
  switch (format) {
    case 'md5': return wrapHex(await createMD5());
    case 'sha1': return wrapHex(await createSHA1());
    case 'xxh64': return wrapHex(await createXXHash64());
    case 'xxh3': return wrapHex(await createXXHash3());
    case 'xxh128': return wrapHex(await createXXHash128());
    case 'xxh32': return wrapHex(await createXXHash32());
    case 'c4': {
      const h = await createSHA512();
      h.init();
      return { update: (d) => void h.update(d), digest: () => c4FromSha512(h.digest('binary')) };
    }
  }
}

/** Several formats fed from one stream of bytes: `update` feeds every one; `digests` ends them all. */
export interface MultiHasher {
  update(data: Uint8Array): void;
  digests(): Partial<Record<MhlHashFormat, string>>;
}

/** A MultiHasher of `formats` (duplicates ignored); with none, one that does nothing. */
export async function createMultiHasher(formats: readonly MhlHashFormat[]): Promise<MultiHasher> {
  const hs = await Promise.all([...new Set(formats)].map(async (f) => [f, await createMhlHasher(f)] as const));
  return {
    update: (d) => {
      for (const [, h] of hs) h.update(d);
    },
    digests: () => Object.fromEntries(hs.map(([f, h]) => [f, h.digest()])),
  };
}

/** The digest of `data` in `format`. */
export async function hashData(format: MhlHashFormat, data: Uint8Array): Promise<string> {
  const h = await createMhlHasher(format);
  h.update(data);
  return h.digest();
}

/** The bytes a hash string stands for: hex decoded, or a C4 ID's SHA-512 (as the reference implementation hashes lists of them). */
export function hashBytes(format: MhlHashFormat, value: string): Buffer {
  return format === 'c4' ? sha512FromC4(value) : Buffer.from(value, 'hex');
}

/**
 * ASC MHL's hash of a list of hashes (a directory's content or structure hash): the hash strings
 * sorted lexicographically, each decoded to its bytes (hashBytes), concatenated, and hashed with
 * the same format; an empty list gives the hash of no bytes. Matches the ascmhl reference
 * implementation (ascmitc/mhl hasher.py) and the reference histories' directory hashes.
 */
export async function hashOfHashList(format: MhlHashFormat, hashes: readonly string[]): Promise<string> {
  const h = await createMhlHasher(format);
  for (const s of [...hashes].sort()) h.update(hashBytes(format, s));
  return h.digest();
}

/**
 * One child's contribution to its directory's structure hash: the hash of the child's name (its
 * last path segment, UTF-8) followed by the bytes of its hash (a file's content hash, a folder's
 * structure hash).
 */
export async function structureEntry(format: MhlHashFormat, name: string, hash: string): Promise<string> {
  return hashData(format, Buffer.concat([Buffer.from(name, 'utf8'), hashBytes(format, hash)]));
}
