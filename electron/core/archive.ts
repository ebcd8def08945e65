import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { loadMigrationSteps, MigrationStepsNotLoadedError, needsMigrationSteps, openDb, type Db } from './db/open.ts';
import { prepareObjectStore } from './objects.ts';
import { makeDirs } from './dirs.ts';
import { ArchiveBusyError, NotAnArchiveError } from './errors.ts';
import { isEncryptedCatalog } from './db/cipher.ts';
import { derivativeKey } from './derivatives/sealed.ts';
import { defaultPassphraseSource, type PassphraseSource } from './passphrase-source.ts';

export { setDefaultPassphraseSource, type PassphraseSource } from './passphrase-source.ts';

export { ArchiveBusyError, NotAnArchiveError };

/** An open archive folder: its catalog and where its objects live. */
export interface Archive {
  dir: string;
  db: Db;
  objectsDir: string;
  tmpDir: string;
  derivativesDir: string;
  /** True when this process holds the archive's write lock. */
  writable: boolean;
  /** True when the catalog is encrypted at rest (db/cipher.ts). */
  encrypted: boolean;
  /**
   * The AES-256-GCM key that seals derivatives showing people (thumbnails, posters; see
   * derivatives/sealed.ts) in an encrypted archive; null in a plain one (they are written plain).
   */
  derivativeKey: Buffer | null;
  close(): Promise<void>;
}

/**
 * The archive folder to use: the `--archive` option, else `$EVIDENCE_ARCHIVE`, else
 * `~/EvidenceArchive`; returned as an absolute path.
 */
export function resolveArchiveDir(option?: string): string {
  // An empty variable counts as unset: `EVIDENCE_ARCHIVE= evidence …` must not mean the current folder.
  return resolve(option ?? (process.env.EVIDENCE_ARCHIVE || join(homedir(), 'EvidenceArchive')));
}

