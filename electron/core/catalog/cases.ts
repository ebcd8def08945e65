// Case references: the criminal cases (authority + number) that material supports.
import { caseInputSchema, type CaseInput, type CaseRef } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { indexCatalogRecord, reindexItemsLinkedTo, searchCatalog } from './fts.ts';
import { formatZodError } from './validation.ts';
import { logCases, logCasesDeleted, nextRecordId, noteDeletedId } from './incident-case-audit.ts';

interface CaseRow {
  id: number;
  authority: string;
  case_number: string;
  articles: string;
  opened_on: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

const toCase = (r: CaseRow): CaseRef => ({
  id: r.id, authority: r.authority, caseNumber: r.case_number, articles: JSON.parse(r.articles) as string[], openedOn: r.opened_on,
  description: r.description, createdAt: r.created_at, updatedAt: r.updated_at,
});

/** The case reference with id `id`, or null. */
export function getCase(db: Db, id: number): CaseRef | null {
  const r = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as CaseRow | undefined;
  return r ? toCase(r) : null;
}

/** The case a user names: its id, or its case number when exactly one case has it. Throws Error otherwise. */
export function resolveCase(db: Db, ref: string | number): CaseRef {
  const t = String(ref).trim();
  if (/^\d+$/.test(t)) {
    const c = getCase(db, Number(t));
    if (c) return c;
  }
  const rows = db.prepare('SELECT * FROM cases WHERE case_number = ?').all(t) as CaseRow[];
  if (rows.length === 1) return toCase(rows[0]!);
  if (rows.length > 1) throw new Error(`case ${t}: several authorities have this number (${rows.map((r) => `${r.id}: ${r.authority}`).join('; ')}); give the id`);
  throw new Error(`case ${t}: no such case reference (give the id or case number shown by \`evidence case list\`)`);
}

/** Case references by authority and number, or those matching `search`, best first. */
export function listCases(db: Db, opts: { search?: string } = {}): CaseRef[] {
  if (opts.search?.trim()) return searchCatalog(db, 'case', opts.search).map((ref) => getCase(db, Number(ref))).filter((x): x is CaseRef => x !== null);
  return (db.prepare('SELECT * FROM cases ORDER BY authority, case_number').all() as CaseRow[]).map(toCase);
}

function validated(v: CaseInput, label: string): CaseInput {
  const parsed = caseInputSchema.safeParse(v);
  if (!parsed.success) throw new Error(`${label}: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

const index = (db: Db, c: CaseRef) => indexCatalogRecord(db, 'case', c.id, [c.authority, c.caseNumber, c.articles.join(' '), c.description]);

/**
 * The case reference already in the catalog with `input`'s authority and number and the same
 * articles (in order), opening date and description (an absent field counts as empty), or null.
 * A case with that authority and number but other details is not the same: adding it is refused
 * as a duplicate number. Throws Error on invalid input.
 */
export function findSameCase(db: Db, input: CaseInput): CaseRef | null {
  const v = validated(input, 'case');
  const r = db.prepare('SELECT * FROM cases WHERE authority = ? AND case_number = ?').get(v.authority, v.caseNumber) as CaseRow | undefined;
  if (!r) return null;
  const c = toCase(r);
  const same = JSON.stringify(c.articles) === JSON.stringify(v.articles ?? []) && c.openedOn === (v.openedOn ?? null) && c.description === (v.description ?? null);
  return same ? c : null;
}

/**
 * Adds a case reference and returns it; the addition is a custody event by `actor` (logCases:
 * `cases added`), in the same transaction. The id is never one a deleted case had. Error for
 * invalid input or an authority+number already present.
 */
export function addCase(db: Db, input: CaseInput, actor?: string): CaseRef {
  return db.transaction(() => {
    const c = insertCase(db, input);
    logCases(db, [c], 'added', actor);
    return c;
  })();
}

function insertCase(db: Db, input: CaseInput): CaseRef {
  const v = validated(input, 'case');
  if (db.prepare('SELECT 1 FROM cases WHERE authority = ? AND case_number = ?').get(v.authority, v.caseNumber)) {
    throw new Error(`case: ${v.authority} ${v.caseNumber} already exists`);
  }
  const now = new Date().toISOString();
  const id = nextRecordId(db, 'cases');
  db.prepare('INSERT INTO cases (id, authority, case_number, articles, opened_on, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, v.authority, v.caseNumber, JSON.stringify(v.articles ?? []), v.openedOn ?? null, v.description ?? null, now, now);
  const c = getCase(db, id)!;
  index(db, c);
  return c;
}

/**
 * Changes the fields present in `patch`; the edit is a custody event by `actor` (logCases:
 * `cases edited`), in the same transaction. Error on unknown id, bad values or a clash with
 * another case.
 */
export function editCase(db: Db, id: number, patch: Partial<CaseInput>, actor?: string): CaseRef {
  return db.transaction(() => {
    const c = updateCase(db, id, patch);
    logCases(db, [c], 'edited', actor);
    return c;
  })();
}

function updateCase(db: Db, id: number, patch: Partial<CaseInput>): CaseRef {
  const cur = getCase(db, id);
  if (!cur) throw new Error(`case ${id}: no such case reference`);
  const v = validated({
    authority: cur.authority, caseNumber: cur.caseNumber, articles: cur.articles, openedOn: cur.openedOn, description: cur.description,
    ...Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)),
  }, `case ${id}`);
  if (db.prepare('SELECT 1 FROM cases WHERE authority = ? AND case_number = ? AND id <> ?').get(v.authority, v.caseNumber, id)) {
    throw new Error(`case ${id}: ${v.authority} ${v.caseNumber} is another case reference`);
  }
  db.prepare('UPDATE cases SET authority = ?, case_number = ?, articles = ?, opened_on = ?, description = ?, updated_at = ? WHERE id = ?')
    .run(v.authority, v.caseNumber, JSON.stringify(v.articles ?? []), v.openedOn ?? null, v.description ?? null, new Date().toISOString(), id);
  const c = getCase(db, id)!;
  index(db, c);
  reindexItemsLinkedTo(db, 'case', id);
  return c;
}

/**
 * Deletes a case reference no item is linked to and returns the record it was; the deletion is a
 * custody event by `actor` (logCasesDeleted: `cases deleted`, fingerprint null), in the same
 * transaction, and its id is never given again. Throws Error for an unknown case, or one items
 * are still linked to (naming them: unlink them first with `evidence untag`).
 */
export function deleteCase(db: Db, id: number, actor?: string): CaseRef {
  return db.transaction(() => {
    const cur = getCase(db, id);
    if (!cur) throw new Error(`case ${id}: no such case reference`);
    const items = (db.prepare('SELECT item_id FROM item_cases WHERE case_id = ? ORDER BY item_id').all(id) as { item_id: number }[]).map((r) => r.item_id);
    if (items.length) {
      throw new Error(`case ${id}: ${items.length} item(s) are linked to it (${items.slice(0, 10).join(', ')}${items.length > 10 ? ', …' : ''}); unlink them first (evidence untag <item> --case ${id})`);
    }
    db.prepare("DELETE FROM catalog_fts WHERE kind = 'case' AND ref = ?").run(String(id));
    db.prepare('DELETE FROM cases WHERE id = ?').run(id);
    noteDeletedId(db, 'cases', id);
    logCasesDeleted(db, [id], actor);
    return cur;
  })();
}
