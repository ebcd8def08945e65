// The catalog file's own integrity (issue 15, f15a 3): SQLite's `PRAGMA integrity_check` reads
// every page and checks that each index holds exactly its table's rows. One flipped byte in an
// index page hides rows from every query through that index (an item's custody events vanish from
// `log --item` and `show`) while the custody chain, recomputed from the table, still holds:
// `quick_check` does not compare indexes with tables, so only the full check finds it.
// Cost: about 1 s for 20,000 items and 80,000 custody rows (bench/integrity-check.ts), linear in
// the catalog's size, so whole-archive runs only.
import type { Db } from '../db/open.ts';

/** Findings kept at most (PRAGMA integrity_check(N)). */
const MAX_FINDINGS = 20;

/**
 * SQLite's findings on the catalog (`PRAGMA integrity_check`, https://sqlite.org/pragma.html#pragma_integrity_check):
 * empty when it reports "ok", else its messages ("row 2 missing from index custody_item", …), at
 * most MAX_FINDINGS; a catalog too damaged to be read gives the error as its one finding.
 */
export function catalogIntegrity(db: Db): string[] {
  try {
    const rows = db.pragma(`integrity_check(${MAX_FINDINGS})`, { simple: false }) as { integrity_check: string }[];
    const msgs = rows.map((r) => r.integrity_check);
    return msgs.length === 1 && msgs[0] === 'ok' ? [] : msgs;
  } catch (e) {
    return [(e as Error).message];
  }
}
