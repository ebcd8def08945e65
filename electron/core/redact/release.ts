// `export --redacted-media` (issue 13 §1): a set that ships each item's newest redacted copy in
// place of its original. The copy keeps its original's place in the set (its custody events, its
// catalog links); its items.json entry describes the copy (its SHA-256, size, type, the capture
// date as the redaction left it, no camera, serial or GPS) and names the original it derives from
// by SHA-256 (`redactedFrom`), with the redaction settings. The custody excerpt holds the
// `redaction` event that recorded the copy's SHA-256 against its original, which is what
// verify-bag checks the link by. The original itself is not shipped.
import type { ExportExtras, SwappedPayload } from '../export/evidence-set.ts';
import type { ListedItem } from '../catalog/records.ts';
import type { Db } from '../db/open.ts';
import { datePlan, type DatePolicy } from './exif-min.ts';
import { newestDerivative, publicSettings, type Derivative } from './store.ts';
import { redactionRefusal } from './redactable.ts';
import { getItem } from '../db/items.ts';

/** What a redacted-media set ships per item id. */
export type RedactedMedia = ReadonlyMap<number, Derivative>;

/** The newest redacted copy of each of `itemIds`, and the ids that have none (in the given order). */
export function planRedactedMedia(db: Db, itemIds: readonly number[]): { media: Map<number, Derivative>; missing: number[] } {
  const media = new Map<number, Derivative>();
  const missing: number[] = [];
  for (const id of itemIds) {
    const d = newestDerivative(db, id);
    if (d) media.set(id, d);
    else missing.push(id);
  }
  return { media, missing };
}

/**
 * Why a redacted-media set leaves an item out rather than ship its original: this build cannot
 * redact its type ('cannot-redact': an XMP sidecar, audio, a PDF, a text note), or making its
 * copy failed ('redaction-failed': a damaged file). Either may carry GPS, serial numbers or names.
 */
export type LeftOutReason = 'cannot-redact' | 'redaction-failed';

/** An item a redacted-media set leaves out (unredactedLeftOut, leftOutAfterFailure). */
export interface LeftOutItem {
  id: number;
  sha256: string;
  /** Its first sighting's file name, as stored (the CLI escapes it); never written into the set. */
  fileName: string;
  mime: string | null;
  reason: LeftOutReason;
  /** English, for stderr and the custody record: the reason with the detail ("(text/plain): redaction handles …"). */
  reasonText: string;
}

function fileNameOf(db: Db, id: number, sha256: string): string {
  const r = db.prepare('SELECT file_name name FROM sightings WHERE item_id = ? ORDER BY id LIMIT 1').get(id) as { name: string } | undefined;
  return r?.name ?? sha256;
}

/**
 * The items of `itemIds` (in the given order) a redacted-media set must leave out because this
 * build cannot make a redacted copy of their type (redactable.ts redactionRefusal), whether or not
 * a copy is recorded (none can be). Unknown ids are ignored. Reads only.
 */
export function unredactableItems(db: Db, itemIds: readonly number[]): LeftOutItem[] {
  const out: LeftOutItem[] = [];
  for (const id of itemIds) {
    const it = getItem(db, id);
    if (!it || newestDerivative(db, id)) continue;
    const why = redactionRefusal(it.record);
    if (why) out.push({ id, sha256: it.record.sha256, fileName: fileNameOf(db, id, it.record.sha256), mime: it.record.mime, reason: 'cannot-redact', reasonText: `cannot be redacted ${why}` });
  }
  return out;
}

/** The LeftOutItem of item `id` whose redacted copy could not be made (`message`: the error's). */
export function leftOutAfterFailure(db: Db, id: number, message: string): LeftOutItem {
  const it = getItem(db, id)!;
  return { id, sha256: it.record.sha256, fileName: fileNameOf(db, id, it.record.sha256), mime: it.record.mime, reason: 'redaction-failed', reasonText: `its redacted copy could not be made: ${message}` };
}

/** The custody record of the items left out (the set's `selection`): by SHA-256, with type and reason; no file names. */
export function leftOutRecord(items: readonly LeftOutItem[]): { leftOutUnredacted: { item: string; mime: string | null; reason: LeftOutReason }[] } | Record<string, never> {
  return items.length ? { leftOutUnredacted: items.map((i) => ({ item: i.sha256, mime: i.mime, reason: i.reason })) } : {};
}

const REASON_TEXT: Record<LeftOutReason, string> = {
  'cannot-redact': 'of a type redaction cannot handle (it handles JPEG, PNG, WebP and HEIC photos and MP4/MOV videos)',
  'redaction-failed': 'its redacted copy could not be made',
};

/**
 * What a redacted-media set says of the items it left out: the bag-info element
 * Evidence-Unredacted-Items-Left-Out (how many, and why, by type) and the tag file
 * evidence/left-out.json listing each by SHA-256, MIME type and reason: never the file, its name
 * (a name can name a person), an error message (it can hold a path) or anything read from it. Empty when nothing was left out.
 */
