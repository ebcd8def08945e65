// Content sniffing of ISO-BMFF files whose brand does not say audio or video.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindOfMime, sniffFile } from '../../electron/core/ingest/sniff.ts';

const dir = mkdtempSync(join(tmpdir(), 'evidence-sniff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function box(type: string, ...children: Buffer[]): Buffer {
  const body = Buffer.concat(children);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
const ftyp = (major: string, ...compat: string[]): Buffer =>
  box('ftyp', Buffer.from(major, 'latin1'), Buffer.alloc(4), ...compat.map((c) => Buffer.from(c, 'latin1')));
const trak = (handler: string): Buffer =>
  box('trak', box('mdia', box('hdlr', Buffer.alloc(8), Buffer.from(handler, 'latin1'), Buffer.alloc(13))));

function file(name: string, ...boxes: Buffer[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([...boxes, box('mdat', Buffer.alloc(64))]));
  return path;
}

describe('sniffFile on ISO-BMFF', () => {
  it('an mp42-branded file with only a sound track is an M4A (audio/mp4)', async () => {
    const path = file('memo.mp4', ftyp('mp42', 'isom', 'mp42'), box('moov', trak('soun')));
    expect(await sniffFile(path)).toEqual({ mime: 'audio/mp4', kind: 'audio', ext: 'm4a' });
  });
  it('a 3GP with only a sound track is audio/3gpp', async () => {
    const path = file('rec.3gp', ftyp('3gp4', 'isom', '3gp4'), box('moov', trak('soun')));
    expect(await sniffFile(path)).toEqual({ mime: 'audio/3gpp', kind: 'audio', ext: '3gp' });
  });
  it('a 3GP with a video track stays video/3gpp', async () => {
    const path = file('clip.3gp', ftyp('3gp5', '3gp5', 'isom'), box('moov', trak('vide'), trak('soun')));
    expect(await sniffFile(path)).toEqual({ mime: 'video/3gpp', kind: 'video', ext: '3gp' });
  });
  it('an M4A-branded file with a video track is video', async () => {
    const path = file('odd.m4a', ftyp('M4A ', 'M4A ', 'isom'), box('moov', trak('vide')));
    expect((await sniffFile(path)).kind).toBe('video');
  });
});

describe('kindOfMime', () => {
  it.each([
    ['image/jpeg', 'image'], ['image/x-adobe-dng', 'image'], ['image/x-canon-cr3', 'image'], ['image/heic', 'image'],
    ['video/quicktime', 'video'], ['video/mp2t', 'video'], ['video/matroska', 'video'], ['video/vnd.avi', 'video'],
    ['audio/mp4', 'audio'], ['audio/ogg; codecs=opus', 'audio'], ['audio/amr', 'audio'], ['audio/wav', 'audio'],
    ['application/pdf', 'document'], ['text/html', 'other'], ['application/zip', 'other'], [null, 'other'],
  ] as const)('%s → %s', (mime, kind) => {
    expect(kindOfMime(mime)).toBe(kind);
  });
});
