// Types shared by the catalog cross-check (catalog.ts) and its parts (catalog-records.ts,
// catalog-exports.ts).

/** A disagreement between a catalog row and the custody events that recorded it. */
export interface CatalogProblem {
  kind: 'catalog';
  itemId?: number;
  sha256?: string;
  reason: string;
}

/** A custody row with its detail parsed. */
export interface ParsedEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  item: string | null;
  detail: Record<string, unknown>;
}

/**
 * One part of the cross-check: sees every custody row once, in seq order, then compares the
 * catalog tables it covers with what it saw and appends what disagrees.
 */
export interface LogCheck {
  see(p: ParsedEvent): void;
  check(problems: CatalogProblem[]): void;
}
