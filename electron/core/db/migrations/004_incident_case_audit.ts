// From this version on, every change of an incident or a case reference is a custody event that
// records the record's fingerprint (catalog/incident-case-audit.ts), and `evidence verify` checks
// each incident and case against the last fingerprint logged for it. Incidents and cases made by
// an older version have no such event; this migration logs one baseline event per kind with the
// fingerprints of the records as they are found at the upgrade (as migration 002 logs the seed
// gazetteer). What was changed before the upgrade cannot be told apart from the original.
// No schema change; the data step is in 004_incident_case_audit_data.ts.
export const sql = '';