export function leftOutExtras(items: readonly LeftOutItem[]): { bagInfo: Record<string, string>; tagFiles: { path: string; content: string }[] } {
  if (!items.length) return { bagInfo: {}, tagFiles: [] };
  const n = items.length;
  const byReason = (['cannot-redact', 'redaction-failed'] as const).map((r) => {
    const these = items.filter((i) => i.reason === r);
    if (!these.length) return null;
    const types = [...new Set(these.map((i) => i.mime ?? 'unknown type'))].sort();
    return `${these.length} ${REASON_TEXT[r]} (${types.join(', ')})`;
  }).filter(Boolean);
  return {
    bagInfo: {
      'Evidence-Unredacted-Items-Left-Out': `${n} item${n === 1 ? '' : 's'} chosen for this set ${n === 1 ? 'was' : 'were'} left out of it: ` +
        `a set of redacted copies never ships an original, which may carry GPS positions, serial numbers or names. ${byReason.join('; ')}. ` +
        'evidence/left-out.json lists each by SHA-256, type and reason; the source archive holds them.',
    },
    tagFiles: [{
      path: 'evidence/left-out.json',
      content: `${JSON.stringify(items.map((i) => ({ sha256: i.sha256, mime: i.mime, reason: i.reason, reasonText: REASON_TEXT[i.reason] })), null, 2)}\n`,
    }],
  };
}

