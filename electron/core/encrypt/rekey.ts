// `evidence encrypt`, `decrypt` and `rekey`: the catalog re-written under another passphrase (or
// none) without ever putting the only copy at risk. A private copy in the archive's tmp/ is
// re-encrypted, synced, reopened and compared (every table's row count, the custody chain head)
// before one rename puts it in the catalog's place. Killed at any point, the archive opens
// afterwards, either as it was or as asked; a leftover copy in tmp/ is removed by the next command
// (archive.ts: any writer, and a reader when no process holds the write lock).
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { openArchive } from '../archive.ts';
import { isEncryptedCatalog, keyCatalog, rekeyCatalog } from '../db/cipher.ts';
import type { Db } from '../db/open.ts';
import { derivativeKey, dropDerivativeKey } from '../derivatives/sealed.ts';
import { resealLogs } from '../redact/log-store.ts';
import type { Archive } from '../archive.ts';
import { syncDir } from '../durable.ts';
import { chainHead } from '../custody/log.ts';
import { crashPoint } from '../crash-point.ts';

/** What was done: the archive, whether its catalog is encrypted now, and what was kept. */
export interface RekeyResult {
  archive: string;
  encrypted: boolean;
  /** Rows of every table, as compared before the swap. */
  rows: number;
  /** The custody chain head (seq), the same before and after. */
  custodySeq: number | null;
  /**
   * Derivatives that show people removed (PEOPLE_DERIVATIVES: thumbnails and posters, remade by
   * `evidence previews`; scrub strips and contact sheets, remade by the app), to be made again
   * sealed or plain as the archive now is.
   */
  previewsRemoved: boolean;
  /** Redaction detection logs sealed (encrypt) or opened (decrypt) in place; never removed. */
  logsResealed: number;
}

/** The copy could not be made or did not match the catalog: nothing was changed. */
export class RekeyVerifyError extends Error {
  constructor(dir: string, why: string) {
    super(`${dir}: the re-encrypted copy of the catalog does not match it (${why}); the catalog was left as it was`);
    this.name = 'RekeyVerifyError';
  }
}

/**
 * The folders under derivatives/ whose files show people, sealed in an encrypted archive
 * (derivatives/sealed.ts): thumbnails and posters, scrub strips and contact sheets (filmstrip.ts).
 * All regenerable from the originals, so encrypt and decrypt remove them.
 */
export const PEOPLE_DERIVATIVES = ['thumbs', 'strips', 'sheets'] as const;


/** Row count of every table (virtual-table shadows included), by name. */
function tableCounts(db: Db): Map<string, number> {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name").pluck().all() as string[]);
  return new Map(names.map((n) => [n, db.prepare(`SELECT count(*) FROM "${n.replaceAll('"', '""')}"`).pluck().get() as number]));
}

