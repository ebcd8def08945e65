// The one IPC contract between the renderer and the archive service (DESIGN.md §1, §5): every
// channel with a zod schema for its input and for its output, the Result envelope every call
// answers with, and the job events pushed to the window. Electron main, the preload, the
// renderer and the loopback test host all build on this file, so a channel cannot drift between
// them. Runs anywhere: no node:*, no DOM, no 'electron'.
import { z } from 'zod';
import { caseInputSchema, dateTimeSchema, incidentInputSchema, PERSON_ROLES, personInputSchema, placeInputSchema } from './catalog.ts';
import { WITHHOLD_REASONS } from './public-release.ts';

// ---------------------------------------------------------------------------------------------
// Result envelope

/** Error codes a channel may answer with. */
export const ERROR_CODES = [
  'INVALID_INPUT', // the payload failed its schema
  'UNKNOWN_CHANNEL',
  'FORBIDDEN', // the sender is not our window
  'NO_ARCHIVE', // the channel needs an open archive
  'NOT_AN_ARCHIVE',
  'ARCHIVE_BUSY', // another process holds the archive's write lock
  'SCHEMA_TOO_NEW',
  'NOT_FOUND',
  'UNSUPPORTED', // e.g. a catalog function this build does not have yet
  'WRONG_PASSPHRASE', // the passphrase does not unlock the signing key, or the encrypted catalog
  'CATALOG_LOCKED', // the archive's catalog is encrypted: open it again with its passphrase
  'FAILED', // the operation ran and failed for a reason the message gives
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
}

/** What every channel answers: never a thrown error across the process boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({ ok: false, error: { code, message } });

// ---------------------------------------------------------------------------------------------
// Building blocks

/** A file-system path the user chose: absolute or relative text, no NUL byte, bounded. */
export const PathSchema = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'path contains a NUL byte');
/** A catalog row id (SQLite INTEGER PRIMARY KEY). */
export const IdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** A catalog row id: places have slug ids ("kok-tash"), the other entities integers. */
export const CatalogIdSchema = z.union([IdSchema, z.string().regex(/^[a-z0-9][a-z0-9-]{0,119}$/u)]);
export type CatalogId = z.infer<typeof CatalogIdSchema>;

/** The most characters (UTF-16 code units) a long free text may hold: descriptions, notes. */
export const LONG_TEXT_MAX = 20_000;
const ShortText = z.string().max(500);
const LongText = z.string().max(LONG_TEXT_MAX);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/u);
/** A calendar day YYYY-MM-DD that exists (no 2021-02-30, no month 13). */
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u).refine((v) => dateTimeSchema.safeParse(v).success, 'no such day in the calendar');

export const KindSchema = z.enum(['image', 'video', 'audio', 'document', 'other']);
export const LanguageSchema = z.enum(['en', 'ru', 'ky']);
export type Language = z.infer<typeof LanguageSchema>;

const GpsSchema = z.object({ lat: z.number(), lon: z.number(), alt: z.number().nullable(), source: z.string(), noFix: z.boolean().optional() });

/** The normalized metadata record (types.ts NormalizedRecord). */
export const NormalizedRecordSchema = z.object({
  sha256: Sha256,
  bytes: z.number().int().nonnegative(),
  mime: z.string().nullable(),
  kind: KindSchema,
  make: z.string().nullable(),
  model: z.string().nullable(),
  /** Absent in records written before the field existed. */
  serial: z.string().nullable().optional(),
  serialSource: z.string().nullable().optional(),
  capturedAt: z.string().nullable(),
  capturedAtSource: z.string().nullable().optional(),
  capturedAtHasZone: z.boolean().optional(),
  otherDates: z.array(z.object({ tag: z.string(), value: z.string() })).optional(),
  gps: GpsSchema.nullable(),
  orientation: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  durationSec: z.number().nullable(),
  codec: z.string().nullable().optional(),
});

export const JobProgressSchema = z.object({
  filesDone: z.number(),
  filesTotal: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  currentFile: z.string().nullable(),
});

// ---------------------------------------------------------------------------------------------
// Archives and settings

export const ArchiveInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  itemCount: z.number().int().nonnegative(),
  writable: z.boolean(),
  /** The catalog is encrypted at rest (opened with its passphrase). */
  encrypted: z.boolean(),
});
export type ArchiveInfo = z.infer<typeof ArchiveInfoSchema>;

export const SettingsSchema = z.object({
  /** Name recorded as the actor of custody events; '' means "use the OS user". */
  operator: z.string().max(200),
  /** Chosen language, or null to follow the system locale. */
  language: LanguageSchema.nullable(),
  /** Recently opened archive folders, most recent first. */
  recent: z.array(z.string()).max(20),
  /**
   * RFC 3161 time-stamping authorities the Export screen asks, in order (the CLI's --tsa); empty:
   * no timestamp, and no network. Absent in settings written before the field existed.
   */
  tsaUrls: z.array(z.string().max(2000)).max(10).default([]),
  /** The signing key the Export screen offers first (the CLI's --key), or null for the only one. */
  signingKey: z.string().max(64).nullable().default(null),
  /** Kilometres beyond which an item's GPS is flagged as far from a place it is tagged to (Map, Item screen). */
  gpsMismatchKm: z.number().positive().max(20_000).default(25),
});
export type Settings = z.infer<typeof SettingsSchema>;

// ---------------------------------------------------------------------------------------------
// Items

export const GpsFilterSchema = z.enum(['any', 'with', 'without']);

/** A latitude/longitude box in decimal degrees WGS84 (the Map screen's view or a drawn box); west ≤ east. */
export const GeoBoundsSchema = z.strictObject({
  west: z.number().min(-180).max(180),
  south: z.number().min(-90).max(90),
  east: z.number().min(-180).max(180),
  north: z.number().min(-90).max(90),
}).refine((b) => b.west <= b.east && b.south <= b.north, 'give west ≤ east and south ≤ north');
export type GeoBounds = z.infer<typeof GeoBoundsSchema>;

