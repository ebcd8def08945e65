// Which items a fixity check run checks (issue 15 §2): the whole archive, or the items ingested
// since a date, those not checked within a time, a random sample, given items, the items of a
// reel (card). Filters combine as AND; `items` and `reels` each list alternatives (OR).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/open.ts';
import { itemsOnReel, ScopeError } from './reels.ts';

/** The filters a run was asked for, as the user gave them (recorded in the run and its custody event). */
export interface ScopeFilters {
  /** Items ingested at or after this instant (ISO 8601, UTC). */
  since?: string;
  /** Items whose last recorded check is older than this age ("90d", "12w", "36h", "1y"), or never checked. */
  olderThan?: string;
  /** A random sample of this percentage (0 < p ≤ 100) of the items the other filters select. */
  sample?: number;
  /** Only these catalog ids. */
  items?: number[];
  /** Only the items of these reels (cards), by name. */
  reels?: string[];
}

/** A run's scope: the filters, and what they resolved to when the run started (so a resumed run checks the same items). */
export interface RunScope {
  filters: ScopeFilters;
  /** For `olderThan`: the cutoff instant it resolved to when the run started. */
  checkedBefore?: string;
  /** For `sample`: the seed (hex) of the sample: the items with the smallest SHA-256(seed ":" id) were taken. */
  sampleSeed?: string;
}

/** True when `f` selects the whole archive. */
export const isWholeArchive = (f: ScopeFilters): boolean =>
  f.since === undefined && f.olderThan === undefined && f.sample === undefined && !f.items?.length && !f.reels?.length;

/** Same filters (order of items and reels ignored): a run started with `a` is resumed by a command asking for `b`. */
export function sameFilters(a: ScopeFilters, b: ScopeFilters): boolean {
  const norm = (f: ScopeFilters) => JSON.stringify([f.since ?? null, f.olderThan ?? null, f.sample ?? null, [...(f.items ?? [])].sort((x, y) => x - y), [...(f.reels ?? [])].sort()]);
  return norm(a) === norm(b);
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

const MAX_AGE_YEARS = 1000;
const MAX_AGE_MS = MAX_AGE_YEARS * UNIT_MS.y!;

/** An age such as "90d" (h hours, d days, w weeks, y years of 365 days) in milliseconds, at most 1000 years. Throws ScopeError. */
export function parseAge(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([hdwy])\s*$/iu.exec(text);
  if (!m) throw new ScopeError(`--older-than: ${JSON.stringify(text)} is not an age such as 90d (h hours, d days, w weeks, y years)`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  // Beyond this the cutoff is no date at all (before year 0): every item qualifies anyway.
  if (!(ms <= MAX_AGE_MS)) throw new ScopeError(`--older-than: ${JSON.stringify(text)} is longer than ${MAX_AGE_YEARS} years; to check every item, leave --older-than out`);
  return ms;
}

/** A date ("2025-03-01", local midnight) or an ISO 8601 instant, as an ISO instant in UTC. Throws ScopeError. */
export function parseSince(text: string): string {
  const t = text.trim();
  const d = /^\d{4}-\d{2}-\d{2}$/u.test(t) ? new Date(`${t}T00:00:00`) : /^\d{4}-\d{2}-\d{2}T/u.test(t) ? new Date(t) : new Date(NaN);
  // V8 rolls a day the month lacks over into the next month (2026-02-30 → 2026-03-02): refuse it.
  const day = /^(\d{4})-(\d{2})-(\d{2})/u.exec(t);
  const real = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : null;
  const exists = real !== null && real.getUTCFullYear() === Number(day![1]) && real.getUTCMonth() === Number(day![2]) - 1 && real.getUTCDate() === Number(day![3]);
  if (Number.isNaN(d.getTime()) || !exists) throw new ScopeError(`--since: ${JSON.stringify(text)} is not a date (YYYY-MM-DD) or an ISO 8601 time`);
  return d.toISOString();
}

/** A sample percentage: a number with 0 < p ≤ 100. Throws ScopeError. */
export function parseSample(text: string): number {
  const p = Number(String(text).replace(/%$/u, ''));
  if (!Number.isFinite(p) || p <= 0 || p > 100) throw new ScopeError(`--sample: ${JSON.stringify(text)} is not a percentage above 0 and at most 100`);
  return p;
}

/** Resolves filters into a run scope at `now`: the cutoff of `olderThan`, a fresh seed for `sample`. */
export function resolveScope(filters: ScopeFilters, now = new Date()): RunScope {
  return {
    filters,
    ...(filters.olderThan !== undefined ? { checkedBefore: new Date(now.getTime() - parseAge(filters.olderThan)).toISOString() } : {}),
    ...(filters.sample !== undefined ? { sampleSeed: randomBytes(16).toString('hex') } : {}),
  };
}

/** One item a run selected. */
export interface SelectedItem {
  id: number;
  sha256: string;
  bytes: number;
}

/** The sample's order of an item: SHA-256 of "seed:id" (hex), smallest first. */
const sampleKey = (seed: string, id: number) => createHash('sha256').update(`${seed}:${id}`).digest('hex');

/**
 * The items `scope` selects, by ascending id. A sample takes ceil(p% of the selection) items, those
 * with the smallest SHA-256("<seed>:<id>"), so the recorded seed says which were taken. Throws
 * ScopeError for an unknown item id or reel (itemsOnReel).
 */
export function selectItems(db: Db, scope: RunScope): SelectedItem[] {
  const f = scope.filters;
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.since !== undefined) {
    where.push('i.ingested_at >= ?');
    args.push(f.since);
  }
  if (scope.checkedBefore !== undefined) {
    where.push('(x.checked_at IS NULL OR x.checked_at < ?)');
    args.push(scope.checkedBefore);
  }
  let wanted: Set<number> | null = null;
  if (f.items?.length) {
    wanted = new Set(f.items);
    for (const id of wanted) if (!db.prepare('SELECT 1 FROM items WHERE id = ?').get(id)) throw new ScopeError(`--item ${id}: no item has this id`);
  }
  if (f.reels?.length) {
    const onReels = new Set(f.reels.flatMap((r) => itemsOnReel(db, r)));
    wanted = wanted ? new Set([...wanted].filter((id) => onReels.has(id))) : onReels;
  }
  const sql = `SELECT i.id, i.sha256, i.bytes FROM items i LEFT JOIN item_fixity x ON x.item_id = i.id${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.id`;
  let rows = (db.prepare(sql).all(...args) as SelectedItem[]);
  if (wanted) rows = rows.filter((r) => wanted.has(r.id));
  if (f.sample !== undefined && f.sample < 100) {
    const seed = scope.sampleSeed ?? '';
    const k = Math.ceil((rows.length * f.sample) / 100);
    rows = rows.map((r) => ({ r, key: sampleKey(seed, r.id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, k).map((x) => x.r).sort((a, b) => a.id - b.id);
  }
  return rows;
}
