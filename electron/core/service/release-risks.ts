// What a public release would still carry inside its files (issue 16 §4): an export sends each
// original as it was received, so GPS positions in EXIF/XMP, camera serial numbers and faces in
// the pictures go out with it unless redacted copies are sent instead. Counted from the catalog,
// for the Export screen to say before the user publishes. Reads only.
import type { Db } from '../db/open.ts';

/** Whether the archive has redacted copies, and for how many of the chosen items. */
export interface RedactedCoverage {
  /** Chosen items with at least one redacted derivative (issue 13's `derivatives` table). */
  itemsWithRedacted: number;
  /** Chosen items without one (all of them when the table does not exist). */
  itemsWithout: number;
}

/** The counts the Export screen shows before a public release; every count is of distinct chosen items. */
export interface ReleaseRisks {
  /** Items counted (unknown ids are not). */
  items: number;
  /** Items with a GPS position in their metadata (EXIF/XMP GPS, a video's location atom): `items.has_gps`. */
  withGps: number;
  /**
   * Items whose metadata names a serial number: the normalized record's camera body serial, or any
   * tag of the raw metadata whose name ends in "SerialNumber" (BodySerialNumber, LensSerialNumber,
   * InternalSerialNumber, CameraSerialNumber…), which identify the device that made the file.
   */
  withSerial: number;
  /** Photos and videos: any of them may show a face, and no face detector has ruled it out. */
  mayShowFaces: number;
  /** Items linked to a person in the case catalog (in any role); 0 without the catalog. */
  linkedToPeople: number;
  redacted: RedactedCoverage;
}

const hasTable = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

// Ids travel as one JSON array parameter: a selection may hold 100,000 items, more than SQLite's
// bound-parameter limit.
const CHOSEN = 'SELECT value AS id FROM json_each(?)';

/**
 * Of `itemIds`, how many have a redacted copy: reads issue 13's `derivatives` table (kind
 * 'redacted') when the archive has it; without it, none has. Unknown ids are not counted.
 */
export function redactedCoverage(db: Db, itemIds: readonly number[]): RedactedCoverage {
  const ids = JSON.stringify([...new Set(itemIds)]);
  const known = db.prepare(`SELECT count(*) FROM items WHERE id IN (${CHOSEN})`).pluck().get(ids) as number;
  if (!hasTable(db, 'derivatives')) return { itemsWithRedacted: 0, itemsWithout: known };
  const withRedacted = db.prepare(`SELECT count(DISTINCT d.item_id) FROM derivatives d JOIN items i ON i.id = d.item_id
    WHERE d.kind = 'redacted' AND d.item_id IN (${CHOSEN})`).pluck().get(ids) as number;
  return { itemsWithRedacted: withRedacted, itemsWithout: known - withRedacted };
}

/**
 * What the originals of `itemIds` would carry into a public release (ReleaseRisks), counted in
 * SQL over the catalog; duplicate and unknown ids are ignored.
 */
export function releaseRisks(db: Db, itemIds: readonly number[]): ReleaseRisks {
  const ids = JSON.stringify([...new Set(itemIds)]);
  const row = db.prepare(`SELECT count(*) AS items,
      coalesce(sum(i.has_gps = 1), 0) AS withGps,
      coalesce(sum(json_extract(i.record, '$.serial') IS NOT NULL
        OR (i.raw_metadata IS NOT NULL AND i.raw_metadata LIKE '%SerialNumber"%')), 0) AS withSerial,
      coalesce(sum(i.kind IN ('image', 'video')), 0) AS mayShowFaces
    FROM items i WHERE i.id IN (${CHOSEN})`).get(ids) as { items: number; withGps: number; withSerial: number; mayShowFaces: number };
  const linkedToPeople = hasTable(db, 'item_people')
    ? db.prepare(`SELECT count(DISTINCT item_id) FROM item_people WHERE item_id IN (${CHOSEN})`).pluck().get(ids) as number
    : 0;
  return { ...row, linkedToPeople, redacted: redactedCoverage(db, itemIds) };
}
