// Full-text search upkeep (SQLite FTS5, unicode61 tokenizer with remove_diacritics 2): the items
// index holds what people wrote about an item and the names of what it is linked to; the catalog
// index holds places, people, incidents and case references. Names are indexed twice, as written
// and as transliteration keys, so "Koktash" finds an item tagged "Көк-Таш". Indexed text and
// queries both go through searchText (NFKC): the tokenizer drops symbols such as "№", so unless
// both sides fold "№2" to "No2" the same way, a query can never meet the text it was typed from.
import type { Db } from '../db/open.ts';
import { nameKey, wordKeys } from './keys.ts';

/** Kinds of record in catalog_fts. */
export type CatalogKind = 'place' | 'person' | 'incident' | 'case';

/**
 * The one normalization of full-text search, applied to every text indexed and every query:
 * Unicode NFKC (UAX #15), which folds compatibility characters into what they stand for
 * ("№" → "No", "ｆｕｌｌｗｉｄｔｈ" → "fullwidth", "²" → "2", "ﬁ" → "fi"). Never throws.
 */
export function searchText(text: string): string {
  return text.normalize('NFKC');
}

/**
 * Turns what a user typed into a safe FTS5 MATCH expression: every word must match (AND), as
 * written (prefix) or by its transliteration key (prefix). FTS5 syntax characters in the input
 * are neutralised by quoting, so no input can make the query fail. Returns null for input with no
 * searchable characters. `column` restricts matching to one column.
 */
export function ftsQuery(text: string, column?: string): string | null {
  const words = searchText(text).split(/\s+/u).map((w) => w.replace(/"/g, '')).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return null;
  const parts = words.map((w) => {
    const alts = [`"${w}"*`];
    const k = nameKey(w);
    if (k.length > 1 && k !== w.toLowerCase()) alts.push(`"${k}"*`);
    return alts.length > 1 ? `(${alts.join(' OR ')})` : alts[0]!;
  });
  const expr = parts.join(' AND ');
  return column ? `{${column}} : (${expr})` : expr;
}

/** Replaces the catalog_fts row of one record: its texts (through searchText) and their transliteration keys. */
export function indexCatalogRecord(db: Db, kind: CatalogKind, ref: string | number, texts: (string | null | undefined)[]): void {
  db.prepare('DELETE FROM catalog_fts WHERE kind = ? AND ref = ?').run(kind, String(ref));
  const body = texts.filter(Boolean).join(' \n ');
  const keys = texts.map((t) => wordKeys(t)).filter(Boolean).join(' ');
  db.prepare('INSERT INTO catalog_fts (kind, ref, body) VALUES (?, ?, ?)').run(kind, String(ref), searchText(`${body} \n ${keys}`));
}

/** Record ids of one kind whose text matches `text` (see ftsQuery), best match first. */
export function searchCatalog(db: Db, kind: CatalogKind, text: string): string[] {
  const q = ftsQuery(text);
  if (!q) return [];
  return (db.prepare('SELECT ref FROM catalog_fts WHERE catalog_fts MATCH ? AND kind = ? ORDER BY rank').all(q, kind) as { ref: string }[]).map((r) => r.ref);
}

const withKeys = (texts: (string | null | undefined)[]) => {
  const t = texts.filter(Boolean).join(' ; ');
  return t ? `${t} ; ${texts.map((x) => wordKeys(x)).concat(texts.map((x) => (x ? nameKey(x) : ''))).filter(Boolean).join(' ')}` : '';
};

/**
 * Rebuilds the items_fts row of one item from its notes, tags and links, every column through
 * searchText (call in the transaction that changed them). The camera column is kept from
 * items.make/model.
 */
export function reindexItem(db: Db, itemId: number): void {
  const item = db.prepare('SELECT make, model FROM items WHERE id = ?').get(itemId) as { make: string | null; model: string | null } | undefined;
  if (!item) return;
  const notes = db.prepare('SELECT description, notes FROM item_notes WHERE item_id = ?').get(itemId) as { description: string | null; notes: string | null } | undefined;
  const tags = (db.prepare('SELECT tag FROM item_tags WHERE item_id = ?').all(itemId) as { tag: string }[]).map((r) => r.tag);
  const places = db.prepare(`SELECT p.name_en, p.name_ky, p.name_ru, p.alt_names FROM item_places ip JOIN places p ON p.id = ip.place_id WHERE ip.item_id = ?`)
    .all(itemId) as { name_en: string; name_ky: string | null; name_ru: string | null; alt_names: string }[];
  const placeNames = places.flatMap((p) => [p.name_en, p.name_ky, p.name_ru, ...(JSON.parse(p.alt_names) as string[])]);
  const people = db.prepare('SELECT DISTINCT pe.name, pe.name_latin FROM item_people ip JOIN people pe ON pe.id = ip.person_id WHERE ip.item_id = ?')
    .all(itemId) as { name: string; name_latin: string | null }[];
  const incidents = db.prepare('SELECT i.title, i.type FROM item_incidents ii JOIN incidents i ON i.id = ii.incident_id WHERE ii.item_id = ?').all(itemId) as { title: string; type: string }[];
  const cases = db.prepare('SELECT c.authority, c.case_number FROM item_cases ic JOIN cases c ON c.id = ic.case_id WHERE ic.item_id = ?').all(itemId) as { authority: string; case_number: string }[];
  db.prepare('DELETE FROM items_fts WHERE rowid = ?').run(itemId);
  db.prepare('INSERT INTO items_fts (rowid, camera, description, notes, tags, places, people, events) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    itemId,
    ...[
      [item.make, item.model].filter(Boolean).join(' '),
      withKeys([notes?.description]),
      withKeys([notes?.notes]),
      tags.join(' ; '),
      withKeys(placeNames),
      withKeys(people.flatMap((p) => [p.name, p.name_latin])),
      withKeys([...incidents.flatMap((i) => [i.title, i.type]), ...cases.flatMap((c) => [c.authority, c.case_number])]),
    ].map(searchText),
  );
}

/** Rebuilds items_fts for every item linked to a place, person, incident or case whose text changed. */
export function reindexItemsLinkedTo(db: Db, kind: CatalogKind, ref: string | number): void {
  const sql = {
    place: 'SELECT item_id FROM item_places WHERE place_id = ?',
    person: 'SELECT DISTINCT item_id FROM item_people WHERE person_id = ?',
    incident: 'SELECT item_id FROM item_incidents WHERE incident_id = ?',
    case: 'SELECT item_id FROM item_cases WHERE case_id = ?',
  }[kind];
  for (const r of db.prepare(sql).all(ref) as { item_id: number }[]) reindexItem(db, r.item_id);
}
