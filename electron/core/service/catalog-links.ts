// The Item screen's view of an item's catalog links: the catalog's own getItemTags, with the
// display name of each linked place, person, incident and case.
import type { ItemLinks } from '../../common/ipc.ts';
import { getCase } from '../catalog/cases.ts';
import { getIncident } from '../catalog/incidents.ts';
import { getPerson } from '../catalog/people.ts';
import { getPlace } from '../catalog/places.ts';
import { getItemTags } from '../catalog/tagging.ts';
import type { Db } from '../db/open.ts';

/** Places, people (with role), incidents, cases and tags of item `id`, with names; its description and notes. */
export function itemLinks(db: Db, id: number): ItemLinks {
  const t = getItemTags(db, id);
  return {
    places: t.places.map((p) => ({ id: p, name: getPlace(db, p)?.nameEn ?? p })),
    people: t.people.map((p) => ({ id: p.id, name: getPerson(db, p.id)?.name ?? String(p.id), role: p.role })),
    incidents: t.incidents.map((x) => ({ id: x, name: getIncident(db, x)?.title ?? String(x) })),
    cases: t.cases.map((x) => {
      const c = getCase(db, x);
      return { id: x, name: c ? `${c.authority} ${c.caseNumber}` : String(x) };
    }),
    tags: t.tags,
    description: t.description,
    notes: t.notes,
  };
}
