// The custody log as a reader asks for it: one item's history, one kind of event, one operator's
// work, a span of time, or only what went wrong. Filters run in SQL and rows stream, so a log of
// millions of fixity checks is read without holding it in memory.
import { checkFilterDate } from '../../common/catalog.ts';
import { CUSTODY_EVENT_TYPES, type CustodyEvent, type CustodyEventType } from '../../common/types.ts';
import type { Db } from '../db/open.ts';
import { fromRow, type CustodyRow } from './log.ts';

/** Which custody events to read; every field narrows the selection (AND), `types` is an OR. */
export interface CustodyFilter {
  /**
   * SHA-256 of the item whose events are wanted: its own events, and the `fixity check` run events
   * (item null, issue 15 §2) of the recorded runs in which this item PASSED — a run records passes
   * only as leaves of its Merkle root (verify_run_items), so without them an item's history would
   * read fail → recovery with no later pass. Runs in which it failed are represented by the item's
   * own failure event. See itemRunPass (common/fixity.ts) for how a reader tells them apart.
   */
  item?: string;
  /** PREMIS event types (CUSTODY_EVENT_TYPES values). */
  types?: readonly string[];
  /** The operator as recorded (`actor`), compared without regard to ASCII case. */
  actor?: string;
  /** Inclusive lower bound: a UTC ISO 8601 instant as logBound gives it. */
  from?: string;
  /** Exclusive upper bound: a UTC ISO 8601 instant as logBound gives it. */
  to?: string;
  /** Only events whose detail.outcome says a failure ("fail", "failure", …; see isFailedOutcome). */
  failed?: boolean;
}

/**
 * True when a custody event's `detail.outcome` records a failure: it begins with "fail" in any
 * case ("fail" for fixity checks, "failure" for metadata extraction and abandoned exports).
 */
export const isFailedOutcome = (outcome: unknown): boolean => typeof outcome === 'string' && /^fail/iu.test(outcome);

const DAY = /^\d{4}-\d{2}-\d{2}$/u;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/u;

/**
 * The UTC instant (ISO 8601, milliseconds, Z: the form custody events store in `at`) bounding a
 * log query for what a user typed after `option` (--from or --to): a date YYYY-MM-DD is a UTC day,
 * so --from gives its first instant and --to the first instant of the next day (the whole day is
 * included); a date-time with an offset is that instant, one without is read as UTC. Throws Error
 * "<option> <value>: …" for anything that is not an existing ISO 8601 date or date-time
 * (dateTimeSchema: no 2021-02-30, no 25:00).
 */
export function logBound(option: '--from' | '--to', value: string): string {
  const v = value.trim();
  checkFilterDate(option, v);
  if (DAY.test(v)) {
    const start = Date.parse(`${v}T00:00:00Z`);
    return new Date(option === '--to' ? start + 86_400_000 : start).toISOString();
  }
  const t = Date.parse(HAS_ZONE.test(v) ? v.replace(' ', 'T') : `${v.replace(' ', 'T')}Z`);
  if (Number.isNaN(t)) throw new Error(`${option} ${value}: not a date or time this program can read`);
  return new Date(t).toISOString();
}

/**
 * The CUSTODY_EVENT_TYPES values `text` names: the type itself ("fixity check"), or every type
 * that starts with it ("fixity"; "metadata" gives metadata extraction and metadata modification),
 * in any case. Throws Error naming the known types when none matches.
 */
export function resolveEventTypes(text: string): CustodyEventType[] {
  const t = text.trim().toLowerCase();
  const types = CUSTODY_EVENT_TYPES as readonly string[];
  if (types.includes(t)) return [t as CustodyEventType];
  const matches = t === '' ? [] : CUSTODY_EVENT_TYPES.filter((k) => k.startsWith(t));
  if (matches.length === 0) throw new Error(`--type ${text}: no such custody event type; one of ${CUSTODY_EVENT_TYPES.map((k) => `"${k}"`).join(', ')}`);
  return matches;
}


// The custody rows of the recorded fixity runs (migration 010) in which the item with SHA-256 `?` passed.
const RUN_PASS_SEQS = `SELECT r.event_seq FROM verify_run_items x JOIN verify_runs r ON r.id = x.run_id
  WHERE x.item_id = (SELECT id FROM items WHERE sha256 = ?) AND x.outcome = 'pass' AND r.event_seq IS NOT NULL`;

/** True when the catalog has the fixity run tables (a catalog opened read-only before migration 010 has not). */
function hasRunTables(db: Db): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_run_items'").get() !== undefined;
}

/**
 * Item `sha256`'s custody timeline, in seq order: its own events and the fixity run events in which
 * it passed (CustodyFilter.item). What `evidence log --item`, `show ITEM` and the Item screen list.
 */
export function itemCustodyEvents(db: Db, sha256: string): CustodyEvent[] {
  return [...queryCustodyEvents(db, { item: sha256 })];
}

/**
 * The custody events `f` selects, in seq order, streamed from the catalog (constant memory,
 * whatever the log's length). The bounds compare `at` as stored, which every writer gives as
 * Date.toISOString() does. Throws SQLite errors; a row whose detail is not JSON throws SyntaxError
 * (verify reports such rows; a reader cannot be shown what it cannot read).
 */
export function* queryCustodyEvents(db: Db, f: CustodyFilter = {}): Generator<CustodyEvent> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.item !== undefined) {
    // With --failed a run in which the item passed is not wanted, whatever the run's own outcome.
    if (f.failed || !hasRunTables(db)) {
      where.push('item = ?');
      args.push(f.item);
    } else {
      where.push(`(item = ? OR seq IN (${RUN_PASS_SEQS}))`);
      args.push(f.item, f.item);
    }
  }
  if (f.types !== undefined && f.types.length > 0) {
    where.push(`type IN (${f.types.map(() => '?').join(', ')})`);
    args.push(...f.types);
  }
  if (f.actor !== undefined) {
    where.push('actor = ? COLLATE NOCASE');
    args.push(f.actor);
  }
  if (f.from !== undefined) {
    where.push('at >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('at < ?');
    args.push(f.to);
  }
  // LIKE is case-insensitive for ASCII in SQLite: "fail", "failure", "FAILED".
  if (f.failed) where.push("json_extract(detail, '$.outcome') LIKE 'fail%'");
  const sql = `SELECT * FROM custody_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
  for (const r of db.prepare(sql).iterate(...args) as Iterable<CustodyRow>) yield fromRow(r);
}
