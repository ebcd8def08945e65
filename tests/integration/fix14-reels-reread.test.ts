// Reading the same card again, after the offload tool appended a generation and the camera added a
// file, goes on the same reel (issue 14 hostile test, D2); the reel's file list holds every file
// the run recorded, hash lists and "other" files too; a clash names the reel that holds the name (D7).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { sealCard, writeCard } from '../helpers/mhl-card.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-reels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const archive = join(tmp, 'arch');
const cli = (...a: string[]) => runCli(...a, '--archive', archive);

interface Reel { name: string; files: number; fileList: { source: { path: string } }[] }

describe('a card read again', () => {
  it('stays on its reel after a new generation and a new file, and the reel lists every file', async () => {
    const card = join(tmp, 'A001R1AB');
    writeCard(card, { 'Clips/A001C001.mov': 'clip one', 'Clips/A001C002.mov': 'clip two', 'Sidecar.txt': 'notes' });
    await sealCard(card, new Date('2026-01-01T10:00:00Z'));
    expect((await cli('ingest', card, '--operator', 'T', '--no-previews', '--threads', '1')).code).toBe(0);
    for (let i = 1; i <= 2; i++) {
      writeCard(card, { [`new${i}.txt`]: `added on set ${i}` });
      await sealCard(card, new Date(`2026-01-0${i + 1}T10:00:00Z`));
      const r = await cli('ingest', card, '--operator', 'T', '--no-previews', '--threads', '1', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).reels.map((x: { name: string; created: boolean }) => [x.name, x.created])).toEqual([['A001R1AB', false]]);
    }
    const list = JSON.parse((await cli('reel', 'list', '--json')).out) as Reel[];
    expect(list.map((r) => r.name)).toEqual(['A001R1AB']);
    const shown = JSON.parse((await cli('reel', 'show', 'A001R1AB', '--json')).out) as Reel;
    const rels = shown.fileList.map((f) => f.source.path.slice(card.length + 1)).sort();
    expect(rels).toEqual([
      'Clips/A001C001.mov', 'Clips/A001C002.mov', 'Sidecar.txt',
      'ascmhl/0001_A001R1AB_2026-01-01_100000Z.mhl', 'ascmhl/0002_A001R1AB_2026-01-02_100000Z.mhl', 'ascmhl/0003_A001R1AB_2026-01-03_100000Z.mhl',
      'ascmhl/ascmhl_chain.xml', 'new1.txt', 'new2.txt',
    ]);
  });

  it('a second card of that name gets a reel of its own, which lists every file the run recorded, even those already held', async () => {
    // Same names, same content for two files, one file differs: another card.
    const other = join(tmp, 'elsewhere', 'A001R1AB');
    writeCard(other, { 'Clips/A001C001.mov': 'clip one', 'Clips/A001C002.mov': 'another clip', 'Sidecar.txt': 'notes' }, new Date('2024-06-01T10:00:00Z'));
    const r = await cli('ingest', other, '--operator', 'T', '--no-previews', '--threads', '1', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).reels[0]).toMatchObject({ name: 'A001R1AB (2)', created: true, files: 3 });
    const shown = JSON.parse((await cli('reel', 'show', 'A001R1AB (2)', '--json')).out) as Reel;
    expect(shown.fileList.map((f) => f.source.path.slice(other.length + 1)).sort()).toEqual(['Clips/A001C001.mov', 'Clips/A001C002.mov', 'Sidecar.txt']);
  });

  it('a card read again under --reel NAME puts every file on that reel, though none is read again', async () => {
    const card = join(tmp, 'A001R1AB');
    const r = await cli('ingest', card, '--reel', 'Day 2', '--operator', 'T', '--no-previews', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).counts.added).toBe(0);
    const shown = JSON.parse((await cli('reel', 'show', 'Day 2', '--json')).out) as Reel;
    expect(shown.fileList).toHaveLength(9);
  });

  it('a clash names the reel that holds the name, not one given by --reel that looks like it', async () => {
    const a = join(tmp, 'g', 'given.txt');
    writeCard(join(tmp, 'g'), { 'given.txt': 'given' });
    expect((await cli('ingest', a, '--reel', 'A003 (2)', '--operator', 'T', '--no-previews')).code).toBe(0);
    writeCard(join(tmp, 'r1', 'A003'), { 'DCIM/100CANON/MVI_0003.MOV': 'first card' });
    expect((await cli('ingest', join(tmp, 'r1', 'A003'), '--operator', 'T', '--no-previews')).code).toBe(0);
    writeCard(join(tmp, 'r2', 'A003'), { 'DCIM/100CANON/MVI_0003.MOV': 'second card, other bytes' }, new Date('2024-07-01T00:00:00Z'));
    const r = await cli('ingest', join(tmp, 'r2', 'A003'), '--operator', 'T', '--no-previews', '--json');
    const reel = JSON.parse(r.out).reels[0];
    expect(reel.name).toBe('A003 (3)');
    expect(reel.why).toMatchObject({ code: 'renamed', clashesWith: 'A003', conflicting: 1 });
  });
});
