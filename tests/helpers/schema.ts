// Makes a catalog look as an older version of Evidence Archive left it, for upgrade tests: the
// tables and columns that later migrations create are removed and user_version set back, so that
// openDb takes it for a genuine older catalog (not one whose version was set back by hand).
import type Database from 'better-sqlite3';
import { MIGRATIONS } from '../../electron/core/db/migrations/index.ts';

/** Sets `raw` back to schema `version`: drops what migrations version+1… create, then sets user_version. */
export function setBackSchema(raw: Database.Database, version: number): void {
  for (const m of [...MIGRATIONS.slice(version)].reverse()) {
    // Triggers on tables that stay (map_cells' on items) would outlive the tables they write.
    for (const [, tr] of m.sql.matchAll(/CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/giu)) raw.exec(`DROP TRIGGER IF EXISTS "${tr!}"`);
    // An indexed column cannot be dropped: the migration's indexes go first.
    for (const [, i] of m.sql.matchAll(/CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/giu)) raw.exec(`DROP INDEX IF EXISTS "${i!}"`);
    for (const [, t, c] of m.sql.matchAll(/ALTER\s+TABLE\s+["`]?(\w+)["`]?\s+ADD\s+(?:COLUMN\s+)?["`]?(\w+)/giu)) raw.exec(`ALTER TABLE "${t!}" DROP COLUMN "${c!}"`);
    // Tables in the reverse of their creation order: a later table may reference an earlier one.
    for (const [, t] of [...m.sql.matchAll(/CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?["`]?(\w+)/giu)].reverse()) raw.exec(`DROP TABLE IF EXISTS "${t!}"`);
  }
  raw.pragma(`user_version = ${version}`);
}
