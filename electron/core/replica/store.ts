// Replicas in the catalog and on disk (issue 15 §3): a replica is a folder (another drive, a NAS
// share) holding a second copy of the object store at the same content addresses, under
// `<folder>/objects/sha256/ab/cd/<sha256>`, with its own `tmp/` for copies being written and a
// marker file naming the archive it belongs to, so a wrong folder (another archive's replica, a
// folder of someone's files, a drive mounted at another place) is refused, never written into.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, isAbsolute } from 'node:path';
import type { Archive } from '../archive.ts';
import { syncDir } from '../durable.ts';
import { archiveId } from '../db/settings.ts';
import type { Db } from '../db/open.ts';
import { objectPath } from '../objects.ts';
import { appendCustodyEvent } from '../custody/log.ts';

/** The marker file at the top of a replica folder. */
export const MARKER_FILE = 'evidence-replica.json';
/** The marker's format name and version. */
export const MARKER_FORMAT = 'evidence-archive-replica/1';

/** A user-facing replica problem (wrong folder, unknown name, unreachable): the CLI maps it to a usage error. */
export class ReplicaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplicaError';
  }
}

/** A row of the `replicas` table. */
export interface Replica {
  id: number;
  name: string;
  /** Absolute folder on this machine. */
  path: string;
  addedAt: string;
  lastSyncAt: string | null;
  lastVerifyAt: string | null;
}

/** What a replica folder's marker file says. */
export interface ReplicaMarker {
  format: string;
  archiveId: string;
  name: string;
  createdAt: string;
}

/** Whether a replica can be used now: `ok`, or why not (`absent`: folder not there, a drive not mounted; `wrong`: no marker, or another archive's). */
export type Reachability = { ok: true } | { ok: false; why: 'absent' | 'wrong'; reason: string };

/** `<replica>/objects`: the replica's object store root (same layout as the archive's objects/). */
export const replicaObjectsDir = (r: Pick<Replica, 'path'>): string => join(r.path, 'objects');
/** `<replica>/tmp`: where copies are written before they are renamed into place. */
export const replicaTmpDir = (r: Pick<Replica, 'path'>): string => join(r.path, 'tmp');
/** Where the copy of content `sha256` lives in replica `r`. */
export const replicaObjectPath = (r: Pick<Replica, 'path'>, sha256: string): string => objectPath(replicaObjectsDir(r), sha256);

interface ReplicaRow { id: number; name: string; path: string; added_at: string; last_sync_at: string | null; last_verify_at: string | null }
const fromRow = (r: ReplicaRow): Replica => ({ id: r.id, name: r.name, path: r.path, addedAt: r.added_at, lastSyncAt: r.last_sync_at, lastVerifyAt: r.last_verify_at });

/** Every replica of the archive, in the order they were added. Throws SQLite errors only. */
export function listReplicas(db: Db): Replica[] {
  return (db.prepare('SELECT * FROM replicas ORDER BY id').all() as ReplicaRow[]).map(fromRow);
}

/** The replica named `name` (exact), or null. */
export function findReplica(db: Db, name: string): Replica | null {
  const r = db.prepare('SELECT * FROM replicas WHERE name = ?').get(name) as ReplicaRow | undefined;
  return r ? fromRow(r) : null;
}

/** The replica named `name`; throws ReplicaError listing the known names when there is none. */
export function getReplica(db: Db, name: string): Replica {
  const r = findReplica(db, name);
  if (r) return r;
  const names = listReplicas(db).map((x) => x.name);
  throw new ReplicaError(`no replica named "${name}"${names.length ? ` (replicas: ${names.join(', ')})` : ' (this archive has none; add one with `evidence replica add DIR`)'}`);
}

/** The marker of the folder `dir`, or null when it has none or it cannot be read as one. */
export function readMarker(dir: string): ReplicaMarker | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, MARKER_FILE), 'utf8')) as Partial<ReplicaMarker>;
    if (m.format !== MARKER_FORMAT || typeof m.archiveId !== 'string') return null;
    return { format: m.format, archiveId: m.archiveId, name: String(m.name ?? ''), createdAt: String(m.createdAt ?? '') };
  } catch {
    return null;
  }
}

/**
 * Whether replica `r` can be read and written now: its folder exists and its marker names archive
 * `id`. Throws nothing.
 */
