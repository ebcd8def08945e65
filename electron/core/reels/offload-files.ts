// Where each file of a reel goes in an offload copy (`evidence mhl --reel NAME --out DIR`): below a
// folder named after the reel, at its path below the card root, so a card keeps its structure
// (PRIVATE/M4ROOT/CLIP/C0001.MP4, BDMV/CLIPINF/00000.CPI) and two cards with the same folder names
// can share one offload folder. Every file is listed, also two holding the same content.
import { findReel, REL_PATH_SQL } from '../catalog/reels.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { sanitizeSegment } from '../export/names.ts';
import { displayName } from '../ingest/filename.ts';

/** One file to copy: the item holding its content and its path in the offload folder ("/"). */
export interface OffloadFile {
  itemId: number;
  path: string;
  /**
   * Set when the copy cannot keep the card's name (not UTF-8, control characters, characters a
   * portable name cannot hold): the path below the card root in display form (ingest/filename.ts
   * displayName, e.g. "DCIM/IMG_\xD0.JPG"), so the rename can be told to the user.
   */
  cardPath?: string;
}

/**
 * The files of reel `name` (each path of the card once, its newest sighting) with their place in
 * an offload folder: "<reel>/<path below the card root>", each segment made portable as an export
 * names files (export/names.ts); `cardPath` says which were renamed so. Empty when there is no such reel.
 */
export function reelOffloadFiles(db: Db, name: string): OffloadFile[] {
  const reel = findReel(db, name);
  if (!reel) return [];
  const roots = stmt(db, `SELECT s.id, rr.root_bytes root, s.path_bytes pathBytes, s.source_path path, s.item_id itemId FROM sightings s
    LEFT JOIN reel_runs rr ON rr.reel_id = s.reel_id AND rr.run_id = s.run_id
    WHERE s.id IN (SELECT max(s.id) FROM sightings s LEFT JOIN reel_runs rr ON rr.reel_id = s.reel_id AND rr.run_id = s.run_id WHERE s.reel_id = ? GROUP BY ${REL_PATH_SQL})
    ORDER BY s.path_bytes, s.source_path`).all(reel.id) as { root: Buffer | null; pathBytes: Buffer | null; path: string; itemId: number }[];
  const top = sanitizeSegment(reel.name) || `reel-${reel.id}`;
  return roots.map((r) => {
    const full = r.pathBytes ?? Buffer.from(r.path);
    // Below the card root the run recorded; a sighting without one keeps its file name only.
    const below = r.root && full.length > r.root.length + 1 && full.subarray(0, r.root.length).equals(r.root) ? full.subarray(r.root.length + 1) : full.subarray(full.lastIndexOf(0x2f) + 1);
    const shown = displayName(below);
    const segments = shown.split('/').map((s) => sanitizeSegment(s) || '_');
    // Renamed when the bytes are not UTF-8 or a segment had to change to be portable.
    const renamed = !Buffer.from(below.toString('utf8'), 'utf8').equals(below) || segments.join('/') !== below.toString('utf8');
    return { itemId: r.itemId, path: [top, ...segments].join('/'), ...(renamed ? { cardPath: shown } : {}) };
  });
}
