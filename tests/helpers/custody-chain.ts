import { custodyRowHash, GENESIS_HASH } from '../../electron/core/custody/hash.ts';
import type { CustodyEvent, CustodyEventType } from '../../electron/common/types.ts';

/** What a test says about one custody row; seq, time, prevHash and hash are filled in. */
export interface RowSpec {
  type: CustodyEventType;
  item: string | null;
  detail?: Record<string, unknown>;
  actor?: string;
}

/**
 * A real hash-chained custody log (seq from 1, first prevHash = GENESIS_HASH, hash from
 * custodyRowHash), one row per spec, one second apart from 2021-05-04T06:00:00.000Z.
 */
export function buildChain(specs: readonly RowSpec[]): CustodyEvent[] {
  const rows: CustodyEvent[] = [];
  let prevHash = GENESIS_HASH;
  specs.forEach((s, i) => {
    const unhashed = {
      seq: i + 1,
      at: new Date(Date.UTC(2021, 4, 4, 6, 0, i)).toISOString(),
      actor: s.actor ?? 'field-team@bir-duino.test',
      type: s.type,
      item: s.item,
      detail: s.detail ?? {},
      prevHash,
    };
    const hash = custodyRowHash(unhashed);
    rows.push({ ...unhashed, hash });
    prevHash = hash;
  });
  return rows;
}

/** Rehashes one row in place after a test edited it (the forger's move), returning the new hash. */
export function rehash(row: CustodyEvent): string {
  row.hash = custodyRowHash(row); // it hashes only the chained fields, never `hash` itself
  return row.hash;
}
