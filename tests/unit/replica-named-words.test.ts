// The copies a replica event names (issue 15 §3): at most EVENT_COPIES_MAX in the event, the rest
// counted; in the sentence the first five and "and N more", in each language; events written
// before copies were named (bare SHA-256s, or entries without names) still read.
import { describe, expect, it } from 'vitest';
import { EVENT_COPIES_MAX, eventCopies } from '../../electron/core/replica/named.ts';
import { describeEvent } from '../../electron/core/report/words.ts';
import type { ReportEvent } from '../../electron/core/report/model.ts';

const sha = (i: number) => i.toString(16).padStart(64, '0');
const check = (detail: Record<string, unknown>) => ({ seq: 9, at: '2026-05-04T10:00:00Z', actor: 'a', type: 'fixity check', item: null, detail: { scope: 'replica', replica: 'nas', outcome: 'fail', ...detail } }) as unknown as ReportEvent;

describe('replica copies named in custody events', () => {
  it('an event keeps EVENT_COPIES_MAX copies and counts the others', () => {
    const copies = Array.from({ length: EVENT_COPIES_MAX + 7 }, (_, i) => i);
    const d = eventCopies('failedItems', copies, (i) => ({ item: sha(i) }));
    expect((d.failedItems as unknown[]).length).toBe(EVENT_COPIES_MAX);
    expect(d.failedItemsOmitted).toBe(7);
    expect(eventCopies('failedItems', [1], (i) => ({ item: sha(i) }))).toEqual({ failedItems: [{ item: sha(1) }] });
    expect(eventCopies('failedItems', [], (i) => ({ item: sha(i) }))).toEqual({});
  });

  it('the sentence names five, by file name or else path, and counts the rest up to the event\'s totals', () => {
    const failedItems = Array.from({ length: 6 }, (_, i) => ({ item: sha(i), itemId: i + 1, fileName: i === 1 ? null : `IMG_${i}.JPG`, path: `objects/sha256/${sha(i)}`, kind: i ? 'missing' : 'altered' }));
    const e = check({ copiesChecked: 300, intact: 150, missing: 149, altered: 1, unreadable: 0, failedItems });
    expect(describeEvent('en', e)).toBe(`Replica “nas” checked: FAILED, 150 of 300 copies missing or altered. The copies: IMG_0.JPG (item 1, altered); objects/sha256/${sha(1)} (item 2, missing); IMG_2.JPG (item 3, missing); IMG_3.JPG (item 4, missing); IMG_4.JPG (item 5, missing) and 145 more.`);
    expect(describeEvent('ru', e)).toContain('Копии: IMG_0.JPG (материал 1, изменена); ');
    expect(describeEvent('ru', e)).toMatch(/ и ещё 145\.$/u);
    expect(describeEvent('ky', e)).toMatch(/Көчүрмөлөр: IMG_0\.JPG \(материал 1, өзгөртүлгөн\); .* жана дагы 145\.$/u);
  });

  it('reads events written before copies were named', () => {
    expect(describeEvent('en', check({ copiesChecked: 3, intact: 2, missing: 1, failedItems: [{ item: sha(5), kind: 'missing' }] })))
      .toBe(`Replica “nas” checked: FAILED, 1 of 3 copies missing or altered. The copies: ${sha(5).slice(0, 12)} (missing).`);
    const sync = { seq: 9, at: '2026-05-04T10:00:00Z', actor: 'a', type: 'replication', item: null, detail: { action: 'replica sync', replica: 'nas', outcome: 'fail', copied: 0, failed: 1, failedItems: [sha(7)] } } as unknown as ReportEvent;
    expect(describeEvent('en', sync)).toMatch(new RegExp(`^Replica “nas” NOT fully brought up to date: copies that could not be written: 1; .*already there: 0\\. Not copied: ${sha(7).slice(0, 12)}\\.$`, 'u'));
    expect(describeEvent('en', check({ copiesChecked: 3, intact: 3, missing: 0, outcome: 'pass' }))).toBe('Replica “nas” checked: 3 of 3 copies intact.');
  });
});
