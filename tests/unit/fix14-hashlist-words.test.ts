// A card's files checked against the card's own hash list (ASC MHL) read as checks of the CARD in
// `evidence log`, the custody report and the desktop timeline, never as the archive's stored copy
// (issue 14 hostile test, D1).
import { describe, expect, it } from 'vitest';
import { custodySummary } from '../../electron/common/custody-words.ts';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { custodyLine } from '../../electron/core/custody/readable.ts';
import { describeEvent } from '../../electron/core/report/words.ts';

const SHA = 'ab'.repeat(32);
const hashList = { kind: 'asc-mhl', folder: 'A001R1AB', file: 'ascmhl/0001_A001R1AB_2026-01-01_100000Z.mhl', generation: 1, tool: 'Hedge', toolVersion: '23' };
const ev = (detail: Record<string, unknown>, item: string | null = SHA): CustodyEvent =>
  ({ seq: 7, at: '2026-03-01T08:09:10.123Z', actor: 'A', type: 'fixity check', item, detail, prevHash: '0'.repeat(64), hash: '1'.repeat(64) });

const missing = ev({ outcome: 'fail', scope: 'source hash list', algorithms: ['md5', 'xxh64'], hashList, entry: 'Audio/A001_T01.WAV',
  finding: { kind: 'missing', expected: { md5: 'aa', xxh64: 'bb' } }, reason: 'A001R1AB/Audio/A001_T01.WAV: listed by the hash list but not on the card' }, null);
const pass = ev({ outcome: 'pass', scope: 'source hash list', algorithms: ['md5', 'xxh64'], hashList, entry: 'Clips/C0001.MP4' });
const altered = ev({ outcome: 'fail', scope: 'source hash list', algorithms: ['xxh64'], hashList, entry: 'Clips/C0002.MP4',
  finding: { kind: 'altered', expected: { xxh64: '0ea03b369a463d9d' }, found: { xxh64: '1111111111111111' } }, reason: 'x' });

describe('source hash-list checks in words', () => {
  it('evidence log names the card file and the hash list, never the archive store', () => {
    const l = custodyLine(missing, null);
    expect(l).toContain('(card)');
    expect(l).toContain('Not on the card: Audio/A001_T01.WAV (listed by 0001_A001R1AB_2026-01-01_100000Z.mhl)');
    expect(l).not.toMatch(/store|\(archive\)/u);
    const p = custodyLine(pass, 'C0001.MP4');
    expect(p).toContain('On the card as listed by 0001_A001R1AB_2026-01-01_100000Z.mhl (MD5, xxh64 match): Clips/C0001.MP4');
    expect(p).not.toContain('stored copy');
    const a = custodyLine(altered, 'C0002.MP4');
    expect(a).toContain('Changed on the card since the hash list was written: Clips/C0002.MP4');
    expect(a).toContain('xxh64 expected 0ea03b369a463d9d, found 1111111111111111');
    expect(a).not.toContain('archived copy');
  });
  it('the custody report says the same in Russian and Kyrgyz', () => {
    expect(describeEvent('ru', missing)).toContain('Нет на карте: Audio/A001_T01.WAV');
    expect(describeEvent('ky', pass)).toContain('Clips/C0001.MP4');
    expect(describeEvent('ru', pass)).not.toContain('Хранимая копия');
  });
  it('the desktop timeline gets its own keys with the entry and the list', () => {
    expect(custodySummary(missing)).toEqual(expect.objectContaining({ key: 'srcMissing', vars: expect.objectContaining({ entry: 'Audio/A001_T01.WAV', list: '0001_A001R1AB_2026-01-01_100000Z.mhl' }) }));
    expect(custodySummary(pass).key).toBe('srcPass');
    expect(custodySummary(altered).key).toBe('srcAltered');
  });
});
