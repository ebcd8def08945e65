// Adapts the case catalog of issue #3 (core/catalog/*) to the IPC channels: lists and forms of
// places, people, incidents and cases; linking items, free tags, an item's description and notes
// (tagItem, which writes the custody event); GPS place suggestions; the catalog's extras for
// exports. Every change is the catalog's own function; this file only maps shapes.
import type { CaseRef, Incident, Person, Place } from '../../common/catalog.ts';
import type { CatalogEntity, CatalogId, CatalogInput, CatalogRow, ChannelOutput, ParsedInput } from '../../common/ipc.ts';
import { addCase, editCase, getCase, listCases } from '../catalog/cases.ts';
import { catalogExportExtras, type CatalogExportOptions } from '../catalog/export-extras.ts';
import { itemCountsWithinPlaces, placeSubtreeSql } from '../catalog/filters.ts';
import { addIncident, editIncident, getIncident, listIncidents } from '../catalog/incidents.ts';
import { addPerson, editPerson, getPerson, listPeople } from '../catalog/people.ts';
import { addPlace, editPlace, getLivePlace, listPlaces, placeLabel } from '../catalog/places.ts';
import { suggestPlaces } from '../catalog/suggest.ts';
import { tagItem, type TagChange } from '../catalog/tagging.ts';
import { getItem } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import type { ExportExtras } from '../export/evidence-set.ts';
import { ServiceError } from './errors.ts';

export interface CatalogAdapter {
  available(): ChannelOutput<'catalog.available'>;
  list(entity: CatalogEntity): CatalogRow[];
  get(entity: CatalogEntity, id: CatalogId): CatalogRow;
  create(data: CatalogInput): CatalogRow;
  update(id: CatalogId, data: CatalogInput): CatalogRow;
  link(input: ParsedInput<'catalog.link'>, actor: string): void;
  tag(itemIds: number[], tag: string, tagged: boolean, actor: string): void;
  /** Sets or clears item `itemId`'s description and notes (a field left undefined stays as it is). */
  describe(itemId: number, change: Pick<TagChange, 'description' | 'notes'>, actor: string): ChannelOutput<'catalog.describe'>;
  suggestPlaces(itemId: number): ChannelOutput<'catalog.suggestPlaces'>;
  /** The catalog's extras for an export of `itemIds`, with the CLI's --include-sensitive / --redact-people as `opts`. */
  exportExtras(itemIds: number[], opts?: CatalogExportOptions): ExportExtras;
}

const LINK_TABLE: Record<CatalogEntity, [string, string]> = {
  place: ['item_places', 'place_id'], person: ['item_people', 'person_id'], incident: ['item_incidents', 'incident_id'], case: ['item_cases', 'case_id'],
};

function numericId(entity: CatalogEntity, id: CatalogId): number {
  if (typeof id !== 'number') throw new ServiceError('INVALID_INPUT', `${entity} ids are numbers, got ${JSON.stringify(id)}`);
  return id;
}

const placeRow = (p: Place, n: number): CatalogRow => ({ id: p.id, name: p.nameEn, detail: placeLabel(p), itemCount: n, fields: { ...p } });
const personRow = (p: Person, n: number): CatalogRow => ({ id: p.id, name: p.name, detail: p.nameLatin ? `${p.name} (${p.nameLatin})` : null, itemCount: n, fields: { ...p } });
const incidentRow = (x: Incident, n: number): CatalogRow => ({ id: x.id, name: x.title, detail: x.startedAt ? `${x.title} · ${x.startedAt.slice(0, 10)}` : null, itemCount: n, fields: { ...x } });
const caseRow = (c: CaseRef, n: number): CatalogRow => ({ id: c.id, name: `${c.authority} ${c.caseNumber}`, detail: `${c.caseNumber} · ${c.authority}`, itemCount: n, fields: { ...c } });

