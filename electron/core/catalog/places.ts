// Places of the gazetteer: create, edit, look up by any name in any script. Merging lives in
// place-merge.ts (it touches item links and so the custody log); file formats in places-io.ts.
import { placeInputSchema, type Place, type PlaceInput } from '../../common/catalog.ts';
import type { Db } from '../db/open.ts';
import { logPlaces } from './place-audit.ts';
import { indexCatalogRecord, reindexItemsLinkedTo, searchCatalog } from './fts.ts';
import { nameKey, nameKeys, slugify } from './keys.ts';
import { formatZodError } from './validation.ts';

interface PlaceRow {
  id: string;
  name_en: string;
  name_ky: string | null;
  name_ru: string | null;
  alt_names: string;
  country: string;
  district: string | null;
  ayil_aymak: string | null;
  kind: string;
  parent_id: string | null;
  lat: number | null;
  lon: number | null;
  coord_source: string | null;
  coord_licence: string | null;
  coord_attribution: string | null;
  notes: string | null;
  extra: string;
  origin: string;
  merged_into: string | null;
  created_at: string;
  updated_at: string;
}

function toPlace(r: PlaceRow): Place {
  return {
    id: r.id, nameEn: r.name_en, nameKy: r.name_ky, nameRu: r.name_ru, altNames: JSON.parse(r.alt_names) as string[],
    country: r.country, district: r.district, ayilAymak: r.ayil_aymak, kind: r.kind, parentId: r.parent_id,
    lat: r.lat, lon: r.lon, coordSource: r.coord_source, coordLicence: r.coord_licence, coordAttribution: r.coord_attribution,
    notes: r.notes, extra: JSON.parse(r.extra) as Record<string, string>, origin: r.origin, mergedInto: r.merged_into,
    createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

/** Every name of a place: English, Kyrgyz, Russian and alternatives. */
export function placeNames(p: Pick<Place, 'nameEn' | 'nameKy' | 'nameRu' | 'altNames'>): string[] {
  return [p.nameEn, p.nameKy, p.nameRu, ...p.altNames].filter((n): n is string => Boolean(n));
}

/** Human label: "Kok-Tash (Көк-Таш), Batken, KG". */
export function placeLabel(p: Place): string {
  const local = p.nameKy ?? p.nameRu;
  return `${p.nameEn}${local && local !== p.nameEn ? ` (${local})` : ''}${p.district ? `, ${p.district}` : ''}, ${p.country}`;
}

/** The place with id `id` as stored (merged places included), or null. */
export function getPlace(db: Db, id: string): Place | null {
  const r = db.prepare('SELECT * FROM places WHERE id = ?').get(id) as PlaceRow | undefined;
  return r ? toPlace(r) : null;
}

/** The live place an id refers to, following merges; null if unknown. */
export function getLivePlace(db: Db, id: string): Place | null {
  let p = getPlace(db, id);
  for (let hops = 0; p?.mergedInto && hops < 20; hops++) p = getPlace(db, p.mergedInto);
  return p;
}

/** Places not merged away, ordered by country, district, English name; only those matching `search` when given. */
export function listPlaces(db: Db, opts: { search?: string } = {}): Place[] {
  if (opts.search?.trim()) return searchPlaces(db, opts.search);
  return (db.prepare('SELECT * FROM places WHERE merged_into IS NULL ORDER BY country, district, name_en, id').all() as PlaceRow[]).map(toPlace);
}

/**
 * Places matching what a user typed, best first: the id itself, then places one of whose names
 * has the same transliteration key ("Koktash", "Көк-Таш", "Кок-Таш" → koktash), then key prefixes,
 * then a full-text match on names, district and notes. Merged places resolve to where they went.
 */
export function searchPlaces(db: Db, text: string): Place[] {
  const out = new Map<string, Place>();
  const add = (id: string) => {
    const p = getLivePlace(db, id);
    if (p && !out.has(p.id)) out.set(p.id, p);
  };
  const t = text.trim();
  if (!t) return [];
  if (getPlace(db, t.toLowerCase())) add(t.toLowerCase());
  const k = nameKey(t);
  if (k) {
    for (const r of db.prepare('SELECT place_id FROM place_keys WHERE key = ? ORDER BY place_id').all(k) as { place_id: string }[]) add(r.place_id);
    if (k.length >= 3) {
      for (const r of db.prepare('SELECT DISTINCT place_id FROM place_keys WHERE key > ? AND key < ? ORDER BY key, place_id').all(k, k + '~') as { place_id: string }[]) add(r.place_id);
    }
  }
  for (const ref of searchCatalog(db, 'place', t)) add(ref);
  return [...out.values()];
}

/**
 * The places a filter value names: the id (following merges), else every place with a name of the
 * same key ("kok-tash" → both homonyms, kok-tash-batken and kok-tash-leilek).
 * Throws Error naming the value when nothing matches.
 */
export function resolvePlaceRefs(db: Db, ref: string): Place[] {
  const byId = getLivePlace(db, ref.trim().toLowerCase());
  if (byId) return [byId];
  const k = nameKey(ref);
  const ids = k ? (db.prepare('SELECT place_id FROM place_keys WHERE key = ? ORDER BY place_id').all(k) as { place_id: string }[]).map((r) => r.place_id) : [];
  const out = new Map<string, Place>();
  for (const id of ids) {
    const p = getLivePlace(db, id);
    if (p) out.set(p.id, p);
  }
  if (!out.size) throw new Error(`place "${ref}": no place has this id or name (try \`evidence place list --search ${JSON.stringify(ref)}\`)`);
  return [...out.values()];
}

/** Exactly one place for `ref` (tagging needs one); throws Error listing the candidates when the name is ambiguous. */
export function resolveOnePlace(db: Db, ref: string): Place {
  const found = resolvePlaceRefs(db, ref);
  if (found.length > 1) throw new Error(`place "${ref}" is ambiguous: ${found.map((p) => `${p.id} (${placeLabel(p)})`).join('; ')}; give the id`);
  return found[0]!;
}

/**
 * The one live place `ref` names, for a change to it (edit, merge, delete): like resolveOnePlace,
 * but an id that was merged away is refused instead of silently standing for the place it went
 * into (which a write would then change). Throws Error "<id> was merged into <target>; use that id".
 */
export function resolvePlaceForWrite(db: Db, ref: string): Place {
  const direct = getPlace(db, ref.trim().toLowerCase());
  if (direct?.mergedInto) {
    const live = getLivePlace(db, direct.id);
    const via = live && live.id !== direct.mergedInto ? ` (since merged into ${live.id})` : '';
    throw new Error(`${direct.id} was merged into ${direct.mergedInto}${via}; use ${via ? live!.id : 'that id'}`);
  }
  return resolveOnePlace(db, ref);
}

function writeKeys(db: Db, p: Place): void {
  db.prepare('DELETE FROM place_keys WHERE place_id = ?').run(p.id);
  const ins = db.prepare('INSERT OR IGNORE INTO place_keys (key, place_id) VALUES (?, ?)');
  for (const k of nameKeys([...placeNames(p), p.id])) ins.run(k, p.id);
  indexCatalogRecord(db, 'place', p.id, [...placeNames(p), p.id, p.district, p.ayilAymak, p.country, p.notes]);
}

/** A new id for a place named `name`: its slug, with -2, -3… appended when taken. */
export function freePlaceId(db: Db, name: string): string {
  const base = slugify(name) || 'place';
  let id = base;
  for (let n = 2; getPlace(db, id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * Adds a place and returns it. `input` is validated (zod; Error with the field names on bad
 * values); the id defaults to a free slug of the English name. `extra` keeps source-specific
 * columns verbatim. The addition is a custody event (logPlaces) unless `audit` is false (bulk
 * loads log once). Throws Error when the id is taken or the parent does not exist.
 */
export function addPlace(db: Db, input: PlaceInput, opts: { origin?: 'seed' | 'user' | 'import'; extra?: Record<string, string>; now?: string; actor?: string; audit?: boolean } = {}): Place {
  return db.transaction(() => {
    const p = insertPlace(db, input, opts);
    // A bulk load (the seed) logs its places in one event instead.
    if (opts.audit !== false) logPlaces(db, [p.id], 'added', opts.actor);
    return p;
  })();
}

function insertPlace(db: Db, input: PlaceInput, opts: { origin?: 'seed' | 'user' | 'import'; extra?: Record<string, string>; now?: string }): Place {
  const parsed = placeInputSchema.safeParse(input);
  if (!parsed.success) throw new Error(`place: ${formatZodError(parsed.error)}`);
  const v = parsed.data;
  const id = v.id ?? freePlaceId(db, v.nameEn);
  if (getPlace(db, id)) throw new Error(`place ${id}: id already exists`);
  if (v.parentId && !getPlace(db, v.parentId)) throw new Error(`place ${id}: parent place ${v.parentId} does not exist`);
  const now = opts.now ?? new Date().toISOString();
  db.prepare(`INSERT INTO places (id, name_en, name_ky, name_ru, alt_names, country, district, ayil_aymak, kind, parent_id, lat, lon,
      coord_source, coord_licence, coord_attribution, notes, extra, origin, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    id, v.nameEn, v.nameKy ?? null, v.nameRu ?? null, JSON.stringify(v.altNames ?? []), v.country ?? 'KG', v.district ?? null,
    v.ayilAymak ?? null, v.kind ?? 'village', v.parentId ?? null, v.lat ?? null, v.lon ?? null, v.coordSource ?? null,
    v.coordLicence ?? null, v.coordAttribution ?? null, v.notes ?? null, JSON.stringify(opts.extra ?? {}), opts.origin ?? 'user', now, now,
  );
  const p = getPlace(db, id)!;
  writeKeys(db, p);
  return p;
}

/**
 * Changes fields of a place (those present in `patch`; null clears). A coordinate change needs a
 * source: pass coordSource too, or the old source is cleared rather than left wrongly attributed.
 * Re-indexes the place's names and the items linked to it; the edit is a custody event by
 * `actor` (logPlaces). Throws Error for an unknown or merged place, or invalid values.
 */
export function editPlace(db: Db, id: string, patch: Partial<PlaceInput>, actor?: string): Place {
  return db.transaction(() => {
    const p = updatePlace(db, id, patch);
    logPlaces(db, [id], 'edited', actor);
    return p;
  })();
}

function updatePlace(db: Db, id: string, patch: Partial<PlaceInput>): Place {
  const cur = getPlace(db, id);
  if (!cur) throw new Error(`place ${id}: no such place`);
  if (cur.mergedInto) throw new Error(`place ${id}: was merged into ${cur.mergedInto}; edit that place`);
  const coordChanged = (patch.lat !== undefined && patch.lat !== cur.lat) || (patch.lon !== undefined && patch.lon !== cur.lon);
  const merged: PlaceInput = {
    nameEn: cur.nameEn, nameKy: cur.nameKy, nameRu: cur.nameRu, altNames: cur.altNames, country: cur.country, district: cur.district,
    ayilAymak: cur.ayilAymak, kind: cur.kind, parentId: cur.parentId, lat: cur.lat, lon: cur.lon,
    coordSource: coordChanged ? null : cur.coordSource, coordLicence: coordChanged ? null : cur.coordLicence,
    coordAttribution: coordChanged ? null : cur.coordAttribution, notes: cur.notes,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  };
  delete merged.id;
  const parsed = placeInputSchema.safeParse(merged);
  if (!parsed.success) throw new Error(`place ${id}: ${formatZodError(parsed.error)}`);
  const v = parsed.data;
  if (v.parentId === id) throw new Error(`place ${id}: a place cannot be its own parent`);
  if (v.parentId && !getPlace(db, v.parentId)) throw new Error(`place ${id}: parent place ${v.parentId} does not exist`);
  if (v.parentId && v.parentId !== cur.parentId && isWithinPlace(db, v.parentId, id)) {
    throw new Error(`place ${id}: ${v.parentId} lies within ${id}, so it cannot be its parent (the places would contain each other)`);
  }
  db.prepare(`UPDATE places SET name_en = ?, name_ky = ?, name_ru = ?, alt_names = ?, country = ?, district = ?, ayil_aymak = ?, kind = ?,
      parent_id = ?, lat = ?, lon = ?, coord_source = ?, coord_licence = ?, coord_attribution = ?, notes = ?, updated_at = ? WHERE id = ?`).run(
    v.nameEn, v.nameKy ?? null, v.nameRu ?? null, JSON.stringify(v.altNames ?? []), v.country ?? 'KG', v.district ?? null, v.ayilAymak ?? null,
    v.kind ?? 'village', v.parentId ?? null, v.lat ?? null, v.lon ?? null, v.coordSource ?? null, v.coordLicence ?? null,
    v.coordAttribution ?? null, v.notes ?? null, new Date().toISOString(), id,
  );
  const p = getPlace(db, id)!;
  writeKeys(db, p);
  reindexItemsLinkedTo(db, 'place', id);
  return p;
}

/** Re-writes the lookup keys and search text of a place (after a merge added names to it). */
export function refreshPlaceIndex(db: Db, id: string): void {
  const p = getPlace(db, id);
  if (p) writeKeys(db, p);
}

/**
 * True when place `placeId` is `ancestorId` or lies below it (following parent_id upwards). Stops
 * at a parent cycle already in the catalog (made before cycles were refused), which it reports as
 * not within.
 */
export function isWithinPlace(db: Db, placeId: string, ancestorId: string): boolean {
  const parentOf = db.prepare('SELECT parent_id FROM places WHERE id = ?');
  const seen = new Set<string>();
  for (let p: string | null = placeId; p !== null && !seen.has(p); p = (parentOf.get(p) as { parent_id: string | null } | undefined)?.parent_id ?? null) {
    if (p === ancestorId) return true;
    seen.add(p);
  }
  return false;
}
