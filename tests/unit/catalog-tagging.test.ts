import { afterAll, describe, expect, it } from 'vitest';
import { addCase } from '../../electron/core/catalog/cases.ts';
import { addIncident } from '../../electron/core/catalog/incidents.ts';
import { addPerson } from '../../electron/core/catalog/people.ts';
import { mergePlaces } from '../../electron/core/catalog/place-merge.ts';
import { addPlace, getPlace, searchPlaces } from '../../electron/core/catalog/places.ts';
import { getItemTags, parsePersonRef, tagItem } from '../../electron/core/catalog/tagging.ts';
import { listCustodyEvents, verifyCustodyLog } from '../../electron/core/custody/log.ts';
import { getItem } from '../../electron/core/db/items.ts';
import { addFakeItem, freshCatalog } from '../helpers/catalog.ts';

describe('tagging and the custody log', () => {
  const { db } = freshCatalog();
  afterAll(() => db.close());
  const item = addFakeItem(db, 1);
  const sha = getItem(db, item)!.record.sha256;
  const person = addPerson(db, { name: 'Нургүл Мамытова', sensitive: true });
  const incident = addIncident(db, { title: 'Shelling of Kok-Tash', type: 'shelling', startedAt: '2021-04-29T10:00+06:00', placeIds: ['kok-tash-batken'] });
  const kase = addCase(db, { authority: 'Prosecutor General', caseNumber: '12-345', articles: ['97 part 2'] });

  it('logs every change as a metadata modification with before, after and operator', () => {
    const steps: [string, Parameters<typeof tagItem>[2]][] = [
      ['Айжан', { addPlaces: ['kok-tash-batken'] }],
      ['Айжан', { addPeople: [{ id: person.id, role: 'depicts' }, { id: person.id, role: 'property of' }] }],
      ['Бакыт', { addIncidents: [incident.id], addCases: ['12-345'] }],
      ['Бакыт', { addTags: ['  Дом   Разрушен '], description: 'Сгоревший дом', notes: 'снято с крыши соседа' }],
      ['Айжан', { removePeople: [{ id: person.id, role: 'property of' }], removeTags: ['дом разрушен'] }],
      ['Айжан', { description: null }],
    ];
    let prevAfter = getItemTags(db, item);
    for (const [actor, change] of steps) {
      const r = tagItem(db, item, change, { actor });
      expect(r.changed).toBe(true);
      expect(r.before).toEqual(prevAfter);
      expect(r.event).toMatchObject({ type: 'metadata modification', actor, item: sha, detail: { outcome: 'success', action: 'tagging', before: r.before, after: r.after } });
      prevAfter = r.after;
    }
    const events = listCustodyEvents(db, { item: sha }).filter((e) => e.type === 'metadata modification');
    expect(events).toHaveLength(steps.length);
    expect(events.map((e) => e.actor)).toEqual(steps.map((s) => s[0]));
    expect(events[3]!.detail.after).toMatchObject({ tags: ['дом разрушен'], description: 'Сгоревший дом', notes: 'снято с крыши соседа' });
    expect(getItemTags(db, item)).toEqual({
      places: ['kok-tash-batken'], people: [{ id: person.id, role: 'depicts' }], incidents: [incident.id], cases: [kase.id], tags: [],
      description: null, notes: 'снято с крыши соседа',
    });
    expect(verifyCustodyLog(db).problems).toEqual([]);
  });

  it('writes no event for a change that changes nothing', () => {
    const before = listCustodyEvents(db).length;
    const r = tagItem(db, item, { addPlaces: ['kok-tash-batken'], removeTags: ['not there'] }, { actor: 'x' });
    expect(r.changed).toBe(false);
    expect(listCustodyEvents(db)).toHaveLength(before);
  });

  it('writes nothing at all when any part of a change is invalid', () => {
    const before = { tags: getItemTags(db, item), events: listCustodyEvents(db).length };
    expect(() => tagItem(db, item, { addTags: ['new'], addPlaces: ['no-such-village'] }, { actor: 'x' })).toThrow(/no-such-village.*no place/);
    expect(() => tagItem(db, item, { addPlaces: ['Kok-Tash'] }, { actor: 'x' })).toThrow(/ambiguous: kok-tash-batken .*kok-tash-leilek/);
    expect(() => tagItem(db, item, { addPeople: [{ id: 999, role: 'depicts' }] }, { actor: 'x' })).toThrow(/person 999/);
    expect(() => parsePersonRef('5:owner')).toThrow(/unknown role "owner"/);
    expect(getItemTags(db, item)).toEqual(before.tags);
    expect(listCustodyEvents(db)).toHaveLength(before.events);
  });

  it('logs the re-links of a place merge and keeps the merged names findable', () => {
    const dup = addPlace(db, { nameEn: 'Koktash village', altNames: ['Кокташ-айыл'] });
    const other = addFakeItem(db, 2);
    tagItem(db, other, { addPlaces: [dup.id] }, { actor: 'Айжан' });
    const r = mergePlaces(db, dup.id, 'kok-tash-batken', 'Бакыт');
    expect(r.items.map((i) => i.itemId)).toEqual([other]);
    const ev = listCustodyEvents(db, { item: getItem(db, other)!.record.sha256 }).at(-1)!;
    expect(ev).toMatchObject({ type: 'metadata modification', actor: 'Бакыт', detail: { before: { places: [dup.id] }, after: { places: ['kok-tash-batken'] }, reason: `place ${dup.id} merged into kok-tash-batken` } });
    expect(getPlace(db, dup.id)!.mergedInto).toBe('kok-tash-batken');
    expect(searchPlaces(db, 'Кокташ-айыл').map((p) => p.id)).toEqual(['kok-tash-batken']);
    expect(verifyCustodyLog(db).problems).toEqual([]);
  });
});
