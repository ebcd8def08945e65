// Reading sidecar links for `show`, `list` and the Item screen.
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import type { AppliedFact, SidecarFacts } from './facts.ts';
import type { SidecarLinkDetail } from './link.ts';
import type { SidecarKind } from './names.ts';

/** One end of a link as seen from the other: the item at that end and what the link recorded. */
export interface SidecarLinkView {
  /** The item at the other end (the sidecar, seen from its clip; the clip, seen from a sidecar). */
  itemId: number;
  sha256: string;
  kind: SidecarKind;
  /** File name of the other end when the link was made, e.g. "C0001M01.XML". */
  name: string;
  linkedAt: string;
  /** What the sidecar says (null for kinds whose content is not read, or could not be). */
  facts: SidecarFacts | null;
  /** The facts the clip took from the sidecar, with their sources. */
  applied: AppliedFact[];
  /** Disagreements between clip and sidecar, and sidecars that could not be read. */
  warnings: string[];
}

interface Row {
  id: number;
  sha256: string;
  kind: SidecarKind;
  linked_at: string;
  detail: string;
}

function view(r: Row, nameKey: 'sidecarName' | 'itemName'): SidecarLinkView {
  let d: Partial<SidecarLinkDetail> = {};
  try {
    d = JSON.parse(r.detail) as Partial<SidecarLinkDetail>;
  } catch {
    // shown without its detail
  }
  return { itemId: r.id, sha256: r.sha256, kind: r.kind, name: d[nameKey] ?? '', linkedAt: r.linked_at, facts: d.facts ?? null, applied: d.applied ?? [], warnings: d.warnings ?? [] };
}

/** The sidecars linked to item `itemId`, by sidecar id. */
export function sidecarsOf(db: Db, itemId: number): SidecarLinkView[] {
  return (stmt(db, `SELECT i.id, i.sha256, l.kind, l.linked_at, l.detail FROM item_sidecars l JOIN items i ON i.id = l.sidecar_id
    WHERE l.item_id = ? ORDER BY i.id`).all(itemId) as Row[]).map((r) => view(r, 'sidecarName'));
}

/** The items (clips) that item `sidecarId` is a sidecar of, by id. */
export function clipsOf(db: Db, sidecarId: number): SidecarLinkView[] {
  return (stmt(db, `SELECT i.id, i.sha256, l.kind, l.linked_at, l.detail FROM item_sidecars l JOIN items i ON i.id = l.item_id
    WHERE l.sidecar_id = ? ORDER BY i.id`).all(sidecarId) as Row[]).map((r) => view(r, 'itemName'));
}

/** The ids of the clips item `id` is a sidecar of (empty for any other item): one index lookup. */
export function sidecarOfIds(db: Db, id: number): number[] {
  return stmt(db, 'SELECT item_id FROM item_sidecars WHERE sidecar_id = ? ORDER BY item_id').pluck().all(id) as number[];
}

/** True when the archive has any sidecar link (so a listing can skip the per-row lookup). */
export function anySidecarLinks(db: Db): boolean {
  return stmt(db, 'SELECT 1 FROM item_sidecars LIMIT 1').get() !== undefined;
}