/** `extras` with leftOutExtras(items) added to its bag-info and tag files. */
export function withLeftOut(extras: ExportExtras, items: readonly LeftOutItem[]): ExportExtras {
  if (!items.length) return extras;
  const lo = leftOutExtras(items);
  return { ...extras, bagInfo: { ...(extras.bagInfo ?? {}), ...lo.bagInfo }, tagFiles: [...(extras.tagFiles ?? []), ...lo.tagFiles] };
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/quicktime': 'mov' };

/** "IMG_0412.HEIC" → "IMG_0412.redacted.jpg": the copy's name in the set says what it is. */
export function redactedName(originalName: string, mime: string): string {
  const dot = originalName.lastIndexOf('.');
  const stem = dot > 0 ? originalName.slice(0, dot) : originalName;
  return `${stem}.redacted.${EXT[mime] ?? 'bin'}`;
}

/** The capture-date fields of a copy's entry: as the redaction's date policy left them in the file. */
function dateFields(e: Record<string, unknown>, policy: DatePolicy): Record<string, unknown> {
  const at = typeof e.capturedAt === 'string' ? e.capturedAt : null;
  if (policy === 'keep') return {};
  const plan = datePlan(at, policy);
  return plan?.coarse
    ? { capturedAt: plan.coarse, capturedAtSource: `coarsened to the ${policy} by redaction`, capturedAtHasZone: false }
    : { capturedAt: null, capturedAtSource: null, capturedAtHasZone: false };
}

/**
 * The items.json entry of a redacted copy `d` shipped for the item whose entry would have been
 * `e`: the copy's sha256, bytes, mime and digests; no make, model, serial, GPS or other dates;
 * pixel size and orientation null where the picture was re-encoded upright (blurred, or HEIC
 * converted); `redactedFrom` (the original's sha256, bytes, mime) and `redaction` (the public
 * settings: tool, what was done, date policy, the count of drawn regions).
 */
export function redactedEntry(e: Record<string, unknown>, d: Derivative): Record<string, unknown> {
  const s = d.settings;
  const reencoded = Boolean(s.blurFaces) || (Array.isArray(s.regions) && s.regions.length > 0) || typeof s.conversion === 'string';
  return {
    ...e,
    sha256: d.sha256, bytes: d.bytes, mime: d.mime,
    make: null, model: null, serial: null, serialSource: null, gps: null, otherDates: [],
    ...dateFields(e, (s.date as DatePolicy | undefined) ?? 'keep'),
    ...(reencoded && e.kind === 'image' ? { width: null, height: null, orientation: null } : {}),
    digests: { sha256: d.sha256 },
    redactedFrom: { sha256: e.sha256, bytes: e.bytes, mime: e.mime },
    redaction: {
      ...publicSettings(s), removed: d.removed.metadataGroups ?? [], blurredBoxes: d.removed.blurredBoxes ?? 0,
      // nothing was removed: a recipient must not read "redacted" as "something was taken out"
      ...(d.sha256 === e.sha256 ? { identicalToOriginal: true } : {}),
    },
  };
}

/**
 * The bag-info.txt element that tells a recipient the set holds redacted copies, not originals:
 * `count` copies, of which `identical` are byte for byte their originals (nothing to remove).
 */
export function redactedMediaBagInfo(count: number, identical = 0): Record<string, string> {
  const same = identical === 0 ? '' : ` ${identical} of them ${identical === 1 ? 'is' : 'are'} byte for byte ${identical === 1 ? 'its original' : 'their originals'}: ` +
    'there was nothing to remove, and evidence/items.json says so (redaction.identicalToOriginal, the same sha256 as redactedFrom).';
  return {
    'Evidence-Redacted-Media': `${count} item${count === 1 ? '' : 's'} under data/ ${count === 1 ? 'is a redacted copy' : 'are redacted copies'} made for publication, not the original${count === 1 ? '' : 's'}: ` +
      'metadata removed (GPS, serial numbers, owner and author names, maker notes, embedded thumbnails and previews, IPTC, XMP, comments; video data and telemetry streams) ' +
      'and, where evidence/items.json says so (redaction.blurFaces), faces and drawn regions blurred; video audio is copied unchanged. ' +
      'For each, evidence/items.json gives the SHA-256 of the original it derives from (redactedFrom) and the redaction settings, and evidence/custody.json ' +
      'holds the "redaction" event in which the source archive recorded the copy\'s SHA-256 against its original. The originals are not in this set' +
      `${identical ? ' (but as the identical copies below)' : ''}; the source archive holds them, unchanged.${same}`,
  };
}

/**
 * `extras` with the redacted copies of `media` shipped in place of their originals (payloadOf),
 * the Evidence-Redacted-Media bag-info element, and, when the set also declares
 * Evidence-Redaction, a sentence there saying the copies carry no GPS, camera or serial.
 */
export function withRedactedMedia(extras: ExportExtras, media: RedactedMedia): ExportExtras {
  const identical = [...media.values()].filter((d) => d.removed.identicalToOriginal === true).length;
  const bagInfo = { ...(extras.bagInfo ?? {}), ...redactedMediaBagInfo(media.size, identical) };
  if (bagInfo['Evidence-Redaction']) {
    bagInfo['Evidence-Redaction'] += ' The items shipped as redacted copies (Evidence-Redacted-Media) carry none of these: neither their files nor their entries in evidence/items.json and items.csv give GPS, camera or serial number.';
  }
  return {
    ...extras,
    bagInfo,
    payloadOf: (it: ListedItem): SwappedPayload | undefined => {
      const d = media.get(it.id);
      if (!d) return undefined;
      return { sha256: d.sha256, bytes: d.bytes, name: redactedName(it.sources[0]?.name ?? it.sha256, d.mime), entry: (e) => redactedEntry(e, d) };
    },
  };
}

/**
 * A custody-report item (report/model.ts ReportItem) turned into the description of its redacted
 * copy `d`: the copy's SHA-256, size and type, no camera, serial or GPS, the capture date as the
 * copy keeps it, and `redactedFrom` naming the original by SHA-256 and how the copy was made.
 * Catalog links, sightings (file names) and the custody timeline stay the original's.
 */
export function redactedReportItem<T extends { sha256: string; bytes: number; mime: string | null; capturedAt: string | null; capturedAtSource: string | null; capturedAtHasZone: boolean }>(
  item: T, d: Derivative,
): T & { redactedFrom: { sha256: string; blurFaces: boolean; blurredBoxes: number; date: string; converted: boolean; identical?: boolean } } {
  const date = (d.settings.date as DatePolicy | undefined) ?? 'keep';
  const dates = dateFields(item as unknown as Record<string, unknown>, date) as Partial<T>;
  return {
    ...item, ...dates,
    sha256: d.sha256, bytes: d.bytes, mime: d.mime, make: null, model: null, serial: null, gps: null,
    redactedFrom: {
      sha256: item.sha256, blurFaces: Boolean(d.settings.blurFaces) || (Array.isArray(d.settings.regions) && d.settings.regions.length > 0), blurredBoxes: Number(d.removed.blurredBoxes ?? 0), date,
      converted: typeof d.settings.conversion === 'string',
      // a copy with nothing removed: the report must not say metadata was taken out
      ...(d.sha256 === item.sha256 ? { identical: true } : {}),
    },
  };
}

/**
 * A public release from the desktop's Export screen with "send the redacted copies" ticked: the
 * newest redacted copy of each of `itemIds` that has one ships in place of its original
 * (withRedactedMedia); the others go out as received, which the screen says before the user
 * starts (export-risks.tsx). Returns the extras, the copies, the selection record naming each
 * original and copy by SHA-256 (carried by the set's dissemination event, as the CLI's), and the
 * ids without a copy. Throws nothing of its own.
 */
export function redactedRelease(db: Db, itemIds: readonly number[], extras: ExportExtras, originalSha: (id: number) => string):
  { extras: ExportExtras; media: RedactedMedia; selection: { redactedMedia: { item: string; copy: string }[] }; missing: number[] } {
  const { media, missing } = planRedactedMedia(db, itemIds);
  const selection = { redactedMedia: itemIds.filter((id) => media.has(id)).map((id) => ({ item: originalSha(id), copy: media.get(id)!.sha256 })) };
  return { extras: withRedactedMedia(extras, media), media, selection, missing };
}
