import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.ts';

export type Db = Database.Database;

/** Raised when the catalog was written by a newer version of Evidence Archive. */
export class SchemaTooNewError extends Error {
  constructor(file: string, found: number, known: number) {
    super(`${file}: catalog schema version ${found} is newer than this program understands (${known}); upgrade Evidence Archive`);
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Opens (creating when absent) the SQLite catalog at `file` with WAL journaling,
 * `synchronous=FULL` (a committed custody row survives power loss), foreign keys on and a busy
 * timeout, then applies pending migrations tracked by `PRAGMA user_version`, each in a transaction.
 * Throws SchemaTooNewError for a catalog made by a newer version; better-sqlite3's SqliteError for
 * an unreadable or corrupt file.
 */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  let db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  if (opts.readonly) {
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) throw e;
      db.close();
      db = openSnapshot(file);
    }
  }
  db.pragma('busy_timeout = 10000');
  if (!opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new SchemaTooNewError(file, version, MIGRATIONS.length);
  }
  if (version < MIGRATIONS.length) {
    if (opts.readonly) {
      db.close();
      throw new Error(`${file}: catalog needs migration (schema ${version} < ${MIGRATIONS.length}); open it once for writing`);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      const m = MIGRATIONS[v]!;
      db.transaction(() => {
        db.exec(m.sql);
        m.up?.(db);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }
  return db;
}

/**
 * A WAL database can only be read where SQLite may create its -shm file. An archive on read-only
 * media or in a folder the user may not write (a received copy) is therefore read from a private
 * snapshot: the catalog and its -wal file copied to a temporary folder (removed at exit).
 */
function openSnapshot(file: string): Db {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-readonly-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'archive.sqlite');
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  return new Database(copy, { readonly: true, fileMustExist: true });
}

/** The schema version this program writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
