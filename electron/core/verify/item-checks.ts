// An item's fixity checks as `show` and the Item screen give them (issue 15 §2): since runs record
// one event per run, an item's passing checks are rows of the runs (verify_run_items) rather than
// custody events of the item; its failures stay events of its own.
import type { Db } from '../db/open.ts';
import { lastCheck, type LastCheck } from './runs.ts';

/** A passing check of an item in a recorded run: the run, its custody event (seq, time, who). */
export interface RunPass {
  run: number;
  seq: number;
  at: string;
  actor: string;
}

/** The item's passes in recorded runs (their event exists), oldest first. */
export function runPasses(db: Db, itemId: number): RunPass[] {
  return db.prepare(`SELECT r.id run, e.seq, e.at, e.actor FROM verify_run_items x JOIN verify_runs r ON r.id = x.run_id JOIN custody_events e ON e.seq = r.event_seq
    WHERE x.item_id = ? AND x.outcome = 'pass' ORDER BY e.seq`).all(itemId) as RunPass[];
}

/** The item's last check with its run's event time, for display; null when never checked. */
export interface LastCheckView extends LastCheck {
  /** PASSED, or FAILED for any other outcome (altered, missing, unreadable, catalog, unrecorded-change). */
  status: 'PASSED' | 'FAILED';
}

/** The last recorded check of item `itemId` (table item_fixity), with its status; null when none. */
export function lastCheckView(db: Db, itemId: number): LastCheckView | null {
  const c = lastCheck(db, itemId);
  return c ? { ...c, status: c.outcome === 'pass' ? 'PASSED' : 'FAILED' } : null;
}
