// Before a resumed fixity check run is recorded, the outcomes found in earlier sittings (before an
// interruption) are checked again (fixity9 §1): a run paused for hours or days must not record "pass"
// for an object that was damaged or replaced during the pause. Cheap by default: each object is
// stat'ed and re-hashed only when its file changed since it was checked (size, mtime, inode,
// device, or a ctime after the check: any write, even one that put the old mtime back, sets the
// ctime). Bit rot leaves the stat as it was, so an outcome older than `maxAgeMs` (default 24 h)
// is re-hashed whatever its stat says, as is every one when the user asks (`verify --recheck-resumed`).
import { lstatSync } from 'node:fs';
import { objectPath } from '../archive.ts';
import type { Db } from '../db/open.ts';

/** Outcomes older than this are re-hashed on resumption even when their stat is unchanged (bit rot changes no stat). */
export const RECHECK_AFTER_MS = 24 * 3600 * 1000;

/** How the earlier sittings' outcomes were re-checked; each re-hashed item is counted under one reason. */
export interface EarlierRecheck {
  /** Outcomes from earlier sittings found at the end of this one. */
  examined: number;
  /** Of them, kept: the object's stat unchanged since it was checked (and the outcome younger than maxAgeMs). */
  kept: number;
  /** Re-hashed because the object file changed since (stat, ctime), is gone, or is not a file. */
  changed: number;
  /** Re-hashed because the outcome was older than maxAgeMs. */
  old: number;
  /** Re-hashed because the user asked (recheck all). */
  asked: number;
  /** Re-hashed because the earlier outcome was a failure (it may have been put right since). */
  failed: number;
  /** Bytes of the items whose outcome was cleared (they are re-hashed by the caller). */
  bytesCleared: number;
}

interface Row {
  pos: number; sha256: string; bytes: number; outcome: string; checked_at: string;
  obj_size: number | null; obj_mtime_ms: number | null; obj_ino: number | null; obj_dev: number | null;
}

/**
 * Re-checks the outcomes of open run `runId` found before `sittingStart` (ISO 8601 UTC): clears the
 * outcome (so the item is pending again, to be re-hashed by the caller in this sitting) of every
 * one whose object changed since its check, whose outcome is older than `maxAgeMs` at `now`,
 * that failed, or every one when `all`. One transaction for the clearing. Returns the counts.
 */
export function recheckEarlier(db: Db, objectsDir: string, runId: number, sittingStart: string,
  opts: { all?: boolean; maxAgeMs?: number; now?: number } = {}): EarlierRecheck {
  const maxAge = opts.maxAgeMs ?? RECHECK_AFTER_MS;
  const now = opts.now ?? Date.now();
  const rows = db.prepare(`SELECT pos, sha256, bytes, outcome, checked_at, obj_size, obj_mtime_ms, obj_ino, obj_dev FROM verify_run_items
    WHERE run_id = ? AND outcome IS NOT NULL AND checked_at < ? ORDER BY pos`).all(runId, sittingStart) as Row[];
  const out: EarlierRecheck = { examined: rows.length, kept: 0, changed: 0, old: 0, asked: 0, failed: 0, bytesCleared: 0 };
  const clear: number[] = [];
  for (const r of rows) {
    const why = opts.all ? 'asked' : r.outcome !== 'pass' ? 'failed' : now - Date.parse(r.checked_at) > maxAge ? 'old' : changedSince(objectPath(objectsDir, r.sha256), r) ? 'changed' : null;
    if (!why) {
      out.kept++;
      continue;
    }
    out[why]++;
    out.bytesCleared += r.bytes;
    clear.push(r.pos);
  }
  const st = db.prepare(`UPDATE verify_run_items SET outcome = NULL, checked_at = NULL, finding = NULL, reason = NULL, note = NULL,
    obj_size = NULL, obj_mtime_ms = NULL, obj_ino = NULL, obj_dev = NULL, event_seq = NULL WHERE run_id = ? AND pos = ?`);
  db.transaction(() => {
    for (const pos of clear) st.run(runId, pos);
  })();
  return out;
}

/** True when the file at `path` is not the regular file, of the same size, mtime, inode and device, last changed (ctime) before `r` was checked. */
function changedSince(path: string, r: Row): boolean {
  if (r.obj_size === null) return true;
  try {
    const st = lstatSync(path);
    return !st.isFile() || st.size !== r.obj_size || st.mtimeMs !== r.obj_mtime_ms || st.ino !== r.obj_ino || st.dev !== r.obj_dev || st.ctimeMs > Date.parse(r.checked_at);
  } catch {
    return true;
  }
}