export function reachability(r: Pick<Replica, 'path' | 'name'>, id: string | null): Reachability {
  let isDir = false;
  try {
    isDir = statSync(r.path).isDirectory();
  } catch {
    // absent
  }
  if (!isDir) return { ok: false, why: 'absent', reason: `replica "${r.name}": folder ${r.path} is not there (drive not connected, share not mounted?)` };
  const m = readMarker(r.path);
  if (!m) return { ok: false, why: 'wrong', reason: `replica "${r.name}": folder ${r.path} has no ${MARKER_FILE}: it is not this archive's replica (another drive mounted at the same place?)` };
  if (m.archiveId !== id) return { ok: false, why: 'wrong', reason: `replica "${r.name}": folder ${r.path} holds a replica of another archive (${m.archiveId}), not of this one (${id ?? 'no id'})` };
  return { ok: true };
}

/** reachability, throwing ReplicaError with its reason when the replica cannot be used. */
export function requireReachable(archive: Archive, r: Replica): void {
  const re = reachability(r, archiveId(archive.db));
  if (!re.ok) throw new ReplicaError(re.reason);
}

/**
 * The real path of `p`: symbolic links resolved in its nearest existing ancestor, the part that
 * does not exist yet appended as given (a folder to be made under a link into the archive is
 * still inside the archive).
 */
