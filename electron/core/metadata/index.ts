// Metadata extraction entry point: dispatches by kind, never throws for a bad file.
import type { Kind, MetadataResult } from '../../common/types.ts';
import { runFfprobe, type FfprobeOutput } from './av.ts';
import { avFields, type AvExtras } from './avFields.ts';
import { readAvchdMdpm } from './avchd.ts';
import { readGoProGpsClock } from './gopro.ts';
import { readFtyp, readMoov, topLevelBoxes, type MoovInfo } from './bmff.ts';
import { pdfDate, isoDateText } from './dates.ts';
import { imageTagFields } from './imageFields.ts';
import { readImageBlocks } from './images.ts';
import { emptyFields } from './empty.ts';
import { inputPath, withByteSource, type FileInput } from './io.ts';
import { toJsonSafe } from './jsonSafe.ts';
import { readPdfInfo } from './pdf.ts';
import { readXmp, XMP_NS } from './xmp.ts';
import { incompleteCopyWarning, truncationReason } from './truncation.ts';

export { emptyFields };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function extractImage(path: FileInput, out: MetadataResult): Promise<void> {
  const blocks = await readImageBlocks(path);
  out.warnings.push(...blocks.warnings);
  out.error = blocks.error;
  Object.assign(out.fields, imageTagFields(blocks, out.warnings));
  out.fields.width = blocks.size?.width ?? null;
  out.fields.height = blocks.size?.height ?? null;
  if (blocks.exifrOutput) out.raw['exifr'] = toJsonSafe(blocks.exifrOutput);
  else if (blocks.xmp) out.raw['xmp'] = blocks.xmp;
  if (blocks.heifIrotDegrees !== null) out.raw['heif'] = { irotDegrees: blocks.heifIrotDegrees };
}

async function readMoovIfBmff(path: FileInput): Promise<MoovInfo | null> {
  return withByteSource(path, async (src) => {
    // QuickTime files from before ftyp existed start directly with moov/mdat/wide/free.
    const first = (await topLevelBoxes(src))[0]?.type;
    const isBmff = (await readFtyp(src)) !== null || ['moov', 'mdat', 'wide', 'free', 'skip'].includes(first ?? '');
    return isBmff ? readMoov(src) : null;
  });
}

async function isTransportStream(path: FileInput, probe: FfprobeOutput): Promise<boolean> {
  if (probe.format?.format_name?.includes('mpegts')) return true;
  const head = await withByteSource(path, (src) => src.read(0, 5));
  return head[0] === 0x47 || head[4] === 0x47;
}

/** Facts inside the streams that ffprobe does not show: AVCHD MDPM, the GoPro GPS clock. */
async function readStreamExtras(path: FileInput, probe: FfprobeOutput, moov: MoovInfo | null, out: MetadataResult): Promise<AvExtras> {
  const extras: AvExtras = {};
  try {
    const sample = moov?.gpmdFirstSample;
    if (sample) {
      extras.goProClock = await withByteSource(path, (src) => readGoProGpsClock(src, sample));
      if (extras.goProClock) out.raw['goproGpsClock'] = extras.goProClock;
    } else if (!moov && (await isTransportStream(path, probe))) {
      extras.mdpm = await withByteSource(path, (src) => readAvchdMdpm(src));
      if (extras.mdpm) out.raw['avchdMdpm'] = toJsonSafe(extras.mdpm);
    }
  } catch (e) {
    out.warnings.push(`could not read the camera metadata inside the streams: ${message(e)}`);
  }
  return extras;
}

async function extractAv(path: FileInput, kind: Kind, out: MetadataResult): Promise<void> {
  let probe: FfprobeOutput = {};
  try {
    probe = await runFfprobe(inputPath(path), out.warnings);
    out.raw['ffprobe'] = probe;
    if ((probe.streams ?? []).length === 0) out.error = 'ffprobe found no audio or video stream (file truncated or damaged)';
  } catch (e) {
    out.error = message(e);
  }
  let moov: MoovInfo | null = null;
  try {
    moov = await readMoovIfBmff(path);
    if (moov) out.raw['moov'] = toJsonSafe(moov);
  } catch (e) {
    out.warnings.push(`could not read the moov box: ${message(e)}`);
  }
  const extras = await readStreamExtras(path, probe, moov, out);
  if (out.error && !moov && !extras.mdpm) return;
  Object.assign(out.fields, avFields(probe, moov, kind, out.warnings, extras));
}

