// Incidents: what happened, where and when (shelling of a village, a hostage-taking, …).
import { incidentInputSchema, type Incident, type IncidentInput } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { indexCatalogRecord, reindexItemsLinkedTo, searchCatalog } from './fts.ts';
import { getPlace, resolveOnePlace } from './places.ts';
import { logIncidents, logIncidentsDeleted, nextRecordId, noteDeletedId } from './incident-case-audit.ts';
import { formatZodError } from './validation.ts';

interface IncidentRow {
  id: number;
  title: string;
  type: Incident['type'];
  started_at: string | null;
  ended_at: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
}

function toIncident(db: Db, r: IncidentRow): Incident {
  const placeIds = (db.prepare('SELECT place_id FROM incident_places WHERE incident_id = ? ORDER BY place_id').all(r.id) as { place_id: string }[]).map((x) => x.place_id);
  return { id: r.id, title: r.title, type: r.type, startedAt: r.started_at, endedAt: r.ended_at, placeIds, description: r.description, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** The incident with id `id`, or null. */
export function getIncident(db: Db, id: number): Incident | null {
  const r = db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as IncidentRow | undefined;
  return r ? toIncident(db, r) : null;
}

/** The incident a user's reference names (its id); throws Error when unknown. */
export function resolveIncident(db: Db, ref: string | number): Incident {
  const id = Number(ref);
  const it = Number.isInteger(id) && id > 0 ? getIncident(db, id) : null;
  if (!it) throw new Error(`incident ${ref}: no such incident (give the id shown by \`evidence incident list\`)`);
  return it;
}

/** Incidents by start time (unknown last), or those matching `search`, best first. */
export function listIncidents(db: Db, opts: { search?: string } = {}): Incident[] {
  if (opts.search?.trim()) return searchCatalog(db, 'incident', opts.search).map((ref) => getIncident(db, Number(ref))).filter((x): x is Incident => x !== null);
  return (db.prepare('SELECT * FROM incidents ORDER BY started_at IS NULL, started_at, id').all() as IncidentRow[]).map((r) => toIncident(db, r));
}

function validated(db: Db, v: IncidentInput, label: string): IncidentInput {
  const parsed = incidentInputSchema.safeParse(v);
  if (!parsed.success) throw new Error(`${label}: ${formatZodError(parsed.error)}`);
  const out = parsed.data;
  if (out.startedAt && out.endedAt && out.endedAt < out.startedAt) throw new Error(`${label}: endedAt ${out.endedAt} is before startedAt ${out.startedAt}`);
  out.placeIds = [...new Set((out.placeIds ?? []).map((p) => resolveOnePlace(db, p).id))];
  return out;
}

function writePlaces(db: Db, id: number, placeIds: string[]): void {
  db.prepare('DELETE FROM incident_places WHERE incident_id = ?').run(id);
  const ins = db.prepare('INSERT INTO incident_places (incident_id, place_id) VALUES (?, ?)');
  for (const p of placeIds) ins.run(id, p);
}

function index(db: Db, it: Incident): void {
  const names = it.placeIds.map((p) => getPlace(db, p)).flatMap((p) => (p ? [p.nameEn, p.nameKy, p.nameRu] : []));
  indexCatalogRecord(db, 'incident', it.id, [it.title, it.type, it.description, it.startedAt, ...names]);
}

/**
 * An incident already in the catalog whose title, type, start, end, places and description are
 * all those of `input` (places resolved as addIncident resolves them; times compared as sameTime
 * does; an absent or empty description counts as none), or null. What makes re-importing an `incident export` file report the incidents it
 * already holds instead of adding them a second time. Throws Error on invalid input.
 */
export function findSameIncident(db: Db, input: IncidentInput): Incident | null {
  const v = validated(db, input, 'incident');
  const places = [...(v.placeIds ?? [])].sort().join('\n');
  const rows = db.prepare('SELECT * FROM incidents WHERE title = ? AND type = ? ORDER BY id').all(v.title, v.type) as IncidentRow[];
  return rows.map((r) => toIncident(db, r)).find((it) =>
    sameTime(it.startedAt, v.startedAt) && sameTime(it.endedAt, v.endedAt) && (it.description || null) === (v.description || null)
    && [...it.placeIds].sort().join('\n') === places) ?? null;
}

/**
 * Whether two ISO 8601 date-times (or dates, or nothing) are written the same but for spelling:
 * seconds left out (`10:00+06:00` is `10:00:00+06:00`) and `Z` for `+00:00`. The same instant at
 * another offset stays different: the offset is what the witness's clock said.
 */
function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  const norm = (t: string | null | undefined) => (t ? t.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=$|[Zz+-])/u, '$1:00').replace(/[Zz]$/u, '+00:00') : null);
  return norm(a) === norm(b);
}

