// What a public evidence set keeps of the custody events replicas and repair write (issue 15 §3,
// issue 11 §3): a repair from a replica names the replica and the object by its archive-relative
// path only, so it is kept; a repair from a file records the file's path on this machine under
// sourcePath, as ingestion does, so public sets withhold it like the ingestion event.
import { describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { publicExcerptFilterForMachine } from '../../electron/core/catalog/export-extras.ts';

const sha = 'ab'.repeat(32);
const ev = (type: CustodyEvent['type'], detail: Record<string, unknown>, item: string | null = sha): CustodyEvent =>
  ({ seq: 1, at: '2026-05-04T10:00:00Z', actor: 'a', type, item, detail, prevHash: '0'.repeat(64), hash: '1'.repeat(64) }) as CustodyEvent;
const finding = { kind: 'altered', object: `objects/sha256/ab/ab/${sha}`, expected: { sha256: sha }, found: { sha256: 'cd'.repeat(32) } };

describe('replica and recovery events in a public set', () => {
  const keep = publicExcerptFilterForMachine(new Set(), ['/home/aigul/Archive']);
  it('keeps a recovery from a replica and a replica sync, which carry no machine path', () => {
    expect(keep(ev('recovery', { outcome: 'success', object: finding.object, finding, restoredFrom: { kind: 'replica', replica: 'drive-b' }, verifiedBy: 'sha256' }))).toBe(true);
    expect(keep(ev('replication', { action: 'replica sync', replica: 'drive-b', outcome: 'success', copied: 3, failed: 0 }, null))).toBe(true);
  });
  it('withholds a recovery from a file, whose sourcePath is a path of this machine', () => {
    expect(keep(ev('recovery', { outcome: 'success', finding, restoredFrom: { kind: 'file', fileName: 'IMG_0001.JPG', sourcePath: '/media/card/DCIM/IMG_0001.JPG' } }))).toBe(false);
  });
});
