// Tagging: linking an item to places, people, incidents and cases, free tags, description and
// notes. Every change is a PREMIS `metadata modification` custody event carrying the before and
// after values and the operator, appended in the same transaction as the change, so the catalog
// and its history cannot disagree. The original file is never touched.
import { PERSON_ROLE_ALIASES, PERSON_ROLES, type ItemTags, type PersonRole } from '../../common/catalog.ts';
import type { CustodyEvent } from '../../common/types.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { getItem } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import { resolveCase } from './cases.ts';
import { reindexItem } from './fts.ts';
import { resolveIncident } from './incidents.ts';
import { resolvePerson } from './people.ts';
import { resolveOnePlace } from './places.ts';

/** What to change on one item. Refs are ids or (places) unambiguous names; description/notes: string sets, null clears. */
export interface TagChange {
  addPlaces?: string[];
  removePlaces?: string[];
  addPeople?: { id: number | string; role: PersonRole }[];
  /** Without a role, every role of that person is removed. */
  removePeople?: { id: number | string; role?: PersonRole }[];
  addIncidents?: (number | string)[];
  removeIncidents?: (number | string)[];
  addCases?: (number | string)[];
  removeCases?: (number | string)[];
  addTags?: string[];
  removeTags?: string[];
  description?: string | null;
  notes?: string | null;
}

export interface TagResult {
  itemId: number;
  sha256: string;
  changed: boolean;
  before: ItemTags;
  after: ItemTags;
  /** The custody event appended, null when nothing changed. */
  event: CustodyEvent | null;
}

/** A free tag as stored: NFC, trimmed, inner whitespace collapsed, lower case (Cyrillic too). Throws Error for an empty or over-long tag. */
export function normalizeTag(tag: string): string {
  const t = tag.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (!t) throw new Error('tag: empty tag');
  if (t.length > 200) throw new Error(`tag "${t.slice(0, 40)}…": longer than 200 characters`);
  return t;
}

/**
 * Parses "ID:role" (role from PERSON_ROLES, e.g. "12:depicts", "12:testimony of", in any case,
 * "-" or "_" for a space; or one of PERSON_ROLE_ALIASES: "12:interviewee" is 12 in testimony
 * of); `requireRole` false allows a bare id. Throws Error naming the text and the roles.
 */
export function parsePersonRef(text: string, requireRole = true): { id: string; role?: PersonRole } {
  const i = text.indexOf(':');
  const id = (i < 0 ? text : text.slice(0, i)).trim();
  const typed = i < 0 ? undefined : text.slice(i + 1).trim().toLowerCase().replace(/[-_\s]+/g, ' ');
  const role = typed === undefined ? undefined : (Object.hasOwn(PERSON_ROLE_ALIASES, typed) ? PERSON_ROLE_ALIASES[typed]! : typed);
  if (!id) throw new Error(`person "${text}": give ID:role`);
  if (role === undefined) {
    if (requireRole) throw new Error(`person "${text}": give a role as ID:role, one of: ${PERSON_ROLES.join(', ')}`);
    return { id };
  }
  if (!(PERSON_ROLES as readonly string[]).includes(role)) throw new Error(`person "${text}": unknown role "${typed}" (one of: ${PERSON_ROLES.join(', ')})`);
  return { id, role: role as PersonRole };
}

/** Everything item `itemId` is tagged with, in a stable order (places in the order given). */
export function getItemTags(db: Db, itemId: number): ItemTags {
  const notes = db.prepare('SELECT description, notes FROM item_notes WHERE item_id = ?').get(itemId) as { description: string | null; notes: string | null } | undefined;
  return {
    places: (db.prepare('SELECT place_id FROM item_places WHERE item_id = ? ORDER BY ord, place_id').all(itemId) as { place_id: string }[]).map((r) => r.place_id),
    people: (db.prepare('SELECT person_id id, role FROM item_people WHERE item_id = ? ORDER BY person_id, role').all(itemId) as { id: number; role: PersonRole }[]),
    incidents: (db.prepare('SELECT incident_id FROM item_incidents WHERE item_id = ? ORDER BY incident_id').all(itemId) as { incident_id: number }[]).map((r) => r.incident_id),
    cases: (db.prepare('SELECT case_id FROM item_cases WHERE item_id = ? ORDER BY case_id').all(itemId) as { case_id: number }[]).map((r) => r.case_id),
    tags: (db.prepare('SELECT tag FROM item_tags WHERE item_id = ? ORDER BY tag').all(itemId) as { tag: string }[]).map((r) => r.tag),
    description: notes?.description ?? null,
    notes: notes?.notes ?? null,
  };
}

