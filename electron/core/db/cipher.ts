// The catalog encrypted at rest: SQLCipher 4 pages (AES-256-CBC, HMAC-SHA512, PBKDF2-HMAC-SHA512
// with 256,000 iterations; https://www.zetetic.net/sqlcipher/design/) written by SQLite3 Multiple
// Ciphers, so that the `sqlcipher` tool opens an archive's catalog too. The -wal file is encrypted
// the same way; statement journals and temp tables stay in memory (openDb: temp_store=MEMORY).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { KeyError } from '../signing/errors.ts';

/** What every SQLite 3 file starts with (SQLite file format §1.3); an encrypted one does not. */
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * True when `file` is a regular file of whole 512-byte blocks whose first 16 bytes are not the
 * SQLite magic string, that is a catalog encrypted at rest (its header is ciphertext, apart from
 * the salt). False for a plain catalog, a missing, empty or odd-sized file, or anything that is
 * not a regular file.
 * Reads 16 bytes without opening a database connection (and without waiting on a named pipe).
 */
export function isEncryptedCatalog(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return false;
  }
  try {
    const st = fstatSync(fd);
    // SQLCipher writes whole pages (512 B to 64 KiB, powers of two): anything else is a damaged
    // or foreign file, which SQLite itself then reports ("file is not a database").
    if (!st.isFile() || st.size < 512 || st.size % 512 !== 0) return false;
    const b = Buffer.alloc(16);
    const n = readSync(fd, b, 0, 16, 0);
    return n > 0 && !b.subarray(0, n).equals(SQLITE_MAGIC.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** The minimal shape of a better-sqlite3(-multiple-ciphers) connection this module keys. */
interface Keyable {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  key(key: Buffer): number;
  rekey(key: Buffer): number;
}

/** Chooses the SQLCipher 4 scheme on `db` (before any key or page access). */
function chooseCipher(db: Keyable): void {
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
}

/**
 * Gives `db`, just opened, the catalog passphrase (UTF-8; the key is derived from it by SQLCipher's
 * PBKDF2). Nothing is read yet: a wrong passphrase shows on the first read as SQLITE_NOTADB.
 */
export function keyCatalog(db: Keyable, passphrase: string): void {
  chooseCipher(db);
  db.key(Buffer.from(passphrase, 'utf8'));
}

/**
 * Re-encrypts every page of `db` under `passphrase`, or writes them in plain text when it is null
 * (SQLite3 Multiple Ciphers `sqlite3_rekey`). The connection must be in a rollback journal mode,
 * not WAL; use it on a private copy only (see encrypt/rekey.ts), never on the live catalog.
 */
export function rekeyCatalog(db: Keyable, passphrase: string | null): void {
  chooseCipher(db);
  db.rekey(Buffer.from(passphrase ?? '', 'utf8'));
}

/** A catalog that is encrypted was opened without a passphrase. Exit code 2: say how to give one. */
export class CatalogPassphraseNeededError extends KeyError {
  constructor(readonly file: string) {
    super(`${file}: the archive's catalog is encrypted; give its passphrase in the environment variable EVIDENCE_PASSPHRASE, or run the command in a terminal to be asked for it`, 2);
    this.name = 'CatalogPassphraseNeededError';
  }
}

/** The passphrase does not open the encrypted catalog. Nothing was changed. Exit code 2. */
export class WrongCatalogPassphraseError extends KeyError {
  constructor(readonly file: string) {
    // Where the passphrase came from (a variable, a prompt, a window) is the caller's to say.
    super(`${file}: the passphrase does not open this archive's catalog (nothing was changed). A lost passphrase cannot be recovered.`, 2);
    this.name = 'WrongCatalogPassphraseError';
  }
}
