// What the case catalog adds to an evidence set (ExportExtras of export/evidence-set.ts): the
// payload arranged by place, the tags in items.json/items.csv, and tag files describing the
// people, places, incidents and cases the set concerns.
//
// People: an evidence set goes to an authority (ombudsman, prosecutor) who needs identities, so
// people.json holds full records by default — except people flagged sensitive, who appear only
// as their pseudonym with `withheld: true` unless the exporter passes includeSensitive. With
// redactPeople (a set for public release) everyone is reduced as in the redacted register, and
// the rest of the set is trimmed of what could locate or name them: user-added places get rounded
// coordinates; source paths (folder names such as "Interview Aigul T/") are dropped; items'
// descriptions and notes (free text, which can name anyone) are left out; and custody events that
// mention people, carry a source path (every ingestion event) or an item's description or notes
// are left out of the excerpt. File names stay: they are the evidence's identity under data/ and
// in the custody log, so nothing is renamed.
import type { CustodyEvent } from '../../common/types.ts';
import type { ExportExtras } from '../export/evidence-set.ts';
import type { Db } from '../db/open.ts';
import { getCase } from './cases.ts';
import { getIncident } from './incidents.ts';
import { getPerson } from './people.ts';
import { getPlace } from './places.ts';
import { pseudonymKey, pseudonymOf, registerRecords } from './register.ts';
import { getItemTags } from './tagging.ts';

export interface CatalogExportOptions {
  /** Include full records of people flagged sensitive (default: pseudonym only). */
  includeSensitive?: boolean;
  /** Reduce every person to the redacted register form (public release). */
  redactPeople?: boolean;
}

/** Folder name under data/ for a place: its id (an ASCII slug, safe on every file system). */
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
// another writer name it differently.
const SOURCE_PATH_KEY = /^(source|src|original)[-_]?paths?$/i;
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
 * mentions people (mentionsPeople), records a source path (carriesSourcePath: every ingestion event)
 * or carries an item's description or notes (carriesItemText). verifyBag accepts the items of such
 * a set without their ingestion events when bag-info.txt declares Evidence-Redaction.
 */
export const publicExcerptFilter = (e: CustodyEvent): boolean => !mentionsPeople(e.detail) && !carriesSourcePath(e) && !carriesItemText(e.detail);

const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

/**
 * ExportExtras for the items `itemIds`: dirOf puts each item under data/<first place id>/ (items
 * without a place stay in data/); fieldsOf adds places, people (id + role), incidents, cases,
 * tags, description and notes; tagFiles adds evidence/people.json, evidence/places.json (with
 * coordinate attribution), evidence/incidents.json and evidence/cases.json for what the items are
 * linked to. With redactPeople also excerptFilter (publicExcerptFilter), withoutSourcePaths and an
 * Evidence-Redaction bag-info line saying what was left out; fieldsOf then gives no description
 * and no notes (no such keys, so items.csv has no such columns); places not from the seed
 * gazetteer get coordinates rounded to 0.1° and no coordSource. Reads only; call before
 * exportEvidenceSet.
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
      return { ...p, pseudonym: pseudonymOf(key, id) };
    });
  }
  // Items.json refers to people by the id used in people.json: the pseudonym when identities are withheld.
  const personRef = (id: number) => {
    const p = getPerson(db, id)!;
    return opts.redactPeople || (p.sensitive && !opts.includeSensitive) ? pseudonymOf(key, id) : id;
  };
  const places = placeIds.map((id) => getPlace(db, id)!).map((p) => {
    const base = { id: p.id, nameEn: p.nameEn, nameKy: p.nameKy, nameRu: p.nameRu, country: p.country, district: p.district, ayilAymak: p.ayilAymak, kind: p.kind };
    // Seed places are public villages with published coordinates; a user-added one may be a single
    // house, so a public set gets it to 0.1° (about 11 km), without the free-text source of the exact point.
    if (opts.redactPeople && p.origin !== 'seed') {
      return { ...base, lat: round1(p.lat), lon: round1(p.lon), coordRoundedTo: p.lat === null ? null : 0.1, coordSource: null, coordLicence: p.coordLicence, coordAttribution: p.coordAttribution };
    }
    return { ...base, lat: p.lat, lon: p.lon, coordSource: p.coordSource, coordLicence: p.coordLicence, coordAttribution: p.coordAttribution };
  });
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    dirOf: (itemId) => tags.get(itemId)?.places[0] ?? NO_PLACE,
    fieldsOf: (itemId) => {
      const t = tags.get(itemId)!;
      return {
        places: t.places, people: t.people.map((p) => ({ id: personRef(p.id), role: p.role })), incidents: t.incidents, cases: t.cases,
        tags: t.tags,
        // Free text typed by users ("Aigul's statement, recorded at her aunt's"): not for the public.
        ...(opts.redactPeople ? {} : { description: t.description, notes: t.notes }),
      };
    },
    tagFiles: [
      { path: 'evidence/people.json', content: json(people) },
      { path: 'evidence/places.json', content: json(places) },
      { path: 'evidence/incidents.json', content: json(incidentIds.map((id) => getIncident(db, id))) },
      { path: 'evidence/cases.json', content: json(caseIds.map((id) => getCase(db, id))) },
    ],
    ...(opts.redactPeople ? {
      excerptFilter: publicExcerptFilter,
      withoutSourcePaths: true,
      bagInfo: {
        'Evidence-Redaction': 'Prepared for public release (--redact-people): evidence/people.json holds only people who consented to ' +
          'publication, by pseudonym; places added by the archive\'s users have coordinates rounded to 0.1 degree; source folder paths ' +
          'are left out (file names are kept); items\' descriptions and notes are left out of evidence/items.json and items.csv; ' +
          'custody events whose detail names people, records a source path (every ingestion event, so no item here shows its ' +
          'ingestion) or carries an item\'s description or notes were withheld from evidence/custody.json for privacy; their seqs ' +
          'are listed there as withheldSeqs and in the source archive\'s dissemination event for this export, and the events are ' +
          'available from the source archive.',
      },
    } : {}),
    summary: { people: personIds.length, withheld, places: placeIds.length },
  };
}
