// `export --redacted-media [--redact-missing]` (issue 13 §1): the items' newest redacted copies
// ship in place of their originals (core/redact/release.ts). An item without a redacted copy is
// refused by default, listing every such item, since shipping its original would publish what the
// user meant to hide; `--redact-missing` makes the missing copies first, with metadata stripped
// and faces blurred (`evidence redact --strip-metadata --blur-faces`), each recorded as usual.
import type { Archive } from '../../core/archive.ts';
import { getItem } from '../../core/db/items.ts';
import type { ExportExtras } from '../../core/export/evidence-set.ts';
import { planRedactedMedia, withRedactedMedia, type RedactedMedia } from '../../core/redact/release.ts';
import { UsageError, type Io } from '../io.ts';
import { errLine, printable } from './text.ts';

/**
 * The extras of a redacted-media export of `ids`, the copies it ships and the selection record
 * (`redactedMedia`: original and copy by SHA-256, which the set's dissemination event carries).
 * Throws UsageError listing the items without a redacted copy unless `redactMissing`, which
 * makes them first (as `actor`); an item that cannot be redacted then stops the export, named.
 */
export async function redactedMediaExtras(a: Archive, ids: readonly number[], extras: ExportExtras, opts: { redactMissing?: boolean; actor: string }, io: Io):
  Promise<{ extras: ExportExtras; media: RedactedMedia; selection: { redactedMedia: { item: string; copy: string }[] } }> {
  let plan = planRedactedMedia(a.db, ids);
  if (plan.missing.length && !opts.redactMissing) {
    const lines = plan.missing.map((id) => `item ${id} ${getItem(a.db, id)?.record.sha256.slice(0, 12) ?? ''}`);
    throw new UsageError(printable(`export --redacted-media: ${plan.missing.length} item(s) have no redacted copy: ${lines.join('; ')}. ` +
      'Make them with `evidence redact ID --strip-metadata --blur-faces`, add --redact-missing to make them now, or export without these items'));
  }
  if (plan.missing.length) {
    const { redactItem } = await import('../../core/redact/redact.ts');
    for (const id of plan.missing) {
      const r = await redactItem(a, getItem(a.db, id)!, { stripMetadata: true, blurFaces: true }, opts.actor);
      errLine(io, `note: item ${id}: redacted copy made (${r.derivative.sha256}), metadata stripped and faces blurred`);
    }
    plan = planRedactedMedia(a.db, ids);
  }
  const media = plan.media;
  const selection = { redactedMedia: ids.map((id) => ({ item: getItem(a.db, id)!.record.sha256, copy: media.get(id)!.sha256 })) };
  return { extras: withRedactedMedia(extras, media), media, selection };
}
