// What the case catalog adds to an evidence set (ExportExtras of export/evidence-set.ts): the
// payload arranged by place, the tags in items.json/items.csv, and tag files describing the
// people, places, incidents and cases the set concerns.
//
// People: an evidence set goes to an authority (ombudsman, prosecutor) who needs identities, so
// people.json holds full records by default (without pseudonym: public sets use it, and a record
// pairing both would re-identify them) — except people flagged sensitive, who appear only as
// their pseudonym with `withheld: true` unless the exporter passes includeSensitive (no public set
// gives a sensitive person, so that pseudonym links to nothing). With
// redactPeople (a set for public release) everyone is reduced as in the redacted register, and
// the rest of the set is trimmed of what could locate or name them: user-added places (a hamlet,
// a yard, often named after a family) appear as in the redacted register, under a pseudonymous id
// (placePseudonymOf) with rounded coordinates and without names, district or ayil aymak, and that
// id is what items.json/items.csv, incidents.json and the payload folder data/<id>/ use; source
// paths (folder names such as "Interview Aigul T/") are dropped; items' descriptions and notes
// (free text, which can name anyone) are left out; items list only the people people.json
// releases; seed villages are given as shipped in the gazetteer, never as users edited them; user
// places keep a kind only if the gazetteer uses it; incidents keep only structured fields and
// cases only id and opening date; and custody events that mention people, carry a source path
// (every ingestion event), an item's description or notes, a recipient (transfers, exports for a
// named recipient) or a user-added place's id are left out of the excerpt (events keep `actor`:
// the operator, staff of the archive). File names and tags stay here (they are the evidence's
// identity under data/ and in the custody log), except those naming a person flagged sensitive or
// without consent, which export/public-names.ts withholds on top of these extras (and, for redacted
// copies, all of them by default); so do items' GPS and camera serials in originals.
import type { CaseRef, Incident, Place } from '../../common/catalog.ts';
import type { WithheldMedia } from '../../common/public-release.ts';
import type { CustodyEvent } from '../../common/types.ts';
import type { ExportExtras } from '../export/evidence-set.ts';
import type { Db } from '../db/open.ts';
import { getCase } from './cases.ts';
import { catalogCsvCell, ITEMS_CSV_DECLARATION, ITEMS_CSV_ELEMENT } from './csv-names.ts';
import { getIncident } from './incidents.ts';
import { getPerson } from './people.ts';
import { shippedSeedPlaces, type SeedPlace } from './gazetteer.ts';
import { carriesMachinePath, machineFolders } from './machine-paths.ts';
import { getPlace } from './places.ts';
import { withheldBagInfo } from './public-release.ts';
import { placePseudonymOf, pseudonymKey, pseudonymOf, registerRecords } from './register.ts';
import { getItemTags } from './tagging.ts';

export interface CatalogExportOptions {
  /** Include full records of people flagged sensitive (default: pseudonym only). */
  includeSensitive?: boolean;
  /** Reduce every person to the redacted register form (public release). */
  redactPeople?: boolean;
  /**
   * With redactPeople: the archive folder, so that custody events naming it (as older fixity
   * checks did) are withheld even where it is not written as an absolute path of its own.
   */
  archiveDir?: string;
  /**
   * With redactPeople: the items of the selection left out of the set (planPublicRelease), which
   * bag-info.txt counts by reason in Evidence-Withheld-Items (withheldBagInfo).
   */
  withheldMedia?: readonly WithheldMedia[];
}

/** dirOf's answer for an item without a place: it stays in data/ itself. */
const NO_PLACE = undefined;

const PEOPLE_KEY = /^(people|persons?|personIds?)$/i;

/** True when `v`, at any depth, has a non-empty value under a key such as people, person or personId. */
export function mentionsPeople(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(mentionsPeople);
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => (PEOPLE_KEY.test(k) && !isEmpty(x)) || mentionsPeople(x));
}

