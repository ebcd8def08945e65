// The same card read again after every file's modification time moved by one hour (FAT keeps
// local time: a DST change, or a computer in another zone) stays on its reel; a card with the same
// names and sizes, shifted alike, whose content differs gets a reel of its own after reading
// (issue 14 hostile test, f14b §2).
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { writeCard } from '../helpers/mhl-card.ts';

const tmp = mkdtempSync(join(tmpdir(), 'f14b-dst-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const archive = join(tmp, 'arch');
const cli = (...a: string[]) => runCli(...a, '--archive', archive);
const T = new Date('2024-03-30T10:00:00Z');
const FILES = { 'DCIM/100CANON/IMG_0001.JPG': 'first photo', 'DCIM/100CANON/IMG_0002.JPG': 'second photo', 'DCIM/100CANON/IMG_0003.JPG': 'third photo' };

/** Moves the modification time of every file under `dir` by `seconds`. */
function shiftAll(dir: string, seconds: number): void {
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    const m = statSync(p).mtimeMs / 1000 + seconds;
    utimesSync(p, m, m);
  }
}

interface Reels { reels: { name: string; created: boolean; why: { code: string; shiftSeconds?: number } | null; note: string | null }[] }
const ingest = async (card: string) => {
  const r = await cli('ingest', card, '--operator', 'T', '--no-previews', '--threads', '1', '--json');
  expect(r.code, r.err).toBe(0);
  return (JSON.parse(r.out) as Reels).reels;
};

describe('a card whose times moved by an hour', () => {
  it('stays on its reel, and the report says the times moved', async () => {
    const card = join(tmp, 'dst');
    writeCard(card, FILES, T);
    expect((await ingest(card)).map((r) => r.name)).toEqual(['dst']);
    shiftAll(card, 3600);
    const [r] = await ingest(card);
    expect(r).toMatchObject({ name: 'dst', created: false, why: { code: 'same-card', shiftSeconds: 3600 } });
    expect(r!.note).toContain('moved by +1 h');
    const list = JSON.parse((await cli('reel', 'list', '--json')).out) as { name: string; files: number; complete: boolean }[];
    expect(list.map((x) => [x.name, x.files, x.complete])).toEqual([['dst', 3, true]]);
  });

  it('another card of that name, sizes and shift, with other content, gets a reel of its own after reading', async () => {
    const other = join(tmp, 'elsewhere', 'dst');
    // Same names and sizes; one file holds other bytes of the same length.
    writeCard(other, { ...FILES, 'DCIM/100CANON/IMG_0002.JPG': 'SECOND PHOTO' }, new Date(T.getTime() - 2 * 3600_000));
    const [r] = await ingest(other);
    expect(r).toMatchObject({ name: 'dst (2)', created: true, why: { code: 'split-after-read' } });
  });
});
