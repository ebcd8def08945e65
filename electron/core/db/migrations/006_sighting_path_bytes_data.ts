// Data step of migration 006 (see 006_sighting_path_bytes.ts), loaded only when a catalog is
// created or upgraded (migrations/steps.ts). It must not import catalog/.
import { lstatSync } from 'node:fs';
import type { Db } from '../open.ts';
import { legacyPathBytes, legacyReadings } from '../../ingest/filename.ts';

/**
 * The bytes of the file a sighting recorded as `text` (the older text form) was read from, by the
 * file found now: of the two byte strings the text may stand for, the one whose file has the
 * recorded inode and size. Null when neither does (the card is gone, or the file changed).
 */
function byFileOnDisk(text: string, ino: string | null, bytes: number): Buffer | null {
  if (ino === null) return null;
  const candidates = legacyReadings(text);
  const found = candidates.filter((c) => {
    try {
      const st = lstatSync(c, { bigint: true });
      return st.ino.toString() === ino && Number(st.size) === bytes;
    } catch {
      return false;
    }
  });
  return found.length === 1 ? found[0]! : null;
}

/**
 * Runs in the migration's transaction: sets `path_bytes` of every sighting that has none to the
 * bytes its `source_path` text stands for (ingest/filename.ts legacyPathBytes). A text that stands
 * for two names (the literal text "\xFF" and the byte 0xFF) is settled by the file still at one
 * of them with the recorded inode and size; when none is, `path_bytes` stays NULL, and the resume
 * lookup matches such a sighting by its text, inode and ctime (db/items.ts findSightingBySource).
 * `source_path` itself is left as recorded: the custody log holds the same text. Throws SQLite
 * errors.
 */
export function up(db: Db): void {
  const rows = db.prepare('SELECT id, source_path, ino, bytes FROM sightings WHERE path_bytes IS NULL').all() as { id: number; source_path: string; ino: string | null; bytes: number }[];
  const set = db.prepare('UPDATE sightings SET path_bytes = ? WHERE id = ?');
  for (const r of rows) {
    const b = legacyPathBytes(r.source_path) ?? byFileOnDisk(r.source_path, r.ino, r.bytes);
    if (b) set.run(b, r.id);
  }
}
