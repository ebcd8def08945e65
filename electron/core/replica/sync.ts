// Filling a replica (issue 15 §3): every item's object copied from the archive to the replica's
// content address, each copy verified (replica/copy.ts), and one custody event per run.
import { existsSync, statSync } from 'node:fs';
import type { Archive } from '../archive.ts';
import { objectPath } from '../objects.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { archiveId } from '../db/settings.ts';
import { digestFile } from '../ingest/digest.ts';
import { prepareObjectStore } from '../objects.ts';
import { notAFile, sameFile } from '../verify/object-kind.ts';
import { recordItemFailure } from '../verify/record-failure.ts';
import type { FixityFinding } from '../../common/fixity.ts';
import { examineObject } from './repair.ts';
import { clearPartials, copyVerified, SourceMismatchError } from './copy.ts';
import { originalNames } from '../custody/readable.ts';
import { eventCopies, replicaRelativePath, type ReplicaCopyRef } from './named.ts';
import { syncDerivativeObjects, type DerivativeSyncReport } from './sync-derivatives.ts';
import { listReplicas, reachability, replicaObjectPath, replicaObjectsDir, replicaTmpDir, requireReachable, setCopyState, type Replica } from './store.ts';

/** One object a sync could not copy, and why. */
export interface SyncFailure {
  itemId: number;
  sha256: string;
  /** What went wrong: the archive's own copy is damaged or missing, or the write failed. */
  reason: string;
  /**
   * What the archive's own copy was found to be when it is the cause (altered: `found.sha256`;
   * missing, or not a file: `notAFile`), as a fixity check finding; absent when the write failed.
   * Such a finding is recorded against the item as a failed fixity check (`fixityEventSeq`).
   */
  finding?: FixityFinding;
  /** The `fixity check` custody event recording the archive's copy failing (record-failure.ts). */
  fixityEventSeq?: number;
  /** True when the replica had held a recorded copy that is gone (it stays missing: nothing was written). */
  lostInReplica?: boolean;
}

/** What one sync of one replica did. */
export interface SyncReport {
  replica: string;
  /** Copies written (the replica had none). */
  copied: number;
  /** Copies written over a damaged one in the replica (found altered by SHA-256). */
  replaced: number;
  /** Copies found at their address with the right SHA-256 but not yet recorded: recorded. */
  adopted: number;
  /** Copies already recorded and present: left alone (checking them is `verify --replicas`). */
  present: number;
  failed: SyncFailure[];
  /**
   * Copies the catalog recorded as present and intact that were no longer there and were written
   * again (among `copied`; a lost copy that could not be written is in `failed`, lostInReplica): the replica lost them (a folder emptied, or another folder given the marker
   * file). A problem to report even though the sync made them good again.
   */
  vanished: number;
  /** Those copies, named (all of them; the custody event names at most EVENT_COPIES_MAX). */
  vanishedItems: ReplicaCopyRef[];
  bytesCopied: number;
  /** The custody event's seq, or null when nothing needed doing (no event written). */
  custodySeq: number | null;
  /** Redacted copies and detection logs (a whole-archive sync only; replica/sync-derivatives.ts). */
  derivatives?: DerivativeSyncReport;
}

// State rows are committed in batches: with synchronous=FULL each commit waits for the disk. A
// copy renamed into place whose row was lost to a crash is found and adopted by the next sync.
const BATCH = 200;

/**
 * Brings replica `r` up to date with the archive: for each item (all, or those of `only`, by
 * SHA-256), a copy recorded and still present at its address (same size) is left alone; a file at
 * the address that is not recorded is re-hashed and adopted when its SHA-256 matches, replaced
 * by a verified copy when not; a missing copy, or one a check found damaged, is written by
 * copyVerified (temporary name, fdatasync, re-hash, rename). The archive's own object must hold
 * the recorded SHA-256, or that item fails (nothing is copied from a damaged original: repair
 * it first). Leftover temporary files of an interrupted run are removed first. Appends one
 * custody event (PREMIS `replication`, archive-wide, detail.action "replica sync") with the
 * counts when anything was written, adopted or failed, and the copies recorded but gone (`vanished`);
 * the vanished and failed copies are named (`vanishedItems`, `failedItems`: SHA-256 as `item`,
 * item id, original file name, path in the replica; at most EVENT_COPIES_MAX each, the rest
 * counted in `…Omitted`). `trigger` is recorded ("sync", "ingest").
 * Without `only`, the redacted copies and detection logs are copied too (syncDerivativeObjects);
 * their failures are in `derivatives.failed`, not `failed`.
 * Throws ReplicaError when the replica is not reachable or is the wrong folder.
 */
