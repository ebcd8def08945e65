// Rows of the catalog's `settings` table that more than one layer reads: the archive's secret and
// its id. Here, below catalog/ and custody/, so that both can read them (db/ imports neither).
import { randomUUID } from 'node:crypto';
import type { Db } from './open.ts';
import { stmt } from './stmt.ts';

const PSEUDONYM_KEY = 'register.pseudonym_key';
const ARCHIVE_ID = 'archive.id';

/** The value of setting `key`, or null when the catalog has none. Throws SqliteError only. */
export function getSetting(db: Db, key: string): string | null {
  const r = stmt(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  return r ? r.value : null;
}

/**
 * The archive's secret (setting `register.pseudonym_key`, 32 random bytes as 64 hex digits, made
 * by migration 002): the HMAC key of the register's pseudonyms and of the custody tree's item keys
 * (docs/seal-and-proof.md). Throws Error if the setting is missing.
 */
export function pseudonymKey(db: Db): string {
  const v = getSetting(db, PSEUDONYM_KEY);
  if (v === null) throw new Error(`settings ${PSEUDONYM_KEY} is missing: the catalog was not migrated by this program`);
  return v;
}

/**
 * The archive's id (setting `archive.id`, a UUID), which every seal names so that seals cannot be
 * carried over to another catalog. With `create`, made once (random UUID v4) when absent; the
 * caller must hold a writable connection. Returns null when absent and not created.
 */
export function archiveId(db: Db, opts: { create?: boolean } = {}): string | null {
  const v = getSetting(db, ARCHIVE_ID);
  if (v !== null || !opts.create) return v;
  stmt(db, 'INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(ARCHIVE_ID, randomUUID());
  return getSetting(db, ARCHIVE_ID);
}
