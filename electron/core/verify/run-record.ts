// Recording a fixity check run in the custody log (docs/fixity-runs.md): ONE `fixity check` event
// for the run (item null) carrying its scope, counts, start and end, the state of the chain it
// found and the Merkle root of its per-item outcomes, plus one `fixity check` event per failure
// (item = the failed item's SHA-256, with its structured finding), all in one transaction with the
// update of each item's last check (item_fixity) and the closing of the run.
import type { FixityFinding } from '../../common/fixity.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { MthBuilder } from '../custody/merkle.ts';
import type { Db } from '../db/open.ts';
import { FIXITY_LEAF_FORMAT, fixityLeafHash, fixityRunRoot } from './run-merkle.ts';
import type { ItemOutcome, ItemResult, RunStore } from './runs.ts';
import { isWholeArchive } from './scope.ts';

/** What a run found, over every item it checked (all sessions). */
export interface RunTally {
  checked: number;
  bytes: number;
  passed: number;
  /** Failures by kind (every kind present, 0 when none). */
  failed: Record<Exclude<ItemOutcome, 'pass'>, number>;
  /** The failed items' results, in position order. */
  failures: ItemResult[];
  /** Passing items whose object file changed identity (note "identity-changed"). */
  notes: ItemResult[];
  merkle: { format: string; leaves: number; root: string };
}

/** Counts and Merkle root of the results in `store` (the catalog's rows for a stored run; memory otherwise). */
export function tallyRun(db: Db, store: RunStore): RunTally {
  const t: RunTally = { checked: 0, bytes: 0, passed: 0, failed: { altered: 0, missing: 0, unreadable: 0, catalog: 0, 'unrecorded-change': 0 }, failures: [], notes: [], merkle: { format: FIXITY_LEAF_FORMAT, leaves: 0, root: '' } };
  const leaves: { id: number; pos: number; hash: Buffer }[] = [];
  for (const r of store.results()) {
    t.checked++;
    t.bytes += r.bytes;
    if (r.outcome === 'pass') t.passed++;
    else {
      t.failed[r.outcome]++;
      t.failures.push(r);
    }
    if (r.note) t.notes.push(r);
    if (store.run.id === 0) leaves.push({ id: r.id, pos: r.pos, hash: fixityLeafHash({ item: r.id, sha256: r.sha256, outcome: r.outcome }) });
  }
  if (store.run.id === 0) {
    const b = new MthBuilder();
    for (const l of leaves.sort((a, c) => a.id - c.id || a.pos - c.pos)) b.push(l.hash);
    t.merkle = { format: FIXITY_LEAF_FORMAT, leaves: b.count, root: b.root().toString('hex') };
  } else {
    const r = fixityRunRoot(db, store.run.id);
    t.merkle = { format: FIXITY_LEAF_FORMAT, leaves: r.leaves, root: r.root };
  }
  return t;
}

/** What the run event says besides the tally: how it ended and what it found of the chain and the store. */
export interface RunEnd {
  outcome: 'pass' | 'fail' | 'interrupted';
  state: 'done' | 'abandoned';
  finishedAt: string;
  /** Problems of every kind (items, chain, seals, catalog, store). */
  problems: number;
  /** The custody chain as it stood before this run's events; absent when the run ended without checking it (abandoned). */
  chain?: { rowsChecked: number; holds: boolean; problems: number; firstBrokenRow: number | null };
  seals?: { count: number; firstBroken: number | null };
  unrecordedCopies?: number;
  /** SQLite's integrity check of the catalog file (whole-archive runs only: catalog-integrity.ts). */
  catalogIntegrity?: 'ok' | 'failed';
  /**
   * For a run done in several sittings: its interruptions ({stoppedAt, resumedAt}), how many items
   * the last sitting re-hashed, how many outcomes stand from earlier sittings (and when they were
   * found), and how those were re-checked (resume-recheck.ts). The Merkle root then covers outcomes
   * found over the whole span from startedAt to finishedAt, not at one moment.
   */
  sittings?: Record<string, unknown>;
}

