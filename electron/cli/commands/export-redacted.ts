// `export --redacted-media [--redact-missing]` (issue 13 §1): the items' newest redacted copies
// ship in place of their originals (core/redact/release.ts). An item no redacted copy can be made
// of (an XMP sidecar, audio, a PDF, a text note) is left out of the set, named on stderr with the
// reason, and the set says so (bag-info, evidence/left-out.json, the custody record): its original
// may carry GPS, serial numbers or names, and `evidence redact` can never make a copy of it. An
// item that could be redacted but has no copy yet is refused by default, listing every such item,
// since shipping its original would publish what the user meant to hide; `--redact-missing` makes
// the missing copies first, with metadata stripped and faces blurred, each recorded as usual; an
// item whose copy then fails (a damaged file) is left out the same way.
import type { Archive } from '../../core/archive.ts';
import { getItem } from '../../core/db/items.ts';
import type { ExportExtras } from '../../core/export/evidence-set.ts';
import {
  leftOutAfterFailure, leftOutRecord, planRedactedMedia, unredactableItems, withLeftOut, withRedactedMedia,
  type LeftOutItem, type RedactedMedia,
} from '../../core/redact/release.ts';
import { UsageError, type Io } from '../io.ts';
import { errLine, printable } from './text.ts';
import { t } from '../i18n/index.ts';

/** The items a redacted-media export sends, their copies, and the items it leaves out. */
export interface RedactedMediaPlan {
  /** The items to export, in the order given: the selection minus `leftOut`. */
  ids: number[];
  media: RedactedMedia;
  leftOut: LeftOutItem[];
}

const isFsOrAbort = (e: unknown) => (e as Error)?.name === 'AbortError' || typeof (e as NodeJS.ErrnoException)?.code === 'string';

/**
 * Decides what a redacted-media export of `ids` ships, before the set's catalog extras are made
 * (so they describe only the items sent): leaves out the items of a type no copy can be made of,
 * saying each on stderr; throws UsageError listing the items without a redacted copy unless
 * `redactMissing`, which makes them first (as `actor`), leaving out (and naming) those whose copy
 * fails for the file's own reason (fs errors and an abort still stop the export). Throws
 * UsageError when every item would be left out: nothing is exported.
 */
export async function planRedactedExport(a: Archive, ids: readonly number[], opts: { redactMissing?: boolean; actor: string; signal?: AbortSignal }, io: Io): Promise<RedactedMediaPlan> {
  const leftOut = unredactableItems(a.db, ids);
  let keep = ids.filter((id) => !leftOut.some((l) => l.id === id));
  let plan = planRedactedMedia(a.db, keep);
  if (plan.missing.length && !opts.redactMissing) {
    for (const l of leftOut) errLine(io, printable(t('export:leftOutUnredacted', { id: l.id, name: l.fileName, reason: l.reasonText })));
    const lines = plan.missing.map((id) => `item ${id} ${getItem(a.db, id)?.record.sha256.slice(0, 12) ?? ''}`);
    throw new UsageError(printable(`export --redacted-media: ${plan.missing.length} item(s) have no redacted copy: ${lines.join('; ')}. ` +
      'Make them with `evidence redact ID --strip-metadata --blur-faces`, add --redact-missing to make them now, or export without these items'));
  }
  if (plan.missing.length) {
    const { redactItem } = await import('../../core/redact/redact.ts');
    for (const id of plan.missing) {
      try {
        const r = await redactItem(a, getItem(a.db, id)!, { stripMetadata: true, blurFaces: true }, opts.actor, { signal: opts.signal });
        errLine(io, `note: item ${id}: redacted copy made (${r.derivative.sha256}), metadata stripped and faces blurred`);
      } catch (e) {
        if (isFsOrAbort(e)) throw e;
        leftOut.push(leftOutAfterFailure(a.db, id, (e as Error).message));
      }
    }
    keep = keep.filter((id) => !leftOut.some((l) => l.id === id));
    plan = planRedactedMedia(a.db, keep);
  }
  for (const l of leftOut) errLine(io, printable(t('export:leftOutUnredacted', { id: l.id, name: l.fileName, reason: l.reasonText })));
  if (!keep.length) throw new UsageError(t('export:allLeftOutUnredacted', { count: leftOut.length }));
  if (leftOut.length) errLine(io, t('export:leftOutUnredactedNote', { count: leftOut.length }));
  return { ids: keep, media: plan.media, leftOut };
}

/**
 * The extras of the redacted-media export `p` (planRedactedExport) over `extras`: the copies in
 * place of their originals, what was left out said in bag-info and evidence/left-out.json, and
 * the selection record (`redactedMedia`: original and copy by SHA-256; `leftOutUnredacted`: by
 * SHA-256, type and reason), which the set's dissemination event carries.
 */
export function redactedMediaExtras(a: Archive, p: RedactedMediaPlan, extras: ExportExtras):
  { extras: ExportExtras; media: RedactedMedia; selection: Record<string, unknown> } {
  const selection = {
    redactedMedia: p.ids.map((id) => ({ item: getItem(a.db, id)!.record.sha256, copy: p.media.get(id)!.sha256 })),
    ...leftOutRecord(p.leftOut),
  };
  return { extras: withLeftOut(withRedactedMedia(extras, p.media), p.leftOut), media: p.media, selection };
}
