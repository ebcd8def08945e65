// items.csv of an evidence set as a person reads it in a spreadsheet (issue 15 §4): the people,
// places, incidents and cases an item is linked to as names with their ids, and its tags as a
// list, instead of JSON arrays inside cells. The names come from the records the set itself
// carries (evidence/people.json, places.json, incidents.json, cases.json), so a set for public
// release shows exactly what it releases: people by the pseudonyms it gives, user places as their
// P- pseudonyms, incidents by type, cases by id. verify-bag restates the rule on its own side
// (verify/bag-csv.ts) and checks every cell.

/** The bag-info.txt element that tells verify-bag (and a reader) the CSV's catalog cells are readable. */
export const ITEMS_CSV_ELEMENT = 'Evidence-Items-CSV';

/** Its value, for people reading bag-info.txt. */
export const ITEMS_CSV_DECLARATION = 'readable: in evidence/items.csv, the people, places, incidents and cases of each item are given as ' +
  'names with their ids, separated by "; " ("Name (#3, role)" for a person, "Name (place-id)", "Title (#1)", "Authority No. 12-345 (#2)"; ' +
  'a pseudonym alone where the set gives no name), and tags separated by "; "; evidence/items.json holds the same values as data, ' +
  'and evidence/people.json, places.json, incidents.json and cases.json the records';

const SEP = '; ';
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The records of a set's tag files, by the id items.json uses for them. */
export interface CsvNameRecords {
  /** people.json records: full ones by `id`, withheld or public ones by `pseudonym`. */
  people: readonly Record<string, unknown>[];
  places: readonly Record<string, unknown>[];
  incidents: readonly Record<string, unknown>[];
  cases: readonly Record<string, unknown>[];
}

/**
 * A cell writer for the catalog columns of items.csv: for column places, people, incidents, cases
 * or tags and an array value, the readable cell; undefined for anything else (the exporter's own
 * rule applies: JSON for objects, text for the rest). Entries are joined by "; ":
 * - a person {id, role}: "<name> (#<id>, <role>)" when people.json gives the name, else
 *   "#<id> (<role>)", or "<pseudonym> (<role>)" when the set refers to them by pseudonym;
 * - a place id: "<nameEn> (<id>)", or the id alone when places.json gives no name (a user place
 *   of a public set, "P-…");
 * - an incident id: "<title> (#<id>)", or "<type> (#<id>)" without a title (public sets);
 * - a case id: "<authority> No. <case number> (#<id>)", or "#<id>" without them (public sets);
 * - a tag: as it is.
 * An entry of another shape is given as its JSON.
 */
export function catalogCsvCell(records: CsvNameRecords): (column: string, value: unknown) => string | undefined {
  const people = new Map<unknown, Record<string, unknown>>();
  for (const p of records.people) {
    if (typeof p.id === 'number') people.set(p.id, p);
    else if (typeof p.pseudonym === 'string') people.set(p.pseudonym, p);
  }
  const byId = (list: readonly Record<string, unknown>[]) => new Map(list.map((r) => [r.id, r]));
  const places = byId(records.places);
  const incidents = byId(records.incidents);
  const cases = byId(records.cases);
  const entry: Record<string, (v: unknown) => string> = {
    people: (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return JSON.stringify(v);
      const { id, role } = v as { id?: unknown; role?: unknown };
      if ((typeof id !== 'number' && typeof id !== 'string') || typeof role !== 'string') return JSON.stringify(v);
      const name = text(people.get(id)?.name);
      if (typeof id === 'string') return `${id} (${role})`;
      return name ? `${name} (#${id}, ${role})` : `#${id} (${role})`;
    },
    places: (v) => {
      if (typeof v !== 'string') return JSON.stringify(v);
      const name = text(places.get(v)?.nameEn);
      return name ? `${name} (${v})` : v;
    },
    incidents: (v) => {
      if (typeof v !== 'number') return JSON.stringify(v);
      const r = incidents.get(v);
      const label = text(r?.title) ?? text(r?.type);
      return label ? `${label} (#${v})` : `#${v}`;
    },
    cases: (v) => {
      if (typeof v !== 'number') return JSON.stringify(v);
      const r = cases.get(v);
      const authority = text(r?.authority);
      const number = text(r?.caseNumber);
      const label = [authority, number ? `No. ${number}` : null].filter(Boolean).join(' ');
      return label ? `${label} (#${v})` : `#${v}`;
    },
    tags: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  };
  return (column, value) => {
    const one = Object.hasOwn(entry, column) ? entry[column] : undefined;
    if (!one || !Array.isArray(value)) return undefined;
    return value.map(one).join(SEP);
  };
}
