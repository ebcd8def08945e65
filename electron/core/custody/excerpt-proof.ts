// The completeness proof of a custody excerpt (evidence/custody.json): made by the archive for an
// export, checked by verify-bag (docs/seal-and-proof.md "The excerpt", checks 1–7).
import type { CustodyEvent } from '../../common/types.ts';
import type { Said, SaidParams } from '../../common/said.ts';
import type { Db } from '../db/open.ts';
import { pseudonymKey } from '../db/settings.ts';
import { custodyRowHash } from './hash.ts';
import { leafHash, NULL_ITEM_KEY, rootFromProof } from './merkle.ts';
import { asSeal, SealError, sealSignerOf, type Seal, type SealSignerInfo } from './seal-format.ts';
import { custodyProof, type CustodyProof, type ProofLeaf } from './tree.ts';

export type { CustodyProof, ProofLeaf } from './tree.ts';

export const PROOF_FORMAT = 'evidence-custody-proof/1';

/**
 * The proof for an excerpt of `itemSha256s` under `seal` (docs/seal-and-proof.md "The excerpt"):
 * the set's item keys, the revealed leaves (every row of those items among rows 1..seal.seq, and
 * each item range's two neighbours) and the nodes. One streaming pass over rows 1..seal.seq. The
 * excerpt's events must then be the set's rows with seq ≤ seal.seq (the seal event itself and
 * later rows are not under the seal). Throws Error when the recomputed root is not the seal's
 * (the catalog no longer matches the seal) or an item has no row among 1..seal.seq.
 */
export function excerptProof(db: Db, seal: Seal, itemSha256s: readonly string[]): CustodyProof {
  const { root, proof } = custodyProof(db, seal.seq, Buffer.from(pseudonymKey(db), 'hex'), itemSha256s);
  if (root !== seal.merkleRoot) throw new Error(`the custody tree of rows 1..${seal.seq} has root ${root}, not the sealed ${seal.merkleRoot}: the catalog no longer matches its seal`);
  return proof;
}

/** evidence/custody.json as verifyExcerptProof reads it (fields may be missing or malformed in a bag). */
export interface SealedExcerpt {
  chainHead?: { seq: number; hash: string };
  events?: CustodyEvent[];
  withheldSeqs?: number[];
  seal?: unknown;
  proof?: unknown;
}

export interface ExcerptVerdict {
  /** Each failed check, in check order: the first names the first check that fails. Empty when all hold. */
  problems: string[];
  /** What each of `problems` says, as a stable code and its values (null where only the English exists), in the same order. */
  said: (Said | null)[];
  /** True only when the excerpt carries a seal whose signature holds. */
  sealed: boolean;
  /** Who signed the seal, when `sealed`. Whether that key is the one expected is the caller's question. */
  signer?: SealSignerInfo;
}

const HEX64 = /^[0-9a-f]{64}$/;

function asProof(v: unknown): CustodyProof {
  const p = v as Record<string, unknown>;
  if (!p || typeof p !== 'object') throw new Error('the proof is not a JSON object');
  if (p.format !== PROOF_FORMAT) throw new Error(`the proof's format is ${JSON.stringify(p.format)}, not "${PROOF_FORMAT}"`);
  const keys = p.itemKeys as Record<string, unknown>;
  if (!keys || typeof keys !== 'object' || Array.isArray(keys) || !Object.values(keys).every((k) => typeof k === 'string' && HEX64.test(k))) {
    throw new Error('the proof\'s itemKeys are not item → 64 hex digits');
  }
  if (!Array.isArray(p.leaves) || !p.leaves.every((l: ProofLeaf) => l && Number.isSafeInteger(l.index) && Number.isSafeInteger(l.seq)
    && typeof l.hash === 'string' && HEX64.test(l.hash) && typeof l.itemKey === 'string' && HEX64.test(l.itemKey))) {
    throw new Error('the proof\'s leaves are not {index, seq, hash, itemKey} with whole numbers and 64 hex digits');
  }
  if (!Array.isArray(p.nodes) || !p.nodes.every((n) => typeof n === 'string')) throw new Error('the proof\'s nodes are not a list of hex strings');
  return p as unknown as CustodyProof;
}

/**
 * Checks a sealed custody excerpt (evidence/custody.json) against the set's items
 * (`setItemSha256s`, from items.json), by checks 1–7 of docs/seal-and-proof.md:
 * 1. the seal's signature (an unsigned seal, or none: `sealed: false`, not a problem by itself);
 * 2. the seal is of the excerpt's chain head, with leafCount == seq;
 * 3. the root from the proof's leaves and nodes is the seal's Merkle root;
 * 4. every event's hash recomputes and it is a revealed leaf with its item's key;
 * 5. each set item's leaves are one run bounded by other keys or the tree's ends, distinct items
 *    have distinct keys, and the run holds at least one event of that item (which binds the key
 *    to the item: a verifier cannot compute the HMAC);
 * 6. every leaf of a set item's run is one of that item's events or a withheld seq, and every
 *    withheld seq is such a leaf;
 * 7. events ascend by seq without repeats, consecutive ones chain, and the head row's hash is the head.
 * With no seal, only 7 and the event hashes are checked (there is nothing to prove completeness
 * against). Pure; never throws: what is wrong is in `problems`.
 */
