// The custody excerpt (evidence/custody.json) of an evidence set: its events' hashes and chain
// links, the seal of the chain head and the completeness proof, checked exactly as
// docs/seal-and-proof.md ("The excerpt") says a verifier must.

import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes, fromBase64, fromHex, toHex, utf8 } from './bytes.ts';
import { ProofError, leafHash, rootFromProof } from './merkle.ts';
import { msg, type Problem } from './report.ts';
import { parseOpenSshPublicKey, sshFingerprint, sshsigVerify, SshsigError } from './sshsig.ts';
import { readTimestamp } from './timestamp.ts';

export const CUSTODY_FILE = 'evidence/custody.json';
/** Namespace of the seal's SSH signature (docs/seal-and-proof.md, "The seal"). */
export const SEAL_NAMESPACE = 'evidence-seal@evidence-archive';
const NULL_ITEM_KEY = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/u;
/** The fields the row hash covers, plus `hash`; anything else in an event is unprotected. */
const EVENT_FIELDS = new Set(['seq', 'at', 'actor', 'type', 'item', 'detail', 'prevHash', 'hash']);

/** One custody row as the excerpt carries it. */
export interface CustodyEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  item: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The excerpt as read: its structurally valid events, withheld seqs, chain head, seal and proof. */
export interface Excerpt {
  events: CustodyEvent[];
  withheld: Set<number>;
  /** null when chainHead is malformed (reported). */
  head: { seq: number; hash: string } | null;
  seal: unknown;
  proof: unknown;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lower-case hex SHA-256 of the RFC 8785 (JCS) serialisation of `value`; throws Error when it has none. */
export function jcsSha256(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('cannot be canonicalized');
  return toHex(sha256(utf8(text)));
}

/** A custody row's hash: SHA-256 over JCS of {seq, at, actor, type, item, detail, prevHash} (electron/core/custody/hash.ts). */
export function custodyRowHash(e: CustodyEvent): string {
  return jcsSha256({ seq: e.seq, at: e.at, actor: e.actor, type: e.type, item: e.item, detail: e.detail, prevHash: e.prevHash });
}

function eventShapeProblem(v: unknown): string | null {
  if (!isRecord(v)) return 'not an object';
  if (!Number.isSafeInteger(v.seq)) return 'seq is not an integer';
  for (const k of ['at', 'actor', 'type', 'prevHash', 'hash'] as const) if (typeof v[k] !== 'string') return `${k} is not a string`;
  if (v.item !== null && typeof v.item !== 'string') return 'item is neither a string nor null';
  if (!isRecord(v.detail)) return 'detail is not an object';
  return null;
}

const file = CUSTODY_FILE;

/**
 * Reads the excerpt `doc` (custody.json parsed) and checks its events: shape, no unhashed
 * fields, each hash recomputed, ascending unique seqs, chain links between consecutive seqs
 * (rule 7), none beyond chainHead.seq and the one at chainHead.seq with chainHead.hash;
 * withheldSeqs ascending, unique, within the chain and not among the events, and only in a set
 * whose bag-info declares Evidence-Redaction (`redacted`). Returns what it read and every
 * problem found; never throws.
 */
export function readExcerpt(doc: unknown, redacted: boolean): { excerpt: Excerpt; problems: Problem[] } {
  const problems: Problem[] = [];
  const excerpt: Excerpt = { events: [], withheld: new Set(), head: null, seal: undefined, proof: undefined };
  if (!isRecord(doc) || !isRecord(doc.chainHead) || !Array.isArray(doc.events)) {
    problems.push({ file, msg: msg('custody.shape') });
    return { excerpt, problems };
  }
  excerpt.seal = doc.seal;
  excerpt.proof = doc.proof;
  const head = doc.chainHead;
  if (Number.isSafeInteger(head.seq) && typeof head.hash === 'string' && HEX64.test(head.hash)) {
    excerpt.head = { seq: head.seq as number, hash: head.hash };
  } else {
    problems.push({ file, msg: msg('custody.headShape') });
  }
  doc.events.forEach((v: unknown, i: number) => {
    const why = eventShapeProblem(v);
    if (why !== null) {
      problems.push({ file, msg: msg('custody.eventShape', { index: i, why }) });
      return;
    }
    const ev = v as CustodyEvent;
    const extra = Object.keys(ev).filter((k) => !EVENT_FIELDS.has(k));
    if (extra.length > 0) problems.push({ file, seq: ev.seq, msg: msg('custody.extraFields', { seq: ev.seq, fields: extra.join(', ') }) });
    excerpt.events.push(ev);
  });

  let prev: CustodyEvent | undefined;
  for (const ev of excerpt.events) {
    let recomputed: string | null = null;
    try {
      recomputed = custodyRowHash(ev);
    } catch (e) {
      problems.push({ file, seq: ev.seq, msg: msg('custody.uncanonical', { seq: ev.seq, why: (e as Error).message }) });
    }
    if (recomputed !== null && recomputed !== ev.hash) {
      problems.push({ file, seq: ev.seq, msg: msg('custody.altered', { seq: ev.seq, stored: ev.hash, recomputed }) });
    }
    if (prev && ev.seq <= prev.seq) problems.push({ file, seq: ev.seq, msg: msg('custody.order', { seq: ev.seq, prev: prev.seq }) });
    if (prev && ev.seq === prev.seq + 1 && ev.prevHash !== prev.hash) {
      problems.push({ file, seq: ev.seq, msg: msg('custody.link', { seq: ev.seq, prev: prev.seq }) });
    }
    if (excerpt.head && ev.seq > excerpt.head.seq) problems.push({ file, seq: ev.seq, msg: msg('custody.beyondHead', { seq: ev.seq, head: excerpt.head.seq }) });
    if (excerpt.head && ev.seq === excerpt.head.seq && ev.hash !== excerpt.head.hash) {
      problems.push({ file, seq: ev.seq, msg: msg('custody.headHash', { seq: ev.seq }) });
    }
    prev = ev;
  }

  const w = doc.withheldSeqs;
  if (w !== undefined) {
    if (!Array.isArray(w) || !w.every((x) => Number.isSafeInteger(x) && (x as number) >= 1)) {
      problems.push({ file, msg: msg('custody.withheldShape') });
    } else {
      const present = new Set(excerpt.events.map((e) => e.seq));
      let last = 0;
      for (const seq of w as number[]) {
        if (seq <= last) problems.push({ file, seq, msg: msg('custody.withheldOrder', { seq, prev: last }) });
        last = Math.max(last, seq);
        if (excerpt.head && seq > excerpt.head.seq) problems.push({ file, seq, msg: msg('custody.withheldBeyond', { seq, head: excerpt.head.seq }) });
        else if (present.has(seq)) problems.push({ file, seq, msg: msg('custody.withheldPresent', { seq }) });
        else excerpt.withheld.add(seq);
      }
      if (!redacted && excerpt.withheld.size > 0) problems.push({ file, msg: msg('custody.withheldUndeclared', { count: excerpt.withheld.size }) });
    }
  }
  return { excerpt, problems };
}

/** What the seal check found. */
export interface SealResult {
  /** 'none': no seal; 'unsigned': a seal without signature ("not sealed"); 'signed': its signature holds; 'bad': a problem was found. */
  state: 'none' | 'unsigned' | 'signed' | 'bad';
  problems: Problem[];
  fingerprint: string | null;
  sealedAt: string | null;
  seq: number | null;
  timestamps: number;
  /** Set when the seal is usable for the proof check. */
  merkleRoot: string | null;
  leafCount: number | null;
}

/**
 * Rules 1 and 2 of docs/seal-and-proof.md: the seal's format, its SSHSIG signature (namespace
 * evidence-seal@evidence-archive, over UTF8(JCS(seal without "signature" and "timestamps"))) made
 * by seal.signer.publicKey whose fingerprint is seal.signer.fingerprint, and that it seals this
 * excerpt's chain head (seq, head, leafCount == seq). Never throws.
 */
export function checkSeal(excerpt: Excerpt): SealResult {
  const out: SealResult = { state: 'none', problems: [], fingerprint: null, sealedAt: null, seq: null, timestamps: 0, merkleRoot: null, leafCount: null };
  const s = excerpt.seal;
  if (s === undefined) return out;
  const bad = (key: Parameters<typeof msg>[0], params?: Record<string, string | number>) => out.problems.push({ file, msg: msg(key, params) });
  if (!isRecord(s) || s.format !== 'evidence-seal/1') {
    bad('seal.format');
    out.state = 'bad';
    return out;
  }
  out.sealedAt = typeof s.sealedAt === 'string' ? s.sealedAt : null;
  out.timestamps = Array.isArray(s.timestamps) ? s.timestamps.length : 0;
  // The shape electron/core/custody/seal-format.ts asSeal requires, so that both verifiers refuse the same seals.
  if (!Number.isSafeInteger(s.seq) || (s.seq as number) < 0 || !Number.isSafeInteger(s.leafCount) || typeof s.head !== 'string' || !HEX64.test(s.head) ||
    typeof s.merkleRoot !== 'string' || !HEX64.test(s.merkleRoot) || typeof s.archiveId !== 'string' || typeof s.sealedAt !== 'string' ||
    (s.timestamps !== undefined && !(Array.isArray(s.timestamps) && s.timestamps.every((t) => isRecord(t) && typeof t.tsa === 'string' && typeof t.token === 'string')))) {
    bad('seal.fields');
    out.state = 'bad';
    return out;
  }
  out.seq = s.seq as number;
  // Rule 2: the seal is of this excerpt's chain head.
  if (excerpt.head && (s.seq !== excerpt.head.seq || s.head !== excerpt.head.hash)) bad('seal.head', { sealSeq: s.seq as number, headSeq: excerpt.head.seq });
  if (s.leafCount !== s.seq) bad('seal.leafCount', { leafCount: s.leafCount as number, seq: s.seq as number });

  // Unsigned seals carry neither (docs/seal-and-proof.md "The seal"): one without the other is not a seal the archive wrote.
  if ((s.signer === undefined) !== (s.signature === undefined)) {
    bad('seal.signerSignature');
    out.state = 'bad';
    return out;
  }
  const signer = isRecord(s.signer) ? s.signer : {};
  let key: Uint8Array | null = null;
  try {
    key = parseOpenSshPublicKey(typeof signer.publicKey === 'string' ? signer.publicKey : '');
    out.fingerprint = sshFingerprint(key);
    if (signer.fingerprint !== out.fingerprint) bad('seal.fingerprint', { given: String(signer.fingerprint), actual: out.fingerprint });
  } catch {
    if (s.signature !== undefined) bad('seal.signerKey');
  }
  const body = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'signature' && k !== 'timestamps'));
  const text = canonicalize(body);
  // A token's imprint is SHA-256 over the signed bytes; its TSA signature is left to openssl / verify-bag.
  if (Array.isArray(s.timestamps) && text !== undefined) {
    s.timestamps.forEach((t: unknown, i: number) => {
      try {
        if (!isRecord(t) || typeof t.token !== 'string') throw new Error('no token');
        if (!readTimestamp(fromBase64(t.token), utf8(text)).imprintMatches) bad('seal.timestampImprint', { n: i + 1 });
      } catch {
        bad('seal.timestampUnreadable', { n: i + 1 });
      }
    });
  }
  if (s.signature === undefined) {
    out.state = out.problems.length > 0 ? 'bad' : 'unsigned';
  } else {
    try {
      if (typeof s.signature !== 'string' || text === undefined) throw new SshsigError('malformed', 'not a string');
      const v = sshsigVerify(s.signature, utf8(text), SEAL_NAMESPACE);
      if (key && !equalBytes(v.publicKey, key)) bad('seal.otherKey', { fingerprint: v.fingerprint });
    } catch (e) {
      const code = e instanceof SshsigError ? e.code : 'malformed';
      bad(code === 'mismatch' ? 'seal.sigMismatch' : code === 'namespace' ? 'seal.sigNamespace' : 'seal.sigMalformed');
    }
    out.state = out.problems.length > 0 ? 'bad' : 'signed';
  }
  out.merkleRoot = s.merkleRoot;
  out.leafCount = s.leafCount as number;
  return out;
}

