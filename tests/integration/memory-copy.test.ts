// The small-file path of ingest reads a file once and works from that buffer: its digests,
// content type and metadata must be exactly those read from the file on disk.
import { mkdtempSync, rmSync, statSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFile, CopyVerificationError } from '../../electron/core/ingest/digest.ts';
import { checkSourceUnchanged, digestBytes, fileHolds, readWholeFile, writeVerifiedCopy } from '../../electron/core/ingest/memory-copy.ts';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { HAS_CORPUS, MEDIA_DIR, loadExpected } from '../helpers/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'evidence-memcopy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!HAS_CORPUS)('in-memory reading of every corpus file', () => {
  const expected = loadExpected();
  for (const rel of Object.keys(expected)) {
    it(rel, async () => {
      const path = join(MEDIA_DIR, rel);
      const { bytes } = readWholeFile(path, Number.MAX_SAFE_INTEGER)!;
      expect(bytes.length).toBe(expected[rel]!.bytes);
      const fromMemory = digestBytes(bytes, ['md5', 'sha1']);
      expect(fromMemory.sha256).toBe(expected[rel]!.sha256);
      expect(fromMemory).toEqual(digestFile(path, ['md5', 'sha1']).digests);
      const sniffed = await sniffFile(path);
      expect(await sniffFile({ path, bytes })).toEqual(sniffed);
      const onDisk = await extractMetadata(path, sniffed.mime, sniffed.kind);
      expect(await extractMetadata({ path, bytes }, sniffed.mime, sniffed.kind)).toEqual(onDisk);
    });
  }
});

describe('readWholeFile', () => {
  it('reads nothing and returns null for a file above the limit', () => {
    const p = join(dir, 'eleven.bin');
    writeFileSync(p, 'hello world');
    expect(readWholeFile(p, 10)).toBeNull();
    expect(readWholeFile(p, 11)?.bytes.toString()).toBe('hello world');
  });
  it('reads a zero-byte file as an empty buffer', () => {
    const p = join(dir, 'empty.bin');
    writeFileSync(p, '');
    expect(readWholeFile(p, 10)?.bytes.length).toBe(0);
  });
  it('gives the size, times and inode of the version it read', () => {
    const p = join(dir, 'stat.bin');
    writeFileSync(p, 'twelve bytes');
    const st = statSync(p, { bigint: true });
    expect(readWholeFile(p, 100)?.stat).toEqual({
      bytes: 12, mtimeMs: Number(st.mtimeMs), mtimeNs: st.mtimeNs.toString(), ino: st.ino.toString(), ctimeNs: st.ctimeNs.toString(),
    });
  });
  it('throws the fs error for a missing file, naming it', () => {
    expect(() => readWholeFile(join(dir, 'nope.jpg'), 10)).toThrow(/ENOENT.*nope\.jpg/);
  });
});

describe('checkSourceUnchanged and fileHolds', () => {
  it('refuse a source rewritten in place with the same size and modification time', () => {
    const p = join(dir, 'rewritten.bin');
    writeFileSync(p, 'version one');
    const first = readWholeFile(p, 100)!;
    const { atime, mtime } = statSync(p);
    writeFileSync(p, 'version two');
    utimesSync(p, atime, mtime);
    // Size unchanged, mtime put back: what one read's size-and-time checks can see looks the same.
    expect(readWholeFile(p, 100)?.bytes.toString()).toBe('version two');
    expect(() => checkSourceUnchanged(p, first.bytes)).toThrow(CopyVerificationError);
    expect(() => checkSourceUnchanged(p, first.bytes)).toThrow(/rewritten\.bin: the file changed while it was being read/);
    expect(fileHolds(p, first.bytes)).toBe(false);
    expect(fileHolds(p, Buffer.from('version two'))).toBe(true);
  });
  it('accept an unchanged source; a longer or shorter file never holds the bytes', () => {
    const p = join(dir, 'steady.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(p, bytes);
    expect(() => checkSourceUnchanged(p, bytes)).not.toThrow();
    expect(fileHolds(p, bytes.subarray(0, bytes.length - 1))).toBe(false);
    expect(fileHolds(p, Buffer.concat([bytes, Buffer.from([7])]))).toBe(false);
  });
});

describe('writeVerifiedCopy', () => {
  const bytes = Buffer.from('the bytes that were hashed');
  const sha = digestBytes(bytes, []).sha256;
  it('writes a read-only copy that reads back as the bytes hashed', async () => {
    const dst = join(dir, 'copy.part');
    await writeVerifiedCopy('src.jpg', bytes, sha, dst);
    expect(readFileSync(dst)).toEqual(bytes);
    expect(statSync(dst).mode & 0o777).toBe(0o444);
  });
  it('never overwrites an existing file', async () => {
    const dst = join(dir, 'exists.part');
    writeFileSync(dst, 'other');
    await expect(writeVerifiedCopy('src.jpg', bytes, sha, dst)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(dst, 'utf8')).toBe('other');
  });
  it('refuses a copy that does not read back as the digest given, naming the source', async () => {
    const dst = join(dir, 'mismatch.part');
    const wrong = digestBytes(Buffer.from('something else'), []).sha256;
    const err = await writeVerifiedCopy('/cards/A/IMG_0001.JPG', bytes, wrong, dst).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CopyVerificationError);
    expect((err as Error).message).toMatch(/^\/cards\/A\/IMG_0001\.JPG: the copy does not read back/);
  });
});