/** What the Library shows: every field optional, all given ones must hold (AND). */
export const ItemFilterSchema = z.strictObject({
  /** Substring looked for in file names, source paths, camera, SHA-256 and catalog names. */
  text: ShortText.optional(),
  kinds: z.array(KindSchema).max(5).optional(),
  /** Capture day range, inclusive, compared on the date part of capturedAt as stored. */
  from: IsoDay.optional(),
  to: IsoDay.optional(),
  /** "Make Model" exactly as the facets list gives it. */
  camera: ShortText.optional(),
  gps: GpsFilterSchema.optional(),
  placeId: CatalogIdSchema.optional(),
  personId: IdSchema.optional(),
  incidentId: IdSchema.optional(),
  caseId: IdSchema.optional(),
  tag: ShortText.optional(),
  /** Only items with no place, person, incident, case or tag. */
  untagged: z.boolean().optional(),
  /** C2PA Content Credentials: absent, valid or invalid. */
  credentials: z.enum(['absent', 'valid', 'valid-trusted', 'valid-untrusted', 'invalid']).optional(),
  /** Only items whose GPS lies in this box (a box drawn on the Map screen). */
  bbox: GeoBoundsSchema.optional(),
});
export type ItemFilter = z.infer<typeof ItemFilterSchema>;

/** The Library's orders: every column of the list view (service/items-query.ts sortSegments). */
export const SORT_KEYS = ['capturedAt', 'ingestedAt', 'name', 'bytes', 'id', 'duration', 'camera', 'reel', 'codec', 'resolution', 'kind'] as const;
export const SortSchema = z.strictObject({
  by: z.enum(SORT_KEYS),
  dir: z.enum(['asc', 'desc']),
});
export type ItemSort = z.infer<typeof SortSchema>;

/** How the Library groups its items: by capture day, by card/reel (of the first sighting), by place (the first linked). */
export const GROUP_KEYS = ['none', 'day', 'reel', 'place'] as const;
export const GroupSchema = z.enum(GROUP_KEYS);
export type ItemGroupBy = z.infer<typeof GroupSchema>;

/**
 * One group of a grouped Library view, in view order: `key` is the day (YYYY-MM-DD), the reel's
 * name or the place id, null for the items without one; `count` items from the view position
 * after the previous group's.
 */
export const ItemGroupSchema = z.object({ key: z.string().nullable(), count: z.number().int().min(0) });
export type ItemGroup = z.infer<typeof ItemGroupSchema>;

/** One Library row: enough to draw a grid tile or a list line. */
export const ItemSummarySchema = z.object({
  id: IdSchema,
  sha256: Sha256,
  name: z.string(),
  kind: KindSchema,
  mime: z.string().nullable(),
  bytes: z.number(),
  capturedAt: z.string().nullable(),
  ingestedAt: z.string(),
  camera: z.string().nullable(),
  hasGps: z.boolean(),
  /** True when a thumbnail or poster exists under derivatives/. */
  thumb: z.boolean(),
  /** C2PA Content Credentials verdict (absent, valid-trusted, valid-untrusted, invalid); absent from the object when never checked. */
  credentials: z.enum(['absent', 'valid-trusted', 'valid-untrusted', 'invalid']).optional(),
  // The Library's columns (items.page fills them; other summaries may leave them out).
  /** Seconds, video and audio. */
  durationSec: z.number().nullable().optional(),
  /** Stored pixel size. */
  width: z.number().nullable().optional(),
  height: z.number().nullable().optional(),
  /** Frames per second of the first video stream (ffprobe avg_frame_rate). */
  fps: z.number().nullable().optional(),
  codec: z.string().nullable().optional(),
  /** Name of the card/reel of the first sighting. */
  reel: z.string().nullable().optional(),
  /** Linked place ids, in the order given; tags. */
  places: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  /** Linked to any place, person, incident, case or tag. */
  tagged: z.boolean().optional(),
  /** The last fixity check of the item did not pass (altered, missing, unreadable). */
  fixityFailed: z.boolean().optional(),
  /** The last run that copied the item's card left files of it uncopied (reel_runs.missing > 0). */
  incompleteCard: z.boolean().optional(),
  /** A scrub strip (derivatives/filmstrip.ts) exists. */
  strip: z.boolean().optional(),
});
export type ItemSummary = z.infer<typeof ItemSummarySchema>;

export const SightingSchema = z.object({
  id: z.number(),
  path: z.string(),
  name: z.string(),
  /** Exact bytes of the source path, base64, when `path` (its display form) is not the path itself. */
  pathBytes: z.string().optional(),
  bytes: z.number(),
  mtime: z.string().nullable(),
  operator: z.string(),
  host: z.string(),
  ingestedAt: z.string(),
  runId: z.string(),
  /** The reel (card, volume) it was read from; null for sightings recorded before reels were. */
  reel: z.string().nullable().optional(),
});

export const CustodyEventSchema = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  type: z.string(),
  item: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

/** A catalog entity an item is linked to, as the tag editor shows it. */
export const LinkSchema = z.object({ id: CatalogIdSchema, name: z.string() });
export const ItemLinksSchema = z.object({
  places: z.array(LinkSchema),
  people: z.array(LinkSchema.extend({ role: z.string().nullable() })),
  incidents: z.array(LinkSchema),
  cases: z.array(LinkSchema),
  tags: z.array(z.string()),
  /** The item's description and notes (free text the documenters write), null when there is none. */
  description: z.string().nullable(),
  notes: z.string().nullable(),
});
export type ItemLinks = z.infer<typeof ItemLinksSchema>;

export const ItemDetailSchema = z.object({
  summary: ItemSummarySchema,
  record: NormalizedRecordSchema,
  raw: z.record(z.string(), z.unknown()).nullable(),
  digests: z.record(z.string(), z.string()),
  sightings: z.array(SightingSchema),
  custody: z.array(CustodyEventSchema),
  warnings: z.array(z.string()),
  metadataError: z.string().nullable(),
  /** Catalog links, or null when this build has no case catalog. */
  links: ItemLinksSchema.nullable(),
  /** The C2PA validation report (common/c2pa.ts CredentialReport) as last made; null when never checked. */
  credentials: z.record(z.string(), z.unknown()).nullable().optional(),
  /**
   * The item's last recorded fixity check (core/verify/item-checks.ts lastCheckView): when, in
   * which run (null: before runs), outcome ("pass", "altered", "missing", "unreadable", "catalog",
   * "unrecorded-change"), PASSED or FAILED, and its custody row. Null when never checked.
   */
  lastCheck: z.object({
    checkedAt: z.string(),
    runId: z.number().nullable(),
    outcome: z.string(),
    status: z.enum(['PASSED', 'FAILED']),
    eventSeq: z.number().nullable(),
  }).nullable().optional(),
});
export type ItemDetail = z.infer<typeof ItemDetailSchema>;

