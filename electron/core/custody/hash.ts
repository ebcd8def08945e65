import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { CustodyEvent } from '../../common/types.ts';
import type { SaidParams } from '../../common/said.ts';

/** prevHash of the first row of a chain: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a custody row that its hash covers: everything but `hash` itself. */
export type UnhashedEvent = Omit<CustodyEvent, 'hash'>;

/**
 * Hash of one custody row: lower-case hex SHA-256 over the UTF-8 bytes of the RFC 8785 (JSON
 * Canonicalization Scheme) serialisation of
 * `{seq, at, actor, type, item, detail, prevHash}`. The previous row's hash is inside, which makes
 * the log a chain: changing any earlier row changes every later hash.
 * Throws TypeError if `detail` holds values JSON cannot represent (undefined, functions, NaN).
 */
export function custodyRowHash(row: UnhashedEvent): string {
  const body = {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    type: row.type,
    item: row.item,
    detail: row.detail,
    prevHash: row.prevHash,
  };
  const text = canonicalJson(body);
  if (text === undefined) throw new TypeError(`custody row ${row.seq} cannot be canonicalized`);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A problem found while recomputing a chain: the row's seq and what is wrong with it. */
export interface ChainProblem {
  seq: number;
  reason: string;
  /** What `reason` says as a stable code (chain.gap, chain.prev-hash, chain.canonicalize, chain.altered), for readers in other languages. */
  code?: string;
  /** The values that sentence names. */
  params?: SaidParams;
}

/**
 * Recomputes a custody chain (rows in seq order, starting at the genesis row or, with
 * `startPrevHash`, anywhere). Returns every problem found: a row whose stored hash differs from
 * its recomputed hash (the row was altered), a row whose prevHash is not the previous row's hash
 * (a row was removed, inserted or reordered), or a gap in seq. Never throws on bad rows.
 */
export function verifyChain(rows: readonly CustodyEvent[], startPrevHash = GENESIS_HASH): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prev = startPrevHash;
  let prevSeq: number | null = null;
  for (const row of rows) {
    if (prevSeq !== null && row.seq !== prevSeq + 1) {
      problems.push({ seq: row.seq, code: 'chain.gap', params: { prev: prevSeq, seq: row.seq }, reason: `sequence gap: row ${prevSeq} is followed by row ${row.seq}` });
    }
    if (row.prevHash !== prev) {
      problems.push({ seq: row.seq, code: 'chain.prev-hash', params: { prevHash: row.prevHash, expected: prev }, reason: `prevHash ${row.prevHash} does not match the previous row's hash ${prev}` });
    }
    let recomputed: string;
    try {
      recomputed = custodyRowHash(row);
    } catch (e) {
      problems.push({ seq: row.seq, code: 'chain.canonicalize', params: { error: (e as Error).message }, reason: `cannot canonicalize: ${(e as Error).message}` });
      prev = row.hash;
      prevSeq = row.seq;
      continue;
    }
    if (recomputed !== row.hash) {
      problems.push({ seq: row.seq, code: 'chain.altered', params: { stored: row.hash, recomputed }, reason: `content altered: stored hash ${row.hash}, recomputed ${recomputed}` });
    }
    prev = row.hash;
    prevSeq = row.seq;
  }
  return problems;
}