// "people: []" in a tagging event's before/after names nobody; withholding it would empty the excerpt for nothing.
const isEmpty = (x: unknown) => x === null || x === undefined || x === '' || (Array.isArray(x) && x.length === 0) ||
  (typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0);

// Keys under which a custody event records where a file was read from: ingest writes sourcePath
// (ingest.ts recordNewItem, recordDuplicate); the other spellings keep the filter safe should
// another writer name it differently. sourcePathBytes is the same path as bytes (base64).
const SOURCE_PATH_KEY = /^(source|src|original)[-_]?paths?([-_]?bytes)?$/i;
// In an ingestion event, a bare `path` can only be the source's (elsewhere, e.g. in dissemination
// events, `path` is the file's place in a bag, which the set shows anyway).
const INGESTION_PATH_KEY = /^paths?$/i;

/**
 * True when custody event `e` records a source path: its detail has, at any depth, a non-empty
 * value under sourcePath (or srcPath, originalPath, sourcePaths…), or `e` is an ingestion event
 * with a non-empty `path`/`paths` at any depth. Folder names on a card ("Interview Aigul T/")
 * and the operator's own folders can name or locate people.
 */
export function carriesSourcePath(e: CustodyEvent): boolean {
  return hasKey(e.detail, (k) => SOURCE_PATH_KEY.test(k) || (e.type === 'ingestion' && INGESTION_PATH_KEY.test(k)));
}

// Keys under which a custody event names the other party of a hand-over: export (evidence-set.ts)
// and transfer (custody/transfer.ts) write `recipient`, typed by the operator ("Lawyer of …",
// "… (victim's son)"); the other spellings keep the filter safe should another writer use them.
const COUNTERPART_KEY = /^(recipients?|receivers?|received[-_]?by|receiv(ed|ing)[-_]?party|sent[-_]?to|senders?|sent[-_]?by|handed[-_]?(over[-_]?)?(to|by)|given[-_]?(to|by)|transferred[-_]?(to|by)|counterpart(y|ies|s)?)$/i;
// A bare `to`/`from` names a party only in a hand-over event; elsewhere it is the archive's own
// path (ingest's replication event records `to`: the object's path in the store, which verifyBag reads).
const HANDOVER_TYPES = new Set(['dissemination', 'transfer']);
const HANDOVER_PARTY_KEY = /^(to|from)$/i;

/**
 * True when custody event `e` names who received or handed over the evidence, as typed by the
 * operator: its detail has, at any depth, a non-empty value under recipient (receivedBy, sender,
 * handedTo…), or under to/from in a dissemination or transfer event. Every transfer event counts;
 * a dissemination event without a recipient (recipient: null) does not.
 */
export function carriesCounterpart(e: CustodyEvent): boolean {
  return hasKey(e.detail, (k) => COUNTERPART_KEY.test(k) || (HANDOVER_TYPES.has(e.type) && HANDOVER_PARTY_KEY.test(k)));
}

const ITEM_TEXT_KEY = /^(description|notes?)$/i;

/**
 * True when `v`, at any depth, has a non-empty value under description or notes: the free text
 * users type about an item, which tagging events copy into their before/after.
 */
export function carriesItemText(v: unknown): boolean {
  return hasKey(v, (k) => ITEM_TEXT_KEY.test(k));
}

function hasKey(v: unknown, match: (k: string) => boolean): boolean {
  if (Array.isArray(v)) return v.some((x) => hasKey(x, match));
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => (match(k) && !isEmpty(x)) || hasKey(x, match));
}

/**
 * Whether a custody event may go into the excerpt of a set for public release: not when its detail
 * mentions people (mentionsPeople), records a source path (carriesSourcePath: every ingestion event),
 * carries an item's description or notes (carriesItemText) or names who received or handed over
 * the evidence (carriesCounterpart: every transfer, and every dissemination with a recipient).
 * verifyBag accepts the items of such a set without their ingestion events when bag-info.txt
 * declares Evidence-Redaction, and asks nothing of dissemination or transfer events. The event's
 * `actor` (the operator, one of the archive's staff, not a victim) is kept.
 */