export const FacetsSchema = z.object({
  cameras: z.array(z.string()),
  kinds: z.record(z.string(), z.number()),
  tags: z.array(z.string()),
});

// ---------------------------------------------------------------------------------------------
// Case catalog (issue #3): places, people, incidents, cases

export const CATALOG_ENTITIES = ['place', 'person', 'incident', 'case'] as const;
export const CatalogEntitySchema = z.enum(CATALOG_ENTITIES);
export type CatalogEntity = z.infer<typeof CatalogEntitySchema>;

/** One catalog row as lists and forms show it; `fields` holds the entity's own fields. */
export const CatalogRowSchema = z.object({
  id: CatalogIdSchema,
  name: z.string(),
  /** A second line: place type and region, person role, incident date, case court... */
  detail: z.string().nullable(),
  itemCount: z.number().int().nonnegative(),
  fields: z.record(z.string(), z.unknown()),
});
export type CatalogRow = z.infer<typeof CatalogRowSchema>;

/** What a form sends to create or edit a catalog row: the catalog's own input schema per entity. */
export const CatalogInputSchema = z.discriminatedUnion('entity', [
  z.strictObject({ entity: z.literal('place'), input: placeInputSchema }),
  z.strictObject({ entity: z.literal('person'), input: personInputSchema }),
  z.strictObject({ entity: z.literal('incident'), input: incidentInputSchema }),
  z.strictObject({ entity: z.literal('case'), input: caseInputSchema }),
]);
export type CatalogInput = z.infer<typeof CatalogInputSchema>;

/**
 * An item's description and notes as the Item screen saves them (the CLI's `tag --description
 * --notes`): a string sets the field (trimmed; blank clears it), null clears it, an absent field
 * stays as it is. At least one must be given.
 */
export const DescribeItemInputSchema = z.strictObject({
  id: IdSchema,
  description: LongText.nullable().optional(),
  notes: LongText.nullable().optional(),
}).refine((r) => r.description !== undefined || r.notes !== undefined, { message: 'give description or notes (or both)', path: ['description'] });
/** Whether anything changed, and the custody event (`metadata modification`) that records it. */
export const DescribeItemResultSchema = z.object({ changed: z.boolean(), custodySeq: z.number().int().positive().nullable() });

/** A place suggested for an item from its GPS position. */
export const PlaceSuggestionSchema = z.object({ placeId: CatalogIdSchema, name: z.string(), distanceM: z.number() });

// ---------------------------------------------------------------------------------------------
// Signing keys (issue #12): the operator's Ed25519 keys, kept in the user's profile

/** A signing key's public record (core/signing/keystore.ts KeyInfo). */
export const KeyInfoSchema = z.object({
  name: z.string(),
  /** OpenSSH fingerprint, "SHA256:…": what a recipient compares. */
  fingerprint: z.string(),
  /** "ssh-ed25519 AAAA…". */
  publicKeyLine: z.string(),
  /** The same key's OpenPGP fingerprint, 40 hex digits. */
  openPgpFingerprint: z.string(),
  createdAt: z.string(),
});
export type KeyInfoDto = z.infer<typeof KeyInfoSchema>;
/** A key name: letters and digits of any script and . _ @ -, starting with a letter or digit. */
export const KeyNameSchema = z.string().trim().regex(/^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u, 'use 1 to 64 letters, digits and . _ @ -, starting with a letter or digit');
/** A passphrase as typed; never logged, never stored. The keystore asks for 8 characters or more for a new key. */
export const PassphraseSchema = z.string().min(1).max(1024);
/** An RFC 3161 time-stamping authority's URL: http or https (RFC 3161 §3.4, over HTTP), no spaces. */
export const TsaUrlSchema = z.string().trim().max(2000).regex(/^https?:\/\/[^\s/?#]+[^\s]*$/iu, 'give an http:// or https:// URL of a time-stamping authority');
/**
 * A key's fingerprint as a sender reads it out: OpenSSH "SHA256:" and 43 base64 characters (the
 * prefix and a trailing "=" optional, as core/signing/bag-signature.ts accepts), or OpenPGP's 40
 * hex digits (spaces allowed, as gpg prints them in groups).
 */
export const FingerprintSchema = z.string().trim().max(200)
  .refine((s) => /^(?:SHA256:)?[A-Za-z0-9+/]{43}=?$/iu.test(s) || /^[0-9A-Fa-f]{40}$/u.test(s.replace(/\s+/gu, '')), 'give a fingerprint as SHA256:… (43 characters after the colon) or 40 hexadecimal digits');

// ---------------------------------------------------------------------------------------------
// Jobs

export const JOB_KINDS = ['ingest', 'verifyArchive', 'export', 'verifyBag', 'derivatives'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JobRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('ingest'),
    inputs: z.array(PathSchema).min(1).max(10_000),
    /** Digests besides SHA-256. */
    algorithms: z.array(z.enum(['sha1', 'md5'])).max(2).optional(),
  }),
  z.strictObject({ kind: z.literal('verifyArchive') }),
  z.strictObject({
    kind: z.literal('export'),
    /** Items to export; with `filter` instead, the items the filter matches now. */
    itemIds: z.array(IdSchema).min(1).max(1_000_000).optional(),
    filter: ItemFilterSchema.optional(),
    outDir: PathSchema,
    recipient: ShortText.optional(),
    organization: ShortText.optional(),
    description: LongText.optional(),
    zip: z.boolean().optional(),
    /**
     * A set for public release (the CLI's `export --redact-people`): people reduced to the redacted
     * register, user-added places pseudonymized, source paths, items' descriptions and notes, and
     * custody events naming people or places left out (core/catalog/export-extras.ts).
     */
    redactPeople: z.boolean().default(false),
    /** Full records of people flagged sensitive in evidence/people.json (`--include-sensitive`); only for a full set. */
    includeSensitive: z.boolean().default(false),
    /**
     * With redactPeople: items to send although a public release withholds them (linked to a person
     * flagged sensitive or whose consent is not given; see `export.withheld`), each chosen by the
     * user (`--include-withheld-media`). Recorded in the custody log with the export.
     */
    includeWithheldMedia: z.array(IdSchema).max(1_000_000).optional(),
    /**
     * With redactPeople: send each item's newest redacted copy (issue 13's derivatives, the CLI's
     * `export --redacted-media`) in place of its original where one exists; the others go out as
     * received (the Export screen says which before the user starts), except those no copy can be
     * made of (XMP sidecars, audio, PDFs, text: left out, ExportResult.leftOutUnredacted). items.json, items.csv and
     * the custody report name the original of each copy by SHA-256.
     */
    redactedMedia: z.boolean().optional(),
    /**
     * Who signs the set (issue 12, core/export/court-ready.ts): a key of the keystore and its
     * passphrase; the service unlocks it for this job only, seals the custody chain and signs the
     * tag manifest. The passphrase is never echoed in job events, results or errors.
     */
    sign: z.strictObject({ key: KeyNameSchema, passphrase: PassphraseSchema }).optional(),
    /**
     * True: export unsigned and unsealed, chosen by the user (the CLI's --no-sign). With neither
     * `sign` nor `unsigned`, the set is unsigned only when the keystore holds no key at all (the
     * CLI's default); with a key there, the job fails asking for a choice, so a set is never
     * unsigned by accident.
     */
    unsigned: z.boolean().optional(),
    /** RFC 3161 TSAs asked for a token over the tag manifest; the network is used only when given. */
    tsaUrls: z.array(TsaUrlSchema).max(10).optional(),
    /** Language of evidence/custody-report.pdf and .html; default the app's language, else en. */
    lang: LanguageSchema.optional(),
  })
    .refine((r) => (r.itemIds === undefined) !== (r.filter === undefined), 'give exactly one of itemIds and filter')
    // A public release leaves sensitive people out; asking for both would be a contradiction, and
    // guessing which was meant could publish what should not be.
    .refine((r) => !r.includeWithheldMedia?.length || r.redactPeople, {
      message: 'includeWithheldMedia applies to a public release (redactPeople) only; a full set leaves no item out',
      path: ['includeWithheldMedia'],
    })
    .refine((r) => !r.redactedMedia || r.redactPeople, { message: 'redactedMedia applies to a public release (redactPeople) only', path: ['redactedMedia'] })
    .refine((r) => !(r.sign && r.unsigned), { message: 'give sign (a key and its passphrase) or unsigned, not both', path: ['unsigned'] })
    .refine((r) => !(r.redactPeople && r.includeSensitive), {
      message: 'choose redactPeople (a public release, which never names people flagged sensitive) or includeSensitive (a full set), not both',
      path: ['includeSensitive'],
    }),
  z.strictObject({
    kind: z.literal('verifyBag'),
    dir: PathSchema,
    /** The fingerprint the sender gave by another way (the CLI's --expect-key): the set must be signed by that key. */
    expectKey: FingerprintSchema.optional(),
    /** A PEM file of the time-stamping authorities the user trusts (the CLI's --tsa-ca); default the chain the bag carries. */
    tsaCaFile: PathSchema.optional(),
  }),
  z.strictObject({ kind: z.literal('derivatives') }),
]);
export type JobRequest = z.infer<typeof JobRequestSchema>;

