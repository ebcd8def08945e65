// The card or reel an item came from, for `verify --reel NAME` and for failure messages (issue 15
// §2). Reels are a table of reels linked to sightings that another part of the work adds; until a
// catalog has that table, `--reel` is refused and failure messages name no reel. The two
// functions below are the only place the verifier touches reels, so wiring the real table in is
// one edit here.
import type { Db } from '../db/open.ts';

/** A verify scope that cannot be selected (no reels in this catalog, unknown reel): the CLI exits 2. */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

const hasReels = (db: Db): boolean => Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reels'").get());

/**
 * Catalog ids (ascending) of the items with a sighting on the reel (card) called `name`. Throws
 * ScopeError "reels are not available" when the catalog has no `reels` table, and ScopeError when
 * no reel has that name.
 */
export function itemsOnReel(db: Db, name: string): number[] {
  if (!hasReels(db)) throw new ScopeError('reels are not available in this archive (no cards or reels are recorded yet)');
  // Wired at merge to the reels schema; assumed: reels(id, name), sightings.reel_id.
  const reel = db.prepare('SELECT id FROM reels WHERE name = ?').get(name) as { id: number } | undefined;
  if (!reel) throw new ScopeError(`no reel or card is called ${JSON.stringify(name)}`);
  return (db.prepare('SELECT DISTINCT item_id FROM sightings WHERE reel_id = ? ORDER BY item_id').all(reel.id) as { item_id: number }[]).map((r) => r.item_id);
}

/** The name of the reel (card) of the item's first sighting, or null (no reels table, or no reel recorded for it). */
export function reelOfItem(db: Db, itemId: number): string | null {
  if (!hasReels(db)) return null;
  try {
    const r = db.prepare('SELECT r.name FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.item_id = ? ORDER BY s.id LIMIT 1').get(itemId) as { name: string } | undefined;
    return r?.name ?? null;
  } catch {
    return null; // a reels table of another shape: no reel named, the message still names file and path
  }
}