/**
 * Appends the run's events and closes it (one transaction): one failure event per failed item not
 * yet recorded, then the run event, then each checked item's last check (item_fixity), then the
 * run row (state, end, root, event). Returns the events appended and the run event's seq.
 * Throws SQLite errors (SQLITE_FULL included: nothing is then appended).
 */
export function recordRun(db: Db, store: RunStore, tally: RunTally, end: RunEnd): { eventsAdded: number; runEventSeq: number } {
  const run = store.run;
  const algs = db.prepare('SELECT algorithm FROM digests WHERE item_id = ? ORDER BY algorithm');
  const setSeq = db.prepare('UPDATE verify_run_items SET event_seq = ? WHERE run_id = ? AND pos = ?');
  return db.transaction(() => {
    let added = 0;
    for (const f of tally.failures) {
      if (f.eventSeq !== undefined) continue;
      const algorithms = (algs.all(f.id) as { algorithm: string }[]).map((r) => r.algorithm);
      const ev = appendCustodyEvent(db, { actor: run.actor, type: 'fixity check', item: f.sha256, detail: {
        outcome: 'fail', run: run.id, algorithms: algorithms.length ? algorithms : ['sha256'], checkedAt: f.checkedAt,
        ...(f.reason ? { reason: f.reason } : {}), ...(f.finding ? { finding: f.finding as FixityFinding } : {}),
      } });
      setSeq.run(ev.seq, run.id, f.pos);
      f.eventSeq = ev.seq;
      added++;
    }
    const s = run.scope;
    const runEvent = appendCustodyEvent(db, { actor: run.actor, type: 'fixity check', item: null, detail: {
      outcome: end.outcome, scope: isWholeArchive(s.filters) ? 'archive' : 'selection', run: run.id,
      filters: s.filters, ...(s.checkedBefore ? { checkedBefore: s.checkedBefore } : {}),
      ...(s.sampleSeed ? { sample: { percent: s.filters.sample, seed: s.sampleSeed, rule: 'the ceil(percent × selected / 100) items with the smallest SHA-256("<seed>:<item id>")' } } : {}),
      startedAt: run.startedAt, finishedAt: end.finishedAt, sessions: run.sessions,
      itemsSelected: run.itemsSelected, itemsChecked: tally.checked, bytesChecked: tally.bytes,
      passed: tally.passed, failed: tally.failed, problems: end.problems,
      ...(tally.notes.length ? { identityChanged: tally.notes.length } : {}),
      ...(end.chain ? { custodyRowsChecked: end.chain.rowsChecked, chain: end.chain } : { chain: 'not checked' }),
      ...(end.seals ? { seals: end.seals } : {}),
      ...(end.unrecordedCopies ? { unrecordedCopies: end.unrecordedCopies } : {}),
      ...(end.catalogIntegrity ? { catalogIntegrity: end.catalogIntegrity } : {}),
      ...(end.sittings ? { sittings: end.sittings } : {}),
      merkle: tally.merkle,
    } });
    db.prepare(`INSERT OR REPLACE INTO item_fixity (item_id, checked_at, run_id, outcome, event_seq, obj_size, obj_mtime_ms, obj_ino, obj_dev)
      SELECT item_id, checked_at, run_id, outcome, coalesce(event_seq, ?), obj_size, obj_mtime_ms, obj_ino, obj_dev
      FROM verify_run_items v WHERE run_id = ? AND outcome IS NOT NULL AND item_id IN (SELECT id FROM items)
        -- The last check is the latest in time: an outcome older than another run's check of the item never replaces it.
        AND NOT EXISTS (SELECT 1 FROM item_fixity f WHERE f.item_id = v.item_id AND f.checked_at > v.checked_at)`).run(runEvent.seq, run.id);
    db.prepare('UPDATE verify_runs SET state = ?, finished_at = ?, updated_at = ?, merkle_root = ?, event_seq = ? WHERE id = ?')
      .run(end.state, end.finishedAt, end.finishedAt, tally.merkle.root, runEvent.seq, run.id);
    return { eventsAdded: added + 1, runEventSeq: runEvent.seq };
  })();
}