export const IngestFileResultSchema = z.object({
  path: z.string(),
  pathBytes: z.string().optional(),
  status: z.enum(['added', 'duplicate', 'skipped', 'failed']),
  sha256: z.string().optional(),
  itemId: z.number().optional(),
  bytes: z.number().optional(),
  kind: KindSchema.optional(),
  reason: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});
export type IngestFileResultDto = z.infer<typeof IngestFileResultSchema>;

/** Job progress as the window shows it: counts plus rate (bytes/s) and time left (s). */
export const JobProgressViewSchema = JobProgressSchema.extend({
  rateBytesPerSec: z.number().nullable(),
  etaSec: z.number().nullable(),
});
export type JobProgressView = z.infer<typeof JobProgressViewSchema>;

export const IngestResultSchema = z.object({
  interrupted: z.boolean(),
  /**
   * Cancelled while the folders were still being listed: no file was processed, and
   * `counts.notProcessed` is only what the listing had found by then, not how many files remain.
   */
  walkInterrupted: z.boolean(),
  counts: z.object({ added: z.number(), duplicate: z.number(), skipped: z.number(), failed: z.number(), notProcessed: z.number() }),
  bytesIngested: z.number(),
  files: z.array(IngestFileResultSchema),
  /** Copies made on each connected replica (as the CLI's ingest does); absent without replicas. */
  replicas: z.array(z.object({ name: z.string(), copied: z.number() })).optional(),
  /** Replicas not reached or copies not made: warnings, the ingest itself is done (`evidence replica sync` later). */
  replicaWarnings: z.array(z.string()).optional(),
});
/** What a failed fixity check of one object found (common/fixity.ts FixityFinding). */
export const FixityFindingSchema = z.object({
  kind: z.enum(['altered', 'missing', 'unreadable', 'catalog', 'unrecorded-change']),
  object: z.string().optional(),
  expected: z.record(z.string(), z.string()).optional(),
  found: z.record(z.string(), z.string()).optional(),
  expectedBytes: z.number().optional(),
  foundBytes: z.number().optional(),
  error: z.string().optional(),
  previous: z.enum(['altered', 'missing', 'unreadable']).optional(),
  previousCheckedAt: z.string().optional(),
  previousSeq: z.number().optional(),
  notAFile: z.enum(['symbolic link', 'folder', 'named pipe', 'socket', 'device']).optional(),
  linkTarget: z.string().optional(),
});
export const FixityResultSchema = z.object({
  /** False for a check that was interrupted, whatever it found. */
  ok: z.boolean(),
  /**
   * Cancelled before every item was re-hashed: the archive is not verified, and `problems` holds
   * only what was found before the stop (an empty list then proves nothing).
   */
  interrupted: z.boolean(),
  itemsChecked: z.number(),
  /** Items in the archive when the check started: `itemsChecked` of them were re-hashed (fewer when interrupted). */
  itemsTotal: z.number(),
  bytesChecked: z.number(),
  /** Custody log rows recomputed: the log before this check appended its own events. */
  custodyRowsChecked: z.number(),
  /** The head of the log that was recomputed, before this check's events (null for an empty log). */
  chainHeadBefore: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  /** `fixity check` events this check appended (one for the run, one per failure); 0 when unrecorded or unfinished. */
  custodyEventsAdded: z.number(),
  /** The head of the log when the check ended, after its own events when it was recorded. */
  chainHead: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  /**
   * Every problem found. An item's failure (core/verify/fixity.ts FixityProblem) also carries the
   * item, what was found (common/fixity.ts FixityFinding), its original file name and source path
   * (first sighting), and its reel or card (null: none recorded), so the window can say which
   * file, from where, and what to do.
   */
  problems: z.array(z.object({
    kind: z.string(), seq: z.number().optional(), reason: z.string(),
    itemId: z.number().optional(), sha256: z.string().optional(), path: z.string().optional(),
    finding: FixityFindingSchema.optional(),
    fileName: z.string().optional(), sourcePath: z.string().optional(), reel: z.string().nullable().optional(),
  })),
  startedAt: z.string(),
  finishedAt: z.string(),
  /** The fixity check run (issue 15 §2; core/verify/fixity.ts RunReport): its id, whether it resumed an unfinished one, its counts and Merkle root. */
  run: z.object({
    id: z.number(),
    resumed: z.boolean(),
    checkedBefore: z.number(),
    sessions: z.number(),
    wholeArchive: z.boolean(),
    scope: z.object({
      filters: z.object({ since: z.string().optional(), olderThan: z.string().optional(), sample: z.number().optional(), items: z.array(z.number()).optional(), reels: z.array(z.string()).optional() }),
      checkedBefore: z.string().optional(),
      sampleSeed: z.string().optional(),
    }),
    startedAt: z.string(),
    itemsSelected: z.number(),
    bytesSelected: z.number(),
    passed: z.number(),
    failed: z.record(z.string(), z.number()),
    merkle: z.object({ format: z.string(), leaves: z.number(), root: z.string() }),
    eventSeq: z.number().nullable(),
    /** fixity9: the run's interruptions, the items re-hashed in this sitting, those standing from before the interruption and how they were re-checked. */
    interruptions: z.array(z.object({ stoppedAt: z.string(), resumedAt: z.string() })).optional(),
    hashedNow: z.number().optional(),
    checkedEarlier: z.object({ items: z.number(), bytes: z.number(), firstCheckedAt: z.string(), lastCheckedAt: z.string() }).optional(),
    recheck: z.object({
      examined: z.number(), kept: z.number(), changed: z.number(), old: z.number(), asked: z.number(), failed: z.number(), bytesCleared: z.number(),
      policy: z.object({ all: z.boolean(), maxAgeHours: z.number() }),
    }).optional(),
  }).optional(),
  /** Passing items whose object file was replaced by a file of the same content (not failures). */
  notes: z.array(z.object({ kind: z.string(), itemId: z.number(), sha256: z.string(), fileName: z.string().optional() })).optional(),
  /** A run left unfinished that `restart` closed (recorded with outcome "interrupted") before this one started. */
  abandonedRun: z.object({ id: z.number(), eventSeq: z.number().nullable() }).optional(),
  /**
   * Absolute paths of intact copies at their own content address that no item records (an
   * interrupted ingest stored them before recording them). Notes, not problems: `ok` ignores them.
   */
  unrecordedCopies: z.array(z.string()),
  /** Set when the check could not be written to the custody log (the findings hold all the same). */
  unrecordedBecause: z.enum(['read-only', 'disk-full']).optional(),
  /**
   * The seals of the custody chain (core/verify/fixity.ts SealsSummary); each broken seal is also
   * in `problems` as kind "seal" with its row in `seq`.
   */
  seals: z.object({
    count: z.number().int().nonnegative(),
    signed: z.number().int().nonnegative(),
    signers: z.array(z.string()),
    latest: z.object({ seq: z.number(), signer: z.string().nullable(), sealedAt: z.string().nullable(), holds: z.boolean() }).nullable(),
    rootChecked: z.number().nullable(),
    firstBroken: z.number().nullable(),
  }),
});
/** An item a public release leaves out, and why (common/public-release.ts WithheldMedia). */
export const WithheldMediaSchema = z.object({
  id: z.number(),
  sha256: z.string(),
  fileName: z.string(),
  reasons: z.array(z.enum(WITHHOLD_REASONS)),
  reasonText: z.string(),
});
export type WithheldMediaDto = z.infer<typeof WithheldMediaSchema>;

