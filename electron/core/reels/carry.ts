// A file a run skips because it already ingested it from this very path (same size, modification
// time, inode and status-change time: ingest.ts) is still on the card the run reads. When the
// run's reel does not hold it yet (the card got a reel of its own, or an earlier reel was split),
// it is recorded there as a sighting of the content already held, without reading it again, so a
// reel lists every file the run found on the card (issue 14 hostile test, D2).
import type { Db } from '../db/open.ts';
import { insertSighting, type NewSighting } from '../db/items.ts';
import { stmt } from '../db/stmt.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { bytesField } from '../ingest/filename.ts';
import type { Candidate } from '../ingest/walk.ts';

/** Who and when: the run's fields of a sighting. */
export interface CarryRun {
  operator: string;
  host: string;
  runId: string;
  ingestedAt: string;
}

/**
 * The sighting to record for skipped file `c` (content `itemId`) on reel `reelId`, or null when
 * there is no reel or the reel already holds this content from this path. Pure read.
 */
export function sightingToCarry(db: Db, itemId: number, c: Candidate, reelId: number | null, run: CarryRun): NewSighting | null {
  if (reelId === null) return null;
  const held = stmt(db, 'SELECT 1 FROM sightings WHERE item_id = ? AND reel_id = ? AND path_bytes = ? LIMIT 1').get(itemId, reelId, Buffer.from(c.pathBytes));
  if (held) return null;
  const d = new Date(c.mtimeMs);
  return {
    path: c.path, name: c.name, pathBytes: c.pathBytes, bytes: c.bytes, mtime: Number.isFinite(d.getTime()) ? d.toISOString() : null, mtimeNs: c.mtimeNs,
    ino: c.ino, ctimeNs: c.ctimeNs, operator: run.operator, host: run.host, ingestedAt: run.ingestedAt, runId: run.runId, reelId,
  };
}

/** Records sighting `s` of content `sha256` (item `itemId`) with its `ingestion` custody event (outcome duplicate, not read again). */
export function recordCarriedSighting(db: Db, itemId: number, sha256: string, s: NewSighting): void {
  const sightingId = insertSighting(db, itemId, s);
  const b = bytesField(s.pathBytes);
  appendCustodyEvent(db, { actor: s.operator, type: 'ingestion', item: sha256, at: s.ingestedAt, detail: {
    outcome: 'duplicate: already ingested from this path (same size, modification time and inode), not read again; sighting recorded for this card',
    sighting: sightingId, sourcePath: s.path, ...(b === undefined ? {} : { sourcePathBytes: b }), fileName: s.name, bytes: s.bytes, mtime: s.mtime, host: s.host, runId: s.runId,
  } });
}
