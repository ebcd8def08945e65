// The evidence-media protocol's resolution and Range answers, on a real archive.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath, openArchive, type Archive } from '../../electron/core/archive.ts';
import { ingest } from '../../electron/core/ingest/ingest.ts';
import { MediaError, mediaHead, mediaResponse, parseMediaRef, parseMediaUrl, parseRange, resolveMedia } from '../../electron/core/media/resolve.ts';

const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe('media URL parsing', () => {
  it('accepts a variant and a decimal item id', () => {
    expect(parseMediaUrl('evidence-media://original/42')).toEqual({ variant: 'original', id: 42 });
    expect(parseMediaUrl('evidence-media://thumb/7?x=1')).toEqual({ variant: 'thumb', id: 7 });
  });
  it.each([
    'evidence-media://original/../archive.sqlite',
    'evidence-media://original/..',
    'evidence-media://original/1/..',
    'evidence-media://original/%2e%2e%2farchive.sqlite',
    'evidence-media://original/..%2F..%2Fetc%2Fpasswd',
    'evidence-media://original//etc/passwd',
    'evidence-media://original/1%2F2',
    'evidence-media://original/0',
    'evidence-media://original/-1',
    'evidence-media://original/1.5',
    'evidence-media://original/abc',
    'evidence-media://original/99999999999999999999',
    'evidence-media://objects/1',
    'file:///etc/passwd',
  ])('refuses %s', (url) => {
    expect(() => parseMediaUrl(url)).toThrow(MediaError);
  });
  it('refuses ids with path characters in the two-part form too', () => {
    for (const id of ['..', '1/2', '..\\1', '1 ', ' 1']) expect(() => parseMediaRef('original', id)).toThrow(MediaError);
  });
});

describe('Range parsing (RFC 9110 §14)', () => {
  it('reads single ranges, open ends and suffixes', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
  });
  it('refuses unsatisfiable ranges with 416 and Content-Range */size', () => {
    expect(() => parseRange('bytes=100-', 100)).toThrow(MediaError);
    const h = mediaHead({ path: '/x', size: 100, contentType: 'video/mp4' }, 'bytes=200-300');
    expect(h.status).toBe(416);
    expect(h.headers['Content-Range']).toBe('bytes */100');
  });
});

describe('media resolution inside an archive', () => {
  let dir: string;
  let archive: Archive;
  let id: number;
  let sha: string;
  const content = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-media-'));
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'clip.bin'), content);
    archive = await openArchive(join(dir, 'arch'), { create: true });
    const r = await ingest(archive, { inputs: [join(dir, 'in')], operator: 'test', threads: 1 });
    id = r.files[0]!.itemId!;
    sha = r.files[0]!.sha256!;
  });
  afterAll(async () => {
    await archive.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 206 with the right Content-Range and bytes of the real file', async () => {
    const res = await mediaResponse({ url: `evidence-media://original/${id}`, headers: headers({ range: 'bytes=100-199' }) }, (ref) => resolveMedia(archive, ref));
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-199/${content.length}`);
    expect(res.headers.get('content-length')).toBe('100');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(content.subarray(100, 200));
  });

  it('answers 200 with the whole file without Range, and opaque bytes for a non-media type', async () => {
    const res = await mediaResponse({ url: `evidence-media://original/${id}`, headers: headers() }, (ref) => resolveMedia(archive, ref));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer()).equals(content)).toBe(true);
  });

  it('answers 404 for ids outside the archive and for a missing thumbnail, 400 for paths, 405 for POST', async () => {
    const get = (url: string, method = 'GET') => mediaResponse({ url, method, headers: headers() }, (ref) => resolveMedia(archive, ref));
    expect((await get(`evidence-media://original/${id + 1000}`)).status).toBe(404);
    expect((await get(`evidence-media://thumb/${id}`)).status).toBe(404);
    expect((await get('evidence-media://original/../archive.sqlite')).status).toBe(400);
    expect((await get(`evidence-media://original/${id}`, 'POST')).status).toBe(405);
  });

  it('refuses an object replaced by a symbolic link leading out of the archive', async () => {
    const p = objectPath(archive.objectsDir, sha);
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'secret');
    rmSync(p, { force: true });
    symlinkSync(outside, p);
    try {
      await expect(resolveMedia(archive, { variant: 'original', id })).rejects.toMatchObject({ status: 404 });
    } finally {
      unlinkSync(p);
      writeFileSync(p, content);
    }
  });
});