/**
 * An item a set of redacted copies would leave out because no redacted copy can be made of its
 * type (core/redact/release.ts unredactableItems: an XMP sidecar, audio, a PDF, a text note):
 * its first sighting's file name and its MIME type.
 */
export const UnredactableItemSchema = z.object({ id: z.number(), fileName: z.string(), mime: z.string().nullable() });
export type UnredactableItemDto = z.infer<typeof UnredactableItemSchema>;

/** What a public release's files would still carry (core/service/release-risks.ts ReleaseRisks). */
export const ReleaseRisksSchema = z.object({
  items: z.number(),
  withGps: z.number(),
  withSerial: z.number(),
  mayShowFaces: z.number(),
  linkedToPeople: z.number(),
  redacted: z.object({ itemsWithRedacted: z.number(), itemsWithout: z.number() }),
});
export type ReleaseRisksDto = z.infer<typeof ReleaseRisksSchema>;

export const ExportResultSchema = z.object({
  exportId: z.string(),
  bagDir: z.string(),
  zip: z.object({ zipPath: z.string(), sha256: z.string(), bytes: z.number() }).nullable(),
  items: z.number(),
  payloadOxum: z.string(),
  tagManifestSha256: z.string(),
  /** True when the set was made for public release (the request's redactPeople; bag-info.txt says Evidence-Redaction). */
  redactPeople: z.boolean(),
  /** Items of the selection a public release left out, and why (empty for a full set). */
  withheldMedia: z.array(WithheldMediaSchema),
  /** Items a public release would have left out, sent because the user chose each (includeWithheldMedia). */
  includedWithheldMedia: z.array(WithheldMediaSchema),
  /**
   * Items a set of redacted copies (redactedMedia) left out because no copy could be made of them
   * (an XMP sidecar, audio, a PDF: core/redact/release.ts LeftOutItem); absent when none.
   */
  leftOutUnredacted: z.array(z.object({
    id: IdSchema, sha256: z.string(), fileName: z.string(), mime: z.string().nullable(),
    reason: z.enum(['cannot-redact', 'redaction-failed']), reasonText: z.string(),
  })).optional(),
  /** The key that signed the set (read its fingerprint out to the recipient), or null for an unsigned set. */
  signer: z.object({ fingerprint: z.string(), identity: z.string() }).nullable(),
  /** The seal made before the export: the custody row it seals, that row's hash, the Merkle root of rows 1..seq; null when unsigned. */
  seal: z.object({ seq: z.number(), head: z.string(), merkleRoot: z.string() }).nullable(),
  /** One outcome per TSA asked: its token's time and bag file, or its error (the export never fails for a TSA). */
  timestamps: z.array(z.object({ url: z.string(), ok: z.boolean(), genTime: z.string().optional(), file: z.string().optional(), error: z.string().optional() })),
  /** Exports a killed run left unfinished, dealt with before this one (export/recovery.ts); absent when none. */
  recovered: z.array(z.object({
    exportId: z.string(), bagDir: z.string(), outcome: z.enum(['abandoned', 'finished', 'unfinished']),
    removed: z.array(z.string()), done: z.array(z.string()), problems: z.array(z.string()),
  })).optional(),
});
export type ExportResultDto = z.infer<typeof ExportResultSchema>;
export const BagResultSchema = z.object({
  valid: z.boolean(),
  bagDir: z.string(),
  payloadFiles: z.number(),
  payloadBytes: z.number(),
  problems: z.array(z.object({ file: z.string().optional(), seq: z.number().optional(), reason: z.string() })),
  tagManifestSha256: z.string().nullable(),
  /** One line per check (core/verify/bag-trust.ts TrustCheck): files first, then signatures, timestamps, custody seal. */
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), warning: z.boolean().optional(), detail: z.string() })),
  /** The answer for a person: valid only when signed by the expected key, sealed and time-stamped. */
  verdict: z.object({ level: z.enum(['valid', 'intact-unproven', 'invalid']), sentence: z.string() }),
  signer: z.object({ fingerprint: z.string(), identity: z.string(), openPgpFingerprint: z.string().optional() }).nullable(),
  signatureStatus: z.enum(['not-signed', 'invalid', 'unpinned', 'pinned']),
  sealed: z.boolean(),
  timestamps: z.array(z.object({ name: z.string(), genTime: z.string().optional() })),
});
export const DerivativesResultSchema = z.object({ made: z.number(), existing: z.number(), unsupported: z.number(), failed: z.number() });

