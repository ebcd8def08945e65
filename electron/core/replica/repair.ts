// `evidence repair ITEM` (issue 15 §3): a damaged or missing object restored from a good copy —
// one whose SHA-256 matches the catalog's — from a replica or a file the user names (the card's
// original), written crash-safely, and recorded as a custody event (PREMIS `recovery`), so the
// item's history reads: fixity check failed → recovery → fixity check passed.
import { existsSync, realpathSync, rmdirSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { FixityFinding } from '../../common/fixity.ts';
import type { Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { originalNames } from '../custody/readable.ts';
import { resolveItemRef } from '../db/items.ts';
import { archiveId } from '../db/settings.ts';
import { digestFile } from '../ingest/digest.ts';
import { objectPath } from '../objects.ts';
import { notAFile } from '../verify/object-kind.ts';
import { copyVerified } from './copy.ts';
import { findReplica, listReplicas, reachability, replicaObjectPath, ReplicaError, setCopyState, type Replica } from './store.ts';

/** Where a good copy may come from. `path` is this machine's, for the CLI's message; events record it only under `sourcePath`. */
export type RepairSource = { kind: 'replica'; replica: string; path: string }
  /** `resolvedPath`: the real file a --from that is a symbolic link (or under one) leads to, when it differs from `path` (fixity9 §6). */
  | { kind: 'file'; fileName: string; path: string; resolvedPath?: string };

/** One copy looked at as a source, and what it held. */
export interface RepairCandidate {
  source: RepairSource;
  /** good: SHA-256 and size match the catalog; the others are never used. */
  state: 'good' | 'missing' | 'altered' | 'unreadable' | 'unreachable';
  /** SHA-256 found, for `altered`. */
  found?: string;
  reason?: string;
}

/** What repairItem did. */
export interface RepairResult {
  itemId: number;
  sha256: string;
  /** The item's original file name, or null. */
  fileName: string | null;
  /**
   * repaired: restored and recorded; intact: nothing was wrong (nothing done, nothing recorded);
   * no-good-copy: no source held the recorded content (nothing done); error (repairDamaged only):
   * the repair failed with `error` (a file-system error, say), nothing recorded.
   */
  status: 'repaired' | 'intact' | 'no-good-copy' | 'error';
  /** For `error`: what went wrong (English, as the file system or the copy said it). */
  error?: string;
  /** What was wrong with the archive's copy (absent when intact). */
  finding?: FixityFinding;
  /** The source the copy was restored from (when repaired). */
  restoredFrom?: RepairSource;
  /** Every source looked at, in order. */
  tried: RepairCandidate[];
  /** The `recovery` custody event's seq (when repaired). */
  custodySeq?: number;
}

/** The archive-relative address of content `sha256` ("objects/sha256/ab/cd/<sha256>"), as fixity findings name objects. */
export const objectRelative = (sha256: string): string => `objects/sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;

/** What is wrong with the archive's copy of `sha256` (recorded size `bytes`), read from the device; null when it is intact. */
export function examineObject(archive: Archive, sha256: string, bytes: number): FixityFinding | null {
  const path = objectPath(archive.objectsDir, sha256);
  const object = objectRelative(sha256);
  // A link is never followed, a folder or a pipe never read: the archive does not hold the object.
  const other = notAFile(path);
  if (other) return { kind: 'missing', object, notAFile: other.what, ...(other.target !== undefined ? { linkTarget: other.target.split(archive.dir).join('<archive>') } : {}) };
  if (!existsSync(path)) return { kind: 'missing', object };
  try {
    const got = digestFile(path, ['sha256'], null, false, true);
    if (got.digests.sha256 === sha256 && got.bytes === bytes) return null;
    return { kind: 'altered', object, expected: { sha256 }, found: { sha256: got.digests.sha256 }, ...(got.bytes !== bytes ? { expectedBytes: bytes, foundBytes: got.bytes } : {}) };
  } catch (e) {
    return { kind: 'unreadable', object, error: (e as Error).message.split(archive.dir).join('<archive>') };
  }
}

/** What the copy at `path` holds against the recorded content. */
function examineSource(path: string, sha256: string, bytes: number, followLinks: boolean): Pick<RepairCandidate, 'state' | 'found' | 'reason'> {
  if (!existsSync(path)) return { state: 'missing' };
  try {
    const got = digestFile(path, ['sha256'], null, followLinks, true);
    if (got.digests.sha256 === sha256 && got.bytes === bytes) return { state: 'good' };
    return { state: 'altered', found: got.digests.sha256 };
  } catch (e) {
    return { state: 'unreadable', reason: (e as Error).message };
  }
}

/**
 * Restores the archive's copy of item `ref` (catalog id or SHA-256 prefix) when it is missing,
 * altered or unreadable. Sources, in order: with `from`, the replica of that name, else the file
 * at that path (resolved against the current folder); without it, every replica, in the order
 * they were added, skipping those not reachable. The first source whose SHA-256 and size match
 * the catalog's is copied by copyVerified (temporary name in the archive's tmp/, fdatasync,
 * re-hash, rename over the damaged object); a source that does not match is only read, never
 * written or used. A replica copy found damaged is recorded as such (replica_objects). Appends a
 * custody event, PREMIS `recovery`, on the item: detail.finding (common/fixity.ts FixityFinding:
 * what was wrong, the object by its archive-relative path), detail.restoredFrom ({kind: "replica",
 * replica: NAME} or {kind: "file", fileName, sourcePath}: the path is this machine's, under the key
 * public sets withhold, as ingestion's), verifiedBy "sha256". Nothing is done or recorded when the
 * copy is intact, or when no source holds the recorded content (status says which). The archive
 * must be open for writing. Throws Error for an unknown item, ReplicaError for a `from` that names
 * neither a replica nor a file, fs errors of the copy.
 */
export async function repairItem(archive: Archive, ref: string, opts: { actor: string; from?: string }): Promise<RepairResult> {
  const db = archive.db;
  const item = resolveItemRef(db, ref);
  const sha256 = item.record.sha256;
  const bytes = item.record.bytes;
  const base = { itemId: item.id, sha256, fileName: originalNames(db)(sha256) };
  const finding = examineObject(archive, sha256, bytes);
  if (!finding) return { ...base, status: 'intact', tried: [] };

  const id = archiveId(db);
  const fromReplica = (r: Replica): RepairSource => ({ kind: 'replica', replica: r.name, path: replicaObjectPath(r, sha256) });
  let sources: { source: RepairSource; replica?: Replica }[];
  if (opts.from !== undefined) {
    const r = findReplica(db, opts.from);
    if (r) sources = [{ source: fromReplica(r), replica: r }];
    else {
      const path = resolve(opts.from);
      if (!existsSync(path)) throw new ReplicaError(`--from ${opts.from}: neither a replica of this archive (${listReplicas(db).map((x) => x.name).join(', ') || 'it has none'}) nor an existing file`);
      if (!statSync(path).isFile()) throw new ReplicaError(`--from ${opts.from}: not a file`);
      // A link named by the user is followed, and the file it leads to recorded too: the link's name alone says nothing of what was read.
      const real = realpathSync.native(path);
      sources = [{ source: { kind: 'file', fileName: basename(path), path, ...(real !== path ? { resolvedPath: real } : {}) } }];
    }
  } else {
    sources = listReplicas(db).map((r) => ({ source: fromReplica(r), replica: r }));
    if (!sources.length) throw new ReplicaError('this archive has no replica to repair from: name a good copy with --from FILE (the original on its card), or add a replica (`evidence replica add DIR`) before the next loss');
  }

  const tried: RepairCandidate[] = [];
  for (const { source, replica } of sources) {
    if (replica) {
      const re = reachability(replica, id);
      if (!re.ok) {
        tried.push({ source, state: 'unreachable', reason: re.reason });
        continue;
      }
    }
    const seen = examineSource(source.path, sha256, bytes, source.kind === 'file');
    tried.push({ source, ...seen });
    if (replica && (seen.state === 'altered' || seen.state === 'unreadable')) setCopyState(db, replica.id, item.id, seen.state, new Date().toISOString(), 'verified');
    if (seen.state !== 'good') continue;
    // rename(2) replaces a link or a pipe, not a folder: an empty one goes first; one holding files is left for the user (copyVerified then fails, EISDIR).
    if (finding.notAFile === 'folder') {
      const dest = objectPath(archive.objectsDir, sha256);
      try {
        rmdirSync(dest);
      } catch {
        throw new Error(`the archive's object address ${dest} holds a folder with files in it, which the archive never removes: move that folder out of the store, then repair again`);
      }
    }
    await copyVerified(source.path, objectPath(archive.objectsDir, sha256), archive.tmpDir, { sha256, bytes }, source.kind === 'file');
    const restoredFrom = source.kind === 'replica' ? { kind: 'replica', replica: source.replica }
      : { kind: 'file', fileName: source.fileName, sourcePath: source.path, ...(source.resolvedPath ? { resolvedPath: source.resolvedPath } : {}) };
    const ev = appendCustodyEvent(db, { actor: opts.actor, type: 'recovery', item: sha256, detail: {
      outcome: 'success', object: objectRelative(sha256), finding, restoredFrom, verifiedBy: 'sha256',
      // Sources tried first and refused: by replica name only (a refused file is never recorded).
      ...(tried.length > 1 ? { refused: tried.slice(0, -1).filter((c) => c.source.kind === 'replica').map((c) => ({ replica: (c.source as { replica: string }).replica, state: c.state, ...(c.found ? { found: c.found } : {}) })) } : {}),
    } });
    return { ...base, status: 'repaired', finding, restoredFrom: source, tried, custodySeq: ev.seq };
  }
  return { ...base, status: 'no-good-copy', finding, tried };
}

