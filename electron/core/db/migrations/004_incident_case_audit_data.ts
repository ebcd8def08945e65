// From this version on, every change of an incident or a case reference is a custody event that
// records the record's fingerprint (catalog/incident-case-audit.ts), and `evidence verify` checks
// each incident and case against the last fingerprint logged for it. Incidents and cases made by
// an older version have no such event; this migration logs one baseline event per kind with the
// fingerprints of the records as they are found at the upgrade (as migration 002 logs the seed
// gazetteer). What was changed before the upgrade cannot be told apart from the original.
// This is its data step, loaded only when a catalog is created or upgraded (migrations/steps.ts).
import type { Db } from '../open.ts';
import { getCase } from '../../catalog/cases.ts';
import { logCases, logIncidents } from '../../catalog/incident-case-audit.ts';
import { getIncident } from '../../catalog/incidents.ts';


/** The actor of the baseline events. */
export const UPGRADE_ACTOR = 'Evidence Archive (schema upgrade 004)';

/**
 * True when the custody log already holds an incidents or cases audit event (a baseline or any
 * later change): the archive was at schema 4 before, and someone set user_version back.
 */
function alreadyAudited(db: Db): boolean {
  return Boolean(db.prepare(`SELECT 1 FROM custody_events WHERE type = 'metadata modification' AND item IS NULL
    AND CASE WHEN json_valid(detail) THEN json_type(detail, '$.incidentRecords') IS NOT NULL OR json_type(detail, '$.caseRecords') IS NOT NULL ELSE 0 END
    LIMIT 1`).get());
}

/**
 * Runs in the migration's transaction: appends a `metadata modification` custody event `incidents
 * recorded at upgrade …` with the fingerprint of every incident present, and one `cases recorded at
 * upgrade …` for every case reference; nothing when there are none (a new archive), and nothing
 * when the log already holds an incidents or cases event: a catalog set back to schema 3
 * (user_version edited) must not get a second baseline that would vouch for rows changed since.
 * `evidence verify` then checks those rows against the fingerprints logged before. Throws SQLite
 * errors.
 */
export function up(db: Db): void {
  if (alreadyAudited(db)) return;
  const ids = (table: 'incidents' | 'cases') => (db.prepare(`SELECT id FROM ${table} ORDER BY id`).all() as { id: number }[]).map((r) => r.id);
  const incidents = ids('incidents').map((id) => getIncident(db, id)!);
  if (incidents.length) logIncidents(db, incidents, 'recorded at upgrade (made before incidents were audited)', UPGRADE_ACTOR);
  const cases = ids('cases').map((id) => getCase(db, id)!);
  if (cases.length) logCases(db, cases, 'recorded at upgrade (made before cases were audited)', UPGRADE_ACTOR);
}