/** The final result of a job, tagged with its kind. */
export const JobResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ingest'), report: IngestResultSchema }),
  z.object({ kind: z.literal('verifyArchive'), report: FixityResultSchema }),
  z.object({ kind: z.literal('export'), report: ExportResultSchema }),
  z.object({ kind: z.literal('verifyBag'), report: BagResultSchema }),
  z.object({ kind: z.literal('derivatives'), report: DerivativesResultSchema }),
]);
export type JobResult = z.infer<typeof JobResultSchema>;

export const JobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const JobInfoSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  state: JobStateSchema,
  startedAt: z.string(),
  progress: JobProgressViewSchema.nullable(),
  result: JobResultSchema.nullable(),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
});
export type JobInfo = z.infer<typeof JobInfoSchema>;

/** Events pushed to the window while jobs run. */
export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('state'), job: JobInfoSchema }),
  z.object({ type: z.literal('progress'), jobId: z.string(), kind: z.enum(JOB_KINDS), progress: JobProgressViewSchema }),
  z.object({ type: z.literal('file'), jobId: z.string(), kind: z.enum(JOB_KINDS), file: IngestFileResultSchema }),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;

// ---------------------------------------------------------------------------------------------
// The map

/** A gazetteer place with a position (core/catalog/map-query.ts MapPlace). */
export const MapPlaceSchema = z.object({
  id: z.string(), nameEn: z.string(), nameRu: z.string().nullable(), nameKy: z.string().nullable(), kind: z.string(),
  district: z.string().nullable(), lat: z.number(), lon: z.number(), itemCount: z.number(),
});
export type MapPlace = z.infer<typeof MapPlaceSchema>;
/** A grid cell of items with GPS: mean position, count, the item's id when it holds one. */
export const MapClusterSchema = z.object({ lat: z.number(), lon: z.number(), n: z.number(), id: IdSchema.nullable() });
export type MapCluster = z.infer<typeof MapClusterSchema>;
/** An item whose GPS lies far from a place it is tagged to; distance in metres. */
export const GpsMismatchSchema = z.object({
  itemId: IdSchema, sha256: z.string(), name: z.string(), itemLat: z.number(), itemLon: z.number(), placeId: z.string(),
  placeNameEn: z.string(), placeNameRu: z.string().nullable(), placeNameKy: z.string().nullable(), placeLat: z.number(), placeLon: z.number(), distanceM: z.number(),
});
export type GpsMismatch = z.infer<typeof GpsMismatchSchema>;

// ---------------------------------------------------------------------------------------------
// The channels

const Empty = z.strictObject({});
const Nothing = z.null();

/**
 * Every channel: name → { input, output } schemas. Channels under `dialog.` and `clipboard.` are
 * answered by the host process itself (Electron main or the test host); the rest by the archive
 * service.
 */
/** A box to blur on a redacted copy (core/redact/face-port.ts Region): pixels of the upright picture; seconds for video. */
export const RegionSchema = z.strictObject({
  x: z.number().finite().min(0),
  y: z.number().finite().min(0),
  w: z.number().finite().min(1),
  h: z.number().finite().min(1),
  fromSec: z.number().finite().min(0).optional(),
  toSec: z.number().finite().min(0).optional(),
  label: z.string().max(200).optional(),
}).refine((r) => r.fromSec === undefined || r.toSec === undefined || r.toSec >= r.fromSec, 'toSec is before fromSec');
export type RegionDto = z.infer<typeof RegionSchema>;

