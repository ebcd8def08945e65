// Domain types shared by core, CLI, main and renderer. No node:*, no DOM, no 'electron' here.

/** Coarse class of an item, decided from its content (magic bytes), never from its extension. */
export type Kind = 'image' | 'video' | 'audio' | 'document' | 'other';

/** Digest algorithms an archive can hold. SHA-256 is always computed. */
export type DigestAlgorithm = 'sha256' | 'sha1' | 'md5';
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha1', 'md5'];

/** Lower-case hex message digests of one byte stream, keyed by algorithm. */
export type Digests = { sha256: string } & Partial<Record<DigestAlgorithm, string>>;

/**
 * A position in decimal degrees WGS84 (south and west negative), altitude in metres above sea
 * level (negative below), or null when unknown. `noFix` is true when the device stored exactly 0,0
 * (its way of saying "no fix"); such a position is kept as stored but must not be used as a place.
 */
export interface Gps {
  lat: number;
  lon: number;
  alt: number | null;
  /** Tag the position was read from, e.g. "EXIF GPS IFD", "XMP exif:GPSLatitude", "QuickTime ©xyz". */
  source: string;
  noFix?: boolean;
}

/** A date tag found in a file, as stored (ISO 8601 text, offset only where the file gives one). */
export interface DateTag {
  tag: string;
  value: string;
}

/**
 * The normalized metadata record of one item. Field names are fixed by issue #2.
 * - capturedAt: ISO 8601 text as stored; `...+06:00` when the file gives an offset, `...Z` for
 *   UTC-by-spec tags (QuickTime mvhd creation_time), bare wall time when the zone is unknown.
 * - durationSec: seconds (ffprobe format.duration, ms precision); null for stills and documents.
 * - width/height: stored (coded) pixel size before any rotation.
 */
export interface NormalizedRecord {
  sha256: string;
  bytes: number;
  mime: string | null;
  kind: Kind;
  make: string | null;
  model: string | null;
  /**
   * Serial number of the camera body, as stored (trimmed text; a number stored as a number becomes
   * its decimal text), or null: what shows which device took a photo. Read from EXIF and XMP only
   * (see metadata/imageFields.ts imageSerial); maker notes, GoPro GPMF and audio/video containers
   * are not read. Absent (undefined) in records written before the field existed.
   */
  serial: string | null;
  /** Which tag serial came from, e.g. "EXIF BodySerialNumber", "XMP aux:SerialNumber". */
  serialSource: string | null;
  capturedAt: string | null;
  /** Which tag capturedAt came from, e.g. "EXIF DateTimeOriginal+OffsetTimeOriginal". */
  capturedAtSource: string | null;
  /** True when capturedAt pins an instant (has Z or an offset). */
  capturedAtHasZone: boolean;
  /** The other date tags found, so a reader can see what was not chosen. */
  otherDates: DateTag[];
  gps: Gps | null;
  orientation: number | null;
  width: number | null;
  height: number | null;
  durationSec: number | null;
  codec: string | null;
}

/** The keys of a NormalizedRecord: what a `metadata extraction` event's recordSha256 covers. */
export const NORMALIZED_RECORD_KEYS = [
  'sha256', 'bytes', 'mime', 'kind', 'make', 'model', 'serial', 'serialSource', 'capturedAt', 'capturedAtSource', 'capturedAtHasZone',
  'otherDates', 'gps', 'orientation', 'width', 'height', 'durationSec', 'codec',
] as const satisfies readonly (keyof NormalizedRecord)[];

/**
 * Keys added to the record after archives already held records without them. A record written
 * before (and so the recordSha256 its metadata extraction event logged) lacks them altogether,
 * rather than holding null: a check that rebuilds a record from NORMALIZED_RECORD_KEYS leaves
 * these out when the record at hand does not have them.
 */
export const LATER_NORMALIZED_RECORD_KEYS = ['serial', 'serialSource'] as const satisfies readonly (typeof NORMALIZED_RECORD_KEYS)[number][];

/** What metadata extraction yields for one file: the normalized fields, the verbatim raw output. */
export interface MetadataResult {
  fields: Omit<NormalizedRecord, 'sha256' | 'bytes' | 'mime' | 'kind'>;
  /** Verbatim tool output: { exifr: {...} } and/or { ffprobe: {...} }, JSON-serialisable. */
  raw: Record<string, unknown>;
  /** Human-readable reason when a parser failed; the item is still kept and hashed. */
  error: string | null;
  /** Non-fatal observations, e.g. "GPS 0,0 is a device's no-fix value". */
  warnings: string[];
}

/** PREMIS event type labels used in the custody log (PREMIS 3.0 eventType vocabulary). */
export const CUSTODY_EVENT_TYPES = [
  'ingestion',
  'message digest calculation',
  'replication',
  'fixity check',
  'metadata extraction',
  'metadata modification',
  'dissemination',
  'transfer',
  /** A signature or an RFC 3161 time-stamp token made over an export or the chain (detail.action says which). */
  'digital signature generation',
  /** A damaged or missing object restored from a good copy (a replica, a given file): replica/repair.ts. */
  'recovery',
  /** A C2PA manifest store validated (issue 14 §3): detail.action "c2pa validation", detail.verdict. */
  'validation',
  /**
   * A redacted copy made of an item (redact/redact.ts): metadata removed, faces or drawn regions
   * blurred. detail names the tool, settings, the derivative's SHA-256 and what was removed (names
   * of metadata groups and tags, a count of blurred boxes), never a removed value.
   */
  'redaction',
] as const;
export type CustodyEventType = (typeof CUSTODY_EVENT_TYPES)[number];

/** One row of the custody log (issue #2, DESIGN.md §3). */
export interface CustodyEvent {
  seq: number;
  /** UTC, ISO 8601 with milliseconds and Z. */
  at: string;
  actor: string;
  type: CustodyEventType;
  /** SHA-256 of the item the event concerns, or null for archive-wide events. */
  item: string | null;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** Final status of one input file in an ingest run. */
export type IngestStatus = 'added' | 'duplicate' | 'skipped' | 'failed';

export interface IngestFileResult {
  /** The file's path in its display form (ingest/filename.ts displayName: `\\` a backslash, `\xHH` a byte outside UTF-8). */
  path: string;
  /** The path's exact bytes, base64, present only when `path` is not the path itself (a name not UTF-8, or holding a backslash). */
  pathBytes?: string;
  status: IngestStatus;
  sha256?: string;
  itemId?: number;
  bytes?: number;
  kind?: Kind;
  reason?: string;
  warnings?: string[];
}

/** Progress of a long job, throttled; bytes are file bytes. */
export interface JobProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string | null;
}