/** What acknowledgeItem did. */
export interface AcknowledgeResult {
  itemId: number;
  sha256: string;
  fileName: string | null;
  /**
   * acknowledged: recorded (custodySeq); damaged: the copy is not intact now (repair it instead,
   * `finding` says how); nothing-to-acknowledge: no failed check waits for a repair (its last
   * check passed, or a recovery is recorded since).
   */
  status: 'acknowledged' | 'damaged' | 'nothing-to-acknowledge';
  finding?: FixityFinding;
  /** The failed check acknowledged: its outcome, when, and its custody event. */
  previous?: { outcome: string; checkedAt: string; seq: number | null };
  custodySeq?: number;
}

const FAILED = ['altered', 'missing', 'unreadable', 'unrecorded-change'];

/**
 * The last recorded check of item `itemId` when it failed (a content failure, or an unrecorded
 * change) and no `recovery` event is recorded since; null otherwise. What a repair or an
 * acknowledgement answers.
 */
export function unansweredFailure(archive: Archive, itemId: number, sha256: string): { outcome: string; checkedAt: string; seq: number | null } | null {
  const db = archive.db;
  const last = db.prepare('SELECT outcome, checked_at, event_seq FROM item_fixity WHERE item_id = ?').get(itemId) as { outcome: string; checked_at: string; event_seq: number | null } | undefined;
  if (!last || !FAILED.includes(last.outcome)) return null;
  // After the failed check by row, or by time (a run paused over a repair records its failure after the recovery).
  if (db.prepare("SELECT 1 FROM custody_events WHERE item = ? AND type = 'recovery' AND (seq > ? OR at > ?)").get(sha256, last.event_seq ?? 0, last.checked_at)) return null;
  return { outcome: last.outcome, checkedAt: last.checked_at, seq: last.event_seq };
}

