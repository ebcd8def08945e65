// fixity9 §5: a failure of an item ingested from several cards names every card's source path
// and reel (up to 5, then "and N more"), not only the first: each may still hold the original.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FixityReport } from '../../electron/core/verify/fixity.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity9-sightings-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

const objectIn = (root: string, sha: string) => join(root, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);

describe('verify names every sighting of a failed item (fixity9 §5)', () => {
  it('lists each card the file was ingested from, with its reel, up to 5 and then "and N more"', async () => {
    const archive = join(work, 'archive');
    const A = ['--archive', archive];
    expect((await runCli('init', archive)).code).toBe(0);
    const same = Buffer.from('the same clip, offloaded from seven cards '.repeat(20));
    for (let i = 1; i <= 7; i++) {
      const card = join(work, `CARD${i}`);
      mkdirSync(join(card, 'DCIM'), { recursive: true });
      writeFileSync(join(card, 'DCIM', `CLIP${i}.MOV`), same);
      const r = await runCli('ingest', card, '--reel', `R00${i}`, ...A);
      expect(r.code, r.out + r.err).toBe(0);
    }
    const items = await cliJson<{ id: number; sha256: string }[]>('list', '--json', ...A);
    expect(items).toHaveLength(1);
    const it0 = items[0]!;
    const own = objectIn(archive, it0.sha256);
    chmodSync(own, 0o644);
    const b = readFileSync(own);
    b[0] = b[0]! ^ 1;
    writeFileSync(own, b);

    const v = await runCli('verify', ...A);
    expect(v.code).toBe(1);
    for (let i = 1; i <= 5; i++) expect(v.out).toContain(`source: ${join(work, `CARD${i}`, 'DCIM', `CLIP${i}.MOV`)} (card/reel: R00${i})`);
    expect(v.out).not.toContain(`CLIP6.MOV`);
    expect(v.out).toContain(`and 2 more sources (\`evidence show ${it0.id}\` lists them all)`);
    const j = JSON.parse((await runCli('verify', '--json', ...A)).out) as FixityReport;
    const p = j.problems.find((x) => x.itemId === it0.id)!;
    expect(p.sightings!.map((s) => s.reel)).toEqual(['R001', 'R002', 'R003', 'R004', 'R005', 'R006', 'R007']);
    const ru = await runCli('--lang', 'ru', 'verify', ...A);
    expect(ru.out).toContain(`источник: ${join(work, 'CARD2', 'DCIM', 'CLIP2.MOV')} (карта/катушка: R002)`);
    expect(ru.out).toContain('и ещё 2 источника');
  }, 120_000);
});
