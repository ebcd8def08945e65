// Verified copies leave the page cache (posix_fadvise DONTNEED), on both ingest paths; sources
// are not touched. Page residency is read with util-linux fincore(1), which uses mincore(2).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropCachedFilePages } from '../../electron/core/page-cache.ts';
import { copyTask } from '../../electron/core/ingest/task.ts';
import { IN_MEMORY_MAX_BYTES } from '../../electron/core/ingest/memory-copy.ts';
import { digestFile } from '../../electron/core/ingest/digest.ts';
import { prepareObjectStore } from '../../electron/core/objects.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

const HAS_FINCORE = process.platform === 'linux' && spawnSync('fincore', ['--version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'ea-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Pages of `path` in the page cache (fincore). */
function cachedPages(path: string): number {
  const r = spawnSync('fincore', ['--noheadings', '--raw', '--output', 'PAGES', path], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return Number(r.stdout.trim());
}

/** Bytes this process has had read from the storage device (/proc/self/io read_bytes). */
function deviceReadBytes(): number {
  return Number(/^read_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1]);
}

/** A file of `bytes` random bytes, written and read back, so its pages are cached. */
function cachedFile(name: string, bytes: number): string {
  const p = join(work, name);
  writeFileSync(p, randomBytes(bytes));
  readFileSync(p);
  return p;
}

describe.skipIf(!HAS_FINCORE)('page cache', () => {
  it('dropCachedFilePages drops the clean pages of a file, which keeps its bytes', () => {
    const p = cachedFile('clip.bin', 1 << 20);
    spawnSync('sync');
    const before = readFileSync(p);
    expect(cachedPages(p)).toBe(256);
    expect(dropCachedFilePages(p)).toBe(true);
    expect(cachedPages(p)).toBe(0);
    expect(readFileSync(p).equals(before)).toBe(true);
  });

  it('dropCachedFilePages of a missing file is false, not an error', () => {
    expect(dropCachedFilePages(join(work, 'no-such-file'))).toBe(false);
  });

  it('an ingested copy is not left in the cache, on the in-memory and on the streaming path; the source stays cached', async () => {
    const objects = join(work, 'a', 'objects');
    const tmp = join(work, 'a', 'tmp');
    mkdirSync(tmp, { recursive: true });
    await prepareObjectStore(objects);
    for (const [name, hint] of [['IMG_0001.JPG', 300_000], ['MVI_0002.MOV', IN_MEMORY_MAX_BYTES + 1]] as const) {
      const src = cachedFile(name, 300_000);
      // `bytes` is what the folder walk saw: above IN_MEMORY_MAX_BYTES the file is copied by the kernel while hashed.
      const r = await copyTask({ src, tmpDir: tmp, objectsDir: objects, algorithms: ['sha256'], counter: null, bytes: hint });
      expect(r.objectExisted).toBe(false);
      expect(cachedPages(r.objectPath), name).toBe(0);
      expect(readFileSync(r.objectPath).equals(readFileSync(src))).toBe(true);
      expect(cachedPages(src), name).toBeGreaterThan(0);
    }
  });

  it('a fixity read (digestFile fromDevice) reads the file from the device, not from the cache, and leaves nothing cached', () => {
    const p = cachedFile('object.bin', 2 << 20);
    spawnSync('sync');
    expect(cachedPages(p)).toBe(512);
    const expected = digestFile(p, ['sha256']).digests.sha256;
    // A plain read is served from memory...
    let before = deviceReadBytes();
    expect(digestFile(p, ['sha256']).digests.sha256).toBe(expected);
    expect(deviceReadBytes() - before).toBeLessThan(64 * 1024);
    // ...a fixity read fetches every byte from the device.
    before = deviceReadBytes();
    expect(digestFile(p, ['sha256', 'md5'], null, true, true).digests.sha256).toBe(expected);
    expect(deviceReadBytes() - before).toBeGreaterThanOrEqual(2 << 20);
    expect(cachedPages(p)).toBe(0);
  });

  it('`evidence verify` and `verify-bag` read objects and bag files through fixity reads, which leave none of them cached', () => {
    const card = join(work, 'card');
    mkdirSync(card);
    cachedFile('card/IMG_0101.JPG', 200_000);
    cachedFile('card/IMG_0102.JPG', 300_000);
    const archive = join(work, 'archive');
    expect(runCliJson(['ingest', card, '--archive', archive, '--json']).code).toBe(0);
    const objects = (runCliJson<{ sources: unknown[]; sha256: string }[]>(['list', '--json', '--archive', archive]).json).map((i) => join(archive, 'objects', 'sha256', i.sha256.slice(0, 2), i.sha256.slice(2, 4), i.sha256));
    expect(objects).toHaveLength(2);
    const bag = join(work, 'bag');
    expect(runCli(['export', '--all', '--out', bag, '--archive', archive]).code).toBe(0);
    const bagged = [join(bag, 'data', 'IMG_0101.JPG'), join(bag, 'data', 'IMG_0102.JPG')];
    for (const f of [...objects, ...bagged]) readFileSync(f); // cached, as after an export or a copy to a drive
    for (const f of [...objects, ...bagged]) expect(cachedPages(f), f).toBeGreaterThan(0);
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
    for (const f of objects) expect(cachedPages(f), f).toBe(0);
    expect(runCli(['verify-bag', bag]).code).toBe(5); // intact, but unsigned (no key in the tests): exit 5
    for (const f of bagged) expect(cachedPages(f), f).toBe(0);
  });

  it('EVIDENCE_PAGE_CACHE=keep leaves an ingested copy cached (the escape hatch for a damaged FFI library)', () => {
    const card = join(work, 'card-keep');
    mkdirSync(card);
    cachedFile('card-keep/IMG_0201.JPG', 250_000);
    const archive = join(work, 'archive-keep');
    expect(runCliJson(['ingest', card, '--archive', archive, '--json'], { EVIDENCE_PAGE_CACHE: 'keep' }).code).toBe(0);
    const [item] = runCliJson<{ sha256: string }[]>(['list', '--json', '--archive', archive]).json;
    const object = join(archive, 'objects', 'sha256', item!.sha256.slice(0, 2), item!.sha256.slice(2, 4), item!.sha256);
    expect(cachedPages(object)).toBeGreaterThan(0);
  });
});
