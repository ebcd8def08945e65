// Case-model types and their validation schemas (issue #3), shared by core, CLI, main and
// renderer. zod validates at the boundaries (CLI options, IPC, imported files), so a bad value is
// refused with a field name before it reaches SQL. No node:*, no DOM, no 'electron' here.
import { z } from 'zod';

/**
 * Roles a person can have in an item (issues #3 and 15 §4), in the order forms offer them:
 * depicts (seen or heard in it), victim, witness, testimony of (the interviewee giving it),
 * recorded by (who filmed, photographed or recorded it), mentioned, medical record of, property
 * of. Catalogs from before issue 15 hold only depicts, testimony of, medical record of and
 * property of, which keep their meaning.
 */
export const PERSON_ROLES = ['depicts', 'victim', 'witness', 'testimony of', 'recorded by', 'mentioned', 'medical record of', 'property of'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/**
 * Other words a user may type for a role (CLI `--person ID:role`), each standing for a
 * PERSON_ROLES value: "interviewee" for testimony of, "filmed by" and "photographed by" for
 * recorded by, "depicted" for depicts.
 */
export const PERSON_ROLE_ALIASES: Readonly<Record<string, PersonRole>> = {
  interviewee: 'testimony of', 'filmed by': 'recorded by', 'photographed by': 'recorded by', depicted: 'depicts',
};

/** What happened to a person; more than one may hold. */
export const PERSON_STATUSES = ['killed', 'injured', 'missing', 'held captive', 'displaced', 'property destroyed'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** Consent to publication of a person's identity. */
export const CONSENT_VALUES = ['given', 'refused', 'unknown'] as const;
export type Consent = (typeof CONSENT_VALUES)[number];

export const SEX_VALUES = ['female', 'male', 'unknown'] as const;
export type Sex = (typeof SEX_VALUES)[number];

/** Incident types seen in the 2021/2022 reports; `other` for anything else. */
export const INCIDENT_TYPES = ['shelling', 'gunfire', 'arson', 'looting', 'hostage-taking', 'drone strike', 'killing', 'injury', 'destruction of property', 'displacement', 'other'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** A place id: lowercase ASCII slug (the gazetteer CSV's `id` column form). */
export const placeIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/u, 'a place id is a lowercase ASCII slug like "kok-tash-batken"').max(80);

/** True when year-month-day exist in the proleptic Gregorian calendar (no 2021-02-29, no month 13). */
function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

/**
 * Today's date (YYYY-MM-DD) in the time zone furthest ahead (UTC+14), so that a date that is
 * already today somewhere on Earth is never called "in the future".
 */
function latestToday(): string {
  return new Date(Date.now() + 14 * 3600_000).toISOString().slice(0, 10);
}

const PARTIAL_DATE_RE = /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$/u;

/** A calendar date or a partial one: YYYY, YYYY-MM or YYYY-MM-DD (ISO 8601), and a day that exists (no 1990-02-30). */
export const partialDateSchema = z.string()
  .regex(PARTIAL_DATE_RE, 'expected an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD')
  // Each refinement passes what the regex already refused, so one bad value gets one message.
  .refine((v) => !PARTIAL_DATE_RE.test(v) || v.length < 10 || isCalendarDate(Number(v.slice(0, 4)), Number(v.slice(5, 7)), Number(v.slice(8, 10))), {
    message: 'no such day in the calendar (e.g. February 30)',
  });

/** A partial date (see partialDateSchema) that is not after today (birth dates). */
export const pastPartialDateSchema = partialDateSchema.refine((v) => !PARTIAL_DATE_RE.test(v) || v <= latestToday().slice(0, v.length), { message: 'cannot be in the future' });

const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/u;

/**
 * An ISO 8601 date or date-time (offset optional) that exists: a real calendar day, hours 00–23
 * (24:00 is not accepted), minutes 00–59, seconds 00–60 (leap second), offset at most ±14:00.
 */
export const dateTimeSchema = z.string().regex(DATE_TIME_RE, 'expected an ISO 8601 date or date-time').refine((v) => {
  const m = DATE_TIME_RE.exec(v);
  if (!m) return true; // the regex above already reports it
  const [, y, mo, d, h, mi, sec, , oh, om] = m;
  if (!isCalendarDate(Number(y), Number(mo), Number(d))) return false;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (sec !== undefined && Number(sec) > 60))) return false;
  return oh === undefined || (Number(oh) * 60 + Number(om) <= 14 * 60 && Number(om) < 60);
}, { message: 'no such date or time (month 1–12, a day the month has, hours 00–23, minutes 00–59, offset within ±14:00)' });

/**
 * Throws Error "<option> <value>: …" unless `value` is an ISO 8601 date or date-time that exists
 * (dateTimeSchema, as incidents are checked): the item filter's --from/--to, so that 2021-02-30 or
 * 25:99 is refused instead of silently compared as text.
 */
export function checkFilterDate(option: string, value: string): void {
  const r = dateTimeSchema.safeParse(value);
  if (!r.success) throw new Error(`${option} ${value}: ${r.error.issues[0]?.message ?? 'expected an ISO 8601 date or date-time'}`);
}

const latSchema = z.number().min(-90).max(90);
const lonSchema = z.number().min(-180).max(180);

/** Fields of a place a user or an import may set. Degrees WGS84; both coordinates or neither. */
export const placeInputSchema = z.object({
  id: placeIdSchema.optional(),
  nameEn: z.string().trim().min(1, 'a place needs an English/Latin name').max(200),
  nameKy: z.string().trim().max(200).nullable().optional(),
  nameRu: z.string().trim().max(200).nullable().optional(),
  altNames: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
  /** ISO 3166-1 alpha-2, upper case. */
  country: z.string().regex(/^[A-Z]{2}$/u, 'country is an ISO 3166-1 alpha-2 code such as KG or TJ').optional(),
  district: z.string().trim().max(200).nullable().optional(),
  ayilAymak: z.string().trim().max(200).nullable().optional(),
  /** village, hamlet, town, street, building, school, … (free, lower case). */
  kind: z.string().trim().toLowerCase().min(1).max(40).optional(),
  parentId: placeIdSchema.nullable().optional(),
  lat: latSchema.nullable().optional(),
  lon: lonSchema.nullable().optional(),
  coordSource: z.string().max(1000).nullable().optional(),
  coordLicence: z.string().max(100).nullable().optional(),
  coordAttribution: z.string().max(1000).nullable().optional(),
  notes: z.string().max(10000).nullable().optional(),
}).refine((p) => (p.lat === undefined || p.lat === null) === (p.lon === undefined || p.lon === null), { message: 'give both lat and lon, or neither', path: ['lat'] });
export type PlaceInput = z.infer<typeof placeInputSchema>;

/** A stored place. Coordinates in decimal degrees WGS84, or null when no redistributable source had one. */
export interface Place {
  id: string;
  nameEn: string;
  nameKy: string | null;
  nameRu: string | null;
  altNames: string[];
  country: string;
  district: string | null;
  ayilAymak: string | null;
  kind: string;
  parentId: string | null;
  lat: number | null;
  lon: number | null;
  coordSource: string | null;
  coordLicence: string | null;
  coordAttribution: string | null;
  notes: string | null;
  /** Source-specific fields kept verbatim (e.g. the gazetteer's affected_2021 flags). */
  extra: Record<string, string>;
  /** seed (shipped gazetteer), user, or import. */
  origin: string;
  /** Set when this place was merged into another; listings hide it, references follow it. */
  mergedInto: string | null;
  createdAt: string;
  updatedAt: string;
}

export const personInputSchema = z.object({
  /** Name as written, usually Cyrillic. */
  name: z.string().trim().min(1, 'a person needs a name').max(300),
  nameLatin: z.string().trim().max(300).nullable().optional(),
  sex: z.enum(SEX_VALUES).nullable().optional(),
  /** Not in the future. */
  birthDate: pastPartialDateSchema.nullable().optional(),
  /** Age in whole years at the time of harm, when the birth date is unknown. */
  ageAtHarm: z.number().int().min(0).max(130).nullable().optional(),
  residencePlaceId: placeIdSchema.nullable().optional(),
  statuses: z.array(z.enum(PERSON_STATUSES)).max(PERSON_STATUSES.length).optional(),
  harmDate: partialDateSchema.nullable().optional(),
  description: z.string().max(20000).nullable().optional(),
  consent: z.enum(CONSENT_VALUES).optional(),
  sensitive: z.boolean().optional(),
  /** Identifier in the source spreadsheet or another register. */
  externalId: z.string().trim().min(1).max(200).nullable().optional(),
});
export type PersonInput = z.infer<typeof personInputSchema>;

/** A victim or witness. Dates are ISO 8601 (possibly partial: YYYY or YYYY-MM). */
export interface Person {
  id: number;
  name: string;
  nameLatin: string | null;
  sex: Sex | null;
  birthDate: string | null;
  ageAtHarm: number | null;
  residencePlaceId: string | null;
  statuses: PersonStatus[];
  harmDate: string | null;
  description: string | null;
  consent: Consent;
  sensitive: boolean;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const incidentInputSchema = z.object({
  title: z.string().trim().min(1, 'an incident needs a title').max(500),
  type: z.enum(INCIDENT_TYPES),
  startedAt: dateTimeSchema.nullable().optional(),
  endedAt: dateTimeSchema.nullable().optional(),
  placeIds: z.array(placeIdSchema).max(200).optional(),
  description: z.string().max(20000).nullable().optional(),
});
export type IncidentInput = z.infer<typeof incidentInputSchema>;

export interface Incident {
  id: number;
  title: string;
  type: IncidentType;
  startedAt: string | null;
  endedAt: string | null;
  placeIds: string[];
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export const caseInputSchema = z.object({
  /** Who opened the case, e.g. "Prosecutor General's Office of the Kyrgyz Republic". */
  authority: z.string().trim().min(1, 'a case reference needs an authority').max(500),
  caseNumber: z.string().trim().min(1, 'a case reference needs a case number').max(100),
  /** Criminal Code articles as cited, e.g. "130 part 2". */
  articles: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
  openedOn: partialDateSchema.nullable().optional(),
  description: z.string().max(20000).nullable().optional(),
});
export type CaseInput = z.infer<typeof caseInputSchema>;

export interface CaseRef {
  id: number;
  authority: string;
  caseNumber: string;
  articles: string[];
  openedOn: string | null;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Everything an item is tagged with; the before/after value of a `metadata modification` event. */
export interface ItemTags {
  places: string[];
  people: { id: number; role: PersonRole }[];
  incidents: number[];
  cases: number[];
  tags: string[];
  description: string | null;
  notes: string | null;
}

/** A filter over items (evidence list / export). Every field narrows the selection (AND); lists inside a field are OR. */
export interface ItemFilter {
  places?: string[];
  people?: { id: number; role?: PersonRole }[];
  incidents?: number[];
  cases?: number[];
  tags?: string[];
  kinds?: string[];
  /** ISO 8601 date or date-time; inclusive lower bound on capturedAt as stored. */
  from?: string;
  /** ISO 8601 date (whole day included) or date-time (exclusive). */
  to?: string;
  camera?: string;
  hasGps?: boolean;
  untagged?: boolean;
  search?: string;
  /** Reel names (migration 012): items with a sighting from any of them. */
  reels?: string[];
  /** C2PA Content Credentials: `absent` (none, or never checked), `valid` (valid-trusted or valid-untrusted), `valid-trusted`, `valid-untrusted`, `invalid`. */
  credentials?: 'absent' | 'valid' | 'invalid' | 'valid-trusted' | 'valid-untrusted';
}
