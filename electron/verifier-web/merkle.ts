// The verifier's side of the custody completeness proof (docs/seal-and-proof.md, "Leaves and the
// tree" and "Multi-leaf proof"): an RFC 6962 §2.1 Merkle tree over every custody row up to the
// sealed head, recomputed from the revealed leaves and the proof's subtree hashes.

import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from './bytes.ts';

/** A leaf of the custody tree: one custody row's seq, hash and item key (hex). */
export interface CustodyLeaf {
  hash: string;
  itemKey: string;
  seq: number;
}

/** leafHash = SHA256(0x00 || UTF8(JCS({hash, itemKey, seq}))) (RFC 6962 §2.1 leaf prefix, RFC 8785). */
export function leafHash(leaf: CustodyLeaf): Uint8Array {
  const text = canonicalize({ hash: leaf.hash, itemKey: leaf.itemKey, seq: leaf.seq });
  if (text === undefined) throw new Error('leaf cannot be canonicalized');
  return sha256(concat(Uint8Array.of(0), utf8(text)));
}

/** Largest power of two strictly below n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Why a proof cannot give a root. */
export class ProofError extends Error {
  constructor(readonly code: 'nodes-short' | 'nodes-left' | 'index', message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

/**
 * The root of the tree of `leafCount` leaves, from the revealed leaves (`revealed`: leaf index →
 * leaf hash, indices < leafCount) and the proof's subtree hashes in the order the recursion of
 * docs/seal-and-proof.md consumes them. For leafCount 0 the root is SHA256("") and nothing may be
 * revealed. Throws ProofError when an index is out of range, nodes run out, or some are left over.
 */
export function rootFromProof(leafCount: number, revealed: ReadonlyMap<number, Uint8Array>, nodes: readonly Uint8Array[]): Uint8Array {
  const indices = [...revealed.keys()].sort((a, b) => a - b);
  for (const i of indices) {
    if (!Number.isSafeInteger(i) || i < 0 || i >= leafCount) throw new ProofError('index', `leaf index ${i} is outside the tree of ${leafCount} leaves`);
  }
  if (leafCount === 0) {
    if (nodes.length > 0) throw new ProofError('nodes-left', `${nodes.length} proof node(s) left over`);
    return sha256(new Uint8Array(0));
  }
  let next = 0;
  // First revealed index ≥ lo, by binary search over the sorted indices.
  const anyIn = (lo: number, hi: number): boolean => {
    let a = 0;
    let b = indices.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if ((indices[m] as number) < lo) a = m + 1;
      else b = m;
    }
    return a < indices.length && (indices[a] as number) < hi;
  };
  const root = (lo: number, hi: number): Uint8Array => {
    if (!anyIn(lo, hi)) {
      const node = nodes[next++];
      if (node === undefined) throw new ProofError('nodes-short', 'the proof has too few nodes');
      return node;
    }
    if (hi - lo === 1) return revealed.get(lo) as Uint8Array;
    const k = splitPoint(hi - lo);
    const left = root(lo, lo + k);
    const right = root(lo + k, hi);
    return sha256(concat(Uint8Array.of(1), left, right));
  };
  const r = root(0, leafCount);
  if (next !== nodes.length) throw new ProofError('nodes-left', `${nodes.length - next} proof node(s) left over`);
  return r;
}