/** An item's drawn regions and the upright picture size they are measured in (null when unknown). */
export const ItemRegionsSchema = z.object({
  regions: z.array(RegionSchema),
  size: z.object({ width: z.number(), height: z.number() }).nullable(),
});

/** A redacted copy as the Item screen shows it. */
export const DerivativeDtoSchema = z.object({
  sha256: Sha256, bytes: z.number(), mime: z.string(), createdAt: z.string(), actor: z.string(), blurFaces: z.boolean(), blurredBoxes: z.number(), reused: z.boolean().optional(),
});

export const CHANNELS = {
  'app.info': { input: Empty, output: z.object({ version: z.string(), platform: z.string(), packaged: z.boolean() }) },
  'settings.get': { input: Empty, output: SettingsSchema },
  'settings.set': {
    input: z.strictObject({
      operator: z.string().max(200).optional(), language: LanguageSchema.nullable().optional(),
      tsaUrls: z.array(TsaUrlSchema).max(10).optional(), signingKey: KeyNameSchema.nullable().optional(),
      gpsMismatchKm: z.number().positive().max(20_000).optional(),
    }),
    output: SettingsSchema,
  },

  // `passphrase`: of an encrypted catalog (CATALOG_LOCKED without it); asked only after that answer.
  'archive.open': { input: z.strictObject({ dir: PathSchema, create: z.boolean(), passphrase: PassphraseSchema.optional() }), output: ArchiveInfoSchema },
  'archive.current': { input: Empty, output: ArchiveInfoSchema.nullable() },
  'archive.close': { input: Empty, output: Nothing },

  'items.list': { input: z.strictObject({ filter: ItemFilterSchema, sort: SortSchema }), output: z.object({ total: z.number(), items: z.array(ItemSummarySchema) }) },
  /**
   * The Library at any size: `items.view` orders the matches of a filter once and answers their
   * count and a view id; `items.page` then reads any window of that view (what the virtualized
   * grid shows), `items.ids` the ids of a range or of all of it (select all, Shift-click). A view
   * keeps the order and the items of when it was made; an expired view answers NOT_FOUND (make a
   * new one). `items.count` counts a filter's matches without ordering them. `items.view` with
   * `first: n` answers the view's first n summaries too (`items`), as items.page would: the
   * Library draws its first tiles without a second round trip.
   */
  'items.view': {
    input: z.strictObject({ filter: ItemFilterSchema, sort: SortSchema, group: GroupSchema.optional(), first: z.number().int().min(1).max(1000).optional() }),
    output: z.object({ view: z.string(), total: z.number(), groups: z.array(ItemGroupSchema).optional(), items: z.array(ItemSummarySchema).optional() }),
  },
  /** Makes (once) and describes the contact sheet of a video item (derivatives/filmstrip.ts); served as media variant `sheet`. */
  'items.contactSheet': { input: z.strictObject({ id: IdSchema }), output: z.object({ frames: z.number(), bytes: z.number() }) },
  'items.page': {
    input: z.strictObject({ view: z.string().min(1).max(100), offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }),
    output: z.object({ items: z.array(ItemSummarySchema) }),
  },
  'items.ids': {
    input: z.strictObject({ view: z.string().min(1).max(100), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).optional() }),
    output: z.object({ ids: z.array(IdSchema) }),
  },
  'items.count': { input: z.strictObject({ filter: ItemFilterSchema }), output: z.object({ total: z.number() }) },
  'items.get': { input: z.strictObject({ id: IdSchema }), output: ItemDetailSchema },
  'items.facets': { input: Empty, output: FacetsSchema },

  'catalog.available': { input: Empty, output: z.object({ entities: z.array(CatalogEntitySchema), tagging: z.boolean(), suggestions: z.boolean() }) },
  'catalog.list': { input: z.strictObject({ entity: CatalogEntitySchema }), output: z.array(CatalogRowSchema) },
  'catalog.get': { input: z.strictObject({ entity: CatalogEntitySchema, id: CatalogIdSchema }), output: CatalogRowSchema },
  'catalog.create': { input: z.strictObject({ data: CatalogInputSchema }), output: CatalogRowSchema },
  'catalog.update': { input: z.strictObject({ id: CatalogIdSchema, data: CatalogInputSchema }), output: CatalogRowSchema },
  'catalog.link': {
    input: z.strictObject({
      itemIds: z.array(IdSchema).min(1).max(100_000),
      entity: CatalogEntitySchema,
      id: CatalogIdSchema,
      linked: z.boolean(),
      /** A person's role in these items; required when linking a person. */
      role: z.enum(PERSON_ROLES).optional(),
    }).refine((r) => r.entity !== 'person' || r.role !== undefined, { message: 'a person link needs a role', path: ['role'] }),
    output: Nothing,
  },
  'catalog.tag': { input: z.strictObject({ itemIds: z.array(IdSchema).min(1).max(100_000), tag: z.string().trim().min(1).max(200), tagged: z.boolean() }), output: Nothing },
  'catalog.describe': { input: DescribeItemInputSchema, output: DescribeItemResultSchema },
  'catalog.suggestPlaces': { input: z.strictObject({ id: IdSchema }), output: z.array(PlaceSuggestionSchema) },

  /** The Map screen (issue 16 §3): gazetteer places with a position, items with GPS in a box binned into cells, GPS far from the tagged place. */
  'map.places': { input: Empty, output: z.array(MapPlaceSchema) },
  'map.points': {
    input: z.strictObject({ bounds: GeoBoundsSchema, cellDeg: z.number().positive().max(360), limit: z.number().int().min(1).max(20_000).optional() }),
    output: z.object({ total: z.number(), clusters: z.array(MapClusterSchema), truncated: z.boolean() }),
  },
  'map.mismatches': {
    input: z.strictObject({ maxKm: z.number().positive().max(20_000), itemId: IdSchema.optional(), offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional() }),
    output: z.object({ total: z.number(), rows: z.array(GpsMismatchSchema) }),
  },

  'keys.list': { input: Empty, output: z.object({ dir: z.string(), keys: z.array(KeyInfoSchema) }) },
  'keys.create': { input: z.strictObject({ name: KeyNameSchema, passphrase: PassphraseSchema.min(8) }), output: KeyInfoSchema },
  /** Whether `passphrase` unlocks the key `name`: answers its info, or WRONG_PASSPHRASE. */
  'keys.check': { input: z.strictObject({ name: KeyNameSchema, passphrase: PassphraseSchema }), output: KeyInfoSchema },

  /**
   * The items of a selection (ids, or the items a filter matches now) that a public release would
   * leave out, and why, by id: for the Export screen to list before the user exports.
   */
  'export.withheld': {
    input: z.strictObject({ itemIds: z.array(IdSchema).min(1).max(1_000_000).optional(), filter: ItemFilterSchema.optional() })
      .refine((r) => (r.itemIds === undefined) !== (r.filter === undefined), 'give exactly one of itemIds and filter'),
    output: z.array(WithheldMediaSchema),
  },
  /**
   * What the originals of a selection (ids, or the items a filter matches now) would carry into a
   * public release: counts of items with GPS in their metadata, with a serial number, photos and
   * videos that may show faces, items linked to people, and how many have a redacted copy
   * (core/service/release-risks.ts). For the Export screen to say before the user publishes.
   */
  'export.releaseRisks': {
    input: z.strictObject({ itemIds: z.array(IdSchema).min(1).max(1_000_000).optional(), filter: ItemFilterSchema.optional() })
      .refine((r) => (r.itemIds === undefined) !== (r.filter === undefined), 'give exactly one of itemIds and filter'),
    output: ReleaseRisksSchema,
  },
  /**
   * Of a selection (ids, or the items a filter matches now), the items a set of redacted copies
   * (the export request's redactedMedia) would leave out because this build cannot redact their
   * type, by the rule the export itself applies (core/redact/release.ts unredactableItems); in
   * the order given. Reads only. For the Export screen to say before the user exports.
   */
  'export.unredactable': {
    input: z.strictObject({ itemIds: z.array(IdSchema).min(1).max(1_000_000).optional(), filter: ItemFilterSchema.optional() })
      .refine((r) => (r.itemIds === undefined) !== (r.filter === undefined), 'give exactly one of itemIds and filter'),
    output: z.array(UnredactableItemSchema),
  },
  'jobs.start': { input: JobRequestSchema, output: z.object({ jobId: z.string() }) },
  'jobs.cancel': { input: z.strictObject({ jobId: z.string().min(1).max(100) }), output: z.object({ cancelled: z.boolean() }) },
  'jobs.list': { input: Empty, output: z.array(JobInfoSchema) },

  'dialog.pickFolder': { input: z.strictObject({ purpose: z.enum(['archive', 'import', 'exportDest', 'bag']) }), output: z.object({ paths: z.array(z.string()) }) },
  'dialog.pickFiles': { input: Empty, output: z.object({ paths: z.array(z.string()) }) },
  'clipboard.write': { input: z.strictObject({ text: z.string().max(100_000) }), output: Nothing },
  'redact.regions': { input: z.strictObject({ id: IdSchema }), output: ItemRegionsSchema },
  'redact.setRegions': { input: z.strictObject({ id: IdSchema, regions: z.array(RegionSchema).max(500) }), output: ItemRegionsSchema },
  'redact.copies': { input: z.strictObject({ id: IdSchema }), output: z.array(DerivativeDtoSchema) },
  'redact.make': {
    input: z.strictObject({ id: IdSchema, blurFaces: z.boolean(), mode: z.enum(['blur', 'pixelate']).default('blur'), date: z.enum(['keep', 'day', 'month', 'year', 'drop']).default('keep') }),
    output: DerivativeDtoSchema,
  },
} as const;

