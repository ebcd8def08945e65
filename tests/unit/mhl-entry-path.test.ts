// Which file a hash-list entry's path names, or why it names none (core/mhl/entry-path.ts; issue 14 D5, D6).
import { describe, expect, it } from 'vitest';
import { entryReadings, invalidEntryReason } from '../../electron/core/mhl/entry-path.ts';

describe('invalidEntryReason', () => {
  it('refuses every path that is not inside the list\'s folder, saying why', () => {
    expect(invalidEntryReason('')).toBe('the path is empty');
    expect(invalidEntryReason('Clips/a\u0000.mov')).toBe('the path holds a NUL character');
    expect(invalidEntryReason('/etc/hostname')).toMatch(/^an absolute path/u);
    expect(invalidEntryReason('\\\\server\\share\\x.mov')).toMatch(/^an absolute path/u);
    expect(invalidEntryReason('\\Windows\\x')).toMatch(/^an absolute path/u);
    expect(invalidEntryReason('C:\\x')).toMatch(/^a Windows drive path/u);
    expect(invalidEntryReason('c:x')).toMatch(/^a Windows drive path/u);
    for (const p of ['../x', '../../etc/hostname', 'Clips/../../x', '..', 'Clips\\..\\..\\x', 'a/..\\b']) expect(invalidEntryReason(p), p).toMatch(/^leads out of/u);
    expect(invalidEntryReason('.')).toMatch(/folder itself/u);
    expect(invalidEntryReason('./')).toMatch(/folder itself/u);
  });
  it('accepts relative paths, backslash names and names with dots', () => {
    for (const p of ['Clips/A001.mov', 'clip\\01.mov', 'Clips\\A001.mov', './Clips/A001.mov', '..hidden', 'a..b/c...mov']) expect(invalidEntryReason(p), p).toBeNull();
  });
});

describe('entryReadings', () => {
  it('reads "/" as the separator; a path with "\\" and no "/" also as a Windows path (ascmhl paths.py rule)', () => {
    expect(entryReadings('Clips/A001.mov')).toEqual({ literal: ['Clips', 'A001.mov'], windows: null });
    expect(entryReadings('Clips\\A001.mov')).toEqual({ literal: ['Clips\\A001.mov'], windows: ['Clips', 'A001.mov'] });
    // Mixed: a backslash in a name, "/" separating (the reference reads it as POSIX).
    expect(entryReadings('Sub/clip\\01.mov')).toEqual({ literal: ['Sub', 'clip\\01.mov'], windows: null });
    expect(entryReadings('./Clips//A.mov')).toEqual({ literal: ['Clips', 'A.mov'], windows: null });
  });
});