export async function syncReplica(archive: Archive, r: Replica, opts: { actor: string; only?: readonly string[]; trigger?: string; signal?: AbortSignal }): Promise<SyncReport> {
  requireReachable(archive, r);
  const db = archive.db;
  clearPartials(replicaTmpDir(r));
  await prepareObjectStore(replicaObjectsDir(r));
  const rows = db.prepare(`SELECT i.id, i.sha256, i.bytes, o.state FROM items i
    LEFT JOIN replica_objects o ON o.item_id = i.id AND o.replica_id = ? ORDER BY i.id`).all(r.id) as { id: number; sha256: string; bytes: number; state: string | null }[];
  const wanted = opts.only ? new Set(opts.only) : null;
  const nameOf = originalNames(db);
  const copyRef = (itemId: number, sha256: string): ReplicaCopyRef => ({ itemId, sha256, fileName: nameOf(sha256), path: replicaRelativePath(r, sha256) });
  const report: SyncReport = { replica: r.name, copied: 0, replaced: 0, adopted: 0, present: 0, failed: [], vanished: 0, vanishedItems: [], bytesCopied: 0, custodySeq: null };
  let pending: { itemId: number; at: string }[] = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    if (batch.length) db.transaction(() => { for (const p of batch) setCopyState(db, r.id, p.itemId, 'ok', p.at, 'copied'); })();
  };
  for (const it of rows) {
    if (opts.signal?.aborted) break;
    if (wanted && !wanted.has(it.sha256)) continue;
    const dest = replicaObjectPath(r, it.sha256);
    let size: number | null = null;
    try {
      size = statSync(dest).size;
    } catch {
      // no copy there
    }
    const src = objectPath(archive.objectsDir, it.sha256);
    // A hard link to the archive's own object is no second copy: replaced by one (rename(2) over it), never adopted.
    // Nor is a symbolic link (to anywhere), a folder or a pipe at the copy's place: replaced, never adopted (fixity9 §4).
    const linked = size !== null && (sameFile(dest, src) || notAFile(dest) !== null);
    if (size !== null && it.state === 'ok' && size === it.bytes && !linked) {
      report.present++;
      continue;
    }
    const lost = size === null && it.state === 'ok';
    let damaged = false;
    if (size !== null) {
      let found: string | null = null;
      try {
        found = digestFile(dest, ['sha256'], null, false, true).digests.sha256;
      } catch {
        // unreadable: replaced below
      }
      if (found === it.sha256 && size === it.bytes && !linked) {
        pending.push({ itemId: it.id, at: new Date().toISOString() });
        report.adopted++;
        if (pending.length >= BATCH) flush();
        continue;
      }
      damaged = true;
    }
    try {
      report.bytesCopied += await copyVerified(src, dest, replicaTmpDir(r), { sha256: it.sha256, bytes: it.bytes });
      if (damaged) report.replaced++;
      else report.copied++;
      // Counted as lost and written again only once it is written again (fixity9 §2).
      if (lost) {
        report.vanished++;
        report.vanishedItems.push(copyRef(it.id, it.sha256));
      }
      pending.push({ itemId: it.id, at: new Date().toISOString() });
      if (pending.length >= BATCH) flush();
    } catch (e) {
      // The archive's own copy at fault (damaged, gone, or not a file): that is a failed fixity check of the item, recorded as verify records one.
      const finding = e instanceof SourceMismatchError || !existsSync(src) || notAFile(src) ? examineObject(archive, it.sha256, it.bytes) : null;
      const why = finding?.kind === 'altered'
        ? `the archive's own copy is damaged (SHA-256 found ${finding.found?.sha256 ?? '?'}); run \`evidence repair ${it.id}\` first`
        : finding?.kind === 'missing' ? `the archive's own copy is missing${finding.notAFile ? ` (a ${finding.notAFile} stands at its address)` : ''}; run \`evidence repair ${it.id}\` first`
          : finding?.kind === 'unreadable' ? `the archive's own copy is unreadable (${finding.error ?? ''}); run \`evidence repair ${it.id}\` first`
            : e instanceof SourceMismatchError ? `the archive's own copy is damaged (SHA-256 found ${e.found.sha256}); run \`evidence repair ${it.id}\` first` : (e as Error).message;
      const fixityEventSeq = finding ? recordItemFailure(db, { actor: opts.actor, itemId: it.id, sha256: it.sha256, finding, reason: `item ${it.id} (${finding.object ?? ''}): ${why}`, checkedBy: 'replica sync' }) : undefined;
      report.failed.push({ itemId: it.id, sha256: it.sha256, reason: why, ...(finding ? { finding } : {}), ...(fixityEventSeq !== undefined ? { fixityEventSeq } : {}), ...(lost ? { lostInReplica: true } : {}) });
    }
  }
  // Derivatives (redacted copies, detection logs) with a whole-archive sync, not after an ingest.
  const deriv = opts.only ? null : await syncDerivativeObjects(archive, r, opts.signal);
  if (deriv) {
    report.derivatives = deriv;
    report.bytesCopied += deriv.bytesCopied;
  }
  const at = new Date().toISOString();
  db.transaction(() => {
    flush();
    db.prepare('UPDATE replicas SET last_sync_at = ? WHERE id = ?').run(at, r.id);
    if (report.copied + report.replaced + report.adopted + report.failed.length + (deriv ? deriv.copied + deriv.failed.length : 0) === 0) return;
    // One event per run, not one per object: a sync of a large archive would otherwise double the log.
    report.custodySeq = appendCustodyEvent(db, { actor: opts.actor, type: 'replication', item: null, at, detail: {
      action: 'replica sync', replica: r.name, outcome: report.failed.length || deriv?.failed.length ? 'fail' : 'success', trigger: opts.trigger ?? 'sync',
      copied: report.copied, replaced: report.replaced, adopted: report.adopted, alreadyPresent: report.present,
      failed: report.failed.length, bytesCopied: report.bytesCopied, verifiedBy: 'sha256',
      ...(report.vanished ? { vanished: report.vanished } : {}),
      ...eventCopies('vanishedItems', report.vanishedItems, (c) => ({ item: c.sha256, itemId: c.itemId, fileName: c.fileName, path: c.path })),
      ...eventCopies('failedItems', report.failed, (f) => ({
        item: f.sha256, itemId: f.itemId, fileName: nameOf(f.sha256), path: replicaRelativePath(r, f.sha256), reason: f.reason,
        ...(f.finding?.found?.sha256 ? { foundSha256: f.finding.found.sha256 } : {}), ...(f.finding?.notAFile ? { notAFile: f.finding.notAFile } : {}),
        ...(f.fixityEventSeq !== undefined ? { fixityCheckSeq: f.fixityEventSeq } : {}), ...(f.lostInReplica ? { lostInReplica: true } : {}),
      })),
      ...(deriv && deriv.copied + deriv.failed.length ? { derivativesCopied: deriv.copied, derivativesFailed: deriv.failed.length } : {}),
    } }).seq;
  })();
  return report;
}