/**
 * Applies `change` to item `itemId` and, when anything changed, appends one `metadata
 * modification` custody event (PREMIS 3.0 eventType) by `actor` with detail
 * `{outcome, action: 'tagging', before, after, via?, ...extra}`, all in one transaction; then
 * refreshes the item's search index. Adding what is already there, or removing what is not, is a
 * no-op (no event). Throws Error (nothing written) for an unknown item, place, person, incident,
 * case, role, or an ambiguous place name.
 */
export function tagItem(db: Db, itemId: number, change: TagChange, opts: { actor: string; via?: string; extra?: Record<string, unknown> }): TagResult {
  return db.transaction((): TagResult => {
    const item = getItem(db, itemId);
    if (!item) throw new Error(`item ${itemId}: no such item`);
    const before = getItemTags(db, itemId);
    const now = new Date().toISOString();

    const maxOrd = (db.prepare('SELECT coalesce(max(ord), -1) m FROM item_places WHERE item_id = ?').get(itemId) as { m: number }).m;
    let ord = maxOrd + 1;
    for (const ref of change.addPlaces ?? []) {
      db.prepare('INSERT OR IGNORE INTO item_places (item_id, place_id, ord) VALUES (?, ?, ?)').run(itemId, resolveOnePlace(db, ref).id, ord++);
    }
    for (const ref of change.removePlaces ?? []) db.prepare('DELETE FROM item_places WHERE item_id = ? AND place_id = ?').run(itemId, resolveOnePlace(db, ref).id);
    for (const p of change.addPeople ?? []) {
      if (!(PERSON_ROLES as readonly string[]).includes(p.role)) throw new Error(`person ${p.id}: unknown role "${p.role}" (one of: ${PERSON_ROLES.join(', ')})`);
      db.prepare('INSERT OR IGNORE INTO item_people (item_id, person_id, role) VALUES (?, ?, ?)').run(itemId, resolvePerson(db, p.id).id, p.role);
    }
    for (const p of change.removePeople ?? []) {
      const pid = resolvePerson(db, p.id).id;
      if (p.role) db.prepare('DELETE FROM item_people WHERE item_id = ? AND person_id = ? AND role = ?').run(itemId, pid, p.role);
      else db.prepare('DELETE FROM item_people WHERE item_id = ? AND person_id = ?').run(itemId, pid);
    }
    for (const ref of change.addIncidents ?? []) db.prepare('INSERT OR IGNORE INTO item_incidents (item_id, incident_id) VALUES (?, ?)').run(itemId, resolveIncident(db, ref).id);
    for (const ref of change.removeIncidents ?? []) db.prepare('DELETE FROM item_incidents WHERE item_id = ? AND incident_id = ?').run(itemId, resolveIncident(db, ref).id);
    for (const ref of change.addCases ?? []) db.prepare('INSERT OR IGNORE INTO item_cases (item_id, case_id) VALUES (?, ?)').run(itemId, resolveCase(db, ref).id);
    for (const ref of change.removeCases ?? []) db.prepare('DELETE FROM item_cases WHERE item_id = ? AND case_id = ?').run(itemId, resolveCase(db, ref).id);
    for (const t of change.addTags ?? []) db.prepare('INSERT OR IGNORE INTO item_tags (item_id, tag) VALUES (?, ?)').run(itemId, normalizeTag(t));
    for (const t of change.removeTags ?? []) db.prepare('DELETE FROM item_tags WHERE item_id = ? AND tag = ?').run(itemId, normalizeTag(t));
    if (change.description !== undefined || change.notes !== undefined) {
      const desc = change.description !== undefined ? (change.description?.trim() || null) : before.description;
      const notes = change.notes !== undefined ? (change.notes?.trim() || null) : before.notes;
      db.prepare(`INSERT INTO item_notes (item_id, description, notes, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(item_id) DO UPDATE SET description = excluded.description, notes = excluded.notes, updated_at = excluded.updated_at`)
        .run(itemId, desc, notes, now);
    }

    const after = getItemTags(db, itemId);
    if (JSON.stringify(before) === JSON.stringify(after)) return { itemId, sha256: item.record.sha256, changed: false, before, after, event: null };
    reindexItem(db, itemId);
    const event = appendCustodyEvent(db, {
      actor: opts.actor, type: 'metadata modification', item: item.record.sha256, at: now,
      detail: { outcome: 'success', action: 'tagging', before, after, ...(opts.via ? { via: opts.via } : {}), ...(opts.extra ?? {}) },
    });
    return { itemId, sha256: item.record.sha256, changed: true, before, after, event };
  })();
}
