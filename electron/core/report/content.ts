// What each part of the report says, as labelled rows, so the HTML and the PDF print the same
// facts in the same order and differ only in layout.
import { dict, fill } from './i18n.ts';
import type { CustodyReportModel, ReportItem } from './model.ts';
import { caseWord, describeEvent, formatBytes, formatCaptured, formatDuration, formatGps, formatUtc, incidentWord, isFailure, kindWord, personWord, placeWord } from './words.ts';

/** One labelled fact; `lines` print one under another; `mono` for checksums and paths. */
export interface Row {
  label: string;
  lines: string[];
  mono?: boolean;
  /** Printed bold (e.g. a notice). */
  strong?: boolean;
}

/** The cover's rows. */
export function coverRows(m: CustodyReportModel): Row[] {
  const d = dict(m.lang);
  const s = m.set;
  const rows: Row[] = [
    { label: d.setId, lines: [s.exportId], mono: true },
    { label: d.createdAt, lines: [formatUtc(s.createdAt)] },
    { label: d.createdBy, lines: [s.actor] },
  ];
  if (s.recipient) rows.push({ label: d.recipient, lines: [s.recipient] });
  if (s.organization) rows.push({ label: d.organization, lines: [s.organization] });
  if (s.description) rows.push({ label: d.description, lines: [s.description] });
  rows.push(
    { label: d.itemCount, lines: [String(s.itemCount)] },
    { label: d.totalSize, lines: [formatBytes(m.lang, s.totalBytes)] },
    { label: d.manifestSha, lines: [s.manifestSha256], mono: true },
    { label: d.tagManifestSha, lines: [d.tagManifestWhere] },
  );
  if (s.signer) {
    rows.push({ label: d.signer, lines: [s.signer.identity] }, { label: d.signerFingerprint, lines: [s.signer.fingerprint, d.fingerprintAdvice], mono: true });
  } else {
    rows.push({ label: d.signer, lines: [d.notSigned], strong: true });
  }
  rows.push({ label: d.timestamps, lines: [d.timestampsWhere] });
  return rows;
}

/** "File 3 of 12". */
export const itemHeading = (m: CustodyReportModel, n: number) => fill(dict(m.lang).itemHeading, { n, total: m.items.length });

/** What stands in for a picture: the label under a thumbnail, or in place of one. */
export function pictureLabel(m: CustodyReportModel, it: ReportItem): string {
  const d = dict(m.lang);
  if (it.thumbnail) return it.kind === 'video' ? d.posterCaption : '';
  if (it.kind === 'audio') return `${d.pictureAudio}\n${d.noPicture}`;
  if (it.kind === 'document') return `${d.pictureDocument}\n${d.noPicture}`;
  return d.pictureOther;
}

/** The rows beside the picture: identity of the file. */
export function itemTopRows(m: CustodyReportModel, it: ReportItem): Row[] {
  const d = dict(m.lang);
  const rows: Row[] = [
    { label: d.originalName, lines: [it.nameWithheld ? d.fileNameWithheld : it.originalName] },
    { label: d.bagPath, lines: [it.bagPath], mono: true },
    { label: d.kind, lines: [`${kindWord(m.lang, it.kind)}${it.mime ? ` (${it.mime})` : ''}`] },
    { label: d.size, lines: [formatBytes(m.lang, it.bytes)] },
    {
      label: d.captured,
      lines: it.capturedAt
        ? [formatCaptured(it.capturedAt), `${it.capturedAtHasZone ? d.zoneKnown : d.zoneUnknown}${it.capturedAtSource ? `; ${d.capturedSource}: ${it.capturedAtSource}` : ''}`]
        : [d.notRecorded],
    },
  ];
  if (it.durationSec) rows.push({ label: d.duration, lines: [formatDuration(it.durationSec)] });
  rows.push(
    { label: d.device, lines: [[it.make, it.model].filter(Boolean).join(', ') || d.notRecorded] },
    { label: d.serial, lines: [it.serial ?? d.notRecorded] },
    { label: d.gps, lines: [it.gps ? formatGps(m.lang, it.gps) : d.notRecorded] },
  );
  return rows;
}

/** How a redacted copy was made, in one line of the report's language. */
function redactionWords(m: CustodyReportModel, r: NonNullable<ReportItem['redactedFrom']>): string {
  const d = dict(m.lang);
  const parts = [r.identical ? d.redactedIdentical : d.redactedStrip];
  if (r.blurFaces) parts.push(fill(d.redactedBlur, { boxes: r.blurredBoxes }));
  if (r.converted) parts.push(d.redactedConverted);
  parts.push(r.date === 'keep' ? d.redactedDateKept : r.date === 'drop' ? d.redactedDateDropped : fill(d.redactedDateCoarse, { precision: d[`redactedPrecision_${r.date}` as 'redactedPrecision_day'] ?? r.date }));
  return parts.join('; ');
}

/** The full-width rows under the picture: checksum, catalog links, where found. */
export function itemRestRows(m: CustodyReportModel, it: ReportItem): Row[] {
  const d = dict(m.lang);
  const list = (xs: string[]) => (xs.length ? xs : [d.none]);
  const rows: Row[] = [
    { label: d.sha256, lines: [it.sha256], mono: true },
    ...(it.redactedFrom ? [{ label: d.redactedFrom, lines: [it.redactedFrom.sha256, redactionWords(m, it.redactedFrom)] }] : []),
    { label: d.places, lines: list(it.places.map((p) => placeWord(m.lang, p))) },
    { label: d.people, lines: list(it.people.map((p) => personWord(m.lang, p))) },
    { label: d.incidents, lines: list(it.incidents.map((x) => incidentWord(m.lang, x))) },
    { label: d.cases, lines: list(it.cases.map((c) => caseWord(m.lang, c))) },
  ];
  if (it.tags.length) rows.push({ label: d.tags, lines: [it.tags.join(', ')] });
  if (it.description) rows.push({ label: d.description, lines: [it.description] });
  if (it.notes) rows.push({ label: d.notes, lines: [it.notes] });
  rows.push({
    label: d.foundAt,
    lines: list(it.foundAt.map((s) => fill(d.foundEntry, {
      path: s.sourcePath ?? (s.fileName === null ? d.fileNameWithheld : fill(d.sourceWithheld, { name: s.fileName })), at: formatUtc(s.at), operator: s.operator,
    }))),
  });
  return rows;
}

/** One line of the custody history table. */
export interface TimelineRow {
  seq: string;
  at: string;
  actor: string;
  text: string;
  failed: boolean;
}

export function timelineRows(m: CustodyReportModel, it: ReportItem): TimelineRow[] {
  // The column heading says UTC.
  return it.timeline.map((e) => ({ seq: String(e.seq), at: formatUtc(e.at).replace(/ UTC$/u, ''), actor: e.actor, text: describeEvent(m.lang, e), failed: isFailure(e) }));
}

/** The sentence under the history: events this set withheld, or null. */
export function withheldLine(m: CustodyReportModel, it: ReportItem): string | null {
  return it.withheldSeqs.length ? fill(dict(m.lang).withheldEvents, { list: it.withheldSeqs.join(', ') }) : null;
}
