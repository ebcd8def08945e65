// From this version on, every change of an incident or a case reference is a custody event that
// records the record's fingerprint (catalog/incident-case-audit.ts), and `evidence verify` checks
// each incident and case against the last fingerprint logged for it. Incidents and cases made by
// an older version have no such event; this migration logs one baseline event per kind with the
// fingerprints of the records as they are found at the upgrade (as migration 002 logs the seed
// gazetteer). What was changed before the upgrade cannot be told apart from the original.
import type { Db } from '../open.ts';
import { getCase } from '../../catalog/cases.ts';
import { logCases, logIncidents } from '../../catalog/incident-case-audit.ts';
import { getIncident } from '../../catalog/incidents.ts';

export const sql = '';

/** The actor of the baseline events. */
export const UPGRADE_ACTOR = 'Evidence Archive (schema upgrade 004)';

/**
 * Runs in the migration's transaction: appends a `metadata modification` custody event `incidents
 * recorded at upgrade …` with the fingerprint of every incident present, and one `cases recorded at
 * upgrade …` for every case reference; nothing when there are none (a new archive). Throws
 * SQLite errors.
 */
export function up(db: Db): void {
  const ids = (table: 'incidents' | 'cases') => (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
  const incidents = ids('incidents').map((id) => getIncident(db, id)!);
  if (incidents.length) logIncidents(db, incidents, 'recorded at upgrade (made before incidents were audited)', UPGRADE_ACTOR);
  const cases = ids('cases').map((id) => getCase(db, id)!);
  if (cases.length) logCases(db, cases, 'recorded at upgrade (made before cases were audited)', UPGRADE_ACTOR);
}
