// The custody tree of docs/seal-and-proof.md: item keys, leaves and the RFC 6962 §2.1 Merkle Tree
// Hash over the custody rows ordered by item key, with multi-leaf proofs that reveal every row of
// chosen items. Pure functions (node:crypto only), shared by the archive and by verify-bag.
import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/** Item key of a row without an item (archive-wide events): 64 zeros. */
export const NULL_ITEM_KEY = '0'.repeat(64);

/** A proof or leaf that does not hold together; the message says why. */
export class MerkleProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MerkleProofError';
  }
}

/**
 * Item key of a custody row (docs/seal-and-proof.md "Item keys"): lower-case hex of
 * HMAC-SHA256(secret, "custody-item:" + item), or 64 zeros for `item` null. `secret` is the 32 raw
 * bytes of the archive's secret (setting `register.pseudonym_key`, hex-decoded).
 */
export function itemKey(secret: Buffer, item: string | null): string {
  if (item === null) return NULL_ITEM_KEY;
  return createHmac('sha256', secret).update(`custody-item:${item}`, 'utf8').digest('hex');
}

/** One leaf of the custody tree: a custody row's seq and hash, and its item key. */
export interface Leaf {
  seq: number;
  hash: string;
  itemKey: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The RFC 8785 text of {"hash","itemKey","seq"}; written directly for the usual hex values (keys already in JCS order). */
function leafJcs(leaf: Leaf): string {
  if (leaf.hash.length === 64 && leaf.itemKey.length === 64 && HEX64.test(leaf.hash) && HEX64.test(leaf.itemKey) && Number.isSafeInteger(leaf.seq)) {
    return `{"hash":"${leaf.hash}","itemKey":"${leaf.itemKey}","seq":${leaf.seq}}`;
  }
  const text = canonicalJson({ hash: leaf.hash, itemKey: leaf.itemKey, seq: leaf.seq });
  if (text === undefined) throw new MerkleProofError(`leaf of seq ${String(leaf.seq)} cannot be canonicalized`);
  return text;
}

// One-shot crypto.hash (Node ≥ 20.12) is about three times faster than createHash for these
// small inputs, which a seal hashes twice per custody row; createHash where it is missing.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: string | Buffer, enc: 'buffer') => Buffer }).hash;
const sha256 = oneShot
  ? (data: string | Buffer) => oneShot('sha256', data, 'buffer')
  : (data: string | Buffer) => createHash('sha256').update(data).digest();
const nodeInput = Buffer.alloc(65);
nodeInput[0] = 1;

/** leafHash = SHA256(0x00 || UTF8(JCS(leaf))) (RFC 6962 §2.1 leaf prefix); 32 raw bytes. */
export function leafHash(leaf: Leaf): Buffer {
  // U+0000 is the single byte 0x00 in UTF-8.
  return sha256(`\u0000${leafJcs(leaf)}`);
}

/** Interior node: SHA256(0x01 || left || right) (RFC 6962 §2.1); 32 raw bytes. */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  if (left.length !== 32 || right.length !== 32) throw new MerkleProofError('a tree node hash is 32 bytes');
  left.copy(nodeInput, 1);
  right.copy(nodeInput, 33);
  return sha256(nodeInput);
}

/** MTH of the empty list: SHA256("") (RFC 6962 §2.1). */
export const EMPTY_ROOT = createHash('sha256').digest();

/** The tree's leaf order: by itemKey (string comparison of the hex), then by seq. */
export function compareLeaves(a: Leaf, b: Leaf): number {
  if (a.itemKey !== b.itemKey) return a.itemKey < b.itemKey ? -1 : 1;
  return a.seq - b.seq;
}

/** The largest power of two strictly smaller than n (n ≥ 2), RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * Merkle Tree Hash (RFC 6962 §2.1) of a list of leaf hashes, by the recursive definition. The
 * reference implementation (tests compare MthBuilder and the proofs with it); memory O(n).
 */
export function mth(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  if (hashes.length === 1) return hashes[0]!;
  const k = splitPoint(hashes.length);
  return nodeHash(mth(hashes.slice(0, k)), mth(hashes.slice(k)));
}

/**
 * The Merkle Tree Hash (RFC 6962 §2.1) of leaves fed one at a time, in O(log n) memory: complete
 * subtrees of equal size are merged as they fill (a binary counter), and the remainder is folded
 * right to left at the end, which is RFC 6962's split at the largest power of two.
 */
export class MthBuilder {
  private readonly stack: { hash: Buffer; size: number }[] = [];
  private n = 0;

