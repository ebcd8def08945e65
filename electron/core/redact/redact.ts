// `evidence redact`: a redacted copy of an item (a derivative) for publication, never touching the
// original. Photos lose their metadata losslessly (JPEG segments, PNG chunks, WebP chunks
// rewritten; the picture's bytes kept) or, when faces or drawn regions are blurred, are re-encoded
// by the face module and then stripped; HEIC is decoded (the path the app's HEIC thumbnails use,
// primary image) and written as JPEG. Videos are remuxed without data streams and metadata, audio
// copied packet for packet. The copy goes into the object store at its own SHA-256, a
// `derivatives` row links it to its original, the detection log is stored too, and a PREMIS
// `redaction` custody event on the original names the tool, the settings and what was removed.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { NormalizedRecord } from '../../common/types.ts';
import type { Archive } from '../archive.ts';
import { objectPath } from '../objects.ts';
import { canonicalJson } from '../custody/canonical-json.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { ItemRow } from '../db/items.ts';
import { decodeHeic } from '../derivatives/thumbnails.ts';
import { digestFile } from '../ingest/digest.ts';
import type { DatePolicy, KeptMetadata } from './exif-min.ts';
import { loadFaceTools, type BlurMode, type DetectionLog, type FaceTools, type OrientationPolicy, type Region } from './face-port.ts';
import { stripJpeg, type Removed } from './jpeg-strip.ts';
import { stripPng, stripWebp } from './png-webp-strip.ts';
import { derivativeBySettings, getItemRegions, insertDerivative, publicSettings, storeDerivativeObject, type Derivative } from './store.ts';
import { readLogObject, storeLog } from './log-store.ts';
import { derivativeKey } from '../derivatives/sealed.ts';
import { crashPoint } from '../crash-point.ts';

export { publicSettings };
export { redactionRefusal } from './redactable.ts';
import { redactionRefusal } from './redactable.ts';
import { remuxWithoutMetadata, VIDEO_SEI_SETTING, videoRemovals, VIDEO_MUXERS } from './video-strip.ts';

/**
 * The tool named in custody events and derivative settings. Its version is part of the settings, so
 * a copy made by an earlier version is not reused: 0.2.0 stopped carrying bytes hidden where no
 * metadata reader looks (JPEG segment tails, non-Adobe APP14, ICC tag tails, PNG data after the
 * zlib stream, H.264/HEVC SEI), which 0.1.0 copies may hold.
 */
export const REDACT_TOOL = { name: 'Evidence Archive redact', version: '0.2.0' } as const;

export { RedactRefusedError } from './redactable.ts';
import { RedactRefusedError } from './redactable.ts';
import { fitRegions, uprightSize } from './regions.ts';

/** What to redact. */
export interface RedactOptions {
  /** Remove metadata. A redacted copy never carries the original's metadata; this names a copy made for that alone. */
  stripMetadata: boolean;
  /** Detect faces and blur them. */
  blurFaces: boolean;
  /** Extra boxes to blur (from `--blur-regions`), with or without face detection; the ones drawn on the item in the catalog are added. */
  regions?: Region[];
  mode?: BlurMode;
  marginPct?: number;
  /** The capture date: kept, coarsened to a day, month or year, or dropped (default keep). */
  date?: DatePolicy;
  /** Turns of the picture the face detector searches (default probe: photos all four; video see video-faces.ts). */
  orientations?: OrientationPolicy;
}

/** What redactItem did. */
export interface RedactResult {
  derivative: Derivative;
  /** True when a derivative made earlier with the same settings was found intact and returned instead. */
  reused: boolean;
  /** The custody event's seq (absent when reused). */
  eventSeq?: number;
}

/** How redactItem reaches what it depends on; tests inject a stand-in face module. */
export interface RedactDeps {
  faces?: () => Promise<FaceTools>;
  signal?: AbortSignal;
}