function sameCounts(a: Map<string, number>, b: Map<string, number>): string | null {
  for (const [k, v] of a) if (b.get(k) !== v) return `table ${k}: ${v} rows before, ${b.get(k) ?? 'none'} after`;
  for (const k of b.keys()) if (!a.has(k)) return `table ${k} appeared`;
  return null;
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Opens a private copy with better-sqlite3-multiple-ciphers, keyed when `passphrase` is given. */
function openCopy(path: string, passphrase: string | null): Database.Database {
  const db = new Database(path, { fileMustExist: true });
  if (passphrase !== null) keyCatalog(db, passphrase);
  return db;
}

/**
 * Encrypt: the derivative key is made in the live (still plain) catalog first, so that a crash
 * after some logs are sealed leaves their key beside them (a re-run finishes the job); the logs
 * are then sealed under it, and the key goes into the encrypted copy with every other row.
 * Decrypt: the logs are opened before the copy drops the key. Rekey: the key is unchanged.
 */
async function resealForPassphraseChange(a: Archive, from: string | null, to: string | null): Promise<number> {
  if (from === null && to !== null) return resealLogs(a.db, a.objectsDir, derivativeKey(a.db, { create: true }), derivativeKey(a.db));
  if (from !== null && to === null) return resealLogs(a.db, a.objectsDir, null, a.derivativeKey ?? derivativeKey(a.db));
  return 0;
}

/**
 * Re-writes the catalog of archive folder `dir` from passphrase `from` (null: plain) to `to`
 * (null: plain), holding the archive's write lock: `evidence encrypt` is (null → p), `decrypt`
 * (p → null), `rekey` (p → q). Originals are not touched. On encrypt and decrypt the thumbnails,
 * posters, scrub strips and contact sheets (PEOPLE_DERIVATIVES) are removed first (plain ones
 * must not outlive encryption; sealed ones cannot be opened without the key the catalog loses on
 * decrypt); `evidence previews` remakes thumbnails and posters, the app strips and sheets.
 * The redaction detection logs, which cannot be remade, are sealed or opened in place instead.
 * Throws UsageError-like Error when the catalog is already as asked, WrongCatalogPassphraseError /
 * CatalogPassphraseNeededError (via openArchive), ArchiveBusyError, RekeyVerifyError, fs and
 * SQLite errors; in every case the catalog is left as it was.
 */
export async function changeCatalogPassphrase(dir: string, from: string | null, to: string | null): Promise<RekeyResult> {
  const a = await openArchive(dir, { write: true, passphrase: from ?? undefined });
  const live = join(a.dir, 'archive.sqlite');
  const copy = join(a.tmpDir, 'catalog.rekey.sqlite');
  try {
    if (a.encrypted !== (from !== null)) {
      throw Object.assign(new Error(`${a.dir}: the catalog is ${a.encrypted ? 'already encrypted' : 'not encrypted'}`), { code: 'EUSAGE' });
    }
    // Detection logs cannot be remade: sealed (encrypt) or opened (decrypt) in place before the
    // swap, while the catalog that holds their key is the live one (redact/log-store.ts).
    const logsResealed = await resealForPassphraseChange(a, from, to);
    const before = tableCounts(a.db);
    const head = chainHead(a.db);
    // Everything into the main file, so that a copy of it alone is the whole catalog.
    const ck = a.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    if (ck[0] && ck[0].busy !== 0) throw new RekeyVerifyError(a.dir, 'another program is reading the catalog; close it and try again');
    a.db.close();
    if (existsSync(`${live}-wal`) && statSync(`${live}-wal`).size > 0) throw new RekeyVerifyError(a.dir, 'the catalog\'s -wal file still holds changes');
    const previewsRemoved = (from === null) !== (to === null);
    // Plain previews must be gone before an encrypted catalog can be in place (and sealed ones
    // before the key that opens them is dropped): they are regenerable, so this is safe first.
    if (previewsRemoved) for (const d of PEOPLE_DERIVATIVES) rmSync(join(a.derivativesDir, d), { recursive: true, force: true });
    crashPoint('before-copy');
    for (const f of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
    copyFileSync(live, copy);
    crashPoint('copied');
    const c = openCopy(copy, from);
    let expected: Map<string, number>;
    try {
      const got = sameCounts(before, tableCounts(c));
      if (got) throw new RekeyVerifyError(a.dir, `copy: ${got}`);
      // A rollback journal for the rekey (SQLite3 Multiple Ciphers cannot rekey in WAL mode).
      c.pragma('journal_mode = DELETE');
      if (to === null) dropDerivativeKey(c);
      expected = tableCounts(c);
      rekeyCatalog(c, to);
      crashPoint('rekeyed');
      c.pragma('journal_mode = WAL');
    } finally {
      c.close();
    }
    fsyncFile(copy);
    // Reopened as the next command will open it: under `to`, with the same rows and chain head.
    const v = openCopy(copy, to);
    try {
      const diff = sameCounts(expected, tableCounts(v));
      if (diff) throw new RekeyVerifyError(a.dir, diff);
      const h = chainHead(v);
      if (h?.hash !== head?.hash || h?.seq !== head?.seq) throw new RekeyVerifyError(a.dir, `custody chain head ${head?.seq}/${head?.hash} became ${h?.seq}/${h?.hash}`);
    } finally {
      v.close();
    }
    if (isEncryptedCatalog(copy) !== (to !== null)) throw new RekeyVerifyError(a.dir, 'the copy is not written as asked');
    for (const f of [`${copy}-wal`, `${copy}-shm`, `${copy}-journal`]) rmSync(f, { force: true });
    crashPoint('verified');
    renameSync(copy, live);
    crashPoint('renamed');
    // The old catalog's index of its (empty, removed) -wal file must not be reused for the new one.
    rmSync(`${live}-wal`, { force: true });
    rmSync(`${live}-shm`, { force: true });
    await syncDir(a.dir);
    let rows = 0;
    for (const n of expected.values()) rows += n;
    return { archive: a.dir, encrypted: to !== null, rows, custodySeq: head?.seq ?? null, previewsRemoved, logsResealed };
  } finally {
    for (const f of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
    await a.close();
  }
}