/** The operator recorded in custody events: the given name, `$EVIDENCE_OPERATOR`, or the OS user. */
export function resolveOperator(option?: string): string {
  const name = option ?? process.env.EVIDENCE_OPERATOR;
  if (name && name.trim()) return name.trim();
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** This machine's host name, recorded with each sighting. */
export function hostName(): string {
  return hostname();
}

export { objectPath } from './objects.ts';

const LOCK_OPTIONS = { stale: 30_000, update: 5_000, realpath: false } as const;

/**
 * Who holds a lock: written beside the lock folder so a dead holder on this host can be recognised
 * at once. `lock` names the lock folder it was written for (lockIdentity): a file left by a holder
 * that died, read while a new holder has made its folder but not yet written its own file, names
 * another folder, and must not get the new holder's lock taken away.
 */
interface LockOwner {
  pid: number;
  host: string;
  lock: string;
}

/** Inode and birth time (ns) of the lock folder, as text: one lock, as opposed to the next one made at the same path. */
function lockIdentity(lockDir: string): string | null {
  try {
    const st = statSync(lockDir, { bigint: true });
    return `${st.ino}:${st.birthtimeNs}`;
  } catch {
    return null;
  }
}

function ownerIsDeadHere(ownerFile: string, lockDir: string): boolean {
  try {
    const o = JSON.parse(readFileSync(ownerFile, 'utf8')) as LockOwner;
    if (o.host !== hostname()) return false; // another machine (shared drive): only staleness can tell
    const lock = lockIdentity(lockDir);
    if (lock === null || o.lock !== lock) return false; // written for an earlier lock: the holder is unknown
    try {
      process.kill(o.pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false;
  }
}

/**
 * Takes the archive's write lock (proper-lockfile: an atomic mkdir, refreshed every 5 s, stale
 * after 30 s). A lock left by a process of this host that no longer exists (killed, crashed) is
 * taken over at once rather than after the 30 s, so re-running an interrupted ingest just works.
 */
async function takeLock(dir: string): Promise<() => Promise<void>> {
  const lockDir = join(dir, 'archive.lock');
  const ownerFile = join(dir, 'archive.lock.owner');
  for (let attempt = 0; ; attempt++) {
    try {
      const release = await lockfile.lock(dir, { ...LOCK_OPTIONS, lockfilePath: lockDir });
      writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), lock: lockIdentity(lockDir) ?? '' } satisfies LockOwner));
      return async () => {
        rmSync(ownerFile, { force: true });
        await release();
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
      if (attempt === 0 && ownerIsDeadHere(ownerFile, lockDir)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      throw new ArchiveBusyError(dir);
    }
  }
}

/**
 * Empties the archive's tmp/ folder. Call only holding the write lock: then no other process is
 * writing there. What a killed run left in it never reached objects/ or the catalog's place (an
 * ingest's partial copy, a redaction's intermediate video, `encrypt`'s half-made catalog copy,
 * which can be the whole register in plain text): all safe, and wise, to remove.
 */
function clearTmp(tmpDir: string): void {
  for (const f of readdirSync(tmpDir)) rmSync(join(tmpDir, f), { force: true, recursive: true });
}

/**
 * For a reader (list, show, log, export's reads…): when tmp/ holds what a killed run left and no
 * process holds the write lock (none is mid-ingest or mid-encrypt), takes the lock just long
 * enough to empty tmp/, so that a plain copy of the catalog left by a killed `encrypt` does not
 * wait for the next command that writes. Does nothing when tmp/ is empty or absent, when another
 * process holds the lock, or when the lock cannot be taken at all (read-only media); never throws.
 */
async function clearTmpIfIdle(dir: string, tmpDir: string): Promise<void> {
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  if (!names.length) return;
  let release: (() => Promise<void>) | null = null;
  try {
    release = await takeLock(dir);
    clearTmp(tmpDir);
  } catch {
    // busy (a writer is at work: its files are in use) or not writable: left for the next writer
  } finally {
    if (release) await release().catch(() => {});
  }
}

function layout(dir: string) {
  return {
    db: join(dir, 'archive.sqlite'),
    objectsDir: join(dir, 'objects'),
    tmpDir: join(dir, 'tmp'),
    derivativesDir: join(dir, 'derivatives'),
  };
}

/**
 * Opens the archive at `dir`. With `write`, takes the archive's write lock first (a second writer
 * gets ArchiveBusyError instead of a corrupt archive; the lock goes stale after 30 s if its holder
 * dies) and clears leftover temporary files of an interrupted run. With `create`, makes the folder
 * and catalog when absent. Readers (list, show, log) need no lock: SQLite WAL gives them a
 * consistent snapshot while a writer works.
 * An encrypted catalog is opened with `passphrase` (else the default source, see
 * setDefaultPassphraseSource), asked for only when the catalog is encrypted; with `encrypt` and
 * `create`, a new catalog is created encrypted under it.
 * Throws NotAnArchiveError, ArchiveBusyError, SchemaTooNewError, CatalogPassphraseNeededError,
 * WrongCatalogPassphraseError (db/cipher.ts), or fs errors.
 */
export async function openArchive(dir: string, opts: { write?: boolean; create?: boolean; encrypt?: boolean; passphrase?: PassphraseSource } = {}): Promise<Archive> {
  const abs = resolve(dir);
  const l = layout(abs);
  if (!existsSync(l.db)) {
    if (!opts.create) throw new NotAnArchiveError(abs);
    if (existsSync(abs) && !statSync(abs).isDirectory()) throw Object.assign(new Error(`${abs}: exists and is not a folder; an archive is a folder`), { code: 'ENOTDIR' });
    makeDirs(abs);
  }
  const write = opts.write ?? opts.create ?? false;
  let release: (() => Promise<void>) | null = null;
  if (write) {
    release = await takeLock(abs);
    try {
      await prepareObjectStore(l.objectsDir);
      for (const d of [l.tmpDir, l.derivativesDir]) makeDirs(d);
      clearTmp(l.tmpDir);
    } catch (e) {
      await release();
      throw e;
    }
  } else {
    await clearTmpIfIdle(abs, l.tmpDir);
  }
  let db: Db;
  let encrypted = false;
  let sealKey: Buffer | null = null;
  try {
    encrypted = isEncryptedCatalog(l.db);
    const creatingEncrypted = Boolean(opts.encrypt && opts.create && !existsSync(l.db));
    let passphrase: string | undefined;
    const source = opts.passphrase ?? defaultPassphraseSource();
    if ((encrypted || creatingEncrypted) && source !== undefined) passphrase = typeof source === 'string' ? source : await source(abs);
    const dbOpts = { readonly: !write, passphrase, encrypt: creatingEncrypted };
    // An encrypted catalog's header is ciphertext (user_version unreadable): openDb then asks
    // for the data steps when a migration needs them (MigrationStepsNotLoadedError, below).
    if (write && (creatingEncrypted || (!encrypted && needsMigrationSteps(l.db)))) await loadMigrationSteps();
    try {
      db = openDb(l.db, dbOpts);
    } catch (e) {
      if (!(e instanceof MigrationStepsNotLoadedError)) throw e;
      // The header needsMigrationSteps read was behind a version change still in the -wal file.
      await loadMigrationSteps();
      db = openDb(l.db, dbOpts);
    }
    encrypted ||= creatingEncrypted;
    try {
      if (encrypted) sealKey = derivativeKey(db, { create: write });
    } catch (e) {
      db.close();
      throw e;
    }
  } catch (e) {
    if (release) await release();
    throw e;
  }
  let closed = false;
  return {
    dir: abs,
    db,
    objectsDir: l.objectsDir,
    tmpDir: l.tmpDir,
    derivativesDir: l.derivativesDir,
    writable: write,
    encrypted,
    derivativeKey: sealKey,
    async close() {
      if (closed) return;
      closed = true;
      db.close();
      if (release) await release();
    },
  };
}