/** The settings as recorded in the catalog: everything that decides the derivative's bytes. */
function settingsOf(rec: NormalizedRecord, o: RedactOptions, regions: Region[]): Record<string, unknown> {
  const blur = o.blurFaces || regions.length > 0;
  return {
    tool: REDACT_TOOL,
    stripMetadata: true,
    blurFaces: o.blurFaces,
    // recorded only where it changes the bytes: a copy made before turns were searched (upright
    // only, no key) is not taken for one made with the default probe
    ...(o.blurFaces ? { orientations: o.orientations ?? 'probe' } : {}),
    ...(blur ? { mode: o.mode ?? 'blur', ...(o.marginPct !== undefined ? { marginPct: o.marginPct } : {}), regions } : {}),
    date: o.date ?? 'keep',
    ...(rec.mime === 'image/heic' || rec.mime === 'image/heif' ? { conversion: 'HEIC decoded (primary image, ffmpeg) and written as JPEG' } : {}),
    ...(rec.mime === 'image/webp' && blur ? { conversion: 'WebP blurred and written as JPEG' } : {}),
    // a copy made before SEI was removed (no key) is not taken for one made now
    ...(VIDEO_MUXERS[rec.mime ?? ''] ? { videoSei: VIDEO_SEI_SETTING } : {}),
  };
}

/**
 * The type of a redacted photo, one rule per format (README "What is removed, per format"):
 * stripped only, JPEG, PNG and WebP keep their type (their picture bytes are copied) and HEIC
 * becomes JPEG; blurred, the picture is re-encoded, PNG stays PNG (lossless stays lossless) and
 * everything else (JPEG, WebP, HEIC) becomes JPEG at quality 92, the one lossy type every
 * recipient's viewer opens.
 */
export function redactedPhotoMime(mime: string, blurred: boolean): string {
  if (mime === 'image/png') return 'image/png';
  if (mime === 'image/heic' || mime === 'image/heif') return 'image/jpeg';
  return blurred ? 'image/jpeg' : mime;
}

/** JPEG quality of every photo this module encodes (HEIC conversion, blurred pictures). */
export const REDACT_JPEG_QUALITY = 92;

const countBoxes = (log: DetectionLog | null): number => (log ? log.frames.reduce((n, f) => n + f.boxes.length, 0) : 0);

function stripPhotoBytes(bytes: Buffer, mime: string, kept: KeptMetadata): { data: Buffer; removed: Removed } {
  if (mime === 'image/jpeg') return stripJpeg(bytes, kept);
  if (mime === 'image/png') return stripPng(bytes, kept);
  if (mime === 'image/webp') return stripWebp(bytes, kept);
  throw new RedactRefusedError(`no metadata stripper for ${mime}`);
}

const HEIC_REMOVED: Removed = { groups: ['HEIF container (EXIF and XMP items, thumbnails, depth and auxiliary images): the picture was decoded and written as JPEG'], tags: [] };

async function heicUpright(src: string, signal?: AbortSignal): Promise<Buffer> {
  const pic = await decodeHeic(src, { primary: true }, signal);
  if (!pic) throw new Error(`${src}: HEIC primary image could not be read (unknown layout or data by reference)`);
  return sharp(pic.png).rotate(pic.turn).png({ compressionLevel: 1 }).toBuffer();
}

