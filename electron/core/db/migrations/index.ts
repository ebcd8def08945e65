import * as m001 from './001_initial.ts';
import * as m002 from './002_catalog.ts';
import * as m003 from './003_sighting_identity.ts';
import * as m004 from './004_incident_case_audit.ts';
import * as m005 from './005_export_timestamps.ts';
import * as m006 from './006_sighting_path_bytes.ts';
import * as m007 from './007_export_runs.ts';
import * as m008 from './008_person_roles.ts';
import * as m009 from './009_library_indexes.ts';
import * as m010 from './010_verify_runs.ts';
import * as m011 from './011_replicas.ts';
import * as m012 from './012_reels.ts';
import * as m013 from './013_item_sidecars.ts';
import * as m014 from './014_mhl_provenance.ts';
import * as m015 from './015_item_credentials.ts';
import * as m016 from './016_redaction.ts';
import * as m017 from './017_map_gps_index.ts';
import * as m018 from './018_canon_xml_sidecar.ts';
import * as m019 from './019_verify_run_interruptions.ts';

/**
 * One schema migration: its SQL and, with `dataStep`, a data step run after it in the same
 * transaction (DATA_STEPS in steps.ts, under the migration's name). The data steps need the
 * catalog code (and zod), so they load only when a catalog is created or upgraded.
 */
export interface Migration {
  name: string;
  sql: string;
  dataStep?: boolean;
}

/** Ordered schema migrations; migration i (0-based) brings user_version from i to i+1. */
export const MIGRATIONS: readonly Migration[] = [
  { name: '001_initial', sql: m001.sql },
  { name: '002_catalog', sql: m002.sql, dataStep: true },
  { name: '003_sighting_identity', sql: m003.sql },
  { name: '004_incident_case_audit', sql: m004.sql, dataStep: true },
  { name: '005_export_timestamps', sql: m005.sql },
  { name: '006_sighting_path_bytes', sql: m006.sql, dataStep: true },
  { name: '007_export_runs', sql: m007.sql },
  { name: '008_person_roles', sql: m008.sql },
  { name: '009_library_indexes', sql: m009.sql },
  { name: '010_verify_runs', sql: m010.sql },
  { name: '011_replicas', sql: m011.sql },
  { name: '012_reels', sql: m012.sql },
  { name: '013_item_sidecars', sql: m013.sql },
  { name: '014_mhl_provenance', sql: m014.sql },
  { name: '015_item_credentials', sql: m015.sql },
  { name: '016_redaction', sql: m016.sql },
  { name: '017_map_gps_index', sql: m017.sql },
  { name: '018_canon_xml_sidecar', sql: m018.sql },
  { name: '019_verify_run_interruptions', sql: m019.sql },
];