/** What replicateAfterIngest did: a report per replica synced, a warning per replica that could not be. */
export interface ReplicateOutcome {
  reports: SyncReport[];
  /** Each warning in English, as the app's ingest report carries it. */
  warnings: string[];
  /** The same warnings by shape, for a reader that words them itself (the CLI, in the user's language). */
  notes: ReplicateNote[];
}

/** One replica warning of an ingest: not reached (`reason`), one object not copied, or the whole sync failed (`error`). */
export type ReplicateNote =
  | { kind: 'unreachable'; replica: string; reason: string }
  | { kind: 'not-copied'; replica: string; itemId: number; reason: string }
  | { kind: 'not-updated'; replica: string; error: string };

/**
 * The ingest hook: copies the objects of `sha256s` (those an ingest run just added) to every
 * replica that can be reached now (syncReplica with `only`, trigger "ingest"). An unreachable
 * replica, or one whose sync throws, gives a warning, never an error: the ingest itself is done
 * and recorded; `evidence replica sync` fills the replica later. Does nothing without replicas or
 * objects. Throws nothing but SQLite errors.
 */
export async function replicateAfterIngest(archive: Archive, sha256s: readonly string[], opts: { actor: string; signal?: AbortSignal }): Promise<ReplicateOutcome> {
  const out: ReplicateOutcome = { reports: [], warnings: [], notes: [] };
  if (!sha256s.length) return out;
  let replicas: Replica[];
  try {
    replicas = listReplicas(archive.db);
  } catch {
    return out; // a catalog from before replicas (read-only, not migrated)
  }
  const id = archiveId(archive.db);
  for (const r of replicas) {
    const re = reachability(r, id);
    if (!re.ok) {
      out.warnings.push(`${re.reason}; not updated (run \`evidence replica sync ${r.name}\` when it is back)`);
      out.notes.push({ kind: 'unreachable', replica: r.name, reason: re.reason });
      continue;
    }
    try {
      const rep = await syncReplica(archive, r, { actor: opts.actor, only: sha256s, trigger: 'ingest', signal: opts.signal });
      out.reports.push(rep);
      for (const f of rep.failed) {
        out.warnings.push(`replica "${r.name}": item ${f.itemId} not copied: ${f.reason}`);
        out.notes.push({ kind: 'not-copied', replica: r.name, itemId: f.itemId, reason: f.reason });
      }
    } catch (e) {
      out.warnings.push(`replica "${r.name}": not updated: ${(e as Error).message}`);
      out.notes.push({ kind: 'not-updated', replica: r.name, error: (e as Error).message });
    }
  }
  return out;
}
