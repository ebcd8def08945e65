// The custody report (опись) of an evidence set: what it says, independent of how it is printed.
// buildCustodyReportModel (build.ts) fills it from the catalog with only what the set may carry;
// html.ts and pdf.ts print it. Nothing here is read from the catalog again while rendering, so
// whatever a redacted set leaves out is already absent from the model.
import type { Kind } from '../../common/types.ts';

/** Languages the report is written in. */
export const REPORT_LANGS = ['en', 'ru', 'ky'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

/** Who signed the set: the identity in signatures/allowed_signers and the OpenSSH fingerprint ("SHA256:<base64>"). */
export interface ReportSigner {
  identity: string;
  fingerprint: string;
}

/** The cover of the report: the set as a whole. */
export interface ReportSet {
  /** The export id, also bag-info.txt Internal-Sender-Identifier ("export-2026-01-02-ab12cd34"). */
  exportId: string;
  /** UTC ISO 8601. */
  createdAt: string;
  /** The operator who made the set. */
  actor: string;
  recipient?: string | null;
  organization?: string | null;
  description?: string | null;
  itemCount: number;
  /** Sum of the payload files' sizes, in bytes. */
  totalBytes: number;
  /**
   * SHA-256 (lower-case hex) of manifest-sha256.txt, the payload manifest. The tag manifest's own
   * SHA-256 cannot be printed in a file the tag manifest lists: the report says where it is.
   */
  manifestSha256: string;
  signer: ReportSigner | null;
  /** A set prepared for public release (--redact-people): the report says what was left out. */
  redacted: boolean;
}

export interface ReportPlace {
  /** The id the set uses: a seed village's id, or a user-added place's pseudonym ("P-…") in a redacted set. */
  id: string;
  /** The name in the report's language (other forms in parentheses), or null when the set withholds it. */
  name: string | null;
}

export interface ReportPerson {
  /** The name, or a pseudonym ("V-…") when the set gives the person only by pseudonym. */
  label: string;
  /** True when `label` is a pseudonym standing for a withheld identity. */
  pseudonym: boolean;
  /** PERSON_ROLES value (electron/common/catalog.ts). */
  role: string;
}

export interface ReportIncident {
  id: number;
  /** INCIDENT_TYPES value. */
  type: string;
  /** Free text; null in a redacted set. */
  title: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface ReportCase {
  id: number;
  /** Free text typed by users; null in a redacted set. */
  authority: string | null;
  caseNumber: string | null;
  articles: string[];
  openedOn: string | null;
}

/** One sighting of the file: where it was read from at ingest, when and by whom. */
export interface ReportSighting {
  /** The source path as seen at ingest; null in a redacted set. */
  sourcePath: string | null;
  /** The file name at ingest; null when the set withholds it (export/public-names.ts). */
  fileName: string | null;
  /** UTC ISO 8601. */
  at: string;
  operator: string;
}

/** One custody event as the set's excerpt (evidence/custody.json) carries it. */
export interface ReportEvent {
  seq: number;
  at: string;
  actor: string;
  type: string;
  detail: Record<string, unknown>;
  /**
   * Set for a fixity check run's event in an item's timeline: the run's number, in which this item
   * PASSED (custody.json fixityRuns proves it); the run's own outcome may concern other items.
   */
  itemRun?: number;
}

export interface ReportItem {
  /** Path in the bag, "data/…". */
  bagPath: string;
  /** The first sighting's file name, or the neutral payload name when the set withholds file names (nameWithheld). */
  originalName: string;
  /** The set withholds this item's file names (export/public-names.ts): originalName is the neutral name of its file in the bag. */
  nameWithheld?: boolean;
  sha256: string;
  bytes: number;
  kind: Kind;
  mime: string | null;
  /** As stored: ISO 8601, with an offset only when the file gives one. */
  capturedAt: string | null;
  capturedAtSource: string | null;
  capturedAtHasZone: boolean;
  make: string | null;
  model: string | null;
  serial: string | null;
  gps: { lat: number; lon: number; alt: number | null; noFix?: boolean } | null;
  durationSec?: number | null;
  places: ReportPlace[];
  people: ReportPerson[];
  incidents: ReportIncident[];
  cases: ReportCase[];
  tags: string[];
  /** Free text typed by users; null in a redacted set (and when none). */
  description: string | null;
  notes: string | null;
  foundAt: ReportSighting[];
  /** JPEG, at most 320 px on its longer side: a photo's thumbnail or a video's poster frame; null otherwise. */
  thumbnail: Buffer | null;
  /** JPEG contact sheet of a video clip (report/contact-sheet.ts), when the report was asked for them. */
  contactSheet?: Buffer | null;
  /** The item's custody events in the set's excerpt, in seq order. */
  timeline: ReportEvent[];
  /** Seqs of this item's events the set withheld (redacted sets), ascending. */
  withheldSeqs: number[];
  /** When the set ships the item's redacted copy (export --redacted-media): the original's SHA-256 and how the copy was made. sha256/bytes/mime above are the copy's. */
  redactedFrom?: { sha256: string; blurFaces: boolean; blurredBoxes: number; date: string; converted: boolean; identical?: boolean };
}

/** Everything the custody report prints. */
export interface CustodyReportModel {
  lang: ReportLang;
  set: ReportSet;
  items: ReportItem[];
}
