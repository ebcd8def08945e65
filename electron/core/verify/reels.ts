// The card or reel an item came from, for `verify --reel NAME` and for failure messages (issue 15
// §2), through the reels of the catalog (catalog/reels.ts).
import type { Db } from '../db/open.ts';
import { findReel, itemsOnReel as catalogItemsOnReel, reelOfItem as catalogReelOfItem } from '../catalog/reels.ts';

/** A verify scope that cannot be selected (no reels in this catalog, unknown reel): the CLI exits 2. */
export class ScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScopeError';
  }
}

/**
 * Catalog ids (ascending) of the items with a sighting on the reel (card) called `name` (matched
 * as catalog/reels.ts matches it: exactly, else ignoring case). Throws ScopeError when no reel has
 * that name.
 */
export function itemsOnReel(db: Db, name: string): number[] {
  if (!findReel(db, name)) throw new ScopeError(`no reel or card is called ${JSON.stringify(name)} (see \`evidence reel list\`)`);
  return catalogItemsOnReel(db, name);
}

/** The name of the reel (card) of the item's first sighting that has one, or null. */
export function reelOfItem(db: Db, itemId: number): string | null {
  return catalogReelOfItem(db, itemId);
}
