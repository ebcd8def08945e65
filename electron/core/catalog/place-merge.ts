// Merging two places that turn out to be one (a user's "Koktash" and the gazetteer's Kok-Tash).
// Items linked to the merged place are re-linked through tagItem, so each re-link is a custody
// event with before/after values like any other tagging change.
import type { Place } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { reindexItemsLinkedTo } from './fts.ts';
import { getPlace, isWithinPlace, placeNames, refreshPlaceIndex, resolvePlaceForWrite } from './places.ts';
import { tagItem, type TagResult } from './tagging.ts';
import { logPlaces } from './place-audit.ts';
import { logPersonChange } from './person-audit.ts';
import { getPerson } from './people.ts';
import { getIncident } from './incidents.ts';
import { logIncidents } from './incident-case-audit.ts';

export interface MergeResult {
  from: string;
  into: Place;
  items: TagResult[];
}

/**
 * Merges place `fromRef` into `intoRef` (ids or unambiguous names) by `actor`, in one transaction:
 * items, incidents, residents and child places of `from` move to `into` (the changed incidents and
 * residents are logged too); `from`'s names become alternative names of `into` (so searches still
 * find it); `into` keeps its own coordinate (or takes `from`'s when it has none, with its source
 * and licence); `from` stays as a tombstone (merged_into) so references in older exports still
 * resolve. Throws Error for unknown places, merging a place into itself, or an already merged place.
 */
export function mergePlaces(db: Db, fromRef: string, intoRef: string, actor: string): MergeResult {
  return db.transaction((): MergeResult => {
    // A merged-away id must not stand for the place it went into: that would merge (or merge into) another place.
    const from = resolvePlaceForWrite(db, fromRef);
    const into = resolvePlaceForWrite(db, intoRef);
    if (from.id === into.id) throw new Error(`place ${from.id}: cannot merge a place into itself`);
    const itemIds = (db.prepare('SELECT item_id FROM item_places WHERE place_id = ? ORDER BY item_id').all(from.id) as { item_id: number }[]).map((r) => r.item_id);
    const items = itemIds.map((id) => tagItem(db, id, { removePlaces: [from.id], addPlaces: [into.id] }, {
      actor, extra: { reason: `place ${from.id} merged into ${into.id}` },
    }));
    const incidents = (db.prepare('SELECT incident_id FROM incident_places WHERE place_id = ? ORDER BY incident_id').all(from.id) as { incident_id: number }[]).map((r) => r.incident_id);
    db.prepare('INSERT OR IGNORE INTO incident_places (incident_id, place_id) SELECT incident_id, ? FROM incident_places WHERE place_id = ?').run(into.id, from.id);
    db.prepare('DELETE FROM incident_places WHERE place_id = ?').run(from.id);
    // Their place lists changed with the merge.
    if (incidents.length) logIncidents(db, incidents.map((id) => getIncident(db, id)!), `edited: place ${from.id} merged into ${into.id}`, actor);
    const residents = (db.prepare('SELECT id FROM people WHERE residence_place_id = ?').all(from.id) as { id: number }[]).map((r) => r.id);
    db.prepare('UPDATE people SET residence_place_id = ? WHERE residence_place_id = ?').run(into.id, from.id);
    for (const id of residents) logPersonChange(db, getPerson(db, id)!, 'edited', actor); // their residence moved with the merge
    // Merged into a place within it, `into` takes `from`'s place in the tree: reparenting `from`'s
    // children to it would otherwise make one of them both its ancestor and its child.
    if (isWithinPlace(db, into.id, from.id)) db.prepare('UPDATE places SET parent_id = ? WHERE id = ?').run(from.parentId, into.id);
    const children = (db.prepare('SELECT id FROM places WHERE parent_id = ? AND id <> ?').all(from.id, into.id) as { id: string }[]).map((r) => r.id);
    db.prepare('UPDATE places SET parent_id = ? WHERE parent_id = ? AND id <> ?').run(into.id, from.id, into.id);
    const known = new Set(placeNames(into).map((n) => n.toLowerCase()));
    const alt = [...into.altNames, ...placeNames(from).filter((n) => !known.has(n.toLowerCase()))];
    const takeCoord = into.lat === null && from.lat !== null;
    db.prepare(`UPDATE places SET alt_names = ?, lat = ?, lon = ?, coord_source = ?, coord_licence = ?, coord_attribution = ?, updated_at = ? WHERE id = ?`).run(
      JSON.stringify([...new Set(alt)]), takeCoord ? from.lat : into.lat, takeCoord ? from.lon : into.lon,
      takeCoord ? from.coordSource : into.coordSource, takeCoord ? from.coordLicence : into.coordLicence,
      takeCoord ? from.coordAttribution : into.coordAttribution, new Date().toISOString(), into.id,
    );
    db.prepare('UPDATE places SET merged_into = ?, updated_at = ? WHERE id = ?').run(into.id, new Date().toISOString(), from.id);
    db.prepare('DELETE FROM place_keys WHERE place_id = ?').run(from.id);
    db.prepare("DELETE FROM catalog_fts WHERE kind = 'place' AND ref = ?").run(from.id);
    refreshPlaceIndex(db, into.id);
    reindexItemsLinkedTo(db, 'place', into.id);
    logPlaces(db, [from.id, into.id, ...children], `merged: ${from.id} into ${into.id}`, actor);
    return { from: from.id, into: getPlace(db, into.id)!, items };
  })();
}