  /** Adds the next leaf hash (32 bytes). */
  push(hash: Buffer): void {
    let top = { hash, size: 1 };
    while (this.stack.length && this.stack[this.stack.length - 1]!.size === top.size) {
      const left = this.stack.pop()!;
      top = { hash: nodeHash(left.hash, top.hash), size: left.size * 2 };
    }
    this.stack.push(top);
    this.n++;
  }

  /** Leaves pushed so far. */
  get count(): number {
    return this.n;
  }

  /** MTH of the leaves pushed so far (SHA256("") for none); the builder can go on afterwards. */
  root(): Buffer {
    if (!this.stack.length) return EMPTY_ROOT;
    let acc = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = nodeHash(this.stack[i]!.hash, acc);
    return acc;
  }
}

/** First position in sorted `xs` whose value is ≥ v. */
function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The subtrees [lo, hi) whose hashes a multi-leaf proof carries (docs/seal-and-proof.md
 * "Multi-leaf proof"), in the order the recursion consumes them: those holding no revealed index.
 * `revealed` must be ascending, without duplicates, each < n. Together with the revealed leaves
 * they partition [0, n). Throws MerkleProofError for bad indices.
 */
export function proofIntervals(n: number, revealed: readonly number[]): [number, number][] {
  for (let i = 0; i < revealed.length; i++) {
    const r = revealed[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n || (i > 0 && r <= revealed[i - 1]!)) {
      throw new MerkleProofError(`revealed leaf index ${String(r)} is out of order, repeated, or not below the leaf count ${n}`);
    }
  }
  const out: [number, number][] = [];
  const walk = (lo: number, hi: number): void => {
    const at = lowerBound(revealed, lo);
    if (at >= revealed.length || revealed[at]! >= hi) {
      out.push([lo, hi]);
      return;
    }
    if (hi - lo === 1) return;
    const k = splitPoint(hi - lo);
    walk(lo, lo + k);
    walk(lo + k, hi);
  };
  if (n > 0) walk(0, n);
  return out;
}

/**
 * A multi-leaf proof from the whole ordered leaf list held in memory (tests, small trees; the
 * archive streams instead: see custody/leaves.ts): the root and the nodes (hex) for `revealed`
 * (ascending indices). Throws MerkleProofError for bad indices.
 */
export function buildProof(hashes: readonly Buffer[], revealed: readonly number[]): { root: Buffer; nodes: string[] } {
  const nodes = proofIntervals(hashes.length, revealed).map(([lo, hi]) => mth(hashes.slice(lo, hi)).toString('hex'));
  return { root: mth(hashes), nodes };
}

/**
 * Recomputes the root of a tree of `n` leaves from the revealed leaves (ascending `index`, each
 * with its leaf hash) and the proof nodes (hex), by the recursion of docs/seal-and-proof.md.
 * Returns the root (32 bytes). Throws MerkleProofError when an index is out of order or ≥ n, a
 * node is missing or not 64 hex digits, or nodes are left over; for n = 0 the root is SHA256("")
 * and nothing may be revealed or given.
 */
export function rootFromProof(n: number, revealed: readonly { index: number; hash: Buffer }[], nodes: readonly string[]): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new MerkleProofError(`leaf count ${String(n)} is not a whole number`);
  const indices = revealed.map((r) => r.index);
  proofIntervals(n, indices); // validates the indices
  if (n === 0) {
    if (nodes.length) throw new MerkleProofError('an empty tree has no proof nodes');
    return EMPTY_ROOT;
  }
  let next = 0;
  const take = (): Buffer => {
    const h = nodes[next];
    if (h === undefined) throw new MerkleProofError(`the proof has too few nodes (${nodes.length})`);
    if (typeof h !== 'string' || !HEX64.test(h)) throw new MerkleProofError(`proof node ${next} is not 64 lower-case hex digits`);
    next++;
    return Buffer.from(h, 'hex');
  };
  const walk = (lo: number, hi: number): Buffer => {
    const at = lowerBound(indices, lo);
    if (at >= indices.length || indices[at]! >= hi) return take();
    if (hi - lo === 1) return revealed[at]!.hash;
    const k = splitPoint(hi - lo);
    const left = walk(lo, lo + k);
    return nodeHash(left, walk(lo + k, hi));
  };
  const root = walk(0, n);
  if (next !== nodes.length) throw new MerkleProofError(`the proof has ${nodes.length - next} node(s) left over`);
  return root;
}