interface ProofLeaf {
  index: number;
  seq: number;
  hash: string;
  itemKey: string;
}

/**
 * Rules 3–6 of docs/seal-and-proof.md for the proof of `excerpt` against the seal's root and leaf
 * count: the root recomputed from the revealed leaves and the nodes (all consumed, indices
 * ascending and below leafCount); every event matched by a revealed leaf of the same seq, hash and
 * item key; for each item of the set (`setItems`, lower-case SHA-256s from items.json) an item
 * key, and its revealed leaves one run of consecutive indices bounded by other keys' leaves or the
 * tree's ends; every leaf of a set item's key an event or a withheld seq, and every withheld seq
 * such a leaf. Also: proof.itemKeys names no item outside the set. Returns the problems; never throws.
 */
export function checkProof(excerpt: Excerpt, seal: SealResult, setItems: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const bad = (key: Parameters<typeof msg>[0], params?: Record<string, string | number>, seq?: number) =>
    problems.push({ file, ...(seq === undefined ? {} : { seq }), msg: msg(key, params) });
  const p = excerpt.proof;
  if (!isRecord(p) || p.format !== 'evidence-custody-proof/1' || !isRecord(p.itemKeys) || !Array.isArray(p.leaves) || !Array.isArray(p.nodes)) {
    bad(p === undefined ? 'proof.missing' : 'proof.shape');
    return problems;
  }
  if (seal.merkleRoot === null || seal.leafCount === null) return problems; // the seal's own line says why
  const leafCount = seal.leafCount;

  const itemKeys = new Map<string, string>();
  for (const [sha, k] of Object.entries(p.itemKeys)) {
    if (typeof k !== 'string' || !HEX64.test(k) || k === NULL_ITEM_KEY) bad('proof.itemKeyShape', { item: sha });
    else itemKeys.set(sha.toLowerCase(), k);
  }
  for (const sha of itemKeys.keys()) if (!setItems.includes(sha)) bad('proof.itemKeyStranger', { item: sha });
  const keyOwners = new Map<string, string>();
  for (const [sha, k] of itemKeys) {
    const other = keyOwners.get(k);
    if (other !== undefined) bad('proof.itemKeyShared', { item: sha, other });
    keyOwners.set(k, sha);
  }

  // The revealed leaves, ascending by index.
  const leaves: ProofLeaf[] = [];
  let lastIndex = -1;
  for (const l of p.leaves as unknown[]) {
    if (!isRecord(l) || !Number.isSafeInteger(l.index) || !Number.isSafeInteger(l.seq) || typeof l.hash !== 'string' || !HEX64.test(l.hash) ||
      typeof l.itemKey !== 'string' || !HEX64.test(l.itemKey)) {
      bad('proof.leafShape');
      return problems;
    }
    const leaf = { index: l.index as number, seq: l.seq as number, hash: l.hash, itemKey: l.itemKey };
    if (leaf.index <= lastIndex) {
      bad('proof.leafOrder', { index: leaf.index, prev: lastIndex });
      return problems;
    }
    if (leaf.index >= leafCount) {
      bad('proof.leafIndex', { index: leaf.index, leafCount });
      return problems;
    }
    if (leaf.seq < 1 || leaf.seq > leafCount) bad('proof.leafSeq', { index: leaf.index, seq: leaf.seq, leafCount });
    lastIndex = leaf.index;
    leaves.push(leaf);
  }
  // Tree order is itemKey then seq; a revealed range out of that order cannot be the sealed tree's.
  for (let i = 1; i < leaves.length; i++) {
    const a = leaves[i - 1] as ProofLeaf;
    const b = leaves[i] as ProofLeaf;
    if (a.itemKey > b.itemKey || (a.itemKey === b.itemKey && a.seq >= b.seq)) bad('proof.treeOrder', { index: b.index });
  }

  // Rule 3: the root.
  const nodes: Uint8Array[] = [];
  for (const n of p.nodes as unknown[]) {
    if (typeof n !== 'string' || !HEX64.test(n)) {
      bad('proof.nodeShape');
      return problems;
    }
    nodes.push(fromHex(n));
  }
  try {
    const revealed = new Map(leaves.map((l) => [l.index, leafHash(l)]));
    const root = rootFromProof(leafCount, revealed, nodes);
    if (!equalBytes(root, fromHex(seal.merkleRoot))) bad('proof.root');
  } catch (e) {
    bad(e instanceof ProofError && e.code === 'nodes-left' ? 'proof.nodesLeft' : e instanceof ProofError && e.code === 'nodes-short' ? 'proof.nodesShort' : 'proof.root');
  }

  // Rule 4: every event is a revealed leaf, of an item of the set (or of none).
  const bySeq = new Map(leaves.map((l) => [l.seq, l]));
  const set = new Set(setItems);
  for (const ev of excerpt.events) {
    const key = ev.item === null ? NULL_ITEM_KEY : itemKeys.get(ev.item.toLowerCase());
    if (ev.item !== null && !set.has(ev.item.toLowerCase())) {
      bad('proof.eventStranger', { seq: ev.seq, item: ev.item }, ev.seq);
      continue;
    }
    if (key === undefined) {
      bad('proof.eventNoKey', { seq: ev.seq, item: String(ev.item) }, ev.seq);
      continue;
    }
    const leaf = bySeq.get(ev.seq);
    if (!leaf) bad('proof.eventNoLeaf', { seq: ev.seq }, ev.seq);
    else if (leaf.hash !== ev.hash || leaf.itemKey !== key) bad('proof.eventLeafDiffers', { seq: ev.seq }, ev.seq);
  }

  // Rule 5: each set item's leaves are one whole run, bounded by a smaller key before and a larger
  // one after (or the tree's ends), and bound to the item by at least one of its events (a verifier
  // cannot compute the HMAC; the event's hash covers its item). Rule 6: every leaf of the run is an
  // event of that item or a withheld seq.
  const eventBySeq = new Map(excerpt.events.map((e) => [e.seq, e]));
  const byIndex = new Map(leaves.map((l) => [l.index, l]));
  const runSeqs = new Set<number>();
  for (const sha of new Set(setItems)) {
    const key = itemKeys.get(sha);
    if (key === undefined) {
      bad('proof.itemNoKey', { item: sha });
      continue;
    }
    const mine = leaves.filter((l) => l.itemKey === key);
    if (mine.length === 0) {
      bad('proof.itemNoLeaf', { item: sha });
      continue;
    }
    const first = mine[0] as ProofLeaf;
    const last = mine[mine.length - 1] as ProofLeaf;
    if (last.index - first.index !== mine.length - 1) bad('proof.itemGap', { item: sha });
    const before = byIndex.get(first.index - 1);
    const after = byIndex.get(last.index + 1);
    if (first.index !== 0 && !(before && before.itemKey < key)) bad('proof.itemOpenStart', { item: sha });
    if (last.index !== leafCount - 1 && !(after && after.itemKey > key)) bad('proof.itemOpenEnd', { item: sha });
    const ofItem = (l: ProofLeaf) => eventBySeq.get(l.seq)?.item?.toLowerCase() === sha;
    if (!mine.some(ofItem)) bad('proof.itemUnbound', { item: sha });
    for (const l of mine) {
      runSeqs.add(l.seq);
      if (!ofItem(l) && !excerpt.withheld.has(l.seq)) bad('proof.leafRemoved', { seq: l.seq }, l.seq);
    }
  }
  for (const seq of excerpt.withheld) if (!runSeqs.has(seq)) bad('proof.withheldNotLeaf', { seq }, seq);
  return problems;
}