async function redactPhoto(archive: Archive, src: string, rec: NormalizedRecord, o: RedactOptions, regions: Region[], deps: RedactDeps) {
  const mime = rec.mime!;
  const heic = mime === 'image/heic' || mime === 'image/heif';
  const date = o.date ?? 'keep';
  const original = heic ? null : readFileSync(src);
  const removed = heic ? HEIC_REMOVED : stripPhotoBytes(original!, mime, { orientation: rec.orientation, capturedAt: rec.capturedAt, date }).removed;
  if (o.blurFaces || regions.length) {
    const faces = await (deps.faces ?? loadFaceTools)();
    let input = src;
    if (heic) {
      input = join(archive.tmpDir, `heic-${process.pid}-${rec.sha256.slice(0, 16)}.png`);
      writeFileSync(input, await heicUpright(src, deps.signal));
    }
    try {
      const r = await faces.blurPhotoFaces(input, { regions, mode: o.mode ?? 'blur', ...(o.marginPct !== undefined ? { marginPct: o.marginPct } : {}), ...(o.blurFaces ? (o.orientations ? { orientations: o.orientations } : {}) : { detect: false as const }) });
      // The face module keeps PNG in as PNG out, and a HEIC arrives here decoded to PNG: the type
      // follows the original's (redactedPhotoMime), not the temporary file's.
      const outMime = redactedPhotoMime(mime, true);
      const made = r.format === (outMime === 'image/png' ? 'png' : 'jpeg') ? r.image
        : await (outMime === 'image/png' ? sharp(r.image).png() : sharp(r.image).jpeg({ quality: REDACT_JPEG_QUALITY })).toBuffer();
      // The face module writes no metadata; stripping again guarantees it and writes the date as asked. Upright: no Orientation.
      const { data } = stripPhotoBytes(made, outMime, { orientation: null, capturedAt: rec.capturedAt, date });
      return { data, mime: outMime, removed, log: r.log };
    } finally {
      if (input !== src) rmSync(input, { force: true });
    }
  }
  if (heic) {
    const jpeg = await sharp(await heicUpright(src, deps.signal)).jpeg({ quality: REDACT_JPEG_QUALITY }).toBuffer();
    return { data: stripJpeg(jpeg, { orientation: null, capturedAt: rec.capturedAt, date }).data, mime: 'image/jpeg', removed, log: null };
  }
  return { data: stripPhotoBytes(original!, mime, { orientation: rec.orientation, capturedAt: rec.capturedAt, date }).data, mime, removed, log: null };
}

async function redactVideo(archive: Archive, src: string, rec: NormalizedRecord, o: RedactOptions, regions: Region[], deps: RedactDeps, out: string) {
  const muxer = VIDEO_MUXERS[rec.mime!]!;
  const removed = await videoRemovals(src);
  let input = src;
  let log: DetectionLog | null = null;
  if (o.blurFaces || regions.length) {
    const faces = await (deps.faces ?? loadFaceTools)();
    input = join(archive.tmpDir, `blur-${process.pid}-${rec.sha256.slice(0, 16)}.${muxer}`);
    log = (await faces.blurVideoFaces(src, input, { regions, mode: o.mode ?? 'blur', ...(o.marginPct !== undefined ? { marginPct: o.marginPct } : {}), ...(o.blurFaces ? (o.orientations ? { orientations: o.orientations } : {}) : { detect: false as const }), signal: deps.signal })).log;
    crashPoint('redact-blurred');
  }
  try {
    for (const g of await remuxWithoutMetadata(input, out, muxer, rec.capturedAt, o.date ?? 'keep', deps.signal)) if (!removed.groups.includes(g)) removed.groups.push(g);
  } finally {
    if (input !== src) rmSync(input, { force: true });
  }
  return { mime: muxer === 'mov' ? 'video/quicktime' : 'video/mp4', removed, log };
}

/**
 * Makes a redacted copy of `item` in `archive` (open for writing) as `o` asks, by `actor`: see the
 * module comment. When a derivative made with the same settings (tool version, date policy,
 * blur mode, regions) is recorded and its object is intact, that one is returned with
 * `reused: true` and nothing new is recorded. Otherwise stores the copy and its detection log in
 * the object store (the log sealed in an encrypted archive), records the `derivatives` row and the `redaction` custody event on the
 * original in one transaction. The original is only read.
 * Boxes to blur (drawn on the item, and `o.regions`) are clipped to the upright picture
 * (regions.ts fitRegions); the settings record them clipped.
 * Throws RedactRefusedError for items this build cannot redact (audio, documents, other formats),
 * RegionOutsideError (a RedactRefusedError) for a box wholly outside the picture,
 * the strippers' format errors for damaged files (JpegFormatError, ImageFormatError), ffmpeg's
 * errors, and the face module's.
 */