/**
 * Records that the archive's copy of item `ref`, found damaged or missing by a check, was put back
 * outside the archive and is accepted (issue 15 §3, "unrecorded change"): the copy is re-hashed
 * from the device first and must match the catalog's SHA-256 and size. Appends a custody event,
 * PREMIS `recovery`, on the item: detail {outcome "success", acknowledged: true, object,
 * finding: {kind "unrecorded-change", previous, previousCheckedAt, previousSeq}, verifiedBy
 * "sha256"}; the next check then passes without an unrecorded-change finding. Nothing is recorded
 * when the copy is not intact (status "damaged": repair it) or when no failed check waits for an
 * answer. Throws Error for an unknown item.
 */
export function acknowledgeItem(archive: Archive, ref: string, opts: { actor: string }): AcknowledgeResult {
  const db = archive.db;
  const item = resolveItemRef(db, ref);
  const sha256 = item.record.sha256;
  const base = { itemId: item.id, sha256, fileName: originalNames(db)(sha256) };
  const finding = examineObject(archive, sha256, item.record.bytes);
  if (finding) return { ...base, status: 'damaged', finding };
  const previous = unansweredFailure(archive, item.id, sha256);
  if (!previous) return { ...base, status: 'nothing-to-acknowledge' };
  const object = objectRelative(sha256);
  const ev = appendCustodyEvent(db, { actor: opts.actor, type: 'recovery', item: sha256, detail: {
    outcome: 'success', acknowledged: true, object, verifiedBy: 'sha256',
    finding: { kind: 'unrecorded-change', object, previous: previous.outcome, previousCheckedAt: previous.checkedAt, ...(previous.seq !== null ? { previousSeq: previous.seq } : {}) },
  } });
  return { ...base, status: 'acknowledged', previous, custodySeq: ev.seq };
}

