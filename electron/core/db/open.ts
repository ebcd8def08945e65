import { closeSync, constants, copyFileSync, existsSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type BetterSqlite3 from 'better-sqlite3';
import { CatalogPassphraseNeededError, isEncryptedCatalog, keyCatalog, WrongCatalogPassphraseError } from './cipher.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { sqliteDriverOptions } from './native-binding.ts';
import { SchemaMismatchError, SchemaTooNewError, SchemaTooOldError } from '../errors.ts';

export { SchemaMismatchError, SchemaTooNewError, SchemaTooOldError };

/**
 * A catalog connection. Opened by better-sqlite3-multiple-ciphers (the one SQLite build of the
 * program, with SQLCipher encryption); typed as better-sqlite3's, whose API it repeats, so that
 * code and tests holding a plain better-sqlite3 connection pass it where a Db is expected.
 */
export type Db = BetterSqlite3.Database;

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

let dataSteps: Readonly<Record<string, (db: Db) => void>> | null = null;

/**
 * Loads the migrations' data steps (migrations/steps.ts: the gazetteer seed, the incident and
 * case baseline), which openDb needs to create or upgrade a catalog. They pull in the catalog
 * code and zod, which opening an up-to-date catalog does not need; the CLI's commands start
 * ~40 ms sooner without them. Idempotent.
 */
export async function loadMigrationSteps(): Promise<void> {
  dataSteps ??= (await import('./migrations/steps.ts')).DATA_STEPS;
}

/** Raised by openDb when a migration with a data step is pending and loadMigrationSteps was not awaited first. */
export class MigrationStepsNotLoadedError extends Error {
  constructor(file: string, version: number) {
    super(`${file}: the catalog (schema ${version}) needs migrating, and the migrations' data steps were not loaded (await loadMigrationSteps() first)`);
    this.name = 'MigrationStepsNotLoadedError';
  }
}

/**
 * The `PRAGMA user_version` stored in the header of the SQLite file `file` (offset 60, 4 bytes
 * big-endian; SQLite file format §1.3), read without opening a connection; 0 for a missing or
 * short file, or one that is not a regular file. A change still only in the -wal file is not
 * seen, so the value can differ from the catalog's; openArchive then loads the data steps when
 * openDb asks for them (MigrationStepsNotLoadedError) and opens again.
 */
export function storedUserVersion(file: string): number {
  let fd: number;
  try {
    // Without waiting: a named pipe in the catalog's place must not hang the command (openDb then reports it).
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return 0;
  }
  try {
    if (!fstatSync(fd).isFile()) return 0;
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 60) === 4 ? b.readUInt32BE(0) : 0;
  } finally {
    closeSync(fd);
  }
}

/** True when opening `file` for writing may run a migration data step (see loadMigrationSteps). */
export function needsMigrationSteps(file: string): boolean {
  const v = storedUserVersion(file);
  return MIGRATIONS.slice(v).some((m) => m.dataStep);
}

/**
 * Opens (creating when absent) the SQLite catalog at `file` with WAL journaling,
 * `synchronous=FULL` (a committed custody row survives power loss), foreign keys on and a busy
 * timeout, then applies pending migrations tracked by `PRAGMA user_version`, each in a transaction.
 * Throws SchemaTooNewError for a catalog made by a newer version, SchemaMismatchError when its
 * user_version is older than the tables it holds (set back by hand), MigrationStepsNotLoadedError
 * when a migration with a data step is due and loadMigrationSteps was not awaited; an Error with
 * code EISDIR when `file` is not a regular file; better-sqlite3's SqliteError for an unreadable or
 * corrupt file; NativeBindingMissingError inside Electron when the driver's Electron build is absent.
 * Encrypted at rest (db/cipher.ts): a catalog whose header is not plain SQLite needs
 * `passphrase` (CatalogPassphraseNeededError without one, WrongCatalogPassphraseError when it
 * does not open it; in both cases nothing is written). A missing or empty `file` opened with
 * `passphrase` and `encrypt` is created encrypted; a plain catalog ignores `passphrase`.
 */
export function openDb(file: string, opts: { readonly?: boolean; passphrase?: string; encrypt?: boolean } = {}): Db {
  // SQLite would block on a named pipe, or report a device or socket as a disk error.
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(file);
  } catch {
    st = undefined; // absent: created below, or refused by SQLite for a read-only open
  }
  if (st && !st.isFile()) {
    throw Object.assign(new Error(`${file}: is not a regular file (a folder, named pipe, socket or device), so it cannot be the archive's catalog`), { code: 'EISDIR' });
  }
  const encrypted = isEncryptedCatalog(file);
  const key = encrypted || (opts.encrypt && (!st || st.size === 0)) ? opts.passphrase : undefined;
  if (encrypted && key === undefined) throw new CatalogPassphraseNeededError(file);
  // Inside Electron the driver's Electron-ABI build (native-binding.ts); under Node its own.
  const raw = new Database(file, { ...sqliteDriverOptions(), readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
  let db: Db = raw;
  // One read before anything else (a journal mode, a migration) can touch the file: a wrong
  // passphrase fails here and leaves the catalog's bytes as they were.
  try {
    if (key !== undefined) keyCatalog(raw, key);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (e) {
    db.close();
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' && key !== undefined) throw new WrongCatalogPassphraseError(file);
    if (!opts.readonly || (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN'))) throw e;
    db = openSnapshot(file, key);
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
      throw new SchemaTooOldError(file, version, MIGRATIONS.length);
    }
    const pending = MIGRATIONS.slice(version);
    if (pending.some((m) => m.dataStep) && !dataSteps) {
      db.close();
      throw new MigrationStepsNotLoadedError(file, version);
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      const m = MIGRATIONS[v]!;
      db.transaction(() => {
        db.exec(m.sql);
        if (m.dataStep) dataSteps![m.name]!(db);
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
function openSnapshot(file: string, key: string | undefined): Db {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-readonly-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'archive.sqlite');
  copyFileSync(file, copy);
  if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
  const db = new Database(copy, { ...sqliteDriverOptions(), readonly: true, fileMustExist: true });
  if (key !== undefined) keyCatalog(db, key);
  return db;
}


/** The schema version this program writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
