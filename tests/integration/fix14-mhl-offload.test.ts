// `evidence mhl --reel NAME --out DIR` keeps the card's structure below a folder named after the
// reel, copies every file even when two hold the same content, and two cards share one folder
// (issue 14 hostile test, D4); an unknown reel's name is printed without control characters.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { writeCard } from '../helpers/mhl-card.ts';
import { readAscMhlHistory } from '../../electron/core/mhl/read.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-off-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const archive = join(tmp, 'arch');

describe('an offload copy of a reel', () => {
  it('keeps paths below the card root, every same-content file, and two cards in one folder', async () => {
    const a = join(tmp, 'one', 'SONY');
    writeCard(a, { 'PRIVATE/M4ROOT/CLIP/C0001.MP4': 'clip of card one', 'PRIVATE/AVCHD/BDMV/CLIPINF/00000.CPI': 'same cpi', 'PRIVATE/AVCHD/BDMV/CLIPINF/00001.CPI': 'same cpi' });
    const b = join(tmp, 'two', 'SONY');
    writeCard(b, { 'PRIVATE/M4ROOT/CLIP/C0001.MP4': 'clip of card two' });
    expect((await runCli('ingest', a, '--reel', 'A001', '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    expect((await runCli('ingest', b, '--reel', 'A002', '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    const out = join(tmp, 'shuttle');
    const r1 = await runCli('mhl', '--reel', 'A001', '--archive', archive, '--out', out, '--json');
    expect(r1.code, r1.err).toBe(0);
    const r2 = await runCli('mhl', '--reel', 'A002', '--archive', archive, '--out', out, '--json');
    expect(r2.code, r2.err).toBe(0);
    expect(readFileSync(join(out, 'A001/PRIVATE/M4ROOT/CLIP/C0001.MP4'), 'utf8')).toBe('clip of card one');
    expect(readFileSync(join(out, 'A001/PRIVATE/AVCHD/BDMV/CLIPINF/00000.CPI'), 'utf8')).toBe('same cpi');
    expect(readFileSync(join(out, 'A001/PRIVATE/AVCHD/BDMV/CLIPINF/00001.CPI'), 'utf8')).toBe('same cpi');
    expect(readFileSync(join(out, 'A002/PRIVATE/M4ROOT/CLIP/C0001.MP4'), 'utf8')).toBe('clip of card two');
    expect(existsSync(join(out, 'C0001.MP4'))).toBe(false);
    const h = await readAscMhlHistory(out);
    expect(h.problems).toEqual([]);
    expect(h.generations.at(-1)!.files.map((f) => f.path).sort()).toEqual([
      'A001/PRIVATE/AVCHD/BDMV/CLIPINF/00000.CPI', 'A001/PRIVATE/AVCHD/BDMV/CLIPINF/00001.CPI', 'A001/PRIVATE/M4ROOT/CLIP/C0001.MP4', 'A002/PRIVATE/M4ROOT/CLIP/C0001.MP4',
    ]);
  });

  it('an unknown reel name is printed without its control characters', async () => {
    const r = await runCli('mhl', '--reel', 'X\u001b[31mY', '--archive', archive, '--out', join(tmp, 'none'));
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('\u001b');
    expect(r.err).toContain('no reel named');
  });
});
