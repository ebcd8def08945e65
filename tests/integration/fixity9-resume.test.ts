// fixity9 §1: a resumed fixity check run must not pass an object damaged during the pause. The
// outcomes found before the interruption are re-stat'ed at the end of the resumed sitting (size,
// mtime, inode, ctime: a write that put the old mtime back still sets the ctime) and re-hashed
// when the file changed, when they are old, or when the user asks (--recheck-resumed); the summary
// says how many items were re-hashed now and how many stand from before the interruption, and the
// run's custody event carries its interruptions.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { objectPath, openArchive } from '../../electron/core/archive.ts';
import { verifyArchive, type FixityReport } from '../../electron/core/verify/fixity.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity9-resume-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An archive of `n` small files of random bytes. */
async function archive(name: string, n = 6): Promise<{ dir: string; A: string[] }> {
  const dir = join(work, name);
  const src = join(work, `${name}-src`);
  mkdirSync(src);
  for (let i = 0; i < n; i++) writeFileSync(join(src, `F${i}.bin`), randomBytes(4096 + i));
  const A = ['--archive', dir];
  const r = await runCli('ingest', src, ...A);
  expect(r.code, r.err).toBe(0);
  return { dir, A };
}

/** A whole-archive run stopped after its first result was kept; returns the run and the items it had checked (pass), by SHA-256. */
async function interrupted(dir: string): Promise<{ run: FixityReport['run']; passed: { itemId: number; sha256: string }[] }> {
  const a = await openArchive(dir, { write: true });
  const ac = new AbortController();
  let r: FixityReport;
  try {
    r = await verifyArchive(a, { actor: 'A. Usenova', signal: ac.signal, batch: 1, threads: 1, onProgress: (p) => {
      if (p.filesDone >= 1) ac.abort();
    } });
  } finally {
    await a.close();
  }
  expect(r.interrupted).toBe(true);
  const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
  try {
    const passed = db.prepare("SELECT item_id itemId, sha256 FROM verify_run_items WHERE run_id = ? AND outcome = 'pass' ORDER BY pos").all(r.run.id) as { itemId: number; sha256: string }[];
    expect(passed.length).toBeGreaterThanOrEqual(1);
    return { run: r.run, passed };
  } finally {
    db.close();
  }
}

/** The run events (item null) of `fixity check`, oldest first. */
function runEvents(dir: string): Record<string, unknown>[] {
  const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT detail FROM custody_events WHERE type = 'fixity check' AND item IS NULL ORDER BY seq").pluck().all() as string[]).map((d) => JSON.parse(d) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

/** Flips one bit of the object of `sha256` in place and puts its modification time back: size, mtime and inode stay as they were. */
function flipKeepingStat(dir: string, sha256: string): void {
  const p = objectPath(join(dir, 'objects'), sha256);
  const st = statSync(p);
  const ns = statSync(p, { bigint: true }).mtimeNs;
  const buf = readFileSync(p);
  buf[20] = buf[20]! ^ 1;
  writeFileSync(p, buf);
  // touch, to the nanosecond: utimes through a JavaScript number loses the last digits.
  expect(spawnSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, p]).status).toBe(0);
  const after = statSync(p);
  expect([after.size, after.mtimeMs, after.ino]).toEqual([st.size, st.mtimeMs, st.ino]);
}

describe('verify: a resumed run re-checks what it found before the interruption (fixity9 §1)', () => {
  it('fails an object checked before the interruption and damaged during the pause, size and mtime put back', async () => {
    const arc = await archive('damaged');
    const { run, passed } = await interrupted(arc.dir);
    const victim = passed[0]!;
    flipKeepingStat(arc.dir, victim.sha256);
    const r = await runCli('verify', '--json', ...arc.A);
    expect(r.code, r.out).toBe(1);
    const j = JSON.parse(r.out) as FixityReport;
    expect(j.run).toMatchObject({ id: run.id, resumed: true, sessions: 2 });
    expect(j.problems.filter((p) => p.itemId !== undefined).map((p) => [p.itemId, p.kind])).toEqual([[victim.itemId, 'altered']]);
    expect(j.run.recheck).toMatchObject({ examined: passed.length, changed: 1, kept: passed.length - 1 });
    expect(j.run.hashedNow).toBe(6 - (passed.length - 1));
    // The run's event carries its span: one interruption, and the item re-hashed because its file changed.
    const ev = runEvents(arc.dir).at(-1)!;
    expect(ev).toMatchObject({ run: run.id, outcome: 'fail', sessions: 2, sittings: { hashedInLastSitting: 6 - (passed.length - 1), recheckOfEarlier: { reHashed: { changed: 1 } } } });
    const sittings = ev.sittings as { interruptions: { stoppedAt: string; resumedAt: string }[] };
    expect(sittings.interruptions).toHaveLength(1);
    expect(Date.parse(sittings.interruptions[0]!.stoppedAt)).toBeLessThanOrEqual(Date.parse(sittings.interruptions[0]!.resumedAt));
    expect(Date.parse(sittings.interruptions[0]!.stoppedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
  }, 60_000);

  it('an undamaged resume says how many were re-hashed now and how many were checked before the interruption, in en and ru', async () => {
    const arc = await archive('clean');
    const { passed } = await interrupted(arc.dir);
    const r = await runCli('verify', ...arc.A);
    expect(r.code, r.out + r.err).toBe(0);
    const before = passed.length;
    expect(r.out).toMatch(new RegExp(`^OK: 6 of 6 items \\(.+\\): ${6 - before} re-hashed now, ${before} checked before the interruption \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\), 0 problems$`, 'mu'));
    expect(r.out).toContain(`the ${before} outcomes found before the interruption were checked again: ${before} kept`);
    expect(r.out).toContain('--recheck-resumed');
    const ev = runEvents(arc.dir).at(-1)!;
    expect(ev).toMatchObject({ outcome: 'pass', sittings: { checkedInEarlierSittings: { items: before }, recheckOfEarlier: { statUnchanged: before } } });
    // Russian
    const arc2 = await archive('clean-ru');
    const p2 = (await interrupted(arc2.dir)).passed.length;
    const ru = await runCli('--lang', 'ru', 'verify', ...arc2.A);
    expect(ru.code, ru.out + ru.err).toBe(0);
    expect(ru.out).toContain(`${6 - p2} перехешировано сейчас, ${p2} проверено до прерывания (`);
  }, 60_000);

  it('--recheck-resumed re-hashes every item checked before the interruption', async () => {
    const arc = await archive('asked');
    const { passed } = await interrupted(arc.dir);
    const r = await runCli('verify', '--recheck-resumed', '--json', ...arc.A);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as FixityReport;
    expect(j.run.recheck).toMatchObject({ examined: passed.length, asked: passed.length, kept: 0 });
    expect(j.run.hashedNow).toBe(6);
    expect(j.run.checkedEarlier).toBeUndefined();
  }, 60_000);

  it('outcomes older than the limit are re-hashed even with their stat unchanged', async () => {
    const arc = await archive('old');
    const { passed } = await interrupted(arc.dir);
    const a = await openArchive(arc.dir, { write: true });
    try {
      const r = await verifyArchive(a, { actor: 'A. Usenova', recheckAfterMs: 0 });
      expect(r.run.recheck).toMatchObject({ examined: passed.length, old: passed.length, kept: 0 });
      expect(r.run.hashedNow).toBe(6);
    } finally {
      await a.close();
    }
  }, 60_000);
});
