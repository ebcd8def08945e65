// The data steps of the migrations (see index.ts), by migration name.
import type { Db } from '../open.ts';
import { up as catalogData } from './002_catalog_data.ts';
import { up as incidentCaseAuditData } from './004_incident_case_audit_data.ts';
import { up as sightingPathBytesData } from './006_sighting_path_bytes_data.ts';

export const DATA_STEPS: Readonly<Record<string, (db: Db) => void>> = {
  '002_catalog': catalogData,
  '004_incident_case_audit': incidentCaseAuditData,
  '006_sighting_path_bytes': sightingPathBytesData,
};