/**
 * Items whose last recorded check found their object missing, altered or unreadable, with no
 * `recovery` recorded since, by ascending id: what `repair --all-damaged` repairs.
 */
export function damagedItems(db: Archive['db']): { id: number; sha256: string }[] {
  return db.prepare(`SELECT i.id, i.sha256 FROM item_fixity x JOIN items i ON i.id = x.item_id
    WHERE x.outcome IN ('altered', 'missing', 'unreadable')
      AND NOT EXISTS (SELECT 1 FROM custody_events e WHERE e.item = i.sha256 AND e.type = 'recovery' AND (e.seq > coalesce(x.event_seq, 0) OR e.at > x.checked_at))
    ORDER BY i.id`).all() as { id: number; sha256: string }[];
}

/**
 * Items whose last recorded check is an unrecorded change (the copy was put back outside the
 * archive after a failed check: it passes again, no `recovery` recorded), with no `recovery`
 * recorded since, by ascending id. Nothing to copy: `repair ITEM --acknowledge` answers them
 * (fixity9 §6); `repair --all-damaged` lists them.
 */
export function unrecordedChangeItems(db: Archive['db']): { id: number; sha256: string }[] {
  return db.prepare(`SELECT i.id, i.sha256 FROM item_fixity x JOIN items i ON i.id = x.item_id
    WHERE x.outcome = 'unrecorded-change'
      AND NOT EXISTS (SELECT 1 FROM custody_events e WHERE e.item = i.sha256 AND e.type = 'recovery' AND (e.seq > coalesce(x.event_seq, 0) OR e.at > x.checked_at))
    ORDER BY i.id`).all() as { id: number; sha256: string }[];
}

/**
 * `repair --all-damaged`: repairItem for every item damagedItems lists (from replica `from`, or
 * each replica in turn), one `recovery` event per item restored; an item that no source can
 * restore is reported and the rest go on, as is an item whose repair fails (a file-system error:
 * status "error", with `error`, nothing recorded for it). `onItem` is called after each item.
 * Stops between items when `signal` is aborted. Throws ReplicaError when there is no replica to
 * repair from or `from` names neither a replica nor a file; SQLite errors.
 */
export async function repairDamaged(archive: Archive, opts: { actor: string; from?: string; signal?: AbortSignal; onItem?: (r: RepairResult) => void }): Promise<RepairResult[]> {
  const out: RepairResult[] = [];
  for (const it of damagedItems(archive.db)) {
    if (opts.signal?.aborted) break;
    let r: RepairResult;
    try {
      r = await repairItem(archive, it.sha256, { actor: opts.actor, ...(opts.from !== undefined ? { from: opts.from } : {}) });
    } catch (e) {
      // The same for every item (no replica, a bad --from) or the catalog's own: stop.
      if (e instanceof ReplicaError || (e as { code?: unknown }).code?.toString().startsWith('SQLITE_')) throw e;
      r = { itemId: it.id, sha256: it.sha256, fileName: originalNames(archive.db)(it.sha256), status: 'error', error: (e as Error).message, tried: [] };
    }
    out.push(r);
    opts.onItem?.(r);
  }
  return out;
}
