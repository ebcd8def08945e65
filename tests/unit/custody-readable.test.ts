// The pieces of `evidence log`'s readable lines and filters (core/custody/query.ts, readable.ts).
import { describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { isFailedOutcome, logBound, resolveEventTypes } from '../../electron/core/custody/query.ts';
import { custodyLine, eventSentence, outcomeWord } from '../../electron/core/custody/readable.ts';

const SHA = 'ab'.repeat(32);
const ev = (type: string, detail: Record<string, unknown>, item: string | null = SHA): CustodyEvent =>
  ({ seq: 7, at: '2026-03-01T08:09:10.123Z', actor: 'Айжан', type: type as CustodyEvent['type'], item, detail, prevHash: '0'.repeat(64), hash: '1'.repeat(64) });

describe('logBound', () => {
  it('takes a date as a whole UTC day and a time as its instant', () => {
    expect(logBound('--from', '2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(logBound('--to', '2026-03-01')).toBe('2026-03-02T00:00:00.000Z');
    expect(logBound('--to', '2024-02-28')).toBe('2024-02-29T00:00:00.000Z');
    expect(logBound('--from', '2026-03-01T08:00:00Z')).toBe('2026-03-01T08:00:00.000Z');
    expect(logBound('--from', '2026-03-01T14:00+06:00')).toBe('2026-03-01T08:00:00.000Z');
    expect(logBound('--from', '2026-03-01 08:00')).toBe('2026-03-01T08:00:00.000Z'); // no offset: UTC
  });
  it('refuses what is not an existing date or time, naming the option', () => {
    expect(() => logBound('--from', '2021-02-29')).toThrow(/^--from 2021-02-29: no such date or time/u);
    expect(() => logBound('--to', '2026-03-01T25:00')).toThrow(/^--to 2026-03-01T25:00: no such date or time/u);
    expect(() => logBound('--to', 'last week')).toThrow(/^--to last week: expected an ISO 8601 date or date-time/u);
  });
});

describe('resolveEventTypes', () => {
  it('takes a type, or every type a start names', () => {
    expect(resolveEventTypes('fixity check')).toEqual(['fixity check']);
    expect(resolveEventTypes('Fixity')).toEqual(['fixity check']);
    expect(resolveEventTypes('metadata')).toEqual(['metadata extraction', 'metadata modification']);
    expect(() => resolveEventTypes('repair')).toThrow(/--type repair: no such custody event type; one of "ingestion",/u);
    expect(() => resolveEventTypes(' ')).toThrow(/no such custody event type/u);
  });
});

describe('outcomes and lines', () => {
  it('calls every failure FAILED and nothing else so', () => {
    expect(['fail', 'failure', 'FAILED'].map(outcomeWord)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(['pass', 'success', 'duplicate: content already held, new sighting recorded', 'interrupted', undefined, ''].map(outcomeWord))
      .toEqual(['passed', 'done', 'duplicate', 'interrupted', '—', '—']);
    expect(isFailedOutcome('fail')).toBe(true);
    expect(isFailedOutcome('pass')).toBe(false);
    expect(isFailedOutcome(undefined)).toBe(false);
  });

  it('gives a failed check what it found, from its finding or from an older event\'s reason', () => {
    const found = 'cd'.repeat(32);
    const modern = ev('fixity check', { outcome: 'fail', finding: { kind: 'altered', object: 'objects/sha256/ab/ab/x', expected: { sha256: SHA }, found: { sha256: found } } });
    expect(custodyLine(modern, 'IMG_0001.JPG')).toBe(`#7  2026-03-01 08:09:10 UTC  Айжан  fixity check  IMG_0001.JPG  FAILED — content altered: SHA-256 expected ${SHA}, found ${found}`);
    const older = ev('fixity check', { outcome: 'fail', reason: 'item 3 (objects/sha256/ab/ab/x): object missing from the store' });
    expect(eventSentence(older)).toBe('object missing from the store (objects/sha256/ab/ab/x)');
    const unreadable = ev('fixity check', { outcome: 'fail', reason: 'something else entirely' });
    expect(custodyLine(unreadable, 'a.txt')).toBe('#7  2026-03-01 08:09:10 UTC  Айжан  fixity check  a.txt  FAILED — Integrity check: FAILED. something else entirely');
  });

  it('names the file, the archive, or the item when its name is unknown', () => {
    expect(custodyLine(ev('transfer', { outcome: 'success', recipient: 'Ombudsman', exportId: 'E1' }), 'x.mov'))
      .toBe('#7  2026-03-01 08:09:10 UTC  Айжан  transfer  x.mov  done — Handed over to Ombudsman in evidence set E1.');
    expect(custodyLine(ev('fixity check', { outcome: 'pass', scope: 'archive', itemsChecked: 1, bytesChecked: 2048, problems: 0 }, null), null))
      .toBe('#7  2026-03-01 08:09:10 UTC  Айжан  fixity check  (archive)  passed — 1 item checked (2.0\u00a0KB (2,048\u00a0bytes)).');
    expect(custodyLine(ev('replication', { outcome: 'success' }), null)).toMatch(/^#7  \S+ \S+ UTC  Айжан  replication  \(item abababababab\)  done — Copy stored/u);
  });
});
