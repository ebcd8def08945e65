// The digest a fixity check run's custody event carries over every item it checked
// (docs/fixity-runs.md "The run's Merkle root"): an RFC 6962 §2.1 Merkle Tree Hash over one leaf
// per item, (item id, SHA-256, outcome), ordered by item id, with the tree functions of the
// custody seal (custody/merkle.ts). The per-item outcomes stay in verify_run_items, so anyone with
// the catalog can recompute the root, and one item's inclusion is proven with O(log n) hashes.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../custody/canonical-json.ts';
import { buildProof, MthBuilder, rootFromProof } from '../custody/merkle.ts';
import type { Db } from '../db/open.ts';

/** What a run found for one item, as a leaf: its catalog id, its recorded SHA-256, and the outcome word. */
export interface FixityLeaf {
  item: number;
  sha256: string;
  /** pass, altered, missing, unreadable, catalog or unrecorded-change (docs/fixity-runs.md). */
  outcome: string;
}

/** The name of this leaf definition, recorded in the run event so a later definition can be told apart. */
export const FIXITY_LEAF_FORMAT = 'evidence-fixity-leaf/1';

/** leafHash = SHA256(0x00 || UTF8(JCS({"item","outcome","sha256"}))) (RFC 6962 §2.1 leaf prefix, RFC 8785 JSON); 32 bytes. */
export function fixityLeafHash(leaf: FixityLeaf): Buffer {
  const text = canonicalJson({ item: leaf.item, outcome: leaf.outcome, sha256: leaf.sha256 });
  if (text === undefined) throw new Error(`fixity leaf of item ${leaf.item} cannot be canonicalized`);
  return createHash('sha256').update(Buffer.from([0])).update(text, 'utf8').digest();
}

const leafRows = (db: Db, runId: number) =>
  db.prepare('SELECT item_id item, sha256, outcome FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL ORDER BY item_id, pos').iterate(runId) as Iterable<FixityLeaf>;

/**
 * The Merkle root (lower-case hex) of run `runId` over the items it checked (outcome recorded),
 * recomputed from verify_run_items, and the leaf count. An empty run gives SHA256("") and 0.
 */
export function fixityRunRoot(db: Db, runId: number): { root: string; leaves: number } {
  const b = new MthBuilder();
  for (const leaf of leafRows(db, runId)) b.push(fixityLeafHash(leaf));
  return { root: b.root().toString('hex'), leaves: b.count };
}

/** A proof that one item's check is among a run's leaves (docs/fixity-runs.md "Proving one item"). */
export interface FixityInclusionProof {
  run: number;
  /** Leaves in the run's tree. */
  leaves: number;
  /** The item's position among them (0-based, in item id order). */
  index: number;
  leaf: FixityLeaf;
  /** Hashes of the subtrees beside the leaf's path, in the order custody/merkle.ts rootFromProof consumes them (hex). */
  nodes: string[];
  /** The root they give: the run event's `merkle.root`. */
  root: string;
}

/** The inclusion proof of item `itemId` in run `runId`, or null when the run did not check it. Memory: 32 bytes a leaf. */
export function fixityInclusionProof(db: Db, runId: number, itemId: number): FixityInclusionProof | null {
  const hashes: Buffer[] = [];
  let index = -1;
  let leaf: FixityLeaf | null = null;
  for (const l of leafRows(db, runId)) {
    if (l.item === itemId && index < 0) {
      index = hashes.length;
      leaf = { item: l.item, sha256: l.sha256, outcome: l.outcome };
    }
    hashes.push(fixityLeafHash(l));
  }
  if (!leaf) return null;
  const { root, nodes } = buildProof(hashes, [index]);
  return { run: runId, leaves: hashes.length, index, leaf, nodes, root: root.toString('hex') };
}

/** True when `p`'s leaf and nodes give `expectedRoot` (hex; e.g. from the run's custody event). Throws MerkleProofError for a malformed proof. */
export function verifyFixityInclusion(p: FixityInclusionProof, expectedRoot: string): boolean {
  return rootFromProof(p.leaves, [{ index: p.index, hash: fixityLeafHash(p.leaf) }], p.nodes).toString('hex') === expectedRoot;
}
