// What `show`, `ingest` and `list` say about sidecars and previews (issue 14 §1).
import type { PreviewReport } from '../../core/derivatives/preview-queue.ts';
import type { Db } from '../../core/db/open.ts';
import { anySidecarLinks, clipsOf, sidecarsOf, type SidecarLinkView } from '../../core/sidecars/query.ts';
import type { SidecarReport } from '../../core/sidecars/link.ts';
import { t } from '../i18n/index.ts';

const NS = 'sidecars-previews';

/** `show --json`'s sidecar keys: the item's sidecars, and the clips it is a sidecar of (each an array, empty when none). */
export function sidecarJson(db: Db, itemId: number): { sidecars: SidecarLinkView[]; sidecarOf: SidecarLinkView[] } {
  return { sidecars: sidecarsOf(db, itemId), sidecarOf: clipsOf(db, itemId) };
}

function linkLines(v: SidecarLinkView, withFacts: boolean): string[] {
  const out = [`  ${String(v.itemId).padStart(5)}  ${v.kind.padEnd(14)} ${v.name}  ${v.sha256.slice(0, 12)}`];
  if (withFacts) {
    for (const a of v.applied) out.push(`         ${t(`${NS}:showApplied`, { field: a.field, value: typeof a.value === 'string' ? a.value : JSON.stringify(a.value), source: a.source })}`);
    if (v.facts?.frameRate) out.push(`         ${t(`${NS}:showFrameRate`, { value: v.facts.frameRate.value, source: v.facts.frameRate.tag })}`);
  }
  for (const w of v.warnings) out.push(`         ${t(`${NS}:showWarning`, { text: w })}`);
  return out;
}

/** `show`'s lines for the sidecar links of item `itemId` (none when it has no link either way). */
export function sidecarLines(db: Db, itemId: number): string[] {
  const { sidecars, sidecarOf } = sidecarJson(db, itemId);
  const out: string[] = [];
  if (sidecars.length) out.push(t(`${NS}:showSidecars`), ...sidecars.flatMap((v) => linkLines(v, true)));
  if (sidecarOf.length) out.push(t(`${NS}:showSidecarOf`), ...sidecarOf.flatMap((v) => linkLines(v, false)));
  return out;
}

/** `ingest`'s human lines for the links made and the previews: a count, then one warning per line. */
export function ingestExtraLines(sidecars: SidecarReport, previews: PreviewReport | undefined): string[] {
  const out: string[] = [];
  if (sidecars.links.length) out.push(t(`${NS}:linked`, { count: sidecars.links.length }));
  for (const w of sidecars.warnings) out.push(t(`${NS}:sidecarWarning`, { path: w.path, message: w.message }));
  if (previews) out.push(...previewLines(previews));
  return out;
}

/** A preview report's summary line, then one warning per failed item. */
export function previewLines(p: PreviewReport): string[] {
  return [
    t(`${NS}:previewsSummary`, { made: p.made, existing: p.existing, unsupported: p.unsupported, failed: p.failed, seconds: p.seconds }),
    ...p.failures.map((f) => t(`${NS}:previewFailed`, { path: f.path, reason: f.reason })),
  ];
}

/** Sidecar ids read per statement: a listing in id order reads the links of this many ids at once. */
const SIDECAR_WINDOW = 4096;

/**
 * `sidecarOfIds` for ids asked in ascending order (a listing): the links of a window of
 * SIDECAR_WINDOW ids are read by one statement when an id falls outside the current window, so a
 * listing of a million items makes a few hundred queries, not one per row, and holds one window.
 */
function sidecarOfWindowed(db: Db): (id: number) => number[] {
  const st = db.prepare('SELECT sidecar_id s, item_id i FROM item_sidecars WHERE sidecar_id >= ? AND sidecar_id < ? ORDER BY sidecar_id, item_id');
  let lo = 0;
  let hi = 0;
  let links = new Map<number, number[]>();
  return (id) => {
    if (id < lo || id >= hi) {
      lo = id;
      hi = id + SIDECAR_WINDOW;
      links = new Map();
      for (const r of st.iterate(lo, hi) as Iterable<{ s: number; i: number }>) {
        let l = links.get(r.s);
        if (!l) links.set(r.s, (l = []));
        l.push(r.i);
      }
    }
    return links.get(id) ?? [];
  };
}

/**
 * How `list` treats sidecars. `of(id)` gives the ids of the clips item `id` is a sidecar of
 * (empty for any other item), or null when the item is to be left out (`--no-sidecars`). With
 * `hiding`, `list` pages itself: `offset` items are skipped here, counted among those shown. An
 * archive without links costs no lookup per row.
 */
export function sidecarListing(db: Db, show: boolean, offset: number | undefined): { hiding: boolean; of: (id: number) => number[] | null } {
  if (!anySidecarLinks(db)) return { hiding: false, of: () => [] };
  const sidecarOf = sidecarOfWindowed(db);
  if (show) return { hiding: false, of: (id) => sidecarOf(id) };
  let skip = offset ?? 0;
  return {
    hiding: true,
    of: (id) => {
      if (sidecarOf(id).length) return null;
      if (skip > 0) {
        skip--;
        return null;
      }
      return [];
    },
  };
}
