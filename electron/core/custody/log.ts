import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import type { CustodyEvent, CustodyEventType } from '../../common/types.ts';
import { GENESIS_HASH, custodyRowHash, verifyChain, type ChainProblem } from './hash.ts';

/** What a caller supplies for a new custody event; seq, hashes and (by default) time are ours. */
export interface NewCustodyEvent {
  actor: string;
  type: CustodyEventType;
  /** SHA-256 of the item concerned, or null for an archive-wide event. */
  item: string | null;
  detail: Record<string, unknown>;
  /** UTC ISO 8601; defaults to now. */
  at?: string;
}

/** A custody_events row as SQLite returns it. */
export interface CustodyRow {
  seq: number;
  at: string;
  actor: string;
  type: string;
  item: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The custody event a custody_events row holds (detail parsed). Throws SyntaxError on a detail that is not JSON. */
export function fromRow(r: CustodyRow): CustodyEvent {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    type: r.type as CustodyEventType,
    item: r.item,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one event to the hash-chained custody log (DESIGN.md §3) and returns the stored row.
 * Call it inside the same transaction as the change it records, so that the change and its
 * record commit together or not at all. `detail` is stored as JSON and hashed in its RFC 8785
 * canonical form; it goes through a JSON round trip first so what is hashed is exactly what a
 * reader will get back. Throws on a detail JSON cannot represent, or on SQLite errors.
 */
export function appendCustodyEvent(db: Db, ev: NewCustodyEvent): CustodyEvent {
  const last = stmt(db, 'SELECT seq, hash FROM custody_events ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined;
  const detailJson = JSON.stringify(ev.detail);
  const detail = JSON.parse(detailJson) as Record<string, unknown>;
  const row: Omit<CustodyEvent, 'hash'> = {
    seq: (last?.seq ?? 0) + 1,
    at: ev.at ?? new Date().toISOString(),
    actor: ev.actor,
    type: ev.type,
    item: ev.item,
    detail,
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  const hash = custodyRowHash(row);
  stmt(db, 
    'INSERT INTO custody_events (seq, at, actor, type, item, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(row.seq, row.at, row.actor, row.type, row.item, detailJson, row.prevHash, hash);
  return { ...row, hash };
}

/** Custody events in seq order; only those of one item (by sha256) when `item` is given. */
export function listCustodyEvents(db: Db, opts: { item?: string; items?: readonly string[] } = {}): CustodyEvent[] {
  if (opts.item !== undefined) {
    return (stmt(db, 'SELECT * FROM custody_events WHERE item = ? ORDER BY seq').all(opts.item) as CustodyRow[]).map(fromRow);
  }
  if (opts.items !== undefined) {
    const wanted = new Set(opts.items);
    const out: CustodyEvent[] = [];
    // From the table itself (its rowid order), never through an index: a damaged index must not hide rows from the chain.
  for (const r of stmt(db, 'SELECT * FROM custody_events NOT INDEXED ORDER BY seq').iterate() as Iterable<CustodyRow>) {
      if (r.item !== null && wanted.has(r.item)) out.push(fromRow(r));
    }
    return out;
  }
  return (stmt(db, 'SELECT * FROM custody_events ORDER BY seq').all() as CustodyRow[]).map(fromRow);
}

/** The last row of the chain: its seq and hash, or null for an empty log. */
export function chainHead(db: Db): { seq: number; hash: string } | null {
  return (stmt(db, 'SELECT seq, hash FROM custody_events ORDER BY seq DESC LIMIT 1').get() as
    | { seq: number; hash: string }
    | undefined) ?? null;
}

/**
 * Recomputes the whole chain from the catalog, streaming rows so memory stays flat.
 * Returns the problems (empty when the chain holds) and the number of rows checked.
 */
export function verifyCustodyLog(db: Db): { rows: number; problems: ChainProblem[] } {
  let rows = 0;
  const problems: ChainProblem[] = [];
  let prev: CustodyEvent | null = null;
  // From the table itself (its rowid order), never through an index: a damaged index must not hide rows from the chain.
  for (const r of stmt(db, 'SELECT * FROM custody_events NOT INDEXED ORDER BY seq').iterate() as Iterable<CustodyRow>) {
    let ev: CustodyEvent;
    try {
      ev = fromRow(r);
    } catch {
      problems.push({ seq: r.seq, reason: 'detail is not valid JSON' });
      continue;
    }
    const batch = verifyChain(prev ? [prev, ev] : [ev], prev ? (prev.prevHash) : GENESIS_HASH);
    // The first element of a 2-row batch was checked in the previous step; keep only the new row's problems.
    for (const p of batch) if (p.seq === ev.seq) problems.push(p);
    prev = ev;
    rows++;
  }
  return { rows, problems };
}