/**
 * Adds an incident (places given by id or unambiguous name) and returns it; the addition is a
 * custody event by `actor` (logIncidents: `incidents added`), in the same transaction. The id is
 * never one a deleted incident had. Throws Error on invalid input.
 */
export function addIncident(db: Db, input: IncidentInput, actor?: string): Incident {
  return db.transaction(() => {
    const it = insertIncident(db, input);
    logIncidents(db, [it], 'added', actor);
    return it;
  })();
}

function insertIncident(db: Db, input: IncidentInput): Incident {
  const v = validated(db, input, 'incident');
  const now = new Date().toISOString();
  const id = nextRecordId(db, 'incidents');
  db.prepare('INSERT INTO incidents (id, title, type, started_at, ended_at, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(id, v.title, v.type, v.startedAt ?? null, v.endedAt ?? null, v.description ?? null, now, now);
  writePlaces(db, id, v.placeIds ?? []);
  const it = getIncident(db, id)!;
  index(db, it);
  return it;
}

/**
 * Changes the fields present in `patch`; placeIds, when given, replaces the list. The edit is a
 * custody event by `actor` (logIncidents: `incidents edited`), in the same transaction. Throws
 * Error on unknown id or bad values.
 */
export function editIncident(db: Db, id: number, patch: Partial<IncidentInput>, actor?: string): Incident {
  return db.transaction(() => {
    const it = updateIncident(db, id, patch);
    logIncidents(db, [it], 'edited', actor);
    return it;
  })();
}

function updateIncident(db: Db, id: number, patch: Partial<IncidentInput>): Incident {
  const cur = getIncident(db, id);
  if (!cur) throw new Error(`incident ${id}: no such incident`);
  const v = validated(db, {
    title: cur.title, type: cur.type, startedAt: cur.startedAt, endedAt: cur.endedAt, placeIds: cur.placeIds, description: cur.description,
    ...Object.fromEntries(Object.entries(patch).filter(([, x]) => x !== undefined)),
  }, `incident ${id}`);
  db.prepare('UPDATE incidents SET title = ?, type = ?, started_at = ?, ended_at = ?, description = ?, updated_at = ? WHERE id = ?')
    .run(v.title, v.type, v.startedAt ?? null, v.endedAt ?? null, v.description ?? null, new Date().toISOString(), id);
  writePlaces(db, id, v.placeIds ?? []);
  const it = getIncident(db, id)!;
  index(db, it);
  reindexItemsLinkedTo(db, 'incident', id);
  return it;
}

/**
 * Deletes an incident no item is linked to and returns the record it was; the deletion is a
 * custody event by `actor` (logIncidentsDeleted: `incidents deleted`, fingerprint null), in the
 * same transaction, and its id is never given again. Throws Error for an unknown incident, or one
 * items are still linked to (naming them: unlink them first with `evidence untag`).
 */
export function deleteIncident(db: Db, id: number, actor?: string): Incident {
  return db.transaction(() => {
    const cur = getIncident(db, id);
    if (!cur) throw new Error(`incident ${id}: no such incident`);
    const items = (db.prepare('SELECT item_id FROM item_incidents WHERE incident_id = ? ORDER BY item_id').all(id) as { item_id: number }[]).map((r) => r.item_id);
    if (items.length) {
      throw new Error(`incident ${id}: ${items.length} item(s) are linked to it (${items.slice(0, 10).join(', ')}${items.length > 10 ? ', …' : ''}); unlink them first (evidence untag <item> --incident ${id})`);
    }
    db.prepare('DELETE FROM incident_places WHERE incident_id = ?').run(id);
    db.prepare("DELETE FROM catalog_fts WHERE kind = 'incident' AND ref = ?").run(String(id));
    db.prepare('DELETE FROM incidents WHERE id = ?').run(id);
    noteDeletedId(db, 'incidents', id);
    logIncidentsDeleted(db, [id], actor);
    return cur;
  })();
}
