// The custody-excerpt filter of a set for public release, for the ids of places users added: an
// event that mentions one (a tagging, a merge reason, an earlier export's payload path) is left
// out, whole-token matches only, and never an item's "message digest calculation" event, which
// verifyBag needs when the ingestion event is withheld.
import { describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { mentionsPlaceIds, publicExcerptFilterWithPlaces } from '../../electron/core/catalog/export-extras.ts';

const ev = (type: CustodyEvent['type'], detail: Record<string, unknown>): CustodyEvent =>
  ({ seq: 1, at: '2021-05-04T10:00:00Z', actor: 'a', type, item: 'ab'.repeat(32), detail, prevHash: '0'.repeat(64), hash: '1'.repeat(64) }) as CustodyEvent;

describe('mentionsPlaceIds', () => {
  const ids = new Set(['tashieva-yard', 'pass']);
  it('finds a user-added place id as a whole token anywhere in the detail', () => {
    expect(mentionsPlaceIds({ before: { places: [] }, after: { places: ['tashieva-yard'] } }, ids)).toBe(true);
    expect(mentionsPlaceIds({ suggestion: { placeId: 'tashieva-yard', distanceM: 12 } }, ids)).toBe(true);
    expect(mentionsPlaceIds({ reason: 'place tashieva-yard merged into kok-tash-batken' }, ids)).toBe(true);
    expect(mentionsPlaceIds({ path: 'data/tashieva-yard/IMG_0001.JPG' }, ids)).toBe(true);
    expect(mentionsPlaceIds({ 'Tashieva-Yard': 1 }, ids)).toBe(true);
  });
  it('does not match a longer slug, another place or an empty set', () => {
    expect(mentionsPlaceIds({ path: 'data/tashieva-yard-2/IMG_0001.JPG', places: ['kok-tash-batken'] }, ids)).toBe(false);
    expect(mentionsPlaceIds({ after: { places: ['tashieva-yard'] } }, new Set())).toBe(false);
    expect(mentionsPlaceIds(null, ids)).toBe(false);
  });
});

describe('publicExcerptFilterWithPlaces', () => {
  const keep = publicExcerptFilterWithPlaces(new Set(['tashieva-yard', 'pass']));
  it('leaves out events that mention a user-added place, keeps the others', () => {
    expect(keep(ev('metadata modification', { outcome: 'success', action: 'tagging', before: { places: [] }, after: { places: ['tashieva-yard'] } }))).toBe(false);
    expect(keep(ev('dissemination', { outcome: 'success', path: 'data/tashieva-yard/a.jpg' }))).toBe(false);
    expect(keep(ev('dissemination', { outcome: 'success', path: 'data/kok-tash-batken/a.jpg' }))).toBe(true);
    // Still the people/source-path/text rules of publicExcerptFilter.
    expect(keep(ev('metadata modification', { after: { people: [{ id: 1, role: 'depicts' }] } }))).toBe(false);
  });
  it('keeps a message digest calculation event even when its fixed phrase holds a place id', () => {
    const digest = ev('message digest calculation', { outcome: 'success', digests: { sha256: 'ab'.repeat(32) }, of: 'source file, in one read pass' });
    expect(keep(digest)).toBe(true);
    expect(keep(ev('replication', { outcome: 'success', of: 'source file, in one read pass' }))).toBe(false);
  });
});