const real = (p: string): string => {
  const abs = resolve(p);
  const rest: string[] = [];
  for (let at = abs; ; at = dirname(at)) {
    try {
      return join(realpathSync.native(at), ...rest.reverse());
    } catch {
      if (dirname(at) === at) return abs;
      rest.push(basename(at));
    }
  }
};
const inside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** Device and inode of `p`, or null when it cannot be read. */
const fileId = (p: string): string | null => {
  try {
    const st = statSync(p);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
};

/**
 * True when folder `child` (made or not) lies in folder `parent` or is it: by real paths, and by
 * device and inode of each existing ancestor of `child`, which also sees a bind mount of `parent`
 * (the same folder under another path, which real paths do not reveal).
 */
export function isWithin(child: string, parent: string): boolean {
  if (inside(real(child), real(parent))) return true;
  const target = fileId(parent);
  if (!target) return false;
  for (let at = real(child); ; at = dirname(at)) {
    if (fileId(at) === target) return true;
    if (dirname(at) === at) return false;
  }
}

/**
 * Adds folder `dir` as a replica of `archive` named `name` (default: the folder's name). The folder
 * is made when absent (its parent must exist: a share that is not mounted must not be replaced by
 * a local folder of the same name); an empty folder gets the marker; a folder that already is a
 * replica of this archive (its marker names this archive's id) is adopted as it is. Refused with
 * ReplicaError: a folder inside the archive or holding it, a folder with another archive's marker,
 * a non-empty folder without a marker, a name or folder already in use. The archive must be
 * open for writing (its id is made here when it has none). Objects are copied by syncReplica.
 */
export async function addReplica(archive: Archive, dir: string, name?: string): Promise<Replica> {
  const db = archive.db;
  const abs = resolve(dir);
  const n = (name ?? basename(abs)).trim();
  if (!n) throw new ReplicaError('give the replica a name with --name');
  if (/[\u0000-\u001f\u007f]/u.test(n) || n.length > 100) throw new ReplicaError(`replica name "${n}": use up to 100 printable characters`);
  if (isWithin(abs, archive.dir) || isWithin(archive.dir, abs)) {
    throw new ReplicaError(`${abs}: a replica must be outside the archive folder ${archive.dir} (on another drive, ideally), and must not contain it`);
  }
  if (findReplica(db, n)) throw new ReplicaError(`a replica named "${n}" already exists; choose another with --name`);
  const same = listReplicas(db).find((r) => real(r.path) === real(abs));
  if (same) throw new ReplicaError(`${abs} is already replica "${same.name}"`);
  const id = archiveId(db) ?? db.transaction(() => archiveId(db, { create: true })).immediate()!;
  if (!existsSync(abs)) {
    if (!existsSync(dirname(abs))) throw new ReplicaError(`${abs}: its parent folder ${dirname(abs)} does not exist (is the drive connected, the share mounted?)`);
    mkdirSync(abs);
    await syncDir(dirname(abs));
  } else if (!statSync(abs).isDirectory()) {
    throw new ReplicaError(`${abs}: not a folder`);
  }
  const marker = readMarker(abs);
  if (marker && marker.archiveId !== id) {
    throw new ReplicaError(`${abs}: this folder is a replica of another archive (${marker.archiveId}); this archive is ${id}. Choose an empty folder.`);
  }
  if (!marker) {
    const entries = readdirSync(abs).filter((e) => e !== 'lost+found' && !e.startsWith('.'));
    if (entries.length) throw new ReplicaError(`${abs}: the folder is not empty and is not a replica of this archive (no ${MARKER_FILE}); choose an empty folder`);
    const m: ReplicaMarker = { format: MARKER_FORMAT, archiveId: id, name: n, createdAt: new Date().toISOString() };
    await writeFile(join(abs, MARKER_FILE), JSON.stringify(m, null, 2) + '\n', { flag: 'wx' });
    await syncDir(abs);
  }
  const at = new Date().toISOString();
  const rid = Number(db.prepare('INSERT INTO replicas (name, path, added_at) VALUES (?, ?, ?)').run(n, abs, at).lastInsertRowid);
  return { id: rid, name: n, path: abs, addedAt: at, lastSyncAt: null, lastVerifyAt: null };
}

/** Counts of a replica's copies as the catalog knows them (from the last sync and check). */
export interface ReplicaCounts {
  /** Items of the archive. */
  items: number;
  /** Items whose copy was written or last checked intact. */
  present: number;
  /** Items with no copy recorded, or whose copy the last check found missing. */
  missing: number;
  /** Items whose copy the last check found altered or unreadable. */
  damaged: number;
}

/** ReplicaCounts of replica `replicaId`, from the catalog alone (no file is read). */
export function replicaCounts(db: Db, replicaId: number): ReplicaCounts {
  const items = (db.prepare('SELECT count(*) n FROM items').get() as { n: number }).n;
  const by = new Map((db.prepare('SELECT state, count(*) n FROM replica_objects WHERE replica_id = ? GROUP BY state').all(replicaId) as { state: string; n: number }[]).map((r) => [r.state, r.n]));
  const present = by.get('ok') ?? 0;
  const damaged = (by.get('altered') ?? 0) + (by.get('unreadable') ?? 0);
  return { items, present, damaged, missing: items - present - damaged };
}

/**
 * Records the state of item `itemId`'s copy in replica `replicaId` at `at` (UTC ISO 8601): `how`
 * copied (written, or found intact and adopted: copied_at and verified_at) or verified (a check:
 * verified_at only). Insert or update.
 */
export function setCopyState(db: Db, replicaId: number, itemId: number, state: 'ok' | 'missing' | 'altered' | 'unreadable', at: string, how: 'copied' | 'verified'): void {
  // A copy is checked by SHA-256 as it is written, so copying is also a check of it.
  db.prepare(`INSERT INTO replica_objects (replica_id, item_id, copied_at, verified_at, state) VALUES (@r, @i, @at, @at, @s)
    ON CONFLICT (replica_id, item_id) DO UPDATE SET state = @s, verified_at = @at,
      copied_at = CASE WHEN @how = 'copied' THEN @at ELSE copied_at END`)
    .run({ r: replicaId, i: itemId, at, s: state, how });
}

/** What removeReplica did: the replica forgotten, the copies the catalog knew in it, the custody event. */
export interface RemovedReplica {
  replica: Replica;
  /** Copies the catalog recorded as present (ok) in it when it was removed. */
  copies: number;
  custodySeq: number;
}

/**
 * Forgets replica `name`: its row and its copies' states leave the catalog, and a custody event,
 * PREMIS `replication`, records it (detail: action "replica removed", replica, copies the catalog
 * knew in it, filesKept true). Its folder and files are left as they are (delete them yourself,
 * once another replica holds the copies). Throws ReplicaError for an unknown name.
 */
export function removeReplica(archive: Archive, name: string, opts: { actor: string }): RemovedReplica {
  const db = archive.db;
  const r = getReplica(db, name);
  return db.transaction(() => {
    const copies = db.prepare("SELECT count(*) FROM replica_objects WHERE replica_id = ? AND state = 'ok'").pluck().get(r.id) as number;
    db.prepare('DELETE FROM replica_objects WHERE replica_id = ?').run(r.id);
    db.prepare('DELETE FROM replicas WHERE id = ?').run(r.id);
    const ev = appendCustodyEvent(db, { actor: opts.actor, type: 'replication', item: null, detail: { outcome: 'success', action: 'replica removed', replica: r.name, copies, filesKept: true } });
    return { replica: r, copies, custodySeq: ev.seq };
  }).immediate();
}