export async function redactItem(archive: Archive, item: ItemRow, o: RedactOptions, actor: string, deps: RedactDeps = {}): Promise<RedactResult> {
  const rec = item.record;
  const refusal = redactionRefusal(rec);
  if (refusal) throw new RedactRefusedError(`item ${item.id} ${refusal}`);
  const isPhoto = rec.kind === 'image';
  const asked = [...getItemRegions(archive.db, item.id), ...(o.regions ?? [])];
  const src = objectPath(archive.objectsDir, rec.sha256);
  // Clipped to the picture before anything is recorded: the settings and custody event name the boxes as blurred.
  const regions = asked.length ? fitRegions(asked, await uprightSize(src, rec.mime!), `item ${item.id}`) : [];
  const settings = settingsOf(rec, o, regions);
  const settingsKey = createHash('sha256').update(canonicalJson(settings)!).digest('hex');
  const earlier = derivativeBySettings(archive.db, item.id, settingsKey);
  if (earlier) {
    const p = objectPath(archive.objectsDir, earlier.sha256);
    let intact = false;
    try {
      intact = digestFile(p, ['sha256']).digests.sha256 === earlier.sha256;
    } catch {
      intact = false;
    }
    if (intact) return { derivative: earlier, reused: true };
  }
  const tmp = join(archive.tmpDir, `redact-${process.pid}-${rec.sha256.slice(0, 16)}-${Date.now()}`);
  let made: { mime: string; removed: Removed; log: DetectionLog | null };
  try {
    if (isPhoto) {
      const r = await redactPhoto(archive, src, rec, o, regions, deps);
      writeFileSync(tmp, r.data);
      made = r;
    } else {
      made = await redactVideo(archive, src, rec, o, regions, deps, tmp);
    }
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const stored = await storeDerivativeObject(archive, tmp);
  // sealed in an encrypted archive: a log says where each face was (log-store.ts)
  const log = made.log ? await storeLog(archive.objectsDir, canonicalJson(made.log)!, archive.derivativeKey ?? null) : null;
  const createdAt = new Date().toISOString();
  const removed = {
    metadataGroups: made.removed.groups,
    metadataTags: made.removed.tags,
    // keys outside the known vocabulary, counted: a made-up key can itself be a name or a position
    ...(made.removed.otherTags ? { metadataTagsOther: made.removed.otherTags } : {}),
    blurredBoxes: countBoxes(made.log),
    ...(made.log ? { detector: made.log.detector } : {}),
    // nothing was removed: the copy is the original's bytes, at the original's address
    ...(stored.sha256 === rec.sha256 ? { identicalToOriginal: true } : {}),
  };
  const { derivative, seq } = archive.db.transaction(() => {
    const d = insertDerivative(archive.db, {
      itemId: item.id, sha256: stored.sha256, bytes: stored.bytes, mime: made.mime, kind: 'redacted', settings, settingsKey,
      logSha256: log?.sha256 ?? null, removed, createdAt, actor,
    });
    const ev = appendCustodyEvent(archive.db, {
      actor, type: 'redaction', item: rec.sha256, at: createdAt,
      detail: {
        outcome: 'success', action: 'redacted copy', tool: REDACT_TOOL,
        derivative: { sha256: stored.sha256, bytes: stored.bytes, mime: made.mime },
        settings: publicSettings(settings), removed, detectionLog: log?.sha256 ?? null,
      },
    });
    return { derivative: d, seq: ev.seq };
  })();
  return { derivative, reused: false, eventSeq: seq };
}

/**
 * The detection log of `d` as stored (parsed JSON; opened in memory when sealed), or null when
 * nothing was blurred. Throws when the stored log is missing, or sealed and cannot be opened.
 */
export function readDetectionLog(archive: Archive, d: Derivative): DetectionLog | null {
  if (!d.logSha256) return null;
  // the key is in the catalog even when an `encrypt` was cut short before the swap
  const key = archive.derivativeKey ?? derivativeKey(archive.db);
  return JSON.parse(readLogObject(archive.objectsDir, d.logSha256, key).toString('utf8')) as DetectionLog;
}
