// A source path given as bytes (sourcePathBytes, base64: issue 11) is a source path: a public
// release withholds an event that carries it, as it does one carrying sourcePath.
import { describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { carriesSourcePath } from '../../electron/core/catalog/export-extras.ts';

const event = (type: string, detail: Record<string, unknown>): CustodyEvent =>
  ({ seq: 1, at: '2021-05-01T00:00:00.000Z', actor: 'a', type, item: null, detail, prevHash: '0'.repeat(64), hash: '1'.repeat(64) }) as CustodyEvent;

describe('carriesSourcePath', () => {
  it('counts sourcePathBytes, at any depth, in any event', () => {
    const b = Buffer.from('/media/card/Interview Aigul T/\xff.jpg', 'latin1').toString('base64');
    expect(carriesSourcePath(event('fixity check', { sourcePathBytes: b }))).toBe(true);
    expect(carriesSourcePath(event('metadata modification', { before: { source_path_bytes: b } }))).toBe(true);
    expect(carriesSourcePath(event('fixity check', { outcome: 'success', bytes: 12 }))).toBe(false);
  });
});