async function extractPdf(path: FileInput, out: MetadataResult): Promise<void> {
  const info = await withByteSource(path, readPdfInfo);
  if (!info.xrefFound) out.warnings.push('PDF cross-reference data not found (file truncated or damaged); searched the end of the file instead');
  if (!info.infoFound && !info.xmp) return;
  out.raw['pdf'] = info;
  const created = pdfDate(info.creationDate);
  if (info.creationDate && !created) {
    out.warnings.push(info.encrypted ? 'PDF is encrypted: Info dates cannot be read' : `PDF CreationDate is malformed: ${info.creationDate}`);
  }
  out.fields.capturedAt = created?.value ?? null;
  out.fields.capturedAtSource = created ? 'PDF Info CreationDate' : null;
  out.fields.capturedAtHasZone = created?.hasZone ?? false;
  const xmp = readXmp(info.xmp);
  const others = [
    { tag: 'PDF Info ModDate', date: pdfDate(info.modDate) },
    { tag: 'XMP xmp:CreateDate', date: isoDateText(xmp.get(XMP_NS.xmp, 'CreateDate')) },
    { tag: 'XMP xmp:ModifyDate', date: isoDateText(xmp.get(XMP_NS.xmp, 'ModifyDate')) },
  ];
  out.fields.otherDates = others.filter((o) => o.date !== null).map((o) => ({ tag: o.tag, value: o.date!.value }));
}

/** Puts "incomplete copy: copy it again from the card (reason)" first among the warnings. */
async function warnIfTruncated(path: FileInput, out: MetadataResult): Promise<void> {
  const reason = await withByteSource(path, truncationReason).catch(() => null);
  if (reason) out.warnings.unshift(incompleteCopyWarning(reason));
}

/**
 * Extracts the normalized metadata record of one file (issue #2) and the parsers' raw output.
 * - image: EXIF/IPTC/XMP via exifr + codec-header size (images.ts, imageFields.ts);
 * - video/audio: ffprobe JSON + our own moov reading for ISO-BMFF (av.ts, avFields.ts);
 * - document: PDF Info dictionary dates (pdf.ts); other document types yield empty fields;
 * - other: empty fields, nothing is read.
 * Images, audio and video are also checked for truncation (truncation.ts): a file cut short gets
 * the warning "incomplete copy: copy it again from the card (…)" first in `warnings`.
 * `input` is a path, or a file already read into memory (then only ffprobe opens its path).
 * `mime` is the sniffed content type (ingest/sniff.ts); `kind` decides the reader.
 * Dates are ISO 8601 as stored, GPS degrees WGS84 + metres, durations seconds; nothing depends
 * on the machine's time zone. Never throws for a bad file: a parser failure is reported in
 * `error` with a readable reason, observations in `warnings`, and the fields stay empty.
 */
export async function extractMetadata(path: FileInput, mime: string | null, kind: Kind): Promise<MetadataResult> {
  const out: MetadataResult = { fields: emptyFields(), raw: {}, error: null, warnings: [] };
  try {
    if (kind === 'image') await extractImage(path, out);
    else if (kind === 'video' || kind === 'audio') await extractAv(path, kind, out);
    else if (kind === 'document' && mime === 'application/pdf') await extractPdf(path, out);
    if (kind === 'image' || kind === 'video' || kind === 'audio') await warnIfTruncated(path, out);
  } catch (e) {
    // An unexpected failure leaves no half-filled record behind.
    out.fields = emptyFields();
    out.error = `metadata extraction failed: ${message(e)}`;
  }
  return out;
}