export const publicExcerptFilter = (e: CustodyEvent): boolean =>
  !mentionsPeople(e.detail) && !carriesSourcePath(e) && !carriesItemText(e.detail) && !carriesCounterpart(e);

// A place id is a lowercase slug of letters, digits and "-"; anything else separates two.
const PLACE_TOKEN_SPLIT = /[^a-z0-9-]+/u;

const hasPlaceToken = (s: string, placeIds: ReadonlySet<string>) => s.toLowerCase().split(PLACE_TOKEN_SPLIT).some((t) => placeIds.has(t));

/**
 * True when `v`, at any depth, holds a string (value or key) one of whose tokens — runs of a-z, 0-9
 * and "-", compared in lower case — is one of `placeIds`: a tagging event's before/after places,
 * a GPS suggestion's placeId, a merge's reason ("place tashieva-yard merged into …"), an earlier
 * export's payload path ("data/tashieva-yard/IMG_0001.JPG"). Whole tokens only, so "kok-tash"
 * does not match "kok-tash-batken". False for an empty `placeIds`.
 */
export function mentionsPlaceIds(v: unknown, placeIds: ReadonlySet<string>): boolean {
  if (placeIds.size === 0) return false;
  if (typeof v === 'string') return hasPlaceToken(v, placeIds);
  if (Array.isArray(v)) return v.some((x) => mentionsPlaceIds(x, placeIds));
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => hasPlaceToken(k, placeIds) || mentionsPlaceIds(x, placeIds));
}

/**
 * Ids of every place of the archive users added or imported (origin not 'seed'), merged ones
 * included, and of any seed place the shipped gazetteer (`seed`) does not hold, whose values only
 * the archive knows.
 */
function userPlaceIds(db: Db, seed: ReadonlyMap<string, SeedPlace>): Set<string> {
  return new Set((db.prepare('SELECT id, origin FROM places').all() as { id: string; origin: string }[])
    .filter((r) => r.origin !== 'seed' || !seed.has(r.id)).map((r) => r.id));
}

/**
 * The excerpt filter of a set for public release: publicExcerptFilter, and besides, no event whose
 * detail mentions the id of a place users added (`placeIds`, see mentionsPlaceIds), since such an
 * id is a slug of the place's name. "message digest calculation" events are exempt: ingest writes
 * them with nothing but the digests and a fixed phrase ("source file, in one read pass", which a
 * place called "pass" would otherwise match), and verifyBag needs them for items whose ingestion
 * event is withheld.
 */
export function publicExcerptFilterWithPlaces(placeIds: ReadonlySet<string>): (e: CustodyEvent) => boolean {
  return (e) => publicExcerptFilter(e) && (e.type === 'message digest calculation' || !mentionsPlaceIds(e.detail, placeIds));
}

/**
 * The excerpt filter of a public set: publicExcerptFilterWithPlaces(placeIds), and no event whose
 * detail holds an absolute path of this machine or one of `folders` (carriesMachinePath,
 * machineFolders): older fixity checks wrote the archive's absolute path into their reason, and
 * rows cannot be edited without breaking their hashes.
 */
export function publicExcerptFilterForMachine(placeIds: ReadonlySet<string>, folders: readonly string[]): (e: CustodyEvent) => boolean {
  const base = publicExcerptFilterWithPlaces(placeIds);
  return (e) => base(e) && !carriesMachinePath(e.detail, folders);
}

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/**
 * A place users added (origin not 'seed') as a public set gives it: under `publicId`, without
 * names, district or ayil aymak, coordinates rounded to 0.1° (about 11 km; coordRoundedTo 0.1, or
 * null without coordinates), no coordSource, coordLicence nor coordAttribution (free text about
 * the exact point, e.g. "phone GPS at the gate"); country kept, and kind only when it is one the
 * seed gazetteer uses (`seedKinds`: village, town), else null — users type it ("house of …").
 */
