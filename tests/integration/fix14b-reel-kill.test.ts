// An ingest killed with SIGKILL in the middle of a card (battery dies, laptop crashes) never ends
// its run: the reel must not say every file is in the archive (issue 14 hostile test, f14b §1).
// The kill lands at a deterministic point: once the catalog holds some, not all, of the card's
// sightings. A later complete run over the same card makes the reel complete.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';

const FILES = 200;

describe('reel of an ingest killed mid-card', () => {
  const work = mkdtempSync(join(tmpdir(), 'f14b-reel-kill-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is incomplete until a run over the same card finishes', async () => {
    const archive = join(work, 'archive');
    const card = join(work, 'BIGCARD');
    for (let d = 0; d < 4; d++) {
      const dir = join(card, 'DCIM', `${100 + d}CANON`);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < FILES / 4; i++) writeFileSync(join(dir, `IMG_${String(d * 100 + i).padStart(4, '0')}.JPG`), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xd9]), randomBytes(8)]));
    }
    const A = ['--archive', archive];
    expect(runCli(['init', archive]).code).toBe(0);

    const child = startCli(['ingest', card, '--no-previews', '--threads', '1', ...A]);
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    const deadline = Date.now() + 60_000;
    let killedAt = -1;
    let db: Database.Database | null = null;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        db ??= new Database(join(archive, 'archive.sqlite'), { readonly: true, fileMustExist: true });
        const n = db.prepare('SELECT count(*) FROM sightings').pluck().get() as number;
        if (n >= 10 && n < FILES) {
          child.kill('SIGKILL');
          killedAt = n;
          break;
        }
      } catch {
        // The catalog is being created or is locked for a moment: look again.
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    db?.close();
    await exited;
    expect(killedAt, 'the ingest was killed after some files and before the last').toBeGreaterThan(0);

    const list = JSON.parse(runCli(['reel', 'list', '--json', ...A]).stdout) as { name: string; complete: boolean; incomplete: { ingestUnfinished: boolean } }[];
    expect(list.map((r) => [r.name, r.complete, r.incomplete.ingestUnfinished])).toEqual([['BIGCARD', false, true]]);
    const human = runCli(['reel', 'list', ...A]).stdout;
    expect(human.split('\n')[1]).toMatch(/ no$/);
    const show = runCli(['reel', 'show', 'BIGCARD', ...A]).stdout;
    expect(show).toContain('incomplete: the ingest did not finish (interrupted or crashed); run it again');

    // The same card read again to the end: the same reel, now complete.
    const again = runCli(['ingest', card, '--no-previews', '--threads', '1', '--json', ...A]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { reels: { name: string }[] }).reels.map((r) => r.name)).toEqual(['BIGCARD']);
    const after = JSON.parse(runCli(['reel', 'show', 'BIGCARD', '--json', ...A]).stdout) as { complete: boolean; files: number };
    expect(after).toMatchObject({ complete: true, files: FILES });
  }, 120_000);
});
