// The fixity history of an evidence set's items (issue 15 §2/§3, docs/fixity-runs.md "In an evidence
// set"). Since a fixity check run records passes only as leaves of its Merkle root, an excerpt of
// the items' own custody events would show their failures and repairs but never the later checks
// that passed them. custody.json therefore carries `fixityRuns`: each recorded run that checked any
// of the set's items, as its custody row verbatim, with a Merkle multi-proof of those items'
// leaves (item id, SHA-256, outcome) in the root the row records; verify-bag checks them
// (bag-fixity-runs.ts).
import type { CustodyEvent } from '../../common/types.ts';
import { fromRow, type CustodyRow } from '../custody/log.ts';
import { buildProof } from '../custody/merkle.ts';
import type { Db } from '../db/open.ts';
import { FIXITY_LEAF_FORMAT, fixityLeafHash, type FixityLeaf } from './run-merkle.ts';
import { FIXITY_RUNS_FORMAT, type FixityRunProof, type FixityRunsSection } from './bag-fixity-runs.ts';

export { FIXITY_RUNS_FORMAT, type FixityRunProof, type FixityRunsSection } from './bag-fixity-runs.ts';

/**
 * The recorded fixity check runs (verify_runs with a custody event) that checked any of `items`
 * (catalog id and SHA-256), oldest first, each with the multi-proof of those items' leaves; null
 * when none did. `maxSeq` leaves out runs recorded after that row (a sealed excerpt stops at its
 * seal); `keep` leaves out run events a public set must not carry (the same filter as the excerpt's
 * events). Memory: 32 bytes per leaf of the largest run. Throws SQLite errors.
 */
export function fixityRunsSection(db: Db, items: readonly { id: number; sha256: string }[], opts: { maxSeq?: number; keep?: (e: CustodyEvent) => boolean } = {}): FixityRunsSection | null {
  const hasRuns = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'verify_run_items'").get() !== undefined;
  if (!hasRuns || !items.length) return null;
  const wanted = new Set(items.map((i) => i.id));
  const runIds = db.prepare(`SELECT DISTINCT r.id, r.event_seq seq FROM verify_runs r JOIN verify_run_items x ON x.run_id = r.id
    WHERE x.item_id = ? AND r.event_seq IS NOT NULL AND x.outcome IS NOT NULL`);
  const runs = new Map<number, number>();
  for (const it of items) for (const r of runIds.all(it.id) as { id: number; seq: number }[]) runs.set(r.id, r.seq);
  const eventSt = db.prepare('SELECT * FROM custody_events WHERE seq = ?');
  const leafSt = db.prepare('SELECT item_id item, sha256, outcome FROM verify_run_items WHERE run_id = ? AND outcome IS NOT NULL ORDER BY item_id, pos');
  const out: FixityRunProof[] = [];
  for (const [runId, seq] of [...runs].sort((a, b) => a[1] - b[1])) {
    if (opts.maxSeq !== undefined && seq > opts.maxSeq) continue;
    const row = eventSt.get(seq) as CustodyRow | undefined;
    if (!row) continue;
    const event = fromRow(row);
    if (opts.keep && !opts.keep(event)) continue;
    const hashes: Buffer[] = [];
    const revealed: FixityRunProof['revealed'] = [];
    let lastItem = -1;
    for (const l of leafSt.iterate(runId) as Iterable<FixityLeaf>) {
      // As run-merkle.ts: an item's first leaf is the one proven.
      if (wanted.has(l.item) && l.item !== lastItem) revealed.push({ index: hashes.length, leaf: { item: l.item, sha256: l.sha256, outcome: l.outcome } });
      lastItem = l.item;
      hashes.push(fixityLeafHash(l));
    }
    if (!revealed.length) continue;
    const { nodes } = buildProof(hashes, revealed.map((r) => r.index));
    out.push({ event, leaves: hashes.length, revealed, nodes });
  }
  return out.length ? { format: FIXITY_RUNS_FORMAT, leafFormat: FIXITY_LEAF_FORMAT, runs: out } : null;
}

/** For each item (SHA-256): the runs it passed in, from a `fixityRuns` section (for the custody report's timeline). */
export function passesBySha(section: FixityRunsSection | null | undefined): Map<string, CustodyEvent[]> {
  const out = new Map<string, CustodyEvent[]>();
  for (const r of section?.runs ?? []) {
    for (const x of r.revealed) {
      if (x.leaf.outcome !== 'pass') continue;
      let l = out.get(x.leaf.sha256);
      if (!l) out.set(x.leaf.sha256, (l = []));
      l.push(r.event);
    }
  }
  return out;
}
