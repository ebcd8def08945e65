// Incidents and case references are audited like places (place-audit.ts): an incident's dates and
// places, and a case's authority and number, are what an evidence set tells a prosecutor the
// material supports, so a change made behind the program's back (directly in SQLite) must be
// detectable against the custody log. They are not personal data, but the log still holds only a
// fingerprint of each record, so that every catalog audit event has the same shape.
//
// Fingerprints list their fields one by one (as person-audit.ts does) rather than hashing the
// whole object: a field added to Incident or CaseRef later must not change the fingerprint of
// every record logged before it.
import type { CaseRef, Incident } from '../../common/catalog.ts';
import { resolveOperator } from '../archive.ts';
import { contentHash } from '../custody/content-hash.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { Db } from '../db/open.ts';

/**
 * SHA-256 (hex) of the RFC 8785 JSON of an incident's fields: id, title, type, startedAt,
 * endedAt, placeIds, description (not the created/updated timestamps). Equal fingerprints mean
 * equal records.
 */
export function incidentFingerprint(i: Incident): string {
  return contentHash({ id: i.id, title: i.title, type: i.type, startedAt: i.startedAt, endedAt: i.endedAt, placeIds: i.placeIds, description: i.description });
}

/**
 * SHA-256 (hex) of the RFC 8785 JSON of a case reference's fields: id, authority, caseNumber,
 * articles, openedOn, description (not the created/updated timestamps).
 */
export function caseFingerprint(c: CaseRef): string {
  return contentHash({ id: c.id, authority: c.authority, caseNumber: c.caseNumber, articles: c.articles, openedOn: c.openedOn, description: c.description });
}

function append(db: Db, noun: 'incidents' | 'cases', key: 'incidentRecords' | 'caseRecords', prints: Record<string, string | null>, action: string, actor?: string): void {
  appendCustodyEvent(db, { actor: actor ?? resolveOperator(), type: 'metadata modification', item: null, detail: { outcome: 'success', action: `${noun} ${action}`, [key]: prints } });
}

/**
 * Appends one archive-wide `metadata modification` custody event (PREMIS 3.0 eventType) for
 * incidents added, edited or recorded at an upgrade: `{outcome, action: 'incidents <action>',
 * incidentRecords: {<id>: <fingerprint>}}`. Pass the records as stored after the change; call
 * inside the transaction that made it. `actor` defaults to resolveOperator(). Throws SQLite errors.
 */
export function logIncidents(db: Db, incidents: readonly Incident[], action: string, actor?: string): void {
  append(db, 'incidents', 'incidentRecords', Object.fromEntries(incidents.map((i) => [String(i.id), incidentFingerprint(i)])), action, actor);
}

/**
 * Appends the custody event of incidents deleted: `{outcome, action: 'incidents deleted',
 * incidentRecords: {<id>: null}}` (null: no record any more). Call inside the deleting transaction,
 * after the rows are gone. Throws Error when one of the incidents is still in the catalog.
 */
export function logIncidentsDeleted(db: Db, ids: readonly number[], actor?: string): void {
  for (const id of ids) if (db.prepare('SELECT 1 FROM incidents WHERE id = ?').get(id)) throw new Error(`incident ${id}: still in the catalog, not deleted`);
  append(db, 'incidents', 'incidentRecords', Object.fromEntries(ids.map((id) => [String(id), null])), 'deleted', actor);
}

/**
 * Appends one archive-wide `metadata modification` custody event for case references added,
 * edited or recorded at an upgrade: `{outcome, action: 'cases <action>', caseRecords: {<id>:
 * <fingerprint>}}`. Pass the records as stored after the change; call inside the transaction
 * that made it. `actor` defaults to resolveOperator(). Throws SQLite errors.
 */
export function logCases(db: Db, cases: readonly CaseRef[], action: string, actor?: string): void {
  append(db, 'cases', 'caseRecords', Object.fromEntries(cases.map((c) => [String(c.id), caseFingerprint(c)])), action, actor);
}

/**
 * Appends the custody event of case references deleted: `{outcome, action: 'cases deleted',
 * caseRecords: {<id>: null}}`. Call inside the deleting transaction, after the rows are gone.
 * Throws Error when one of the cases is still in the catalog.
 */
export function logCasesDeleted(db: Db, ids: readonly number[], actor?: string): void {
  for (const id of ids) if (db.prepare('SELECT 1 FROM cases WHERE id = ?').get(id)) throw new Error(`case ${id}: still in the catalog, not deleted`);
  append(db, 'cases', 'caseRecords', Object.fromEntries(ids.map((id) => [String(id), null])), 'deleted', actor);
}

const deletedMaxKey = (table: 'incidents' | 'cases') => `catalog.${table}.deleted_max_id`;

/**
 * The id for a new incident or case: one above both the highest id in `table` and the highest id
 * ever deleted from it (settings key `catalog.<table>.deleted_max_id`). SQLite would otherwise
 * give a deleted last id again, and custody rows naming that id would then name two records.
 */
export function nextRecordId(db: Db, table: 'incidents' | 'cases'): number {
  const inTable = (db.prepare(`SELECT max(id) m FROM ${table}`).get() as { m: number | null }).m ?? 0;
  const deleted = Number((db.prepare('SELECT value FROM settings WHERE key = ?').get(deletedMaxKey(table)) as { value: string } | undefined)?.value ?? 0);
  return Math.max(inTable, Number.isSafeInteger(deleted) ? deleted : 0) + 1;
}

/** Remembers that `id` was deleted from `table`, so nextRecordId never gives it again. Throws SQLite errors. */
export function noteDeletedId(db: Db, table: 'incidents' | 'cases', id: number): void {
  db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)`)
    .run(deletedMaxKey(table), String(id));
}
