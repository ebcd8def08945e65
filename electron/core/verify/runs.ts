// A fixity check run's selection and progress in the catalog (migration 010), so that an
// interrupted run continues where it stopped: the selection is written once when the run starts,
// each outcome as it is found (in batches: a kill loses at most the last batch, which is checked
// again), and the run is closed when its custody event is appended. A catalog opened read-only
// keeps the same in memory (and cannot be resumed).
import type { FixityFinding } from '../../common/fixity.ts';
import type { Db } from '../db/open.ts';
import type { RunScope, SelectedItem } from './scope.ts';

/** What a run found for one item: pass, or how it failed (FixityFindingKind or unrecorded-change). */
export type ItemOutcome = 'pass' | 'altered' | 'missing' | 'unreadable' | 'catalog' | 'unrecorded-change';

/** The object file's identity when it was checked (fs.Stats: size, mtime in ms, inode, device). */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** One item of a run, checked or not. */
export interface RunItem extends SelectedItem {
  pos: number;
}

/** One item's result in a run. */
export interface ItemResult extends RunItem {
  outcome: ItemOutcome;
  checkedAt: string;
  finding?: FixityFinding;
  /** The English reason of a failure, as the failure's custody event records it. */
  reason?: string;
  /** "identity-changed": the digests match but the object file is another file than at the last check. */
  note?: string;
  identity?: FileIdentity;
  /** The failure's custody event, once appended. */
  eventSeq?: number;
}

/** A run as stored. */
export interface RunInfo {
  id: number;
  state: 'open' | 'done' | 'abandoned';
  actor: string;
  scope: RunScope;
  startedAt: string;
  finishedAt: string | null;
  sessions: number;
  itemsSelected: number;
  bytesSelected: number;
  merkleRoot: string | null;
  eventSeq: number | null;
  /** When the run last saved progress (ISO 8601 UTC): for an open run found at startup, about when it was interrupted. */
  updatedAt: string;
  /** The run's interruptions so far, oldest first (migration 019). */
  interruptions: RunInterruption[];
}

/** One interruption of a run: the last time the interrupted sitting saved progress, and when the next sitting started (ISO 8601 UTC). */
export interface RunInterruption {
  stoppedAt: string;
  resumedAt: string;
}

/** Where a run keeps its selection and results. */
export interface RunStore {
  readonly run: RunInfo;
  /** Items checked before this session (a resumed run). */
  readonly checkedBefore: number;
  readonly bytesCheckedBefore: number;
  /** Up to `n` unchecked items after position `afterPos`, in order. */
  pending(afterPos: number, n: number): RunItem[];
  /** Keeps results (one transaction). */
  save(results: readonly ItemResult[]): void;
  /** Every result so far, in position order. */
  results(): Iterable<ItemResult>;
}

interface RunRow {
  id: number; state: RunInfo['state']; actor: string; scope: string; started_at: string; finished_at: string | null; sessions: number;
  items_selected: number; bytes_selected: number; merkle_root: string | null; event_seq: number | null; updated_at: string; interruptions: string | null;
}

const toInfo = (r: RunRow): RunInfo => ({
  id: r.id, state: r.state, actor: r.actor, scope: JSON.parse(r.scope) as RunScope, startedAt: r.started_at, finishedAt: r.finished_at,
  sessions: r.sessions, itemsSelected: r.items_selected, bytesSelected: r.bytes_selected, merkleRoot: r.merkle_root, eventSeq: r.event_seq,
  updatedAt: r.updated_at, interruptions: JSON.parse(r.interruptions ?? '[]') as RunInterruption[],
});

/** The run left open (interrupted, or running in another process), or null. */
export function openRun(db: Db): RunInfo | null {
  const r = db.prepare("SELECT * FROM verify_runs WHERE state = 'open' ORDER BY id DESC LIMIT 1").get() as RunRow | undefined;
  return r ? toInfo(r) : null;
}

/** Every run left open (interrupted, or running in another process), newest first. */
export function openRuns(db: Db): RunInfo[] {
  return (db.prepare("SELECT * FROM verify_runs WHERE state = 'open' ORDER BY id DESC").all() as RunRow[]).map(toInfo);
}

/** Items checked so far by run `id` (all sessions). */
export const runChecked = (db: Db, id: number): number =>
  db.prepare('SELECT count(*) FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL').pluck().get(id) as number;

/**
 * Adds to open run `run` every catalog item its selection lacks (items ingested since it started),
 * after its last position, and updates its totals (one transaction). For a whole-archive run
 * being resumed: it then checks the archive as it is now. Returns the number of items added.
 */
