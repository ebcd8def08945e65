// Issue 15 §2: fixity at terabyte scale. A fixity check is a run kept in the catalog: interrupted
// (signal, kill -9) it resumes; it can be limited (--item, --since, --older-than, --sample,
// --reel); it is recorded as ONE `fixity check` event carrying a Merkle root over (item id,
// SHA-256, outcome) plus one event per failure; an object put back by hand after a failure is an
// unrecorded change; archives with the older per-item events still show and verify.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath, openArchive } from '../../electron/core/archive.ts';
import { appendCustodyEvent } from '../../electron/core/custody/log.ts';
import { verifyArchive } from '../../electron/core/verify/fixity.ts';
import { fixityInclusionProof, fixityRunRoot, verifyFixityInclusion } from '../../electron/core/verify/run-merkle.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { startCli } from '../helpers/cli.ts';
import { setBackSchema } from '../helpers/schema.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-verify-runs-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;

/** A card of `n` small JPEGs made by ffmpeg (different colours, so different content). */
function makeCard(dir: string, n: number, offset = 0): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const color = `0x${((offset + i + 1) * 2654435761 % 0xffffff).toString(16).padStart(6, '0')}`;
    const r = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=c=${color}:s=64x48`, '-frames:v', '1', '-y', join(dir, `IMG_${String(offset + i).padStart(4, '0')}.JPG`)]);
    if (r.status !== 0) throw new Error(`ffmpeg: ${r.stderr.toString()}`);
  }
}

async function newArchive(name: string, n: number): Promise<{ dir: string; A: string[]; items: { id: number; sha256: string; name: string }[] }> {
  const dir = join(work, name);
  makeCard(join(work, `${name}-card`), n);
  const A = ['--archive', dir];
  expect((await runCli('ingest', join(work, `${name}-card`), ...A)).code).toBe(0);
  const items = (await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A)).map((i) => ({ id: i.id, sha256: i.sha256, name: i.sources[0]!.name }));
  return { dir, A, items };
}

const fixityEvents = (dir: string) => {
  const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT seq, item, detail FROM custody_events WHERE type = 'fixity check' ORDER BY seq").all() as { seq: number; item: string | null; detail: string }[])
      .map((r) => ({ seq: r.seq, item: r.item, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  } finally {
    db.close();
  }
};

function damage(dir: string, sha: string): Buffer {
  const p = objectPath(join(dir, 'objects'), sha);
  const original = readFileSync(p);
  chmodSync(p, 0o644);
  writeFileSync(p, Buffer.concat([original, Buffer.from('!')]));
  return original;
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasFfmpeg)('verify: runs, limits, one event per run', () => {
  let arc: Awaited<ReturnType<typeof newArchive>>;
  beforeAll(async () => {
    arc = await newArchive('main', 6);
  }, 60_000);

  it('records one run event with its counts and Merkle root, and one event per failure', async () => {
    const before = fixityEvents(arc.dir).length;
    const r = await runCli('verify', ...arc.A);
    expect(r.code, r.err).toBe(0);
    let ev = fixityEvents(arc.dir).slice(before);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ item: null, detail: { outcome: 'pass', scope: 'archive', itemsChecked: 6, passed: 6, merkle: { leaves: 6 }, chain: { holds: true } } });
    const original = damage(arc.dir, arc.items[2]!.sha256);
    const r2 = await runCli('verify', ...arc.A);
    expect(r2.code).toBe(1);
    ev = fixityEvents(arc.dir).slice(before + 1);
    expect(ev.map((e) => e.item)).toEqual([arc.items[2]!.sha256, null]);
    expect(ev[0]!.detail).toMatchObject({ outcome: 'fail', finding: { kind: 'altered' } });
    expect(ev[1]!.detail).toMatchObject({ outcome: 'fail', passed: 5, failed: { altered: 1, missing: 0 } });
    // The failure names the original file, its source path, the card/reel line and what to do.
    expect(r2.out).toContain(`FAIL altered: item ${arc.items[2]!.id} “${arc.items[2]!.name}”`);
    expect(r2.out).toContain(`      source: ${join(work, 'main-card', arc.items[2]!.name)}`);
    expect(r2.out).toContain('      card/reel: main-card');
    expect(r2.out).toContain(`evidence repair ${arc.items[2]!.id} --from`);
    // show: the last check FAILED, never like a pass.
    const show = await runCli('show', String(arc.items[2]!.id), ...arc.A);
    expect(show.out).toMatch(/^last check {3}\S+ {2}FAILED \(altered\) {2}\(run \d+, custody row #\d+\)$/mu);
    const j = await cliJson<{ lastCheck: { outcome: string; status: string; runId: number }; fixityChecks: { status: string; run?: number }[] }>('show', String(arc.items[2]!.id), '--json', ...arc.A);
    expect(j.lastCheck).toMatchObject({ outcome: 'altered', status: 'FAILED' });
    expect(j.fixityChecks.map((c) => c.status)).toEqual(['PASSED', 'FAILED']);

    // Put back by hand, with no recovery recorded: an unrecorded change, in its own event, exit 1.
    writeFileSync(objectPath(join(arc.dir, 'objects'), arc.items[2]!.sha256), original);
    const r3 = await runCli('verify', ...arc.A);
    expect(r3.code).toBe(1);
    expect(r3.out).toContain('unrecorded change: the object was replaced outside the archive');
    const last = fixityEvents(arc.dir).slice(-2);
    expect(last[0]).toMatchObject({ item: arc.items[2]!.sha256, detail: { outcome: 'fail', finding: { kind: 'unrecorded-change', previous: 'altered' } } });
    expect(last[1]!.detail).toMatchObject({ failed: { 'unrecorded-change': 1 } });
    // Said once: the next run passes.
    expect((await runCli('verify', ...arc.A)).code).toBe(0);
  }, 60_000);

  it('does not report a change the repair recorded as a `recovery` event', async () => {
    const it3 = arc.items[3]!;
    const original = damage(arc.dir, it3.sha256);
    expect((await runCli('verify', '--item', String(it3.id), ...arc.A)).code).toBe(1);
    writeFileSync(objectPath(join(arc.dir, 'objects'), it3.sha256), original);
    const a = await openArchive(arc.dir, { write: true });
    try {
      appendCustodyEvent(a.db, { actor: 'A. Usenova', type: 'recovery' as 'fixity check', item: it3.sha256, detail: { outcome: 'success' } });
    } finally {
      await a.close();
    }
    const r = await runCli('verify', '--item', String(it3.id), ...arc.A);
    expect(r.code, r.out).toBe(0);
  }, 30_000);

  it('the run event\'s Merkle root is recomputed from the catalog, and an item\'s inclusion proven', async () => {
    const runEv = fixityEvents(arc.dir).filter((e) => e.item === null).at(-1)!;
    const run = runEv.detail.run as number;
    const merkle = runEv.detail.merkle as { root: string; leaves: number; format: string };
    const a = await openArchive(arc.dir, { write: false });
    try {
      expect(fixityRunRoot(a.db, run)).toEqual({ root: merkle.root, leaves: merkle.leaves });
      const proof = fixityInclusionProof(a.db, run, arc.items[3]!.id)!;
      expect(proof.leaf).toEqual({ item: arc.items[3]!.id, sha256: arc.items[3]!.sha256, outcome: 'pass' });
      expect(verifyFixityInclusion(proof, merkle.root)).toBe(true);
      expect(verifyFixityInclusion({ ...proof, leaf: { ...proof.leaf, outcome: 'altered' } }, merkle.root)).toBe(false);
    } finally {
      await a.close();
    }
  });

  it('each limit selects the right items', async () => {
    const ids = arc.items.map((i) => i.id);
    const run = async (...args: string[]) => {
      const r = await runCli('verify', ...args, '--json', ...arc.A);
      expect(r.code, r.err).toBe(0);
      const j = JSON.parse(r.out) as { itemsTotal: number; run: { id: number; wholeArchive: boolean; scope: { sampleSeed?: string } } };
      const a = await openArchive(arc.dir, { write: false });
      const checked = (a.db.prepare('SELECT item_id FROM verify_run_items WHERE run_id = ? ORDER BY item_id').pluck().all(j.run.id) as number[]);
      await a.close();
      return { j, checked, event: fixityEvents(arc.dir).at(-1)! };
    };
    const byItem = await run('--item', String(ids[1]), '--item', String(ids[4]));
    expect(byItem.checked).toEqual([ids[1], ids[4]]);
    expect(byItem.event.detail).toMatchObject({ scope: 'selection', filters: { items: [ids[1], ids[4]] }, itemsChecked: 2 });
    // Every item was checked moments ago, except none: --older-than 1h selects nothing; 0h all.
    expect((await run('--older-than', '1h')).checked).toEqual([]);
    expect((await run('--older-than', '0h')).checked).toEqual(ids);
    expect((await run('--since', '2999-01-01')).checked).toEqual([]);
    expect((await run('--since', '2000-01-01')).checked).toEqual(ids);
    const sample = await run('--sample', '50');
    expect(sample.checked).toHaveLength(3);
    expect(sample.event.detail).toMatchObject({ filters: { sample: 50 }, sample: { percent: 50, seed: sample.j.run.scope.sampleSeed } });
    // The archive's one card was ingested without --reel: its reel is named after its folder.
    const onCard = await run('--reel', 'main-card');
    expect(onCard.checked).toEqual(ids);
    expect(onCard.event.detail).toMatchObject({ scope: 'selection', filters: { reels: ['main-card'] }, itemsChecked: ids.length });
    const reel = await runCli('verify', '--reel', 'A001', ...arc.A);
    expect(reel.code).toBe(2);
    expect(reel.err).toContain('no reel or card is called "A001"');
    expect((await runCli('verify', '--older-than', 'soon', ...arc.A)).code).toBe(2);
    expect((await runCli('verify', '--item', '999999', ...arc.A)).code).toBe(2);
  }, 60_000);

});

describe.skipIf(!hasFfmpeg)('verify --reel: the items of the cards ingested with --reel NAME', () => {
  it('checks only the named reels\' items, names the reel of a failure, and refuses an unknown reel with exit 2', async () => {
    const dir = join(work, 'reels');
    const A = ['--archive', dir];
    makeCard(join(work, 'reels-a'), 2);
    makeCard(join(work, 'reels-b'), 3, 20);
    expect((await runCli('ingest', join(work, 'reels-a'), '--reel', 'A001', ...A)).code).toBe(0);
    expect((await runCli('ingest', join(work, 'reels-b'), '--reel', 'B002', ...A)).code).toBe(0);
    const items = await cliJson<{ id: number; sha256: string; sources: { path: string }[] }[]>('list', '--json', ...A);
    const onA = items.filter((i) => i.sources.some((s) => s.path.includes('reels-a'))).map((i) => i.id).sort((x, y) => x - y);
    const onB = items.filter((i) => i.sources.some((s) => s.path.includes('reels-b')));
    expect(onA).toHaveLength(2);
    expect(onB).toHaveLength(3);
    const checkedBy = async (runId: number) => {
      const a = await openArchive(dir, { write: false });
      try {
        return a.db.prepare('SELECT item_id FROM verify_run_items WHERE run_id = ? ORDER BY item_id').pluck().all(runId) as number[];
      } finally {
        await a.close();
      }
    };
    const r = await runCli('verify', '--reel', 'A001', '--json', ...A);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { itemsChecked: number; run: { id: number; wholeArchive: boolean } };
    expect(j.itemsChecked).toBe(2);
    expect(j.run.wholeArchive).toBe(false);
    expect(await checkedBy(j.run.id)).toEqual(onA);
    expect(fixityEvents(dir).at(-1)!.detail).toMatchObject({ scope: 'selection', filters: { reels: ['A001'] }, itemsChecked: 2, passed: 2 });
    // Letter case is forgiven as `reel show` forgives it; two reels are alternatives.
    const both = JSON.parse((await runCli('verify', '--reel', 'a001', '--reel', 'B002', '--json', ...A)).out) as { itemsChecked: number };
    expect(both.itemsChecked).toBe(5);
    // A failure on B002 names its reel; A001 alone still passes.
    damage(dir, onB[1]!.sha256);
    const bad = await runCli('verify', '--reel', 'B002', ...A);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('      card/reel: B002');
    expect((await runCli('verify', '--reel', 'A001', ...A)).code).toBe(0);
    const unknown = await runCli('verify', '--reel', 'Z999', ...A);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no reel or card is called "Z999"');
  }, 60_000);
});

describe.skipIf(!hasFfmpeg)('verify: an interrupted run resumes', () => {
  let arc: { dir: string; A: string[] };
  beforeAll(async () => {
    const dir = join(work, 'intr');
    const A = ['--archive', dir];
    makeCard(join(work, 'intr-card1'), 2);
    // A 48 MiB object between small ones keeps a run busy long enough to be stopped in the middle.
    mkdirSync(join(work, 'intr-card2'));
    writeFileSync(join(work, 'intr-card2', 'CLIP0001.MOV'), Buffer.alloc(48 * 1024 * 1024, 7));
    makeCard(join(work, 'intr-card3'), 3, 10);
    for (const c of ['intr-card1', 'intr-card2', 'intr-card3']) expect((await runCli('ingest', join(work, c), ...A)).code).toBe(0);
    arc = { dir, A };
  }, 60_000);

  it('stopped by its signal after 2 items, it resumes where it stopped, and is recorded once', async () => {
    const a = await openArchive(arc.dir, { write: true });
    const ac = new AbortController();
    let r;
    try {
      // Stopped while the big object is being read (a stop just as a small one's result is on its way trips the worker pool).
      // One thread, stopped at once: on a fast disk the big object is read within 20 ms (fix15).
      r = await verifyArchive(a, { actor: 'A. Usenova', signal: ac.signal, batch: 1, threads: 1, onProgress: (p) => {
        if (p.filesDone === 2) ac.abort();
      } });
    } finally {
      await a.close();
    }
    expect(r.interrupted).toBe(true);
    expect(r.custodyEventsAdded).toBe(0);
    const before = fixityEvents(arc.dir).length;
    const checkedFirst = r.itemsChecked;
    expect(checkedFirst).toBeGreaterThanOrEqual(2);
    expect(checkedFirst).toBeLessThan(6);
    const again = await runCli('verify', '--json', ...arc.A);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain(`Resuming fixity check run ${r.run.id}`);
    const j = JSON.parse(again.out) as { itemsChecked: number; run: { id: number; resumed: boolean; checkedBefore: number; sessions: number } };
    expect(j.run).toMatchObject({ id: r.run.id, resumed: true, checkedBefore: checkedFirst, sessions: 2 });
    expect(j.itemsChecked).toBe(6);
    const added = fixityEvents(arc.dir).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]!.detail).toMatchObject({ run: r.run.id, sessions: 2, itemsChecked: 6, merkle: { leaves: 6 } });
  }, 60_000);

  it('a run killed with SIGKILL resumes on the next verify', async () => {
    const child = startCli(['verify', ...arc.A]);
    const dbPath = join(arc.dir, 'archive.sqlite');
    const t0 = Date.now();
    let runId: number | undefined;
    while (Date.now() - t0 < 20_000 && runId === undefined) {
      await new Promise((res) => setTimeout(res, 5));
      try {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        runId = db.prepare("SELECT id FROM verify_runs WHERE state = 'open'").pluck().get() as number | undefined;
        db.close();
      } catch {
        // the child holds a write transaction: look again
      }
    }
    expect(runId).toBeDefined();
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    const before = fixityEvents(arc.dir).length;
    const r = await runCli('verify', '--json', ...arc.A);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`Resuming fixity check run ${runId}`);
    expect(JSON.parse(r.out)).toMatchObject({ itemsChecked: 6, run: { id: runId, resumed: true } });
    expect(fixityEvents(arc.dir).slice(before)).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(!hasFfmpeg)('verify: archives with the older per-item fixity events', () => {
  it('still show their checks, and a failure they recorded counts for the unrecorded-change check', async () => {
    const arc = await newArchive('old', 3);
    const [ok, bad] = arc.items;
    // As older versions wrote them: one event per item re-hashed, and an archive-wide summary.
    const a = await openArchive(arc.dir, { write: true });
    try {
      appendCustodyEvent(a.db, { actor: 'old', type: 'fixity check', item: ok!.sha256, detail: { outcome: 'pass', algorithms: ['sha256'] } });
      appendCustodyEvent(a.db, { actor: 'old', type: 'fixity check', item: bad!.sha256, detail: { outcome: 'fail', algorithms: ['sha256'], reason: `item ${bad!.id} (objects/sha256/x): content altered: sha256 expected ${bad!.sha256}, found ${'0'.repeat(64)}` } });
      appendCustodyEvent(a.db, { actor: 'old', type: 'fixity check', item: null, detail: { outcome: 'fail', scope: 'archive', itemsChecked: 3, bytesChecked: 10, problems: 1, custodyRowsChecked: 20 } });
    } finally {
      await a.close();
    }
    const raw = new Database(join(arc.dir, 'archive.sqlite'));
    setBackSchema(raw, 9);
    raw.close();
    // The upgrade (migration 010) is made by the first command that writes.
    await (await openArchive(arc.dir, { write: true })).close();
    const show = await cliJson<{ lastCheck: { outcome: string; runId: number | null }; fixityChecks: { status: string }[] }>('show', String(bad!.id), '--json', ...arc.A);
    expect(show.lastCheck).toMatchObject({ outcome: 'altered', runId: null });
    expect(show.fixityChecks.map((c) => c.status)).toEqual(['FAILED']);
    const okShow = await runCli('show', String(ok!.id), ...arc.A);
    expect(okShow.out).toMatch(/^last check {3}\S+ {2}passed {2}\(before runs, custody row #\d+\)$/mu);
    expect(okShow.out).toMatch(/fixity check {2}passed {2}by old/u);
    const log = await runCli('log', '--type', 'fixity', ...arc.A);
    expect(log.out).toContain('(archive)  FAILED — 3 items checked');
    // Its object was never damaged: intact now with no recovery since the recorded failure.
    const r = await runCli('verify', ...arc.A);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL unrecorded-change: item ${bad!.id}`);
  }, 60_000);
});
