// Places are audited like people (person-audit.ts): a place's origin decides whether a redacted
// set rounds its coordinates, and its coordinates decide which village a photo is tagged to, so a
// change made behind the program's back must be detectable against the custody log.
import type { Place } from '../../common/catalog.ts';
import { resolveOperator } from '../archive.ts';
import { contentHash } from '../custody/content-hash.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { Db } from '../db/open.ts';
import { getPlace } from './places.ts';

/** SHA-256 (hex) of the RFC 8785 JSON of a place's fields, timestamps left out. */
export function placeFingerprint(p: Place): string {
  const fields: Partial<Place> = { ...p };
  delete fields.createdAt;
  delete fields.updatedAt;
  return contentHash(fields);
}

/**
 * Appends one archive-wide `metadata modification` custody event (PREMIS 3.0 eventType) for
 * places added, edited, merged or seeded: `{outcome, action: 'places <action>', placeRecords:
 * {<id>: <fingerprint>}}`. Call inside the transaction that made the change; `actor` defaults
 * to resolveOperator(). Throws Error for an unknown place id, SQLite errors.
 */
export function logPlaces(db: Db, ids: readonly string[], action: string, actor?: string): void {
  const placeRecords = Object.fromEntries(ids.map((id) => {
    const p = getPlace(db, id);
    if (!p) throw new Error(`place ${id}: no such place`);
    return [id, placeFingerprint(p)];
  }));
  appendCustodyEvent(db, { actor: actor ?? resolveOperator(), type: 'metadata modification', item: null, detail: { outcome: 'success', action: `places ${action}`, placeRecords } });
}
