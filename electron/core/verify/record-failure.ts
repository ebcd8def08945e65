// A failed fixity check found outside a `verify` run (fixity9 §2): `replica sync` re-hashes the
// archive's own object before copying it, and when that object is damaged or gone it has checked
// the item and found it failing. That finding is recorded as `verify` records one, so `show`, the
// Item screen and `repair --all-damaged` see it: a PREMIS `fixity check` event on the item
// (outcome "fail", with its finding) and the item's last check (item_fixity) set to it.
import type { FixityFinding } from '../../common/fixity.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { Db } from '../db/open.ts';

/**
 * Records that item `itemId` (content `sha256`) failed a fixity check at `checkedAt` (ISO 8601 UTC),
 * by SHA-256, with `finding` (common/fixity.ts; its `object` archive-relative) and the English
 * `reason`; `checkedBy` says which command checked it ("replica sync"). One transaction: the
 * custody event (PREMIS `fixity check`, item = sha256, detail {outcome "fail", algorithms
 * ["sha256"], checkedAt, checkedBy, reason, finding}) and the item's last check (item_fixity,
 * outcome = finding.kind, run none, event = this one) unless a later check is recorded. Returns
 * the event's seq. Throws SQLite errors.
 */
export function recordItemFailure(db: Db, f: { actor: string; itemId: number; sha256: string; finding: FixityFinding; reason: string; checkedBy: string; checkedAt?: string }): number {
  const checkedAt = f.checkedAt ?? new Date().toISOString();
  return db.transaction(() => {
    const ev = appendCustodyEvent(db, { actor: f.actor, type: 'fixity check', item: f.sha256, detail: {
      outcome: 'fail', algorithms: ['sha256'], checkedAt, checkedBy: f.checkedBy, reason: f.reason, finding: f.finding,
    } });
    db.prepare(`INSERT OR REPLACE INTO item_fixity (item_id, checked_at, run_id, outcome, event_seq, obj_size, obj_mtime_ms, obj_ino, obj_dev)
      SELECT ?, ?, NULL, ?, ?, NULL, NULL, NULL, NULL
      WHERE NOT EXISTS (SELECT 1 FROM item_fixity x WHERE x.item_id = ? AND x.checked_at > ?)`).run(f.itemId, checkedAt, f.finding.kind, ev.seq, f.itemId, checkedAt);
    return ev.seq;
  })();
}
