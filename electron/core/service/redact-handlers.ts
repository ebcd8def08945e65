// The Item screen's redaction channels (issue 13 §4): the boxes a person draws on a photo or a
// video's poster for what the face detector missed, kept per item in the catalog (migration 016)
// and used by every later redaction of the item, and "Make redacted copy" (redact/redact.ts).
import type { ChannelOutput, ParsedInput } from '../../common/ipc.ts';
import type { Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { getItem, type ItemRow } from '../db/items.ts';
import type { Region } from '../redact/face-port.ts';
import { getItemRegions, listDerivatives, setItemRegions, type Derivative } from '../redact/store.ts';
import { ServiceError } from './errors.ts';

type Out<C extends 'redact.regions' | 'redact.setRegions' | 'redact.copies' | 'redact.make'> = ChannelOutput<C>;

/** The upright size of an item's picture in pixels (stored size, turned for EXIF Orientation 5–8), or null. */
function uprightSize(it: ItemRow): { width: number; height: number } | null {
  const { width, height, orientation } = it.record;
  if (!width || !height) return null;
  return orientation && orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

const dto = (d: Derivative, reused?: boolean): Out<'redact.copies'>[number] => ({
  sha256: d.sha256, bytes: d.bytes, mime: d.mime, createdAt: d.createdAt, actor: d.actor, blurFaces: Boolean(d.settings.blurFaces),
  blurredBoxes: Number(d.removed.blurredBoxes ?? 0), ...(reused === undefined ? {} : { reused }),
});

/**
 * The handlers of the redact.* channels, over the open archive `need()` and the operator's name.
 * redact.setRegions replaces an item's regions and records a `metadata modification` custody
 * event ("redaction regions", with their count only: a label may name what it hides).
 * Throws ServiceError NOT_FOUND for an unknown item, FAILED when a copy cannot be made.
 */
export function redactHandlers(need: () => Archive, operator: () => string) {
  const item = (id: number): ItemRow => {
    const it = getItem(need().db, id);
    if (!it) throw new ServiceError('NOT_FOUND', `item ${id}: no such item`);
    return it;
  };
  return {
    'redact.regions': async ({ id }: ParsedInput<'redact.regions'>): Promise<Out<'redact.regions'>> => {
      const it = item(id);
      return { regions: getItemRegions(need().db, id), size: uprightSize(it) };
    },
    'redact.setRegions': async ({ id, regions }: ParsedInput<'redact.setRegions'>): Promise<Out<'redact.setRegions'>> => {
      const it = item(id);
      const db = need().db;
      const at = new Date().toISOString();
      db.transaction(() => {
        setItemRegions(db, id, regions as Region[], operator(), at);
        appendCustodyEvent(db, { actor: operator(), type: 'metadata modification', item: it.record.sha256, at, detail: { outcome: 'success', action: 'redaction regions', regions: regions.length } });
      })();
      return { regions: getItemRegions(db, id), size: uprightSize(it) };
    },
    'redact.copies': async ({ id }: ParsedInput<'redact.copies'>): Promise<Out<'redact.copies'>> => {
      item(id);
      return listDerivatives(need().db, id).map((d) => dto(d)).reverse();
    },
    'redact.make': async ({ id, blurFaces, mode, date }: ParsedInput<'redact.make'>): Promise<Out<'redact.make'>> => {
      const it = item(id);
      const { redactItem } = await import('../redact/redact.ts');
      try {
        const r = await redactItem(need(), it, { stripMetadata: true, blurFaces, mode, date }, operator());
        return dto(r.derivative, r.reused);
      } catch (e) {
        throw new ServiceError('FAILED', `item ${id}: no redacted copy made: ${(e as Error).message}`);
      }
    },
  };
}