export function addNewItems(db: Db, run: RunInfo): number {
  return db.transaction(() => {
    const max = db.prepare('SELECT coalesce(max(pos), -1) FROM verify_run_items WHERE run_id = ?').pluck().get(run.id) as number;
    const added = db.prepare(`INSERT INTO verify_run_items (run_id, pos, item_id, sha256, bytes)
      SELECT ?, ? + row_number() OVER (ORDER BY i.id), i.id, i.sha256, i.bytes FROM items i
      WHERE NOT EXISTS (SELECT 1 FROM verify_run_items v WHERE v.run_id = ? AND v.item_id = i.id)`).run(run.id, max, run.id).changes;
    if (added) {
      db.prepare(`UPDATE verify_runs SET items_selected = (SELECT count(*) FROM verify_run_items WHERE run_id = ?),
        bytes_selected = (SELECT coalesce(sum(bytes), 0) FROM verify_run_items WHERE run_id = ?) WHERE id = ?`).run(run.id, run.id, run.id);
    }
    return added;
  })();
}

/** Custody events on an item that say its object may have changed since a check: another check, a repair (recovery), a re-ingest. */
const OBJECT_EVENTS = "('fixity check', 'recovery', 'ingestion')";

/**
 * Clears the outcomes of open run `runId` that the catalog has learned something newer about
 * (issue 15, f15a 1 and 4): a later check of the item by another run (item_fixity.checked_at
 * after this run's), or a custody event on the item (OBJECT_EVENTS: another run's failure, a
 * repair, a re-ingest) appended after this run checked it. Those items are then pending again and
 * are re-hashed by this run, so a run resumed after a pause never records an outcome older than
 * what happened to the object meanwhile (a pass over a later failure, a failure over a repair).
 * Times are compared as ISO 8601 UTC strings. One statement; returns how many were cleared.
 */
export function clearStaleOutcomes(db: Db, runId: number): number {
  return db.prepare(`UPDATE verify_run_items SET outcome = NULL, checked_at = NULL, finding = NULL, reason = NULL, note = NULL,
      obj_size = NULL, obj_mtime_ms = NULL, obj_ino = NULL, obj_dev = NULL, event_seq = NULL
    WHERE run_id = ? AND outcome IS NOT NULL AND (
      EXISTS (SELECT 1 FROM item_fixity f WHERE f.item_id = verify_run_items.item_id AND f.checked_at > verify_run_items.checked_at)
      OR EXISTS (SELECT 1 FROM custody_events e WHERE e.item = verify_run_items.sha256 AND e.type IN ${OBJECT_EVENTS} AND e.at > verify_run_items.checked_at))`).run(runId).changes;
}

/** Run `id`, or null. */
export function getRun(db: Db, id: number): RunInfo | null {
  const r = db.prepare('SELECT * FROM verify_runs WHERE id = ?').get(id) as RunRow | undefined;
  return r ? toInfo(r) : null;
}

interface ResultRow {
  pos: number; item_id: number; sha256: string; bytes: number; outcome: ItemOutcome | null; checked_at: string | null; finding: string | null;
  reason: string | null; note: string | null; obj_size: number | null; obj_mtime_ms: number | null; obj_ino: number | null; obj_dev: number | null; event_seq: number | null;
}

function toResult(r: ResultRow): ItemResult {
  return {
    pos: r.pos, id: r.item_id, sha256: r.sha256, bytes: r.bytes, outcome: r.outcome!, checkedAt: r.checked_at!,
    ...(r.finding ? { finding: JSON.parse(r.finding) as FixityFinding } : {}), ...(r.reason ? { reason: r.reason } : {}), ...(r.note ? { note: r.note } : {}),
    ...(r.obj_size !== null ? { identity: { size: r.obj_size, mtimeMs: r.obj_mtime_ms!, ino: r.obj_ino!, dev: r.obj_dev! } } : {}),
    ...(r.event_seq !== null ? { eventSeq: r.event_seq } : {}),
  };
}

/** A store in the catalog for run `run` (a new one from createRun, or an open one being resumed). */
export function dbRunStore(db: Db, run: RunInfo): RunStore {
  const before = db.prepare('SELECT count(*) n, coalesce(sum(bytes), 0) b FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL').get(run.id) as { n: number; b: number };
  const pendingSt = db.prepare('SELECT pos, item_id id, sha256, bytes FROM verify_run_items WHERE run_id = ? AND pos > ? AND outcome IS NULL ORDER BY pos LIMIT ?');
  const update = db.prepare(`UPDATE verify_run_items SET outcome = ?, checked_at = ?, finding = ?, reason = ?, note = ?, obj_size = ?, obj_mtime_ms = ?, obj_ino = ?, obj_dev = ?
    WHERE run_id = ? AND pos = ?`);
  const touch = db.prepare('UPDATE verify_runs SET updated_at = ? WHERE id = ?');
  return {
    run, checkedBefore: before.n, bytesCheckedBefore: before.b,
    pending: (afterPos, n) => pendingSt.all(run.id, afterPos, n) as RunItem[],
    save: db.transaction((results: readonly ItemResult[]) => {
      for (const r of results) {
        update.run(r.outcome, r.checkedAt, r.finding ? JSON.stringify(r.finding) : null, r.reason ?? null, r.note ?? null,
          r.identity?.size ?? null, r.identity?.mtimeMs ?? null, r.identity?.ino ?? null, r.identity?.dev ?? null, run.id, r.pos);
      }
      touch.run(new Date().toISOString(), run.id);
    }),
    results: () => {
      const it = db.prepare('SELECT * FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL ORDER BY pos').iterate(run.id) as Iterable<ResultRow>;
      return (function* () {
        for (const r of it) yield toResult(r);
      })();
    },
  };
}

