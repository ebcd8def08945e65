// Why a public release (`export --redact-people`, the Export screen's public set) leaves an item
// out: codes shared by the core, the CLI, the IPC contract and the renderer (which translates
// them). Plain data: imports nothing, runs anywhere.

/**
 * Reasons an item is withheld from a public release, in the order they are listed: it is linked
 * (in any role) to a person flagged sensitive, or to one whose consent to publication is
 * `refused`, or `unknown`. Publication needs a yes from everyone the item concerns.
 */
export const WITHHOLD_REASONS = ['sensitive', 'consent-refused', 'consent-unknown'] as const;
export type WithholdReason = (typeof WITHHOLD_REASONS)[number];

/** Each reason as the CLI and bag-info.txt say it (English). */
export const WITHHOLD_REASON_TEXT: Record<WithholdReason, string> = {
  'sensitive': 'shows a person flagged sensitive',
  'consent-refused': 'a person\'s consent to publication is refused',
  'consent-unknown': 'a person\'s consent to publication is unknown',
};

/** An item a public release leaves out (or sends only because the exporter asked, item by item). */
export interface WithheldMedia {
  /** Catalog id of the item. */
  id: number;
  sha256: string;
  /** The file name the set would give it (its first sighting's), as stored: shown escaped by the CLI. */
  fileName: string;
  /** Why, in WITHHOLD_REASONS order, without repeats. */
  reasons: WithholdReason[];
  /** The reasons as English text, joined by "; ". */
  reasonText: string;
}
