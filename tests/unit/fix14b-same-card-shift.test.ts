// The same card read again after its files' modification times moved together (issue 14 hostile
// test, f14b §2): FAT keeps local time, so a DST change or another computer's time zone shifts
// every mtime by the same whole hours (or a zone's 30/45 minutes); FAT's 2-second granularity
// rounds them when copied. Such a shift, uniform and within 14 h, with the same sizes, is the same
// card; content is checked after reading (assign.ts finishGroup).
import { describe, expect, it } from 'vitest';
import { sameCard } from '../../electron/core/reels/assign.ts';

const S = 1_000_000_000n;
const f = (rel: string, sec: bigint, bytes = 100) => ({ rel, bytes, mtimeNs: String(sec * S) });
const T0 = 1_700_000_000n;
const reel = [f('DCIM/100CANON/IMG_0001.JPG', T0), f('DCIM/100CANON/IMG_0002.JPG', T0 + 60n), f('DCIM/100CANON/IMG_0003.JPG', T0 + 120n)];
const shifted = (by: bigint) => reel.map((x) => ({ ...x, mtimeNs: String(BigInt(x.mtimeNs) + by) }));

describe('a card whose modification times all moved together', () => {
  it('is the same card after a shift of whole hours (DST, time zone), and says by how much', () => {
    expect(sameCard(reel, shifted(3600n * S))).toEqual({ same: true, matched: 3, conflicting: 0, shiftSeconds: 3600 });
    expect(sameCard(reel, shifted(-14n * 3600n * S))).toMatchObject({ same: true, shiftSeconds: -14 * 3600 });
    // India (UTC+05:30), Nepal (+05:45): zones of quarter hours.
    expect(sameCard(reel, shifted(5n * 3600n * S + 45n * 60n * S))).toMatchObject({ same: true, shiftSeconds: 5 * 3600 + 45 * 60 });
  });

  it("is the same card when FAT's 2-second granularity moved the times by up to 2 s", () => {
    const rounded = reel.map((x, i) => ({ ...x, mtimeNs: String(BigInt(x.mtimeNs) + BigInt(i) * S) }));
    expect(sameCard(reel, rounded)).toEqual({ same: true, matched: 3, conflicting: 0, shiftSeconds: 0 });
    expect(sameCard(reel, shifted(3600n * S + 1500_000_000n))).toMatchObject({ same: true, shiftSeconds: 3600 });
  });

  it('is another card when the shift is not the same for every file, over 14 h, not of quarter hours, or sizes differ', () => {
    const mixed = shifted(3600n * S);
    mixed[2] = reel[2]!;
    expect(sameCard(reel, mixed)).toMatchObject({ same: false, conflicting: 1 });
    expect(sameCard(reel, shifted(15n * 3600n * S)).same).toBe(false);
    expect(sameCard(reel, shifted(3600n * S + 7n * 60n * S)).same).toBe(false);
    expect(sameCard(reel, shifted(5n * S)).same).toBe(false);
    expect(sameCard(reel, shifted(3600n * S).map((x) => ({ ...x, bytes: 101 }))).same).toBe(false);
  });
});
