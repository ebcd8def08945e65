// Issue 15, hostile test round (fix15): an unfinished run never blocks a limited check, a check
// without filters always checks the whole archive, a resumed whole-archive run takes in the items
// ingested while it was paused, and an object the archive itself repaired is not reported as
// copied over outside the archive.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { objectPath, openArchive } from '../../electron/core/archive.ts';
import { verifyArchive, type FixityReport } from '../../electron/core/verify/fixity.ts';
import type { ScopeFilters } from '../../electron/core/verify/scope.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { makeCard } from '../helpers/color-card.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fix15-verify-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An archive of 2 small images, a 48 MiB clip (keeps a run busy long enough to stop it in the middle) and 3 more images. */
async function archiveWithBigClip(name: string): Promise<{ dir: string; A: string[]; ids: number[] }> {
  const dir = join(work, name);
  const A = ['--archive', dir];
  makeCard(join(work, `${name}-c1`), 2, 0);
  mkdirSync(join(work, `${name}-c2`));
  writeFileSync(join(work, `${name}-c2`, 'CLIP0001.MOV'), Buffer.alloc(48 * 1024 * 1024, 7));
  makeCard(join(work, `${name}-c3`), 3, 10);
  for (const c of ['c1', 'c2', 'c3']) expect((await runCli('ingest', join(work, `${name}-${c}`), ...A)).code).toBe(0);
  const ids = (await cliJson<{ id: number }[]>('list', '--json', ...A)).map((i) => i.id);
  return { dir, A, ids };
}

/** A run of `filters` stopped while the big clip is being read. */
async function interruptedRun(dir: string, filters: ScopeFilters = {}): Promise<FixityReport> {
  const a = await openArchive(dir, { write: true });
  const ac = new AbortController();
  try {
    const r = await verifyArchive(a, { actor: 'A. Usenova', signal: ac.signal, batch: 1, threads: 1, filters, onProgress: (p) => {
      if (p.filesDone === 2) ac.abort();
    } });
    expect(r.interrupted).toBe(true);
    return r;
  } finally {
    await a.close();
  }
}

describe.skipIf(!hasFfmpeg)('verify after an interrupted run (fix15 1, 2, 6)', () => {
  it('a limited check runs on its own while the unfinished whole-archive run stays resumable', async () => {
    const arc = await archiveWithBigClip('limited');
    const whole = await interruptedRun(arc.dir);
    const one = await runCli('verify', '--item', String(arc.ids[4]), ...arc.A);
    expect(one.err).not.toContain('{}');
    expect(one.code, one.err).toBe(0);
    expect(one.out).toContain('1 of 1 item');
    expect(one.err).toContain(`Fixity check run ${whole.run.id} (the whole archive) is unfinished`);
    expect(one.err).toContain('To continue it: evidence verify;');
    const ru = await runCli('--lang', 'ru', 'verify', '--item', String(arc.ids[3]), ...arc.A);
    expect(ru.code, ru.err).toBe(0);
    expect(ru.err).toContain(`Запуск проверки ${whole.run.id} (весь архив) не завершён`);
    const resumed = await runCli('verify', '--json', ...arc.A);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toContain(`Resuming fixity check run ${whole.run.id}`);
    expect(JSON.parse(resumed.out)).toMatchObject({ itemsChecked: 6, run: { id: whole.run.id, resumed: true, wholeArchive: true } });
    expect(JSON.parse(resumed.out).otherOpenRuns).toBeUndefined();
  }, 90_000);

  it('a plain verify checks the whole archive, never finishing an interrupted limited run in its stead', async () => {
    const arc = await archiveWithBigClip('plain');
    const limited = await interruptedRun(arc.dir, { items: arc.ids.slice(0, 5) });
    const plain = await runCli('verify', '--json', ...arc.A);
    expect(plain.code, plain.err).toBe(0);
    const j = JSON.parse(plain.out) as FixityReport;
    expect(j.run.id).not.toBe(limited.run.id);
    expect(j.run).toMatchObject({ resumed: false, wholeArchive: true, itemsSelected: 6 });
    expect(j.itemsChecked).toBe(6);
    const ids = arc.ids.slice(0, 5).map((id) => `--item ${id}`).join(' ');
    expect(plain.err).toContain(`Fixity check run ${limited.run.id} (items ${arc.ids.slice(0, 5).join(', ')}) is unfinished`);
    expect(plain.err).toContain(`To continue it: evidence verify ${ids};`);
    // The limited run is resumed by its own filters, as the notice says.
    const again = await runCli('verify', ...arc.ids.slice(0, 5).flatMap((id) => ['--item', String(id)]), '--json', ...arc.A);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ itemsChecked: 5, run: { id: limited.run.id, resumed: true } });
  }, 90_000);

  it('a resumed whole-archive run checks the items ingested while it was paused', async () => {
    const arc = await archiveWithBigClip('late');
    const whole = await interruptedRun(arc.dir);
    makeCard(join(work, 'late-c4'), 2, 40);
    expect((await runCli('ingest', join(work, 'late-c4'), ...arc.A)).code).toBe(0);
    const r = await runCli('verify', '--json', ...arc.A);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ itemsChecked: 8, itemsTotal: 8, addedOnResume: 2, run: { id: whole.run.id, resumed: true, itemsSelected: 8 } });
    expect(r.err).toContain(`2 items ingested since run ${whole.run.id} started were added to it and checked.`);
  }, 90_000);
});

describe.skipIf(!hasFfmpeg)('a recorded repair (fix15 3)', () => {
  it('is not reported as a copy made outside the archive', async () => {
    const dir = join(work, 'rep');
    const A = ['--archive', dir];
    makeCard(join(work, 'rep-card'), 3, 70);
    expect((await runCli('ingest', join(work, 'rep-card'), ...A)).code).toBe(0);
    const items = await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A);
    expect((await runCli('verify', ...A)).code).toBe(0);
    const bad = items[1]!;
    const p = objectPath(join(dir, 'objects'), bad.sha256);
    chmodSync(p, 0o644);
    writeFileSync(p, Buffer.concat([readFileSync(p), Buffer.from('!')]));
    expect((await runCli('verify', ...A)).code).toBe(1);
    const rep = await runCli('repair', String(bad.id), '--from', join(work, 'rep-card', bad.sources[0]!.name), ...A);
    expect(rep.code, rep.err + rep.out).toBe(0);
    const r = await runCli('verify', '--item', String(bad.id), '--item', String(items[0]!.id), ...A);
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('NOTE');
    // A copy put over it by hand afterwards is still noted.
    const copy = readFileSync(p);
    rmSync(p, { force: true });
    writeFileSync(p, copy);
    const r2 = await runCli('verify', '--item', String(bad.id), ...A);
    expect(r2.out).toContain(`NOTE item ${bad.id}`);
  }, 90_000);
});
