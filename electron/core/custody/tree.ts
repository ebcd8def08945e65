// The custody tree (docs/seal-and-proof.md) read from the catalog: its root and multi-leaf proofs,
// streaming the rows item by item in tree order so that memory grows with the number of items,
// not of rows.
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { itemKey, leafHash, MthBuilder, proofIntervals, type Leaf } from './merkle.ts';

/** The rows of one item (or of no item) among rows 1..n: its key and how many rows it has. */
interface Group {
  key: string;
  item: string | null;
  count: number;
}

/** The items of rows 1..n in tree order (by item key), with their row counts. */
function groups(db: Db, n: number, secret: Buffer): Group[] {
  const out: Group[] = [];
  for (const [item, count] of stmt(db, 'SELECT item, count(*) FROM custody_events WHERE seq <= ? GROUP BY item').raw().iterate(n) as Iterable<[string | null, number]>) {
    out.push({ key: itemKey(secret, item), item, count });
  }
  // Keys of distinct items differ (HMAC-SHA256); only the null item has the zero key.
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** The rows of group `g` among rows 1..n, in seq order, as leaves. */
function* groupLeaves(db: Db, n: number, g: Group): Generator<Leaf> {
  const rows = (g.item === null
    ? stmt(db, 'SELECT seq, hash FROM custody_events WHERE item IS NULL AND seq <= ? ORDER BY seq').raw().all(n)
    : stmt(db, 'SELECT seq, hash FROM custody_events WHERE item = ? AND seq <= ? ORDER BY seq').raw().all(g.item, n)) as [number, string][];
  for (const [seq, hash] of rows) yield { seq, hash, itemKey: g.key };
}

/** Rows 1..n of the log are not all there (a gap in seq): the tree would not cover the chain. */
export class TreeRowsError extends Error {
  constructor(n: number, found: number) {
    super(`custody rows 1..${n} should be ${n} rows, the catalog holds ${found} of them (rows missing)`);
    this.name = 'TreeRowsError';
  }
}

/**
 * The root (hex) of the custody tree over rows 1..n (docs/seal-and-proof.md: leaves ordered by
 * item key, then seq; RFC 6962 §2.1 MTH). Reads the catalog in one read transaction, streaming
 * one item's rows at a time; memory O(distinct items + log n). `secret` is the archive's secret
 * (32 bytes). Throws TreeRowsError when rows 1..n are not n rows; SqliteError on a bad catalog.
 */
export function custodyTreeRoot(db: Db, n: number, secret: Buffer): string {
  return db.transaction(() => {
    const b = new MthBuilder();
    for (const g of groups(db, n, secret)) {
      for (const leaf of groupLeaves(db, n, g)) b.push(leafHash(leaf));
    }
    if (b.count !== n) throw new TreeRowsError(n, b.count);
    return b.root().toString('hex');
  })();
}

/** A revealed leaf of a custody proof: its position in the tree and the leaf. */
export interface ProofLeaf extends Leaf {
  index: number;
}

/** A custody proof as evidence/custody.json carries it (docs/seal-and-proof.md "The excerpt"). */
export interface CustodyProof {
  format: 'evidence-custody-proof/1';
  /** Item SHA-256 → its item key, for every item of the set. */
  itemKeys: Record<string, string>;
  /** Revealed leaves, ascending index. */
  leaves: ProofLeaf[];
  /** Hashes (hex) of the subtrees that hold no revealed leaf, in the order the recursion consumes them. */
  nodes: string[];
}

/**
 * The multi-leaf proof for `items` (SHA-256s) in the custody tree over rows 1..n: every leaf of
 * each item, and the leaf just before and just after each item's range (docs/seal-and-proof.md
 * "The excerpt"), plus the root it leads to (hex), for the caller to compare with the seal's.
 * One streaming pass over the rows, in one read transaction. Throws Error naming an item with no
 * custody row among rows 1..n; TreeRowsError when rows 1..n are not n rows.
 */
export function custodyProof(db: Db, n: number, secret: Buffer, items: readonly string[]): { root: string; proof: CustodyProof } {
  return db.transaction(() => {
    const gs = groups(db, n, secret);
    const starts: number[] = [];
    let at = 0;
    const byItem = new Map<string, number>();
    gs.forEach((g, i) => {
      starts.push(at);
      at += g.count;
      if (g.item !== null) byItem.set(g.item, i);
    });
    if (at !== n) throw new TreeRowsError(n, at);
    const itemKeys: Record<string, string> = {};
    const revealedSet = new Set<number>();
    for (const item of new Set(items)) {
      const gi = byItem.get(item);
      if (gi === undefined) throw new Error(`item ${item} has no custody row among rows 1..${n}: it cannot be proven by this seal`);
      itemKeys[item] = gs[gi]!.key;
      const lo = starts[gi]!;
      const hi = lo + gs[gi]!.count;
      for (let i = Math.max(0, lo - 1); i < Math.min(n, hi + 1); i++) revealedSet.add(i);
    }
    const revealed = [...revealedSet].sort((a, b) => a - b);
    const intervals = proofIntervals(n, revealed);
    const leaves: ProofLeaf[] = [];
    const nodes: string[] = [];
    const all = new MthBuilder();
    let r = 0; // next revealed position
    let iv = 0; // current interval
    let part: MthBuilder | null = null;
    let index = 0;
    // Groups whose leaves are all inside one interval still have to be hashed: every leaf is read.
    for (const g of gs) {
      for (const leaf of groupLeaves(db, n, g)) {
        const h = leafHash(leaf);
        all.push(h);
        if (r < revealed.length && revealed[r] === index) {
          leaves.push({ index, seq: leaf.seq, hash: leaf.hash, itemKey: leaf.itemKey });
          r++;
        } else {
          const [, hi] = intervals[iv]!;
          part ??= new MthBuilder();
          part.push(h);
          if (index + 1 === hi) {
            nodes.push(part.root().toString('hex'));
            part = null;
            iv++;
          }
        }
        index++;
      }
    }
    return { root: all.root().toString('hex'), proof: { format: 'evidence-custody-proof/1' as const, itemKeys, leaves, nodes } };
  })();
}
