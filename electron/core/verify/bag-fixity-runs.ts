// verify-bag's check of custody.json `fixityRuns` (docs/fixity-runs.md "In an evidence set"): the
// fixity check runs that checked a set's items, each as its custody row verbatim with a Merkle
// multi-proof of those items' outcomes in the root the row records (made by run-excerpt.ts). Pure:
// no catalog, so it runs wherever verify-bag runs.
import type { CustodyEvent } from '../../common/types.ts';
import { custodyRowHash } from '../custody/hash.ts';
import { MerkleProofError, rootFromProof } from '../custody/merkle.ts';
import { FIXITY_LEAF_FORMAT, fixityLeafHash, type FixityLeaf } from './run-merkle.ts';
import type { SaidParams } from '../../common/said.ts';

/** The name of this section's layout, in custody.json `fixityRuns.format`. */
export const FIXITY_RUNS_FORMAT = 'evidence-fixity-runs/1';

/** One run in a set: its custody row, and the set's items' leaves with the proof of them in its root. */
export interface FixityRunProof {
  /** The run's `fixity check` custody row (item null), verbatim with its hashes. */
  event: CustodyEvent;
  /** Leaves in the run's tree (= event.detail.merkle.leaves). */
  leaves: number;
  /** The set's items the run checked: their leaf and its 0-based index (ascending). */
  revealed: { index: number; leaf: FixityLeaf }[];
  /** Subtree hashes (hex) in custody/merkle.ts rootFromProof order: with the leaves they give event.detail.merkle.root. */
  nodes: string[];
}

/** custody.json `fixityRuns`. */
export interface FixityRunsSection {
  format: typeof FIXITY_RUNS_FORMAT;
  leafFormat: typeof FIXITY_LEAF_FORMAT;
  runs: FixityRunProof[];
}

const HEX64 = /^[0-9a-f]{64}$/u;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What checkFixityRuns found wrong, by run event seq when known. */
export interface FixityRunsProblem {
  seq?: number;
  reason: string;
  /** What `reason` says as a stable code, where one is given (params.run counts runs from 1); the English alone otherwise. */
  code?: string;
  params?: SaidParams;
}

/**
 * Checks custody.json `fixityRuns` (`value`; absent: nothing to check) against the set: its format;
 * for each run, that the row's hash recomputes (RFC 8785 row hash, custody/hash.ts), that it is a
 * `fixity check` run event (item null) at or before `headSeq` whose detail.merkle.root and leaves
 * the proof gives from the revealed leaves (each naming an item of the set, `setSha256s`, and in
 * the leaf format `evidence-fixity-leaf/1`); runs in ascending seq order; and, for a leaf that did
 * not pass, that the excerpt (`events`) holds that item's failure event of that run (unless
 * `redacted`, whose excerpt may withhold it). Pure; never throws.
 */
export function checkFixityRuns(value: unknown, setSha256s: ReadonlySet<string>, events: readonly CustodyEvent[], headSeq: number | null, redacted: boolean): FixityRunsProblem[] {
  if (value === undefined) return [];
  const problems: FixityRunsProblem[] = [];
  if (!isRecord(value) || value.format !== FIXITY_RUNS_FORMAT || value.leafFormat !== FIXITY_LEAF_FORMAT || !Array.isArray(value.runs)) {
    return [{ code: 'fixity-runs.shape', params: {}, reason: `fixityRuns must be {"format": "${FIXITY_RUNS_FORMAT}", "leafFormat": "${FIXITY_LEAF_FORMAT}", "runs": [...]}` }];
  }
  let prevSeq = 0;
  value.runs.forEach((r: unknown, i: number) => {
    if (!isRecord(r) || !isRecord(r.event) || !Array.isArray(r.revealed) || !Array.isArray(r.nodes) || !Number.isSafeInteger(r.leaves)) {
      problems.push({ code: 'fixity-runs.run-shape', params: { run: i + 1 }, reason: `fixityRuns.runs[${i}] is not {event, leaves, revealed, nodes}` });
      return;
    }
    const ev = r.event as unknown as CustodyEvent;
    const seq = Number.isSafeInteger(ev.seq) ? ev.seq : undefined;
    const at = (reason: string, code: string, params: SaidParams = {}) => problems.push({ ...(seq === undefined ? {} : { seq }), code, params: { run: i + 1, ...params }, reason: `fixityRuns.runs[${i}]: ${reason}` });
    let hash: string | null = null;
    try {
      hash = custodyRowHash(ev);
    } catch {
      // reported below as a mismatch
    }
    if (hash === null || hash !== ev.hash) return void at('the run event\'s hash does not recompute: the row was changed', 'fixity-runs.altered');
    if (ev.type !== 'fixity check' || ev.item !== null || !isRecord(ev.detail)) return void at('not a fixity check run event (type "fixity check", item null)', 'fixity-runs.not-a-run');
    if (headSeq !== null && ev.seq > headSeq) at(`run event seq ${ev.seq} is beyond chainHead.seq ${headSeq}`, 'fixity-runs.beyond-head', { seq: ev.seq, head: headSeq });
    if (ev.seq <= prevSeq) at(`runs not in ascending seq order: ${ev.seq} follows ${prevSeq}`, 'fixity-runs.order', { seq: ev.seq, prev: prevSeq });
    prevSeq = ev.seq;
    const merkle = ev.detail.merkle as { root?: unknown; leaves?: unknown; format?: unknown } | undefined;
    if (!isRecord(merkle) || typeof merkle.root !== 'string' || !HEX64.test(merkle.root) || merkle.leaves !== r.leaves || merkle.format !== FIXITY_LEAF_FORMAT) {
      return void at('the run event records no Merkle root over this many leaves in the leaf format', 'fixity-runs.no-root');
    }
    const leaves: { index: number; hash: Buffer }[] = [];
    for (const v of r.revealed as unknown[]) {
      const x = isRecord(v) ? v : {};
      const l = isRecord(x.leaf) ? x.leaf : null;
      if (!l || !Number.isSafeInteger(x.index) || !Number.isSafeInteger(l.item) || typeof l.sha256 !== 'string' || typeof l.outcome !== 'string') {
        return void at('a revealed leaf is not {index, leaf: {item, sha256, outcome}}', 'fixity-runs.leaf-shape');
      }
      if (!setSha256s.has(l.sha256)) at(`leaf ${String(x.index)} names ${l.sha256}, not an item of this set`, 'fixity-runs.stranger', { leaf: String(x.index), sha: l.sha256 });
      leaves.push({ index: x.index as number, hash: fixityLeafHash(l as unknown as FixityLeaf) });
      if (l.outcome !== 'pass' && !redacted && !events.some((e) => e.item === l.sha256 && e.type === 'fixity check' && e.detail.run === ev.detail.run)) {
        at(`item ${l.sha256} ${l.outcome} in run ${String(ev.detail.run)}, but the excerpt holds no failure event of it for that run`, 'fixity-runs.no-failure-event', { sha: l.sha256, outcome: l.outcome, runId: String(ev.detail.run) });
      }
    }
    try {
      const root = rootFromProof(r.leaves as number, leaves, r.nodes as string[]).toString('hex');
      if (root !== merkle.root) at(`the revealed leaves and nodes give root ${root}, not the run's ${merkle.root}: a revealed leaf (an item's SHA-256 or outcome) or a node of the proof was changed`, 'fixity-runs.root', { root, expected: merkle.root });
    } catch (e) {
      if (!(e instanceof MerkleProofError)) throw e;
      at(`malformed proof: ${e.message}`, 'fixity-runs.malformed-proof', { error: e.message });
    }
  });
  return problems;
}