export type Channel = keyof typeof CHANNELS;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];
export type ChannelInput<C extends Channel> = z.input<(typeof CHANNELS)[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<(typeof CHANNELS)[C]['output']>;

/** Channels answered by the host process itself, not by the archive service. */
export const HOST_CHANNELS = ['dialog.pickFolder', 'dialog.pickFiles', 'clipboard.write'] as const;
export type HostChannel = (typeof HOST_CHANNELS)[number];
/** Channels the archive service answers. */
export type ServiceChannel = Exclude<Channel, HostChannel>;
export const isHostChannel = (c: Channel): c is HostChannel => (HOST_CHANNELS as readonly string[]).includes(c);
/** A channel's input after validation (defaults applied, strings trimmed). */
export type ParsedInput<C extends Channel> = z.output<(typeof CHANNELS)[C]['input']>;

/** The IPC channel name an Electron channel is registered under (a prefix keeps ours apart). */
export const ipcName = (c: Channel): string => `evidence:${c}`;
/** The push channel job events travel on. */
export const JOB_EVENT_CHANNEL = 'evidence:job-event';

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CHANNELS, name);
}

/**
 * Validates `input` against `channel`'s input schema. Returns the parsed value or an
 * INVALID_INPUT / UNKNOWN_CHANNEL failure whose message names the offending fields.
 */
export function parseInput<C extends Channel>(channel: C | string, input: unknown): Result<ParsedInput<C>> {
  if (!isChannel(channel)) return fail('UNKNOWN_CHANNEL', `unknown channel ${JSON.stringify(channel)}`);
  const r = CHANNELS[channel].input.safeParse(input ?? {});
  if (!r.success) return fail('INVALID_INPUT', `${channel}: ${r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`);
  return ok(r.data as ParsedInput<C>);
}

/**
 * The typed API the preload exposes as `window.evidence` (and the test host's preload too):
 * one function per channel, each answering a Result, plus job-event subscription and the path
 * of a dropped file (Electron's webUtils; '' where unknown).
 */
export type EvidenceApi = {
  [C in Channel]: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
} & {
  onJobEvent(listener: (ev: JobEvent) => void): () => void;
  pathForFile(file: unknown): string;
  /** The URL the window loads an item's original or thumbnail from (evidence-media:// in the app). */
  mediaUrl(variant: MediaUrlVariant, id: number): string;
};

/** What a media URL can name: the original, its thumbnail/poster, a clip's scrub strip or contact sheet. */
export type MediaUrlVariant = 'original' | 'thumb' | 'strip' | 'sheet';

/** The media URL of the desktop app: `evidence-media://<variant>/<id>` (core/media/resolve.ts). */
export const appMediaUrl = (variant: MediaUrlVariant, id: number): string => `evidence-media://${variant}/${id}`;
