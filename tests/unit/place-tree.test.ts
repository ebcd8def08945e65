// Places form a tree: an edit cannot make two places contain each other, and merging a place into
// one within it keeps the tree a tree (a new user's finding: a parent cycle could be made).
import { afterAll, describe, expect, it } from 'vitest';
import { mergePlaces } from '../../electron/core/catalog/place-merge.ts';
import { addPlace, editPlace, getPlace, isWithinPlace } from '../../electron/core/catalog/places.ts';
import { filterItemIds } from '../../electron/core/catalog/filters.ts';
import { tagItem } from '../../electron/core/catalog/tagging.ts';
import { crossCheckCatalog } from '../../electron/core/verify/catalog.ts';
import { addFakeItem, freshCatalog } from '../helpers/catalog.ts';

const { db } = freshCatalog();
afterAll(() => db.close());

describe('the place tree', () => {
  const yard = addPlace(db, { nameEn: 'Tashiev yard', kind: 'other', parentId: 'kok-tash-batken' }, { actor: 'test' });
  const well = addPlace(db, { nameEn: 'Tashiev well', kind: 'other', parentId: yard.id }, { actor: 'test' });

  it('isWithinPlace follows parents upwards', () => {
    expect(isWithinPlace(db, well.id, 'kok-tash-batken')).toBe(true);
    expect(isWithinPlace(db, well.id, yard.id)).toBe(true);
    expect(isWithinPlace(db, yard.id, well.id)).toBe(false);
    expect(isWithinPlace(db, 'kok-tash-batken', well.id)).toBe(false);
  });

  it('an edit that would make a place lie within its own sub-place is refused, and nothing changes', () => {
    expect(() => editPlace(db, 'kok-tash-batken', { parentId: well.id }, 'test')).toThrow(
      `place kok-tash-batken: ${well.id} lies within kok-tash-batken, so it cannot be its parent (the places would contain each other)`);
    expect(getPlace(db, 'kok-tash-batken')!.parentId).toBeNull();
    expect(() => editPlace(db, yard.id, { parentId: well.id }, 'test')).toThrow(/cannot be its parent/);
    expect(getPlace(db, yard.id)!.parentId).toBe('kok-tash-batken');
  });

  it('merging a village into a place within it leaves a tree, and the filter still finds every item', () => {
    const village = addPlace(db, { nameEn: 'Test village', kind: 'village' }, { actor: 'test' });
    const street = addPlace(db, { nameEn: 'Test street', kind: 'other', parentId: village.id }, { actor: 'test' });
    const house = addPlace(db, { nameEn: 'Test house', kind: 'other', parentId: street.id }, { actor: 'test' });
    const items = [village.id, street.id, house.id].map((p, i) => {
      const id = addFakeItem(db, 9000 + i);
      tagItem(db, id, { addPlaces: [p] }, { actor: 'test' });
      return id;
    });
    mergePlaces(db, village.id, house.id, 'test');
    // The house took the village's place at the top; the street, the village's child, is now the house's.
    expect(getPlace(db, house.id)!.parentId).toBeNull();
    expect(getPlace(db, street.id)!.parentId).toBe(house.id);
    expect(isWithinPlace(db, house.id, street.id)).toBe(false);
    expect(filterItemIds(db, { places: [house.id] }).sort((a, b) => a - b)).toEqual(items);
    // Every place's record still matches its last custody event (fake items have no ingestion event).
    expect(crossCheckCatalog(db).filter((p) => !/no ingestion event/.test(p.reason))).toEqual([]);
  });
});
