import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  buildProof, compareLeaves, EMPTY_ROOT, itemKey, leafHash, MerkleProofError, mth, MthBuilder, nodeHash, NULL_ITEM_KEY, proofIntervals, rootFromProof,
} from '../../electron/core/custody/merkle.ts';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

// RFC 6962 leaf hashes of the Certificate Transparency test inputs, and the roots of their first n
// (the vectors of Google's certificate-transparency merkle_tree tests).
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const ctLeaf = (hex: string) => sha(Buffer.from([0]), Buffer.from(hex, 'hex'));

const randomHashes = (n: number) => Array.from({ length: n }, () => randomBytes(32));

describe('RFC 6962 Merkle Tree Hash', () => {
  it('gives the Certificate Transparency test roots, recursively and streaming', () => {
    for (let n = 1; n <= 8; n++) {
      const leaves = CT_INPUTS.slice(0, n).map(ctLeaf);
      expect(mth(leaves).toString('hex')).toBe(CT_ROOTS[n - 1]);
      const b = new MthBuilder();
      for (const l of leaves) b.push(l);
      expect(b.root().toString('hex')).toBe(CT_ROOTS[n - 1]);
    }
    expect(mth([]).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(new MthBuilder().root()).toEqual(EMPTY_ROOT);
  });

  it('streams the same root as the recursive definition for every size up to 70', () => {
    const all = randomHashes(70);
    const b = new MthBuilder();
    for (let n = 1; n <= 70; n++) {
      b.push(all[n - 1]!);
      expect(b.root().toString('hex'), `n = ${n}`).toBe(mth(all.slice(0, n)).toString('hex'));
    }
  });

  it('splits at the largest power of two below n: a 5-leaf tree is (4, 1), not (3, 2)', () => {
    const h = randomHashes(5);
    const expected = nodeHash(nodeHash(nodeHash(h[0]!, h[1]!), nodeHash(h[2]!, h[3]!)), h[4]!);
    expect(mth(h)).toEqual(expected);
  });
});

describe('leaves and item keys', () => {
  it('hashes a leaf as SHA256(0x00 || its RFC 8785 JSON)', () => {
    const leaf = { seq: 12, hash: 'ab'.repeat(32), itemKey: 'cd'.repeat(32) };
    const text = `{"hash":"${'ab'.repeat(32)}","itemKey":"${'cd'.repeat(32)}","seq":12}`;
    expect(leafHash(leaf)).toEqual(sha(Buffer.from([0]), Buffer.from(text)));
    // A value outside the fast path (not hex) goes through the canonicalize library, escaping as JCS does.
    const odd = { seq: 3, hash: 'é"', itemKey: NULL_ITEM_KEY };
    expect(leafHash(odd)).toEqual(sha(Buffer.from([0]), Buffer.from(`{"hash":"é\\"","itemKey":"${NULL_ITEM_KEY}","seq":3}`)));
  });

  it('keys an item by HMAC-SHA256(secret, "custody-item:" + item), as openssl computes it', () => {
    const secret = Buffer.from('0f'.repeat(32), 'hex');
    const item = '724e74af3f1faa527dee17a38521a3cdc9165b73416785eacdfe5fcf32a48899';
    const r = spawnSync('openssl', ['dgst', '-sha256', '-mac', 'HMAC', '-macopt', `hexkey:${'0f'.repeat(32)}`], { input: `custody-item:${item}`, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    expect(itemKey(secret, item)).toBe(/([0-9a-f]{64})\s*$/.exec(r.stdout)![1]);
    expect(itemKey(secret, null)).toBe('0'.repeat(64));
  });

  it('orders leaves by item key, then seq', () => {
    const a = { seq: 9, hash: '', itemKey: '1'.repeat(64) };
    const b = { seq: 2, hash: '', itemKey: '2'.repeat(64) };
    const c = { seq: 3, hash: '', itemKey: '1'.repeat(64) };
    expect([a, b, c].sort(compareLeaves)).toEqual([c, a, b]);
  });
});

describe('multi-leaf proofs (docs/seal-and-proof.md)', () => {
  it('carries the subtrees without a revealed leaf, in the order the recursion consumes them', () => {
    const h = randomHashes(5);
    // root(0,5) → root(0,4) → [root(0,2): node] [root(2,4) → leaf 2, root(3,4): node] ; root(4,5): node
    expect(proofIntervals(5, [2])).toEqual([[0, 2], [3, 4], [4, 5]]);
    const { root, nodes } = buildProof(h, [2]);
    expect(nodes).toEqual([mth(h.slice(0, 2)), h[3]!, h[4]!].map((b) => b.toString('hex')));
    expect(rootFromProof(5, [{ index: 2, hash: h[2]! }], nodes)).toEqual(root);
  });

  it('recomputes the root for random trees and revealed sets, and every node is needed', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 41);
      const h = randomHashes(n);
      const revealed = [...Array(n).keys()].filter(() => Math.random() < 0.3);
      const { root, nodes } = buildProof(h, revealed);
      const rev = revealed.map((index) => ({ index, hash: h[index]! }));
      expect(rootFromProof(n, rev, nodes)).toEqual(root);
      if (nodes.length) {
        const bad = [...nodes];
        bad[trial % nodes.length] = randomBytes(32).toString('hex');
        expect(rootFromProof(n, rev, bad)).not.toEqual(root);
        expect(() => rootFromProof(n, rev, nodes.slice(1))).toThrow(MerkleProofError);
      }
      expect(() => rootFromProof(n, rev, [...nodes, '00'.repeat(32)])).toThrow(/left over/);
      if (rev.length) {
        // The same leaf claimed at another position leads elsewhere (positions are committed).
        const moved = rev.map((r) => ({ ...r }));
        const free = [...Array(n).keys()].find((i) => !revealed.includes(i));
        if (free !== undefined && rev.length === 1) {
          moved[0]!.index = free;
          let other: Buffer | null = null;
          try {
            other = rootFromProof(n, moved, nodes);
          } catch {
            other = null;
          }
          expect(other?.equals(root) ?? false).toBe(false);
        }
      }
    }
  });

  it('refuses indices out of order, repeated or beyond the leaf count, and an empty tree with nodes', () => {
    const h = randomHashes(4);
    expect(() => rootFromProof(4, [{ index: 2, hash: h[2]! }, { index: 1, hash: h[1]! }], [])).toThrow(MerkleProofError);
    expect(() => rootFromProof(4, [{ index: 1, hash: h[1]! }, { index: 1, hash: h[1]! }], [])).toThrow(MerkleProofError);
    expect(() => rootFromProof(4, [{ index: 4, hash: h[0]! }], [])).toThrow(/not below the leaf count 4/);
    expect(rootFromProof(0, [], [])).toEqual(EMPTY_ROOT);
    expect(() => rootFromProof(0, [], ['00'.repeat(32)])).toThrow(MerkleProofError);
    expect(() => rootFromProof(4, [], ['zz'])).toThrow(/64 lower-case hex/);
    // Nothing revealed: the root itself is the one node.
    expect(rootFromProof(4, [], [mth(h).toString('hex')])).toEqual(mth(h));
  });
});
