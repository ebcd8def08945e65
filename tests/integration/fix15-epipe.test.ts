// Issue 15, hostile test round (fix15 7): `evidence ingest … | head -1` must finish its work (the
// items recorded, the replicas filled) although the reader of its output went away.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fix15-epipe-'));
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
afterAll(() => rmSync(work, { recursive: true, force: true }));

function makeCard(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=0x${(0x102030 + i * 0x111111).toString(16).slice(-6)}:s=64x48`, '-frames:v', '1', '-y', join(dir, `IMG_${i}.JPG`)]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
  }
}

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe.skipIf(!hasFfmpeg)('a closed stdout (fix15 7)', () => {
  it('an ingest whose reader went away still records its items and fills its replicas', async () => {
    const arc = join(work, 'arc');
    const rep = join(work, 'rep');
    const A = ['--archive', arc];
    expect(runCli(['init', arc]).code).toBe(0);
    expect(runCli(['replica', 'add', rep, ...A]).code).toBe(0);
    makeCard(join(work, 'card'), 3);
    const child = startCli(['ingest', join(work, 'card'), ...A]);
    // The reader leaves at its first byte, as `| head -c1` does.
    child.stdout!.once('data', () => child.stdout!.destroy());
    child.stderr!.resume();
    const code = await new Promise<number | null>((res) => child.once('exit', res));
    expect(code).toBe(0);
    const listed = JSON.parse(runCli(['list', '--json', ...A]).stdout) as unknown[];
    expect(listed).toHaveLength(3);
    expect(files(join(rep, 'objects'))).toHaveLength(3);
  }, 60_000);
});