/** The catalog adapter over `db` (an archive at schema 002 or later). */
export function createCatalogAdapter(db: Db): CatalogAdapter {
  // A place's count is of the items within it (sub-places included), as the Library's place
  // filter selects them; so a village whose photos are all tagged to its yards still shows them.
  const counts = (entity: CatalogEntity): Map<string, number> => {
    if (entity === 'place') return itemCountsWithinPlaces(db);
    const [table, col] = LINK_TABLE[entity];
    const m = new Map<string, number>();
    for (const r of db.prepare(`SELECT ${col} k, count(DISTINCT item_id) n FROM ${table} GROUP BY ${col}`).all() as { k: string | number; n: number }[]) m.set(String(r.k), r.n);
    return m;
  };
  const countOf = (entity: CatalogEntity, id: CatalogId): number => {
    if (entity === 'place') return (db.prepare(`SELECT count(DISTINCT item_id) n FROM item_places WHERE place_id IN (${placeSubtreeSql(1)})`).get(id) as { n: number }).n;
    const [table, col] = LINK_TABLE[entity];
    return (db.prepare(`SELECT count(DISTINCT item_id) n FROM ${table} WHERE ${col} = ?`).get(id) as { n: number }).n;
  };
  const notFound = (entity: CatalogEntity, id: CatalogId): never => {
    throw new ServiceError('NOT_FOUND', `${entity} ${id}: not in the catalog`);
  };
  const get = (entity: CatalogEntity, id: CatalogId): CatalogRow => {
    switch (entity) {
      case 'place': {
        const p = getLivePlace(db, String(id));
        return p ? placeRow(p, countOf('place', p.id)) : notFound(entity, id);
      }
      case 'person': {
        const p = getPerson(db, numericId(entity, id));
        return p ? personRow(p, countOf(entity, p.id)) : notFound(entity, id);
      }
      case 'incident': {
        const x = getIncident(db, numericId(entity, id));
        return x ? incidentRow(x, countOf(entity, x.id)) : notFound(entity, id);
      }
      case 'case': {
        const c = getCase(db, numericId(entity, id));
        return c ? caseRow(c, countOf(entity, c.id)) : notFound(entity, id);
      }
    }
  };
  const tagEach = (itemIds: number[], change: TagChange, actor: string) => {
    db.transaction(() => {
      for (const id of itemIds) tagItem(db, id, change, { actor, via: 'app' });
    })();
  };
  return {
    available: () => ({ entities: ['place', 'person', 'incident', 'case'], tagging: true, suggestions: true }),
    list(entity) {
      const n = counts(entity);
      const c = (id: string | number) => n.get(String(id)) ?? 0;
      switch (entity) {
        case 'place': return listPlaces(db).map((p) => placeRow(p, c(p.id)));
        case 'person': return listPeople(db).map((p) => personRow(p, c(p.id)));
        case 'incident': return listIncidents(db).map((x) => incidentRow(x, c(x.id)));
        case 'case': return listCases(db).map((x) => caseRow(x, c(x.id)));
      }
    },
    get,
    create(data) {
      const made = db.transaction(() => {
        switch (data.entity) {
          case 'place': return addPlace(db, data.input).id;
          case 'person': return addPerson(db, data.input).id;
          case 'incident': return addIncident(db, data.input).id;
          case 'case': return addCase(db, data.input).id;
        }
      })();
      return get(data.entity, made);
    },
    update(id, data) {
      db.transaction(() => {
        switch (data.entity) {
          case 'place': return void editPlace(db, String(id), data.input);
          case 'person': return void editPerson(db, numericId('person', id), data.input);
          case 'incident': return void editIncident(db, numericId('incident', id), data.input);
          case 'case': return void editCase(db, numericId('case', id), data.input);
        }
      })();
      return get(data.entity, id);
    },
    link({ itemIds, entity, id, linked, role }, actor) {
      const change: TagChange = {};
      if (entity === 'place') change[linked ? 'addPlaces' : 'removePlaces'] = [String(id)];
      if (entity === 'person') {
        if (linked) change.addPeople = [{ id: numericId(entity, id), role: role! }];
        else change.removePeople = [{ id: numericId(entity, id), role }];
      }
      if (entity === 'incident') change[linked ? 'addIncidents' : 'removeIncidents'] = [numericId(entity, id)];
      if (entity === 'case') change[linked ? 'addCases' : 'removeCases'] = [numericId(entity, id)];
      tagEach(itemIds, change, actor);
    },
    tag(itemIds, tag, tagged, actor) {
      tagEach(itemIds, tagged ? { addTags: [tag] } : { removeTags: [tag] }, actor);
    },
    describe(itemId, { description, notes }, actor) {
      if (!getItem(db, itemId)) throw new ServiceError('NOT_FOUND', `item ${itemId}: no such item`);
      const r = tagItem(db, itemId, { description, notes }, { actor, via: 'app' });
      return { changed: r.changed, custodySeq: r.event?.seq ?? null };
    },
    suggestPlaces(itemId) {
      const s = suggestPlaces(db, { itemIds: [itemId] })[0];
      return (s?.suggestions ?? []).filter((x) => !x.tagged).map((x) => ({
        placeId: x.placeId, name: x.nameLocal && x.nameLocal !== x.nameEn ? `${x.nameEn} (${x.nameLocal})` : x.nameEn, distanceM: x.distanceM,
      }));
    },
    exportExtras: (itemIds, opts = {}) => catalogExportExtras(db, itemIds, opts),
  };
}