/** Starts run of `items` in the catalog (one transaction): its row and its whole selection. */
export function createRun(db: Db, actor: string, scope: RunScope, items: readonly SelectedItem[]): RunInfo {
  const now = new Date().toISOString();
  return db.transaction(() => {
    const bytes = items.reduce((s, i) => s + i.bytes, 0);
    const id = Number(db.prepare("INSERT INTO verify_runs (state, actor, scope, started_at, updated_at, items_selected, bytes_selected) VALUES ('open', ?, ?, ?, ?, ?, ?)")
      .run(actor, JSON.stringify(scope), now, now, items.length, bytes).lastInsertRowid);
    const ins = db.prepare('INSERT INTO verify_run_items (run_id, pos, item_id, sha256, bytes) VALUES (?, ?, ?, ?, ?)');
    items.forEach((it, pos) => ins.run(id, pos, it.id, it.sha256, it.bytes));
    return getRun(db, id)!;
  })();
}

/**
 * Notes a new session of open run `run` being resumed, and its interruption: from the run's last
 * saved progress (`run.updatedAt`, as read before this call) to now.
 */
export function resumeRun(db: Db, run: RunInfo): RunInfo {
  const now = new Date().toISOString();
  const interruptions = [...run.interruptions, { stoppedAt: run.updatedAt, resumedAt: now }];
  db.prepare('UPDATE verify_runs SET sessions = sessions + 1, updated_at = ?, interruptions = ? WHERE id = ?').run(now, JSON.stringify(interruptions), run.id);
  return getRun(db, run.id)!;
}

/** A store in memory, for an archive opened read-only (the run is not kept, so not resumable). */
export function memoryRunStore(actor: string, scope: RunScope, items: readonly SelectedItem[]): RunStore {
  const results = new Map<number, ItemResult>();
  const run: RunInfo = {
    id: 0, state: 'open', actor, scope, startedAt: new Date().toISOString(), finishedAt: null, sessions: 1, itemsSelected: items.length,
    bytesSelected: items.reduce((s, i) => s + i.bytes, 0), merkleRoot: null, eventSeq: null, updatedAt: new Date().toISOString(), interruptions: [],
  };
  return {
    run, checkedBefore: 0, bytesCheckedBefore: 0,
    pending: (afterPos, n) => {
      const out: RunItem[] = [];
      for (let pos = afterPos + 1; pos < items.length && out.length < n; pos++) if (!results.has(pos)) out.push({ pos, ...items[pos]! });
      return out;
    },
    save: (rs) => {
      for (const r of rs) results.set(r.pos, r);
    },
    results: () => [...results.values()].sort((a, b) => a.pos - b.pos),
  };
}

/** The item's last recorded check (item_fixity), or null when none is recorded. */
export interface LastCheck {
  checkedAt: string;
  /** The run (null: a check recorded before runs, by a per-item custody event). */
  runId: number | null;
  outcome: ItemOutcome;
  /** The custody event that records it: the failure's own event, else the run's. */
  eventSeq: number | null;
  identity: FileIdentity | null;
}

/** The last recorded check of item `itemId` (table item_fixity), or null. */
export function lastCheck(db: Db, itemId: number): LastCheck | null {
  const r = db.prepare('SELECT * FROM item_fixity WHERE item_id = ?').get(itemId) as
    { checked_at: string; run_id: number | null; outcome: ItemOutcome; event_seq: number | null; obj_size: number | null; obj_mtime_ms: number | null; obj_ino: number | null; obj_dev: number | null } | undefined;
  if (!r) return null;
  return {
    checkedAt: r.checked_at, runId: r.run_id, outcome: r.outcome, eventSeq: r.event_seq,
    identity: r.obj_size !== null ? { size: r.obj_size, mtimeMs: r.obj_mtime_ms!, ino: r.obj_ino!, dev: r.obj_dev! } : null,
  };
}
