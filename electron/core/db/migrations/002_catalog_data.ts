// Data step of migration 002 (see 002_catalog.ts), loaded only when a catalog is created or
// upgraded (migrations/steps.ts): it needs the gazetteer and the catalog code.
import { randomBytes } from 'node:crypto';
import type { Db } from '../open.ts';
import { loadGazetteerSeed } from '../../catalog/gazetteer.ts';

/**
 * Runs after the SQL above, in the same transaction: loads the shipped gazetteer seed
 * (resources/gazetteer/places.csv) and creates the per-archive secret behind the victims
 * register's stable pseudonyms (settings key `register.pseudonym_key`, 32 random bytes, hex).
 */
export function up(db: Db): void {
  loadGazetteerSeed(db);
  db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run('register.pseudonym_key', randomBytes(32).toString('hex'));
}
