// The catalog fields of evidence/items.json (places, people, incidents, cases, tags, description,
// notes) checked against what the custody excerpt pins: the `after` of each item's last tagging
// event (a `metadata modification` with detail.action "tagging", catalog/tagging.ts). Only for a
// full set: a set for public release withholds tagging events that name people or carry free text,
// so its excerpt need not hold an item's last one. Independent of the exporter's code on purpose.

import type { CustodyEvent } from '../../common/types.ts';
import type { SaidParams } from '../../common/said.ts';

export const TAG_FIELDS = ['places', 'people', 'incidents', 'cases', 'tags', 'description', 'notes'] as const;
type TagField = (typeof TAG_FIELDS)[number];

/** A pseudonym as export-extras gives a person whose identity is withheld (catalog/register.ts pseudonymOf). */
const PSEUDONYM = /^V-[0-9A-F]{12}$/u;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What evidence/people.json says of who is named and who is withheld; null when there is no usable people.json. */
export interface PeopleIndex {
  /** Ids of people given in full (items must refer to them by id). */
  fullIds: Set<number>;
  /** Pseudonyms of people whose identity the set withholds (items refer to them by pseudonym). */
  withheldPseudonyms: Set<string>;
}

/** Reads the parsed evidence/people.json of a full set; null if it is not an array of records. */
export function peopleIndex(doc: unknown): PeopleIndex | null {
  if (!Array.isArray(doc)) return null;
  const out: PeopleIndex = { fullIds: new Set(), withheldPseudonyms: new Set() };
  for (const p of doc) {
    if (!isRecord(p)) return null;
    if (p.withheld === true && typeof p.pseudonym === 'string') out.withheldPseudonyms.add(p.pseudonym);
    else if (typeof p.id === 'number') out.fullIds.add(p.id);
  }
  return out;
}

/** The last tagging event of each item in the excerpt (events are in seq order), keyed by item sha256. */
export function lastTaggingEvents(events: CustodyEvent[]): Map<string, CustodyEvent> {
  const out = new Map<string, CustodyEvent>();
  for (const e of events) {
    if (e.type === 'metadata modification' && e.item !== null && e.detail.action === 'tagging' && isRecord(e.detail.after)) {
      const prev = out.get(e.item);
      if (!prev || prev.seq < e.seq) out.set(e.item, e);
    }
  }
  return out;
}

const EMPTY: Record<TagField, unknown> = { places: [], people: [], incidents: [], cases: [], tags: [], description: null, notes: null };

/**
 * Compares the tag fields of one item of items.json with `last`, its last tagging event in the
 * excerpt (or, when null, with empty fields: an item never tagged). A field absent from the item
 * counts as empty (a set exported without the catalog has none). People are compared in order:
 * the same role, and the same id, or a pseudonym in place of an id when people.json lists that
 * pseudonym as withheld and does not give that id in full; `pseudonyms` maps each person id to the
 * pseudonym met for it across the whole bag, so one person cannot stand behind two pseudonyms nor
 * two people behind one. Returns one message per field that differs.
 */
export function tagFieldProblems(
  item: Record<string, unknown>,
  last: CustodyEvent | null,
  people: PeopleIndex | null,
  pseudonyms: { byId: Map<number, string>; byPseudonym: Map<string, number> },
): { reason: string; code: string; params: SaidParams }[] {
  const after = last ? (last.detail.after as Record<string, unknown>) : EMPTY;
  const source = last ? `its last tagging event (seq ${last.seq}) recorded` : 'the excerpt holds no tagging event of the item, so it must be';
  const out: { reason: string; code: string; params: SaidParams }[] = [];
  for (const field of TAG_FIELDS) {
    const expected = after[field] === undefined ? EMPTY[field] : after[field];
    const actual = item[field] === undefined ? EMPTY[field] : item[field];
    const same = field === 'people' ? samePeople(actual, expected, people, pseudonyms) : JSON.stringify(actual) === JSON.stringify(expected);
    if (!same) {
      out.push({ code: last ? 'tags.differ' : 'tags.untagged', params: { field, found: JSON.stringify(actual), expected: JSON.stringify(expected), ...(last ? { seq: last.seq } : {}) },
        reason: `${field} is ${JSON.stringify(actual)} in evidence/items.json, but ${source} ${JSON.stringify(expected)}` });
    }
  }
  return out;
}

function samePeople(
  actual: unknown,
  expected: unknown,
  people: PeopleIndex | null,
  pseudonyms: { byId: Map<number, string>; byPseudonym: Map<string, number> },
): boolean {
  if (!Array.isArray(actual) || !Array.isArray(expected) || actual.length !== expected.length) return false;
  return actual.every((a: unknown, i: number) => {
    const e: unknown = expected[i];
    if (!isRecord(a) || !isRecord(e) || a.role !== e.role || Object.keys(a).some((k) => k !== 'id' && k !== 'role')) return false;
    if (a.id === e.id) return true;
    if (typeof a.id !== 'string' || typeof e.id !== 'number' || !PSEUDONYM.test(a.id)) return false;
    // By pseudonym only when the set withholds that person's identity.
    if (!people || !people.withheldPseudonyms.has(a.id) || people.fullIds.has(e.id)) return false;
    const seenP = pseudonyms.byId.get(e.id);
    const seenId = pseudonyms.byPseudonym.get(a.id);
    if ((seenP !== undefined && seenP !== a.id) || (seenId !== undefined && seenId !== e.id)) return false;
    pseudonyms.byId.set(e.id, a.id);
    pseudonyms.byPseudonym.set(a.id, e.id);
    return true;
  });
}