function publicPlace(p: Place, publicId: string, seedKinds: ReadonlySet<string>): Record<string, unknown> {
  return {
    id: publicId, nameEn: null, nameKy: null, nameRu: null, country: p.country, district: null, ayilAymak: null, kind: seedKinds.has(p.kind) ? p.kind : null,
    lat: round1(p.lat), lon: round1(p.lon), coordRoundedTo: p.lat === null ? null : 0.1, coordSource: null, coordLicence: null, coordAttribution: null,
  };
}

/**
 * A seed village as a public set gives it: its values in the shipped gazetteer (names, district,
 * ayil aymak, kind, exact coordinates, coordinate source, licence and attribution), never users'
 * edits of them in the archive (an exact point "from Aigul's phone", a name naming a family).
 */
function shippedPlace(p: SeedPlace): Record<string, unknown> {
  return {
    id: p.id, nameEn: p.nameEn, nameKy: p.nameKy, nameRu: p.nameRu, country: p.country, district: p.district, ayilAymak: p.ayilAymak, kind: p.kind,
    lat: p.lat, lon: p.lon, coordSource: p.coordSource, coordLicence: p.coordLicence, coordAttribution: p.coordAttribution,
  };
}

/**
 * An incident as a public set gives it: only the structured fields — id, type, startedAt, endedAt
 * and placeIds (as `placeRef` gives them, sorted). The title ("Shelling of Aigul's house") and the
 * description are free text that can name anyone; createdAt/updatedAt concern the archive, not
 * the incident.
 */
function publicIncident(it: Incident, placeRef: (id: string) => string): Record<string, unknown> {
  return { id: it.id, type: it.type, startedAt: it.startedAt, endedAt: it.endedAt, placeIds: it.placeIds.map(placeRef).sort() };
}

/**
 * A case reference as a public set gives it: id and openedOn only. Authority, case number ("No.55-
 * Tashieva") and articles are typed by users with no fixed form, so they can name people too; the
 * description is free text.
 */
function publicCase(c: CaseRef): Record<string, unknown> {
  return { id: c.id, openedOn: c.openedOn };
}

/**
 * ExportExtras for the items `itemIds`: dirOf puts each item under data/<first place id>/ (items
 * without a place stay in data/); fieldsOf adds places, people (id + role), incidents, cases,
 * tags, description and notes; tagFiles adds evidence/people.json, evidence/places.json (with
 * coordinate attribution), evidence/incidents.json and evidence/cases.json (full records) for
 * what the items are linked to; csvCell writes those links in items.csv as names with their ids,
 * from the records of those files (csv-names.ts catalogCsvCell), which bag-info.txt declares
 * (Evidence-Items-CSV) so that verify-bag expects such cells.
 *
 * Without redactPeople, people.json's full records carry no pseudonym (only withheld sensitive
 * people appear by pseudonym).
 *
 * With redactPeople (public release), as in the redacted register: people.json holds
 * registerRecords(redact) and items refer by pseudonym to those people only (others are left out
 * of items' people); every place not from the shipped seed gazetteer is given under its public id
 * placePseudonymOf(archive secret, id) ("P-…") — in places.json (publicPlace: no names, district
 * or ayil aymak, coordinates rounded to 0.1°, no coordSource, coordLicence or coordAttribution,
 * kind only if the gazetteer uses it; records sorted by that id), in fieldsOf's places, in
 * incidents.json's placeIds and as the payload folder data/P-…/ — so neither its slug nor its
 * names appear anywhere in the set; incidents.json and cases.json keep only structured fields
 * (publicIncident, publicCase); fieldsOf gives no description and no notes (no such keys, so
 * items.csv has no such columns); plus excerptFilter (publicExcerptFilterForMachine: every
 * user-added place id of the archive, and any absolute path of this machine, opts.archiveDir
 * included), withoutSourcePaths and an Evidence-Redaction bag-info element saying what was left
 * out and what stays, with Evidence-Withheld-Items counting opts.withheldMedia by reason. Which
 * items to leave out is the caller's choice beforehand (planPublicRelease): `itemIds` are the
 * items to send. Seed villages keep their ids and are given
 * with their shipped values (shippedSeedPlaces), exact coordinates included, never users' edits.
 *
 * Reads only; call before exportEvidenceSet. Throws Error when the archive has no pseudonym secret
 * (pseudonymKey).
 */
