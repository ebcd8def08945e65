// Victims and witnesses. Personal data: the catalog keeps it whole; what leaves the archive goes
// through register.ts (pseudonyms, redaction) or export-extras.ts (sensitive people withheld).
import { personInputSchema, type Person, type PersonInput } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { indexCatalogRecord, reindexItemsLinkedTo, searchCatalog } from './fts.ts';
import { getLivePlace } from './places.ts';
import { formatZodError } from './validation.ts';
import { logPersonChange } from './person-audit.ts';

interface PersonRow {
  id: number;
  name: string;
  name_latin: string | null;
  sex: Person['sex'];
  birth_date: string | null;
  age_at_harm: number | null;
  residence_place_id: string | null;
  statuses: string;
  harm_date: string | null;
  description: string | null;
  consent: Person['consent'];
  sensitive: number;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

function toPerson(r: PersonRow): Person {
  return {
    id: r.id, name: r.name, nameLatin: r.name_latin, sex: r.sex, birthDate: r.birth_date, ageAtHarm: r.age_at_harm,
    residencePlaceId: r.residence_place_id, statuses: JSON.parse(r.statuses) as Person['statuses'], harmDate: r.harm_date,
    description: r.description, consent: r.consent, sensitive: r.sensitive === 1, externalId: r.external_id,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** The person with id `id`, or null. */
export function getPerson(db: Db, id: number): Person | null {
  const r = db.prepare('SELECT * FROM people WHERE id = ?').get(id) as PersonRow | undefined;
  return r ? toPerson(r) : null;
}

/** The person a user's reference names (a catalog id); throws Error when unknown. */
export function resolvePerson(db: Db, ref: string | number): Person {
  const id = Number(ref);
  const p = Number.isInteger(id) && id > 0 ? getPerson(db, id) : null;
  if (!p) throw new Error(`person ${ref}: no such person (give the id shown by \`evidence person list\`)`);
  return p;
}

/** People by id, or those matching `search` (full text over names in any script, description) best first. */
export function listPeople(db: Db, opts: { search?: string; ids?: number[] } = {}): Person[] {
  if (opts.ids) return opts.ids.map((id) => getPerson(db, id)).filter((p): p is Person => p !== null);
  if (opts.search?.trim()) return searchCatalog(db, 'person', opts.search).map((ref) => getPerson(db, Number(ref))).filter((p): p is Person => p !== null);
  return (db.prepare('SELECT * FROM people ORDER BY id').all() as PersonRow[]).map(toPerson);
}

function check(db: Db, v: PersonInput, label: string): PersonInput {
  const parsed = personInputSchema.safeParse(v);
  if (!parsed.success) throw new Error(`${label}: ${formatZodError(parsed.error)}`);
  const out = parsed.data;
  if (out.residencePlaceId) {
    const place = getLivePlace(db, out.residencePlaceId);
    if (!place) throw new Error(`${label}: residence place ${out.residencePlaceId} does not exist`);
    out.residencePlaceId = place.id;
  }
  return out;
}

function index(db: Db, p: Person): void {
  indexCatalogRecord(db, 'person', p.id, [p.name, p.nameLatin, p.externalId, p.description, p.statuses.join(' ')]);
}

/**
 * A person already in the catalog whose every field a user can set equals `input`'s as addPerson
 * would store it (validated; residences compared after following merges; statuses as a set; an
 * empty text counts as none), or null: what lets a spreadsheet imported a second time report the
 * people the catalog already holds instead of adding them again. Throws Error on invalid input.
 */
export function findSamePerson(db: Db, input: PersonInput): Person | null {
  const v = check(db, input, 'person');
  const key = (p: PersonInput) => JSON.stringify([
    p.nameLatin || null, p.sex ?? null, p.birthDate ?? null, p.ageAtHarm ?? null,
    p.residencePlaceId ? (getLivePlace(db, p.residencePlaceId)?.id ?? p.residencePlaceId) : null,
    [...new Set(p.statuses ?? [])].sort(), p.harmDate ?? null, p.description || null, p.consent ?? 'unknown', Boolean(p.sensitive), p.externalId || null,
  ]);
  const want = key(v);
  const rows = db.prepare('SELECT * FROM people WHERE name = ? ORDER BY id').all(v.name) as PersonRow[];
  return rows.map(toPerson).find((p) => key(p) === want) ?? null;
}

/**
 * Adds a person and returns the stored record; the addition is a custody event by `actor`
 * (logPersonChange). Validates with personInputSchema (Error naming the fields), checks the
 * residence place exists, and refuses a duplicate externalId.
 */
export function addPerson(db: Db, input: PersonInput, actor?: string): Person {
  return db.transaction(() => {
    const p = insertPerson(db, input);
    logPersonChange(db, p, 'added', actor);
    return p;
  })();
}

function insertPerson(db: Db, input: PersonInput): Person {
  const v = check(db, input, 'person');
  if (v.externalId && db.prepare('SELECT 1 FROM people WHERE external_id = ?').get(v.externalId)) {
    throw new Error(`person: external id ${v.externalId} already exists`);
  }
  const now = new Date().toISOString();
  const info = db.prepare(`INSERT INTO people (name, name_latin, sex, birth_date, age_at_harm, residence_place_id, statuses, harm_date,
      description, consent, sensitive, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    v.name, v.nameLatin ?? null, v.sex ?? null, v.birthDate ?? null, v.ageAtHarm ?? null, v.residencePlaceId ?? null,
    JSON.stringify([...new Set(v.statuses ?? [])]), v.harmDate ?? null, v.description ?? null, v.consent ?? 'unknown', v.sensitive ? 1 : 0,
    v.externalId ?? null, now, now,
  );
  const p = getPerson(db, Number(info.lastInsertRowid))!;
  index(db, p);
  return p;
}

/**
 * Changes the fields present in `patch` (null clears); re-indexes the person and their items; the
 * edit is a custody event by `actor` (logPersonChange). Throws Error on unknown id or bad values.
 */
export function editPerson(db: Db, id: number, patch: Partial<PersonInput>, actor?: string): Person {
  return db.transaction(() => {
    const p = updatePerson(db, id, patch);
    logPersonChange(db, p, 'edited', actor);
    return p;
  })();
}

function updatePerson(db: Db, id: number, patch: Partial<PersonInput>): Person {
  const cur = getPerson(db, id);
  if (!cur) throw new Error(`person ${id}: no such person`);
  const base: PersonInput = {
    name: cur.name, nameLatin: cur.nameLatin, sex: cur.sex, birthDate: cur.birthDate, ageAtHarm: cur.ageAtHarm,
    residencePlaceId: cur.residencePlaceId, statuses: cur.statuses, harmDate: cur.harmDate, description: cur.description,
    consent: cur.consent, sensitive: cur.sensitive, externalId: cur.externalId,
  };
  const v = check(db, { ...base, ...Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)) }, `person ${id}`);
  if (v.externalId && db.prepare('SELECT 1 FROM people WHERE external_id = ? AND id <> ?').get(v.externalId, id)) {
    throw new Error(`person ${id}: external id ${v.externalId} belongs to another person`);
  }
  db.prepare(`UPDATE people SET name = ?, name_latin = ?, sex = ?, birth_date = ?, age_at_harm = ?, residence_place_id = ?, statuses = ?,
      harm_date = ?, description = ?, consent = ?, sensitive = ?, external_id = ?, updated_at = ? WHERE id = ?`).run(
    v.name, v.nameLatin ?? null, v.sex ?? null, v.birthDate ?? null, v.ageAtHarm ?? null, v.residencePlaceId ?? null,
    JSON.stringify([...new Set(v.statuses ?? [])]), v.harmDate ?? null, v.description ?? null, v.consent ?? 'unknown', v.sensitive ? 1 : 0,
    v.externalId ?? null, new Date().toISOString(), id,
  );
  const p = getPerson(db, id)!;
  index(db, p);
  reindexItemsLinkedTo(db, 'person', id);
  return p;
}
