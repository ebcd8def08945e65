// Issue 11 part 2: `export --all --zip` killed with SIGKILL at random points, over the whole run
// (writing the bag, recording it, moving it into place, zipping). After every kill: no folder or
// zip that verify-bag (or bagcheck.py) accepts exists unless the archive holds a complete export
// row and its dissemination event for it; a half-made folder is refused by both; `evidence verify`
// is clean; and the next export reports what was left and removes or finishes it.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { startCli } from '../helpers/cli.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const TRIALS = 22;
const BAGCHECK = '/work/shared/tools/bagcheck.py';
const bagcheckAt = [BAGCHECK, join(__dirname, '..', '..', '..', 'shared', 'tools', 'bagcheck.py')].find((p) => existsSync(p));

const work = mkdtempSync(join(tmpdir(), 'ea-export-kill-'));
const archive = join(work, 'archive');
const sets = join(work, 'sets');
const A = ['--archive', archive];
let tinyId = 0;
let fullMs = 0;
let startMs = 0;

interface RunRow { id: string; status: string; out_path: string; work_path: string; zip_path: string | null; zip_work_path: string | null; zip_sha256: string | null }

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(archive, 'archive.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The exports row for `bagDir` and whether its set dissemination event (no stage) is in the log. */
function recordedSet(bagDir: string): { id: string; zip_path: string | null; event: boolean } | null {
  return readDb((db) => {
    const row = db.prepare('SELECT id, zip_path FROM exports WHERE out_path = ?').get(bagDir) as { id: string; zip_path: string | null } | undefined;
    if (!row) return null;
    const ev = db.prepare(`SELECT 1 FROM custody_events WHERE type = 'dissemination' AND item IS NULL
      AND json_extract(detail, '$.exportId') = ? AND json_extract(detail, '$.stage') IS NULL`).get(row.id);
    return { ...row, event: ev !== undefined };
  });
}

const runOf = (bagDir: string) => readDb((db) => {
  // Without the table (a catalog from before migration 005) there are no runs; the checks on disk still apply.
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'export_runs'").get()) return undefined;
  return db.prepare('SELECT * FROM export_runs WHERE out_path = ?').get(bagDir) as RunRow | undefined;
});
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
/** bagcheck.py's verdict (status 0 valid, 1 invalid); null where shared/tools is not beside the checkout. */
const bagcheck = (dir: string) => (bagcheckAt ? spawnSync('python3', [bagcheckAt, dir], { encoding: 'utf8' }) : { status: null, stdout: '' });

async function exportKilledAfter(out: string, delayMs: number): Promise<{ killed: boolean; code: number | null }> {
  const child = startCli(['export', '--all', '--zip', '--out', out, ...A]);
  child.stdout!.resume();
  child.stderr!.resume();
  let killed = false;
  const timer = setTimeout(() => {
    killed = child.kill('SIGKILL');
  }, delayMs);
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  clearTimeout(timer);
  return { killed: killed && code === null, code };
}

beforeAll(async () => {
  const input = join(work, 'card');
  mkdirSync(input, { recursive: true });
  mkdirSync(sets);
  // Random bytes: nothing compresses, so copying, hashing and zipping each take their real time.
  // 18 MiB: about a second per export on the CI machine, where fsyncs dominate.
  for (let i = 1; i <= 3; i++) writeFileSync(join(input, `clip-${i}.mov`), randomBytes(6 * 1024 * 1024));
  writeFileSync(join(input, 'note.txt'), 'a small item, exported after each kill to run the recovery\n');
  const r = await runCli('ingest', input, ...A, '--operator', 'kill-test');
  expect(r.code, r.err).toBe(0);
  const list = await cliJson<{ id: number; sources: { name: string }[] }[]>('list', ...A, '--json');
  tinyId = list.find((it) => it.sources[0]!.name === 'note.txt')!.id;
  // How long the CLI takes to start and open the archive, and one uninterrupted run: the kills are
  // spread from late in the start-up to the end of the run.
  let t0 = Date.now();
  // An export refused at its target check: everything an export loads and opens, then exit 2.
  const probe = startCli(['export', '--all', '--out', join(archive, 'refused'), ...A]);
  probe.stdout!.resume();
  await new Promise((res) => probe.on('exit', res));
  startMs = Date.now() - t0;
  // The shorter of two runs: the first one also warms the page cache.
  fullMs = Infinity;
  for (const name of ['uninterrupted-1', 'uninterrupted-2']) {
    t0 = Date.now();
    const full = await exportKilledAfter(join(sets, name), 600_000);
    fullMs = Math.min(fullMs, Date.now() - t0);
    expect(full.code).toBe(0);
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`export --all --zip killed with SIGKILL at ${TRIALS} points`, () => {
  it('never leaves a set that verifies without its record, and the next export cleans up', async () => {
    const seen: Record<string, number> = {};
    for (let i = 0; i < TRIALS; i++) {
      const out = join(sets, `set-${i}`);
      // Evenly over the run with jitter, from late in the start-up to half again the measured end:
      // with the rest of the suite running beside it, an export takes longer than it did alone, and
      // a kill after the end is harmless (the set is complete; the checks below still hold).
      const from = startMs * 0.7;
      const delay = Math.round(from + (fullMs * 1.5 - from) * ((i + Math.random()) / TRIALS));
      const k = await exportKilledAfter(out, delay);
      const run = runOf(out);
      const state = run?.status ?? 'not started';
      const onDisk = readdirSync(sets).filter((n) => n === `set-${i}` || n.startsWith(`set-${i}.`)).sort();
      const label = `trial ${i}, killed after ${delay} ms of ${fullMs} (start-up ${startMs} ms; ${k.killed ? 'killed' : `exit ${k.code}`}), run ${state}, on disk: ${onDisk.join(' ')}`;
      seen[state + (onDisk.includes(`set-${i}.zip.partial`) ? ' zipping' : '')] = (seen[state + (onDisk.includes(`set-${i}.zip.partial`) ? ' zipping' : '')] ?? 0) + 1;

      // 1. Whatever a validator would accept is recorded: an exports row and its dissemination event.
      for (const name of onDisk) {
        const p = join(sets, name);
        if (statSync(p).isDirectory()) {
          const vb = await verifyBag(p);
          const bc = bagcheck(p);
          if (vb.problems.length === 0 || bc.status === 0) {
            const rec = recordedSet(name.endsWith('.partial') ? p.slice(0, -'.partial'.length) : p);
            expect(rec, `${label}: ${name} verifies but is not recorded`).not.toBeNull();
            expect(rec!.event, `${label}: ${name} has no dissemination event`).toBe(true);
          }
          if (name.endsWith('.partial') && state === 'in_progress') {
            // 2. The half-made folder is refused by verify-bag and by an independent BagIt validator.
            expect(vb.problems.length, `${label}: verify-bag accepted ${name}`).toBeGreaterThan(0);
            if (bagcheckAt) expect(bc.status, `${label}: bagcheck accepted ${name}: ${bc.stdout}`).toBe(1);
            expect(existsSync(join(p, 'bagit.txt')), label).toBe(false);
          }
        } else if (name.endsWith('.zip')) {
          const rec = recordedSet(p.slice(0, -'.zip'.length));
          expect(rec?.zip_path, `${label}: ${name} is not recorded`).toBe(p);
          expect(run?.zip_sha256, `${label}: ${name} is not the zip recorded`).toBe(sha256(p));
        } else if (name.endsWith('.zip.partial')) {
          // Zipping starts only after the set is recorded.
          expect(recordedSet(p.slice(0, -'.zip.partial'.length))?.event, `${label}: ${name} exists before its set was recorded`).toBe(true);
        }
      }

      // 3. `evidence verify` is clean in the state the kill left.
      let v = await runCli('verify', ...A, '--operator', 'kill-test');
      // A kill between taking the write lock (a mkdir) and writing who holds it leaves a lock whose
      // holder cannot be known: it is honoured until it goes stale (30 s), by design.
      for (let waited = 0; v.code === 4 && !existsSync(join(archive, 'archive.lock.owner')) && waited < 40_000; waited += 2_000) {
        await new Promise((r) => setTimeout(r, 2_000));
        v = await runCli('verify', ...A, '--operator', 'kill-test');
      }
      expect(v.code, `${label}: verify:\n${v.out}\n${v.err}`).toBe(0);

      // 4. The next export reports what was left and removes or finishes it.
      const next = await runCli('export', '--item', String(tinyId), '--out', join(sets, `next-${i}`), ...A, '--json');
      expect(next.code, `${label}: ${next.err}`).toBe(0);
      const recovered = (JSON.parse(next.out) as { recovered?: { exportId: string; outcome: string; removed: string[] }[] }).recovered ?? [];
      if (state === 'in_progress' || state === 'publishing') {
        expect(recovered.map((r) => [r.exportId, r.outcome]), label).toEqual([[run!.id, state === 'in_progress' ? 'abandoned' : 'finished']]);
        expect(next.err, label).toContain(`note: export ${run!.id} was interrupted`);
        if (state === 'in_progress' && onDisk.includes(`set-${i}.partial`)) expect(recovered[0]!.removed, label).toContain(`${out}.partial`);
      } else {
        expect(recovered, label).toEqual([]);
      }
      expect(existsSync(`${out}.partial`), label).toBe(false);
      expect(existsSync(`${out}.zip.partial`), label).toBe(false);
      const after = runOf(out);
      if (after) expect(['complete', 'abandoned'], label).toContain(after.status);
      if (after?.status === 'complete') {
        expect(readdirSync(out).includes('bagit.txt'), label).toBe(true);
        expect(sha256(`${out}.zip`), label).toBe(after.zip_sha256);
        if (state === 'publishing') expect((await verifyBag(out)).problems, label).toEqual([]);
      } else {
        expect(existsSync(out), label).toBe(false);
        expect(existsSync(`${out}.zip`), label).toBe(false);
      }
    }
    // The kills reached both sides of the record, and the zipping.
    const states = Object.keys(seen);
    expect(states.some((s) => s.startsWith('in_progress')), JSON.stringify(seen)).toBe(true);
    expect(states.some((s) => s.startsWith('publishing')), JSON.stringify(seen)).toBe(true);
    const v = await runCli('verify', ...A, '--operator', 'kill-test', '--json');
    expect(v.code, v.out).toBe(0);
    expect(readdirSync(sets).filter((n) => n.endsWith('.partial'))).toEqual([]);
    console.log(`export-kill: start-up ${startMs} ms, one export ${fullMs} ms; states at kill: ${JSON.stringify(seen)}`);
  }, 240_000);
});
