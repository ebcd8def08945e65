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
 * Raised when `PRAGMA user_version` says a migration is still to run but the tables or columns it
 * creates are already there: the version was changed outside this program (or the file pieced
 * together), so migrating would fail halfway or run a data step twice. Nothing is changed.
 */
export class SchemaMismatchError extends Error {
  constructor(file: string, found: number, what: string) {
    super(`${file}: the catalog's schema version (${found}) does not match its tables (${what} already exists, which a later version creates); ` +
      'PRAGMA user_version was changed outside Evidence Archive. Restore the catalog (archive.sqlite) from a backup; nothing was changed');
    this.name = 'SchemaMismatchError';
  }
}

/**
 * What of the pending migrations (from `version` on) is already in the database: the first table
 * or column they would create that exists, or null. Read from their SQL (CREATE [VIRTUAL] TABLE,
 * ALTER TABLE … ADD COLUMN), so a migration needs no extra declaration.
 */
function alreadyMigrated(db: Db, version: number): string | null {
  const hasTable = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
  for (const m of MIGRATIONS.slice(version)) {
    for (const [, t] of m.sql.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/giu)) {
      if (hasTable(t!)) return `table ${t}`;
    }
    for (const [, t, c] of m.sql.matchAll(/ALTER\s+TABLE\s+["`]?(\w+)["`]?\s+ADD\s+(?:COLUMN\s+)?["`]?(\w+)/giu)) {
      if (hasTable(t!) && (db.prepare(`PRAGMA table_info("${t!}")`).all() as { name: string }[]).some((col) => col.name === c)) return `column ${t}.${c}`;
    }
  }
  return null;
}

/**
 * Opens (creating when absent) the SQLite catalog at `file` with WAL journaling,
 * `synchronous=FULL` (a committed custody row survives power loss), foreign keys on and a busy
 * timeout, then applies pending migrations tracked by `PRAGMA user_version`, each in a transaction.
 * Throws SchemaTooNewError for a catalog made by a newer version, SchemaMismatchError when its
 * user_version is older than the tables it holds (set back by hand); better-sqlite3's SqliteError
 * for an unreadable or corrupt file.
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
  // Statement journals (the undo copy of each page a statement in a transaction changes) stay in
  // memory instead of temporary files: an ingest batch wrote ~40 of them per file otherwise.
  db.pragma('temp_store = MEMORY');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    db.close();
    throw new SchemaTooNewError(file, version, MIGRATIONS.length);
  }
  if (version < MIGRATIONS.length) {
    const present = alreadyMigrated(db, version);
    if (present) {
      db.close();
      throw new SchemaMismatchError(file, version, present);
    }
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
