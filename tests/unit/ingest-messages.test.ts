// What a failed file's reason says: the file as the report shows it, and the real cause.
import { existsSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayName, failureText } from '../../electron/core/ingest/filename.ts';
import { readWholeFile } from '../../electron/core/ingest/memory-copy.ts';

describe('failureText', () => {
  it('names a file that is not UTF-8 by its \\xNN form, not by the U+FFFD Node puts in its message', () => {
    // "Привет.jpg" in CP1251.
    const raw = Buffer.concat([Buffer.from(join(tmpdir(), 'no-such-folder-ea') + '/'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('.jpg')]);
    let err: unknown;
    try {
      openSync(raw, 'r');
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain('\uFFFD');
    const shown = displayName(raw);
    const text = failureText(shown, err, raw);
    expect(text).toContain(`${shown}'`);
    expect(text).toContain('\\xCF\\xF0\\xE8\\xE2\\xE5\\xF2.jpg');
    expect(text).not.toContain('\uFFFD');
    expect(text).toMatch(/^ENOENT/);
  });
  it('prefixes the path when the message does not name the file', () => {
    expect(failureText('/card/a.jpg', new Error('bad things'))).toBe('/card/a.jpg: bad things');
  });
});

describe.skipIf(!existsSync('/proc/cpuinfo'))('a virtual file of /proc', () => {
  it('is refused for what it is, not as a file that changed', () => {
    expect(() => readWholeFile('/proc/cpuinfo', 1024)).toThrow('/proc/cpuinfo: the file holds more bytes than its size says (0), like the virtual files of /proc and /sys; not ingested');
  });
});
