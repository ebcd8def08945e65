// A small reference implementation of the archive's side of docs/seal-and-proof.md (format 1),
// written from the document alone, so that the verifiers (VERIFY.html, verify-bag) can be tested
// against seals and proofs before electron/core/custody/seal.ts and merkle.ts exist. Test-only:
// plain, unoptimized, and independent of electron/verifier-web.

import { createHash, createHmac, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { openSshPublicKey, rawEd25519PublicKey, sshFingerprint, sshsigSign } from '../../electron/core/signing/sshsig.ts';

export const SEAL_NAMESPACE = 'evidence-seal@evidence-archive';
const NULL_KEY = '0'.repeat(64);

function jcs(v: unknown): string {
  const s = canonicalize(v);
  if (s === undefined) throw new TypeError('value has no JCS form');
  return s;
}

function sha256(...parts: (Buffer | string)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** itemKey(item) = hex(HMAC-SHA256(K, "custody-item:" + item)); 64 zeros for a row without an item. */
export function itemKey(secret: Buffer, item: string | null): string {
  return item === null ? NULL_KEY : createHmac('sha256', secret).update('custody-item:' + item).digest('hex');
}

export interface RefLeaf {
  hash: string;
  itemKey: string;
  seq: number;
}

/** leafHash = SHA256(0x00 || UTF8(JCS(leaf))). */
export function refLeafHash(l: RefLeaf): Buffer {
  return sha256(Buffer.from([0]), jcs({ hash: l.hash, itemKey: l.itemKey, seq: l.seq }));
}

/** The leaves of rows 1..N ordered by itemKey (string comparison), then seq. */
export function orderedLeaves(rows: readonly CustodyEvent[], secret: Buffer): RefLeaf[] {
  return rows.map((r) => ({ hash: r.hash, itemKey: itemKey(secret, r.item), seq: r.seq }))
    .sort((a, b) => (a.itemKey < b.itemKey ? -1 : a.itemKey > b.itemKey ? 1 : a.seq - b.seq));
}

function largestPow2Below(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 §2.1 Merkle Tree Hash over leaf hashes D[lo:hi]. */
export function mth(d: readonly Buffer[], lo = 0, hi = d.length): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256('');
  if (n === 1) return d[lo] as Buffer;
  const k = largestPow2Below(n);
  return sha256(Buffer.from([1]), mth(d, lo, lo + k), mth(d, lo + k, hi));
}

/** The proof nodes for revealed indices R: MTH of every maximal subtree holding none of R, in recursion order. */
export function multiProof(d: readonly Buffer[], revealed: ReadonlySet<number>): string[] {
  const nodes: string[] = [];
  const walk = (lo: number, hi: number): void => {
    let any = false;
    for (const i of revealed) if (i >= lo && i < hi) any = true;
    if (!any) {
      nodes.push(mth(d, lo, hi).toString('hex'));
      return;
    }
    if (hi - lo === 1) return;
    const k = largestPow2Below(hi - lo);
    walk(lo, lo + k);
    walk(lo + k, hi);
  };
  if (d.length > 0) walk(0, d.length);
  return nodes;
}

export interface RefSeal {
  format: 'evidence-seal/1';
  archiveId: string;
  seq: number;
  head: string;
  leafCount: number;
  merkleRoot: string;
  sealedAt: string;
  /** Absent when unsigned (docs/seal-and-proof.md "The seal"). */
  signer?: { fingerprint: string; publicKey: string };
  signature?: string;
  timestamps?: { tsa: string; token: string }[];
}

/**
 * The seal of rows 1..N (`rows` is the whole chain up to the head, seq order), signed with
 * `privateKey` unless `unsigned` (then without signer and signature).
 */
export function makeSeal(opts: { rows: readonly CustodyEvent[]; secret: Buffer; privateKey: KeyObject; archiveId: string; sealedAt: string; unsigned?: boolean }): RefSeal {
  const leaves = orderedLeaves(opts.rows, opts.secret);
  const raw = rawEd25519PublicKey(opts.privateKey);
  const head = opts.rows[opts.rows.length - 1];
  const seal: RefSeal = {
    format: 'evidence-seal/1',
    archiveId: opts.archiveId,
    seq: opts.rows.length,
    head: head?.hash ?? '0'.repeat(64),
    leafCount: opts.rows.length,
    merkleRoot: mth(leaves.map(refLeafHash)).toString('hex'),
    sealedAt: opts.sealedAt,
  };
  if (!opts.unsigned) seal.signer = { fingerprint: sshFingerprint(raw), publicKey: openSshPublicKey(raw) };
  if (!opts.unsigned) seal.signature = sshsigSign(Buffer.from(jcs(seal), 'utf8'), opts.privateKey, SEAL_NAMESPACE);
  return seal;
}

/**
 * evidence/custody.json for the set of `setItems` (SHA-256s): the events of those items up to
 * the head (less those `withhold` picks, listed in withheldSeqs), the seal, and the proof
 * revealing every leaf of the set's item keys and each range's two neighbours.
 */
export function makeExcerpt(opts: {
  rows: readonly CustodyEvent[];
  secret: Buffer;
  setItems: readonly string[];
  seal?: RefSeal;
  withhold?: (e: CustodyEvent) => boolean;
}): Record<string, unknown> {
  const { rows, secret, setItems } = opts;
  const head = rows[rows.length - 1];
  const set = new Set(setItems);
  const ofSet = rows.filter((r) => r.item !== null && set.has(r.item));
  const withheld = ofSet.filter((r) => opts.withhold?.(r) ?? false).map((r) => r.seq);
  const out: Record<string, unknown> = {
    chainHead: { seq: head?.seq ?? 0, hash: head?.hash ?? '0'.repeat(64) },
    events: ofSet.filter((r) => !withheld.includes(r.seq)),
  };
  if (opts.withhold) out.withheldSeqs = withheld;
  if (!opts.seal) return out;
  out.seal = opts.seal;
  const leaves = orderedLeaves(rows, secret);
  const keys = new Set(setItems.map((s) => itemKey(secret, s)));
  const revealed = new Set<number>();
  for (const k of keys) {
    const idx = leaves.flatMap((l, i) => (l.itemKey === k ? [i] : []));
    if (idx.length === 0) continue;
    for (const i of idx) revealed.add(i);
    const first = idx[0] as number;
    const last = idx[idx.length - 1] as number;
    if (first > 0) revealed.add(first - 1);
    if (last < leaves.length - 1) revealed.add(last + 1);
  }
  out.proof = {
    format: 'evidence-custody-proof/1',
    itemKeys: Object.fromEntries(setItems.map((s) => [s, itemKey(secret, s)])),
    leaves: [...revealed].sort((a, b) => a - b).map((i) => ({ index: i, ...(leaves[i] as RefLeaf) })),
    nodes: multiProof(leaves.map(refLeafHash), revealed),
  };
  return out;
}