export function catalogExportExtras(db: Db, itemIds: number[], opts: CatalogExportOptions = {}): ExportExtras & { summary: { people: number; withheld: number; places: number } } {
  const tags = new Map(itemIds.map((id) => [id, getItemTags(db, id)]));
  const personIds = [...new Set([...tags.values()].flatMap((t) => t.people.map((p) => p.id)))].sort((a, b) => a - b);
  const placeIds = [...new Set([...tags.values()].flatMap((t) => t.places))].sort();
  const incidentIds = [...new Set([...tags.values()].flatMap((t) => t.incidents))].sort((a, b) => a - b);
  const caseIds = [...new Set([...tags.values()].flatMap((t) => t.cases))].sort((a, b) => a - b);
  const key = pseudonymKey(db);
  let withheld = 0;
  let people: unknown[];
  if (opts.redactPeople) {
    people = registerRecords(db, { redact: true, ids: personIds });
    withheld = personIds.length - people.length;
  } else {
    people = personIds.map((id) => {
      const p = getPerson(db, id)!;
      if (p.sensitive && !opts.includeSensitive) {
        withheld++;
        return { pseudonym: pseudonymOf(key, id), withheld: true, reason: 'flagged sensitive in the archive; identity withheld from this set' };
      }
      // No pseudonym beside a name: public sets give people by pseudonym, so anyone holding both
      // kinds of set could read off who each public pseudonym is.
      return { ...p };
    });
  }
  // In a public set, only people people.json releases (consent given, not sensitive); the others
  // are left out of items' people too, so their pseudonym appears in no public set (and the one
  // an authority set gives for a withheld sensitive person links nothing).
  const released = new Set(opts.redactPeople ? personIds.filter((id) => {
    const p = getPerson(db, id)!;
    return !p.sensitive && p.consent === 'given';
  }) : personIds);
  // Items.json refers to people by the id used in people.json: the pseudonym when identities are withheld.
  const personRef = (id: number) => {
    const p = getPerson(db, id)!;
    return opts.redactPeople || (p.sensitive && !opts.includeSensitive) ? pseudonymOf(key, id) : id;
  };
  // Seed places are public villages with published coordinates; a user-added one may be a single
  // house named after its family, so in a public set its id (a slug of its name) gives way to a
  // pseudonym wherever it would appear.
  const seed = opts.redactPeople ? shippedSeedPlaces() : new Map<string, SeedPlace>();
  const seedKinds = new Set([...seed.values()].map((p) => p.kind));
  const hidden = opts.redactPeople ? userPlaceIds(db, seed) : new Set<string>();
  const placeRef = (id: string) => (hidden.has(id) ? placePseudonymOf(key, id) : id);
  const places = placeIds.map((id) => getPlace(db, id)!).map((p) => {
    if (hidden.has(p.id)) return publicPlace(p, placeRef(p.id), seedKinds);
    if (opts.redactPeople) return shippedPlace(seed.get(p.id)!);
    return {
      id: p.id, nameEn: p.nameEn, nameKy: p.nameKy, nameRu: p.nameRu, country: p.country, district: p.district, ayilAymak: p.ayilAymak, kind: p.kind,
      lat: p.lat, lon: p.lon, coordSource: p.coordSource, coordLicence: p.coordLicence, coordAttribution: p.coordAttribution,
    };
  });
  // Sorted by the id shown, so a pseudonym's position among the villages says nothing of the slug.
  if (opts.redactPeople) places.sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  const incidents = incidentIds.map((id) => getIncident(db, id)!).map((it) => (opts.redactPeople ? publicIncident(it, placeRef) : it));
  const cases = caseIds.map((id) => getCase(db, id)!).map((c) => (opts.redactPeople ? publicCase(c) : c));
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    dirOf: (itemId) => {
      const first = tags.get(itemId)?.places[0];
      return first === undefined ? NO_PLACE : placeRef(first);
    },
    fieldsOf: (itemId) => {
      const t = tags.get(itemId)!;
      return {
        places: t.places.map(placeRef), people: t.people.filter((p) => released.has(p.id)).map((p) => ({ id: personRef(p.id), role: p.role })),
        incidents: t.incidents, cases: t.cases,
        tags: t.tags,
        // Free text typed by users ("Aigul's statement, recorded at her aunt's"): not for the public.
        ...(opts.redactPeople ? {} : { description: t.description, notes: t.notes }),
      };
    },
    // items.csv names what the tag files below give, as they give it (pseudonyms in a public set).
    csvCell: catalogCsvCell({ people: people as Record<string, unknown>[], places, incidents: incidents as unknown as Record<string, unknown>[], cases: cases as unknown as Record<string, unknown>[] }),
    tagFiles: [
      { path: 'evidence/people.json', content: json(people) },
      { path: 'evidence/places.json', content: json(places) },
      { path: 'evidence/incidents.json', content: json(incidents) },
      { path: 'evidence/cases.json', content: json(cases) },
    ],
    bagInfo: { [ITEMS_CSV_ELEMENT]: ITEMS_CSV_DECLARATION },
    ...(opts.redactPeople ? {
      excerptFilter: publicExcerptFilterForMachine(hidden, machineFolders(opts.archiveDir)),
      withoutSourcePaths: true,
      bagInfo: {
        [ITEMS_CSV_ELEMENT]: ITEMS_CSV_DECLARATION,
        'Evidence-Redaction': 'Prepared for public release (--redact-people): evidence/people.json holds only people who consented to ' +
          'publication, by pseudonym; places added by the archive\'s users appear under a pseudonymous id ("P-" and 12 hex digits) ' +
          'in evidence/places.json, items.json, items.csv, incidents.json and as their folder under data/, without names, district, ' +
          'ayil aymak, coordinate source, licence or attribution, with coordinates rounded to 0.1 degree and a kind only if the ' +
          'gazetteer uses it (gazetteer villages are given in full, as shipped, never as edited in the archive); items list ' +
          'only the people in evidence/people.json; source folder paths ' +
          'are left out (file names are kept); items\' descriptions and notes are left out of evidence/items.json and items.csv; ' +
          'evidence/incidents.json gives only each incident\'s id, type, dates and places, and evidence/cases.json only each ' +
          'case\'s id and opening date (titles, descriptions, authorities, case numbers and articles are left out); ' +
          'custody events whose detail names people, records a source path (every ingestion event, so no item here shows its ' +
          'ingestion), carries an item\'s description or notes, names a recipient (every transfer, and every earlier export ' +
          'for a named recipient), or mentions a place added by users were withheld from ' +
          'evidence/custody.json for privacy; their seqs are listed there as withheldSeqs and in the source archive\'s ' +
          'dissemination event for this export, and the events are available from the source archive; the events kept name ' +
          'the archive\'s operators (staff, not victims) as actor. Custody events holding a folder path of the source ' +
          'machine (as older fixity checks did) were withheld too. Items linked to a person flagged sensitive or whose ' +
          'consent to publication is not given are left out of this set, unless the exporter chose to send one ' +
          '(recorded in the source archive). File names and tags naming a person flagged sensitive or whose consent to ' +
          'publication is not given are withheld (Evidence-Names, when present, says how many). Still in this set, for items shipped as ' +
          'originals: their exact GPS coordinates (evidence/items.json and items.csv, and the originals\' own EXIF metadata), ' +
          'the camera serial number, the other tags users gave items and the original file names.',
        ...withheldBagInfo(opts.withheldMedia ?? []),
      },
    } : {}),
    summary: { people: personIds.length, withheld, places: placeIds.length },
  };
}
