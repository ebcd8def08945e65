// What the case catalog adds to an evidence set (ExportExtras of export/evidence-set.ts): the
// payload arranged by place, the tags in items.json/items.csv, and tag files describing the
// people, places, incidents and cases the set concerns.
//
// People: an evidence set goes to an authority (ombudsman, prosecutor) who needs identities, so
// people.json holds full records by default — except people flagged sensitive, who appear only
// as their pseudonym with `withheld: true` unless the exporter passes includeSensitive. With
// redactPeople (a set for public release) everyone is reduced as in the redacted register.
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

/**
 * ExportExtras for the items `itemIds`: dirOf puts each item under data/<first place id>/ (items
 * without a place stay in data/); fieldsOf adds places, people (id + role), incidents, cases,
 * tags, description and notes; tagFiles adds evidence/people.json, evidence/places.json (with
 * coordinate attribution), evidence/incidents.json and evidence/cases.json for what the items are
 * linked to. Reads only; call before exportEvidenceSet.
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
  const places = placeIds.map((id) => getPlace(db, id)!).map((p) => ({
    id: p.id, nameEn: p.nameEn, nameKy: p.nameKy, nameRu: p.nameRu, country: p.country, district: p.district, ayilAymak: p.ayilAymak, kind: p.kind,
    lat: p.lat, lon: p.lon, coordSource: p.coordSource, coordLicence: p.coordLicence, coordAttribution: p.coordAttribution,
  }));
  const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';
  return {
    dirOf: (itemId) => tags.get(itemId)?.places[0] ?? NO_PLACE,
    fieldsOf: (itemId) => {
      const t = tags.get(itemId)!;
      return {
        places: t.places, people: t.people.map((p) => ({ id: personRef(p.id), role: p.role })), incidents: t.incidents, cases: t.cases,
        tags: t.tags, description: t.description, notes: t.notes,
      };
    },
    tagFiles: [
      { path: 'evidence/people.json', content: json(people) },
      { path: 'evidence/places.json', content: json(places) },
      { path: 'evidence/incidents.json', content: json(incidentIds.map((id) => getIncident(db, id))) },
      { path: 'evidence/cases.json', content: json(caseIds.map((id) => getCase(db, id))) },
    ],
    summary: { people: personIds.length, withheld, places: placeIds.length },
  };
}