export function verifyExcerptProof(excerpt: SealedExcerpt, setItemSha256s: readonly string[]): ExcerptVerdict {
  const problems: string[] = [];
  // The code of each sentence, for readers in other languages (ExcerptVerdict.said).
  const coded = new Map<string, Said>();
  const say = (text: string, code: string, params: SaidParams) => {
    problems.push(text);
    coded.set(text, { code, params });
  };
  const done = (sealed: boolean, signer?: SealSignerInfo | null): ExcerptVerdict => {
    const ordered = inCheckOrder(problems);
    return { problems: ordered, said: ordered.map((p) => coded.get(p) ?? null), sealed, ...(signer ? { signer } : {}) };
  };
  const events = Array.isArray(excerpt.events) ? excerpt.events : [];
  if (!Array.isArray(excerpt.events)) problems.push('custody.json has no list of events');
  const head = excerpt.chainHead;
  const withheld = excerpt.withheldSeqs === undefined ? [] : excerpt.withheldSeqs;
  if (!Array.isArray(withheld) || !withheld.every((s) => Number.isSafeInteger(s))) problems.push('custody.json\'s withheldSeqs is not a list of row numbers');
  const check7 = () => {
    for (let i = 1; i < events.length; i++) {
      const a = events[i - 1]!;
      const b = events[i]!;
      if (!(b.seq > a.seq)) say(`check 7: event ${b.seq} follows event ${a.seq}: events are not in ascending seq order without repeats`, 'proof.order', { seq: b.seq, prev: a.seq });
      else if (b.seq === a.seq + 1 && b.prevHash !== a.hash) say(`check 7: event ${b.seq}'s prevHash is not the hash of event ${a.seq} before it`, 'proof.prev-hash', { seq: b.seq, prev: a.seq });
    }
    for (const e of events) {
      if (head && e.seq === head.seq && e.hash !== head.hash) say(`check 7: event ${e.seq} is the chain head, but its hash is not the head's hash ${head.hash}`, 'proof.head-hash', { seq: e.seq, head: head.hash });
    }
  };
  const eventHashes = () => {
    for (const e of events) {
      let h: string | null = null;
      try {
        h = custodyRowHash(e);
      } catch {
        h = null;
      }
      if (h !== e.hash) say(`check 4: event ${String(e.seq)} was altered: its hash does not recompute`, 'proof.altered', { seq: String(e.seq) });
    }
  };
  if (excerpt.seal === undefined) {
    eventHashes();
    check7();
    return done(false);
  }

  // 1. The seal and its signature.
  let seal: Seal;
  try {
    seal = asSeal(excerpt.seal);
  } catch (e) {
    say(`check 1: ${(e as Error).message}`, 'proof.seal-unreadable', { error: (e as Error).message });
    return done(false);
  }
  let signer: SealSignerInfo | null = null;
  try {
    signer = sealSignerOf(seal);
  } catch (e) {
    say(`check 1: ${e instanceof SealError ? e.message : String(e)}`, 'proof.seal-signature', { error: e instanceof SealError ? e.message : String(e) });
  }
  // 2. The seal is of this head.
  if (!head || head.seq !== seal.seq || head.hash !== seal.head) {
    say(`check 2: the seal is of row ${seal.seq} (${seal.head}), the excerpt's chain head is row ${String(head?.seq)} (${String(head?.hash)})`, 'proof.seal-head', { sealSeq: seal.seq, sealHead: seal.head, seq: String(head?.seq), head: String(head?.hash) });
  }
  if (seal.leafCount !== seal.seq) problems.push(`check 2: the seal counts ${seal.leafCount} leaves for ${seal.seq} rows`);
  // 3. The proof leads to the sealed root.
  let proof: CustodyProof;
  try {
    proof = asProof(excerpt.proof);
  } catch (e) {
    problems.push(`check 3: ${(e as Error).message}`);
    return done(signer !== null, signer);
  }
  try {
    const root = rootFromProof(seal.leafCount, proof.leaves.map((l) => ({ index: l.index, hash: leafHash(l) })), proof.nodes).toString('hex');
    if (root !== seal.merkleRoot) say(`check 3: the proof leads to root ${root}, the seal signed ${seal.merkleRoot}`, 'proof.root', { root, sealed: seal.merkleRoot });
  } catch (e) {
    problems.push(`check 3: ${(e as Error).message}`);
  }
  // 4. Each event is a revealed leaf with its item's key.
  eventHashes();
  const leafBySeq = new Map<number, ProofLeaf>();
  for (const l of proof.leaves) leafBySeq.set(l.seq, l);
  const keyOf = (item: string | null) => (item === null ? NULL_ITEM_KEY : Object.hasOwn(proof.itemKeys, item) ? proof.itemKeys[item] : undefined);
  const inSet = new Set(setItemSha256s);
  for (const e of events) {
    const l = leafBySeq.get(e.seq);
    const key = keyOf(e.item);
    if (e.item !== null && !inSet.has(e.item)) say(`check 4: event ${e.seq} concerns item ${String(e.item)}, which is not an item of the set`, 'proof.stranger', { seq: e.seq, sha: String(e.item) });
    else if (key === undefined) problems.push(`check 4: event ${e.seq} concerns item ${String(e.item)}, which has no item key in the proof (not an item of the set?)`);
    else if (!l) say(`check 4: event ${e.seq} is not among the proof's leaves: it was added, or is not under the seal`, 'proof.added', { seq: e.seq });
    else if (l.hash !== e.hash || l.itemKey !== key) say(`check 4: event ${e.seq} differs from the sealed leaf of row ${e.seq}`, 'proof.leaf-differs', { seq: e.seq });
  }
  // 5. Each set item's leaves: one run, bounded, bound to the item by one of its events.
  const byIndex = new Map(proof.leaves.map((l) => [l.index, l]));
  const eventBySeq = new Map(events.map((e) => [e.seq, e]));
  const withheldSet = new Set(Array.isArray(withheld) ? withheld : []);
  const covered = new Set<number>();
  const keyOwner = new Map<string, string>();
  for (const item of new Set(setItemSha256s)) {
    const key = keyOf(item);
    if (key === undefined) {
      problems.push(`check 5: item ${item} of the set has no item key in the proof`);
      continue;
    }
    const other = keyOwner.get(key);
    if (other !== undefined) problems.push(`check 5: items ${other} and ${item} are given the same item key`);
    keyOwner.set(key, item);
    const run = proof.leaves.filter((l) => l.itemKey === key);
    if (!run.length) {
      say(`check 5: item ${item} has no sealed custody row in the proof`, 'proof.no-row', { sha: item });
      continue;
    }
    const lo = run[0]!.index;
    const hi = run[run.length - 1]!.index;
    if (hi - lo + 1 !== run.length) problems.push(`check 5: item ${item}'s sealed rows are not one run of consecutive leaves`);
    const before = byIndex.get(lo - 1);
    const after = byIndex.get(hi + 1);
    if (lo > 0 && !(before && before.itemKey < key)) problems.push(`check 5: item ${item}'s rows are not bounded below: leaf ${lo - 1} is not revealed with a smaller key (rows of the item may be left out)`);
    if (hi < seal.leafCount - 1 && !(after && after.itemKey > key)) problems.push(`check 5: item ${item}'s rows are not bounded above: leaf ${hi + 1} is not revealed with a larger key (rows of the item may be left out)`);
    if (!run.some((l) => eventBySeq.get(l.seq)?.item === item)) problems.push(`check 5: none of item ${item}'s sealed rows is among the events: nothing binds its item key to it`);
    // 6. Every row of the run is one of the item's events or withheld.
    for (const l of run) {
      covered.add(l.seq);
      const e = eventBySeq.get(l.seq);
      const isEvent = e !== undefined && e.item === item;
      if (isEvent && withheldSet.has(l.seq)) problems.push(`check 6: row ${l.seq} is both an event and withheld`);
      if (!isEvent && !withheldSet.has(l.seq)) say(`check 6: row ${l.seq} of item ${item} is sealed but neither among the events nor withheld: it was removed`, 'proof.removed', { seq: l.seq, sha: item });
    }
  }
  for (const s of withheldSet) {
    if (!covered.has(s)) problems.push(`check 6: withheld row ${s} is not a sealed row of an item of the set`);
  }
  if (Array.isArray(withheld) && withheldSet.size !== withheld.length) problems.push('check 6: withheldSeqs lists a row twice');
  check7();
  return done(signer !== null, signer);
}

/** Problems sorted by their check number (stable; those without one first), so the first names the first check that fails. */
function inCheckOrder(problems: string[]): string[] {
  const n = (p: string) => Number(/^check (\d):/.exec(p)?.[1] ?? 0);
  return problems.map((p, i) => ({ p, i })).sort((a, b) => n(a.p) - n(b.p) || a.i - b.i).map((x) => x.p);
}
