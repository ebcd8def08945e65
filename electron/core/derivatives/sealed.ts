// Derivatives that show people (thumbnails, video posters, redaction logs) in an archive whose
// catalog is encrypted: sealed with AES-256-GCM (NIST SP 800-38D) under a random key kept inside
// the encrypted catalog (setting `derivatives.seal_key`), so the catalog passphrase protects them,
// changing it (`evidence rekey`) needs no re-sealing, and no extra key derivation runs per process.
// A sealed file: "EVSEAL1\n" (8 bytes) | 12-byte random nonce | ciphertext | 16-byte tag; the
// magic is the additional authenticated data. Decrypted in memory only, when shown.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Db } from '../db/open.ts';
import { getSetting } from '../db/settings.ts';
import { stmt } from '../db/stmt.ts';

const MAGIC = Buffer.from('EVSEAL1\n', 'latin1');
const NONCE = 12;
const TAG = 16;
const SEAL_KEY = 'derivatives.seal_key';

/**
 * The derivative sealing key of the (encrypted) catalog `db`: 32 bytes from setting
 * `derivatives.seal_key` (64 hex digits). With `create`, made once from the OS CSPRNG when
 * absent (needs a writable connection). Null when absent and not created.
 */
export function derivativeKey(db: Db, opts: { create?: boolean } = {}): Buffer | null {
  let v = getSetting(db, SEAL_KEY);
  if (v === null && opts.create) {
    stmt(db, 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(SEAL_KEY, randomBytes(32).toString('hex'));
    v = getSetting(db, SEAL_KEY);
  }
  return v === null ? null : Buffer.from(v, 'hex');
}

/** Forgets the sealing key (`evidence decrypt`: what it sealed is removed with it). */
export function dropDerivativeKey(db: Db): void {
  stmt(db, 'DELETE FROM settings WHERE key = ?').run(SEAL_KEY);
}

/** True when `bytes` start like a sealed derivative. */
export function isSealed(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length + NONCE + TAG && Buffer.from(bytes.buffer, bytes.byteOffset, MAGIC.length).equals(MAGIC);
}

/** `plain` sealed under the 32-byte `key` (a fresh random nonce each time). */
export function sealBytes(key: Buffer, plain: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(MAGIC);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([MAGIC, nonce, body, c.getAuthTag()]);
}

/**
 * The plain bytes of sealed `sealed` under `key`. Throws Error naming `what` (a path) when the
 * bytes are not a sealed derivative, or were sealed under another key or altered (GCM tag).
 */
export function openSealed(key: Buffer, sealed: Uint8Array, what = 'derivative'): Buffer {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!isSealed(b)) throw new Error(`${what}: not a sealed derivative`);
  const nonce = b.subarray(MAGIC.length, MAGIC.length + NONCE);
  const tag = b.subarray(b.length - TAG);
  const d = createDecipheriv('aes-256-gcm', key, nonce);
  d.setAAD(MAGIC);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(b.subarray(MAGIC.length + NONCE, b.length - TAG)), d.final()]);
  } catch {
    throw new Error(`${what}: sealed under another key, or altered`);
  }
}

/**
 * Reads a derivative file: opened with `key` when it is sealed, as it is otherwise (a plain
 * archive). Throws fs errors, and openSealed's when sealed and `key` is null or wrong.
 */
export async function readDerivative(path: string, key: Buffer | null): Promise<Buffer> {
  const bytes = await readFile(path);
  if (!isSealed(bytes)) return bytes;
  if (!key) throw new Error(`${path}: sealed, and the archive's catalog gives no key to open it`);
  return openSealed(key, bytes, path);
}

/**
 * Writes a derivative file that shows people (a thumbnail, a poster, a redaction detection log)
 * at `path`: sealed under `key` in an encrypted archive (Archive.derivativeKey), plain when `key`
 * is null. Written to a temporary name beside it and renamed, so a reader never sees half a file
 * and nothing plain is left behind. Throws fs errors.
 */
export async function writeDerivative(path: string, bytes: Uint8Array, key: Buffer | null | undefined): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, key ? sealBytes(key, bytes) : bytes);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}
