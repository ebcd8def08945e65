// Issue 11 §3 and §4, the pure parts: which strings count as an absolute path of this machine
// (a public set withholds the custody events holding one), what a failed fixity event found (also
// read from an older event's reason), and the IPC contract of the public release's opt-in.
import { describe, expect, it } from 'vitest';
import { fixityFinding, fixityFindingLines } from '../../electron/common/fixity.ts';
import { parseInput } from '../../electron/common/ipc.ts';
import { carriesMachinePath } from '../../electron/core/catalog/machine-paths.ts';
import { archiveRelative } from '../../electron/core/verify/fixity.ts';

describe('carriesMachinePath', () => {
  it.each([
    ['item 3 (/home/aigul/Cases/objects/sha256/ab/cd/x): content altered'],
    ['/root'],
    ['EACCES: permission denied, open \'/media/card/DCIM/IMG_0001.JPG\''],
    ['C:\\Users\\Aigul\\Archive\\objects'],
    ['d:/cases/batken'],
    ['\\\\fileserver\\cases'],
    ['~/Cases/Batken-2021'],
    ['file:///home/aigul/x.jpg'],
    ['(/tmp/ea-1/archive)'],
  ])('finds %s', (s) => {
    expect(carriesMachinePath({ reason: s }, [])).toBe(true);
    expect(carriesMachinePath({ nested: [{ deep: s }] }, [])).toBe(true);
  });

  it.each([
    ['item 3 (objects/sha256/ab/cd/abcdef): content altered: sha256 expected 1, found 2'],
    ['data/kok-tash-batken/IMG_0001.JPG'],
    ['image/jpeg'],
    ['2021/05/04'],
    ['https://whosonfirst.org/'],
    ['verified copy: write, fsync, re-read, re-hash SHA-256, rename'],
    ['source file, in one read pass'],
    ['and/or'],
  ])('leaves %s', (s) => {
    expect(carriesMachinePath({ reason: s, n: 3, ok: true, none: null }, [])).toBe(false);
  });

  it('finds a folder it is given even where it does not start a path, and in keys', () => {
    expect(carriesMachinePath({ note: 'at:/srv/x' }, ['/srv/x'])).toBe(true);
    expect(carriesMachinePath({ ['/home/u/a']: 1 }, [])).toBe(true);
  });
});

describe('archiveRelative', () => {
  it('turns the archive folder into an archive-relative path, and leaves other text', () => {
    expect(archiveRelative('item 1 (/x/My Archive/objects/sha256/ab/cd/abcd): unreadable: EISDIR, read \'/x/My Archive/objects/sha256/ab/cd/abcd\'', '/x/My Archive'))
      .toBe('item 1 (objects/sha256/ab/cd/abcd): unreadable: EISDIR, read \'objects/sha256/ab/cd/abcd\'');
    expect(archiveRelative('/x/My Archive2/objects', '/x/My Archive')).toBe('/x/My Archive2/objects');
  });
});

describe('fixityFinding', () => {
  const sha = 'a'.repeat(64);
  const ev = (detail: Record<string, unknown>) => ({ type: 'fixity check', detail });

  it('reads a recorded finding, and none from a pass or another event', () => {
    const finding = { kind: 'missing', object: `objects/sha256/aa/aa/${sha}` };
    expect(fixityFinding(ev({ outcome: 'fail', finding, reason: 'x' }))).toEqual(finding);
    expect(fixityFinding(ev({ outcome: 'pass' }))).toBeNull();
    expect(fixityFinding({ type: 'replication', detail: { outcome: 'fail', finding } })).toBeNull();
  });

  it('reads what an older event found from its reason', () => {
    expect(fixityFinding(ev({ outcome: 'fail', reason: `item 4 (/home/u/a/objects/sha256/aa/aa/${sha}): content altered: sha256 expected ${sha}, found ${'b'.repeat(64)}; size expected 10 bytes, found 12` })))
      .toEqual({ kind: 'altered', expected: { sha256: sha }, found: { sha256: 'b'.repeat(64) }, expectedBytes: 10, foundBytes: 12 });
    expect(fixityFinding(ev({ outcome: 'fail', reason: `item 4 (objects/sha256/aa/aa/${sha}): object missing from the store` })))
      .toEqual({ kind: 'missing', object: `objects/sha256/aa/aa/${sha}` });
    expect(fixityFinding(ev({ outcome: 'fail', reason: 'item 4 (/a/b): unreadable: EIO: i/o error' }))).toEqual({ kind: 'unreadable', error: 'EIO: i/o error' });
    expect(fixityFinding(ev({ outcome: 'fail', reason: `item 4 (/a/b): object intact (SHA-256 matches) but the catalog's digests differ: md5 expected ${'c'.repeat(32)}, found ${'d'.repeat(32)}` })))
      .toEqual({ kind: 'catalog', expected: { md5: 'c'.repeat(32) }, found: { md5: 'd'.repeat(32) } });
    expect(fixityFinding(ev({ outcome: 'fail', reason: 'something else' }))).toBeNull();
  });

  it('says a finding in lines', () => {
    expect(fixityFindingLines({ kind: 'altered', expected: { sha256: '1', md5: '2' }, found: { sha256: '3', md5: '4' }, expectedBytes: 5, foundBytes: 6 })).toEqual([
      'content altered: SHA-256 expected 1, found 3', 'content altered: MD5 expected 2, found 4', 'size expected 5 bytes, found 6',
    ]);
    expect(fixityFindingLines({ kind: 'unreadable', error: 'EIO' })).toEqual(['object could not be read: EIO']);
  });
});

describe('IPC: the public release opt-in', () => {
  it('refuses includeWithheldMedia for a full set, and takes it with redactPeople', () => {
    const base = { kind: 'export', itemIds: [1, 2], outDir: '/tmp/out' };
    const r = parseInput('jobs.start', { ...base, includeWithheldMedia: [2] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toContain('includeWithheldMedia applies to a public release (redactPeople) only');
    expect(parseInput('jobs.start', { ...base, redactPeople: true, includeWithheldMedia: [2] }).ok).toBe(true);
    expect(parseInput('jobs.start', { ...base, redactPeople: true, includeWithheldMedia: [0] }).ok).toBe(false);
  });

  it('export.withheld takes item ids or a filter, exactly one', () => {
    expect(parseInput('export.withheld', { itemIds: [1] }).ok).toBe(true);
    expect(parseInput('export.withheld', { filter: {} }).ok).toBe(true);
    expect(parseInput('export.withheld', {}).ok).toBe(false);
    expect(parseInput('export.withheld', { itemIds: [1], filter: {} }).ok).toBe(false);
  });

  it('export.unredactable takes item ids or a filter, exactly one', () => {
    expect(parseInput('export.unredactable', { itemIds: [1] }).ok).toBe(true);
    expect(parseInput('export.unredactable', { filter: {} }).ok).toBe(true);
    expect(parseInput('export.unredactable', {}).ok).toBe(false);
    expect(parseInput('export.unredactable', { itemIds: [1], filter: {} }).ok).toBe(false);
    expect(parseInput('export.unredactable', { itemIds: [] }).ok).toBe(false);
  });
});
