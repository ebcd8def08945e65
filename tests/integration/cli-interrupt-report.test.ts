// What an interrupted run says about itself. An ingest stopped while it is still listing the
// folders cannot know how many files are left, so it must not print a count that looks exact;
// a fixity check stopped part-way verified nothing, so it must not read as a failed (or passed)
// check. Real CLI processes, interrupted with SIGINT at a moment the test knows, not guesses.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestResultSchema, JobResultSchema } from '../../electron/common/ipc.ts';
import { openArchive } from '../../electron/core/archive.ts';
import { ingest } from '../../electron/core/ingest/ingest.ts';
import { walkInputs } from '../../electron/core/ingest/walk.ts';
import { runCli, runCliJson, startCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-int-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface IngestJson {
  interrupted: boolean;
  walkInterrupted: boolean;
  counts: { added: number; duplicate: number; skipped: number; failed: number; notProcessed: number };
  files: unknown[];
}
interface FixityJson { ok: boolean; interrupted: boolean; itemsChecked: number; problems: unknown[] }

function collect(p: ChildProcess): { stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  let out = '';
  let err = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (err += d));
  return { stdout: () => out, stderr: () => err, exit: new Promise((res) => p.on('exit', (code) => res(code))) };
}

async function waitFor(cond: () => boolean, what: string, ms = 60_000, every = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// ---------------------------------------------------------------------------------------------
// Ingest interrupted while the folders are listed

/** A tree of FOLDERS folders of PER_FOLDER tiny files, each with its own content. */
const tree = join(work, 'tree');
const FOLDERS = 30;
const PER_FOLDER = 40;
const folder = (i: number) => join(tree, `d${String(i).padStart(3, '0')}`);

// Preloaded into the CLI (NODE_OPTIONS=--import): when the walk is about to list the folder named
// by EA_TEST_HOLD_DIR, it says so on stderr and holds that listing until the process gets SIGINT.
// The walk lists folders in sorted order, so what it has found by then is known exactly. Only
// the timing changes: the real opendir runs once the signal is in.
const HOOK = `
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
const hold = process.env.EA_TEST_HOLD_DIR;
if (isMainThread && hold) {
  const real = fsp.opendir;
  fsp.opendir = async function (path, ...rest) {
    if (Buffer.from(path).equals(Buffer.from(hold))) {
      process.stderr.write('test-hook: walk holding at ' + hold + '\\n');
      // The timer stays referenced: a real opendir keeps the event loop alive while it waits, and
      // so must the hold, or the process could find nothing left to do and end before the signal.
      await new Promise((r) => {
        const t = setTimeout(r, 60_000);
        process.once('SIGINT', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    return real.call(this, path, ...rest);
  };
  syncBuiltinESMExports();
}
`;
const hookFile = join(work, 'hold-walk.mjs');

/** Runs `evidence ingest tree`, holding the walk at `holdDir`, and sends SIGINT once it is held there. */
async function ingestInterruptedAt(archive: string, holdDir: string, extra: string[] = []) {
  const p = startCli(['ingest', tree, '--archive', archive, ...extra], {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hookFile}`.trim(),
    EA_TEST_HOLD_DIR: holdDir,
  });
  const run = collect(p);
  await waitFor(() => run.stderr().includes('test-hook: walk holding at'), 'the walk to reach the held folder');
  p.kill('SIGINT');
  const code = await run.exit;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

function itemCount(archive: string): number {
  const db = new Database(join(archive, 'archive.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) c FROM items').get() as { c: number }).c;
  } finally {
    db.close();
  }
}

beforeAll(() => {
  for (let d = 0; d < FOLDERS; d++) {
    mkdirSync(folder(d), { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) writeFileSync(join(folder(d), `f${String(f).padStart(3, '0')}.txt`), `folder ${d} file ${f}\n`);
  }
  writeFileSync(hookFile, HOOK);
});

describe('ingest interrupted while listing the folders', () => {
  const archive = join(work, 'W');
  beforeAll(() => {
    expect(runCli(['init', archive]).code).toBe(0);
  });

  it('--json: walkInterrupted, and notProcessed is what the listing had found, not a remainder', async () => {
    const r = await ingestInterruptedAt(archive, folder(10), ['--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as IngestJson;
    expect(report).toMatchObject({ interrupted: true, walkInterrupted: true });
    // Folders d000–d009 were listed in full before d010 was held; nothing was started after.
    expect(report.counts).toEqual({ added: 0, duplicate: 0, skipped: 0, failed: 0, notProcessed: 10 * PER_FOLDER });
    expect(report.files).toEqual([]);
    // The desktop app's contract keeps the flag (zod drops keys a schema does not name).
    expect(IngestResultSchema.parse(report).walkInterrupted).toBe(true);
    expect(JobResultSchema.parse({ kind: 'ingest', report })).toMatchObject({ report: { walkInterrupted: true } });
    expect(itemCount(archive)).toBe(0);
  });

  it('human output says the listing was interrupted and how many files it had found, with no "not processed" count', async () => {
    const r = await ingestInterruptedAt(archive, folder(10));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^0 added, 0 duplicate, 0 skipped, 0 failed, folder listing interrupted after 400 files \(0 B stored\) in /u);
    expect(r.stderr).toContain('Interrupted while listing the folders: 400 files found so far, none of them ingested; how many files there are in all is not known. Run the same command again to ingest them.');
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(/not processed/u);
  });

  it('interrupted before the listing found anything, it says no files were found rather than "0 not processed"', async () => {
    const r = await ingestInterruptedAt(archive, tree);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Interrupted while listing the folders: no files found so far; how many files there are in all is not known.');
    expect(r.stderr).not.toMatch(/0 files not processed/u);
    const j = await ingestInterruptedAt(archive, tree, ['--json']);
    expect(JSON.parse(j.stdout)).toMatchObject({ walkInterrupted: true, counts: { notProcessed: 0 } });
  });

  it('running the same command again ingests everything, once', () => {
    const again = runCliJson<IngestJson>(['ingest', tree, '--archive', archive, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ interrupted: false, walkInterrupted: false, counts: { added: FOLDERS * PER_FOLDER, notProcessed: 0 } });
    expect(itemCount(archive)).toBe(FOLDERS * PER_FOLDER);
  });
});

describe('ingest interrupted after the listing (in process)', () => {
  it('is not walkInterrupted, and notProcessed is exactly the files found that ended in no status', async () => {
    const a = await openArchive(join(work, 'in-process'), { write: true, create: true });
    const ac = new AbortController();
    try {
      let seen = 0;
      const r = await ingest(a, {
        inputs: [tree], operator: 'test-operator', signal: ac.signal, threads: 1,
        onFile: () => {
          if (++seen === 5) ac.abort();
        },
      });
      expect(r.interrupted).toBe(true);
      expect(r.walkInterrupted).toBe(false);
      const c = r.counts;
      expect(c.notProcessed).toBeGreaterThan(0);
      // Every file the (complete) listing found is in exactly one count.
      expect(c.added + c.duplicate + c.skipped + c.failed + c.notProcessed).toBe(FOLDERS * PER_FOLDER);
      expect(r.files).toHaveLength(FOLDERS * PER_FOLDER - c.notProcessed);
    } finally {
      await a.close();
    }
  });

  it('walkInputs says whether it was cut short, not merely whether the signal is aborted', async () => {
    const whole = await walkInputs([tree]);
    expect(whole.interrupted).toBe(false);
    expect(whole.files).toHaveLength(FOLDERS * PER_FOLDER);
    const ac = new AbortController();
    ac.abort();
    const cut = await walkInputs([tree, join(folder(0), 'f000.txt')], ac.signal);
    expect(cut).toMatchObject({ interrupted: true, files: [] });
    // Aborted only after the walk ended: the listing is complete, so not interrupted.
    const late = new AbortController();
    const done = await walkInputs([tree], late.signal);
    late.abort();
    expect(done.interrupted).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Fixity check interrupted part-way

const OBJECTS = 200;
const OBJECT_BYTES = 8 * 1024 * 1024;

/** Bytes the process has read through read(2) and kin, all threads together (the worker threads hash). */
function custodyHeadSeq(): number {
  const db = new Database(join(work, 'V', 'archive.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT max(seq) s FROM custody_events').get() as { s: number }).s;
  } finally {
    db.close();
  }
}

function bytesRead(pid: number): number {
  try {
    return Number(/^rchar: (\d+)$/mu.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // exited, or no /proc
  }
}

describe.skipIf(!existsSync('/proc/self/io'))('verify interrupted part-way', () => {
  const archive = join(work, 'V');
  beforeAll(() => {
    const card = join(work, 'big-card');
    mkdirSync(card);
    const base = randomBytes(OBJECT_BYTES);
    for (let i = 0; i < OBJECTS; i++) {
      base.writeUInt32BE(i, 0);
      writeFileSync(join(card, `clip-${String(i).padStart(3, '0')}.bin`), base);
    }
    const r = runCli(['ingest', card, '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    rmSync(card, { recursive: true, force: true });
  }, 300_000);

  /**
   * Starts `evidence verify` and sends SIGINT once its threads have read 96 MiB: past start-up
   * (which reads a few MiB of code and catalog) and well inside the 1.6 GiB of objects.
   */
  async function verifyInterrupted(extra: string[] = [], twice = false) {
    const p = startCli(['verify', '--archive', archive, ...extra]);
    const run = collect(p);
    await waitFor(() => bytesRead(p.pid!) >= 96 * 1024 * 1024, 'the re-hashing to be under way', 60_000, 5);
    p.kill('SIGINT');
    // One Ctrl-C delivered twice (through npx, or `timeout -s INT`): still a clean stop.
    if (twice) setTimeout(() => p.kill('SIGINT'), 20);
    const code = await run.exit;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('--json: interrupted, not ok, and exit 1 (not verified)', async () => {
    const r = await verifyInterrupted(['--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as FixityJson;
    expect(report).toMatchObject({ ok: false, interrupted: true, problems: [] });
    expect(report.itemsChecked).toBeGreaterThan(0);
    expect(report.itemsChecked).toBeLessThan(OBJECTS);
    expect(JobResultSchema.parse({ kind: 'verifyArchive', report })).toMatchObject({ report: { interrupted: true } });
  });

  it('human output says INTERRUPTED, never FAILED or OK', async () => {
    const r = await verifyInterrupted();
    expect(r.code, r.stderr).toBe(1);
    const summary = new RegExp([
      `^INTERRUPTED: (\\d+) of ${OBJECTS} items \\([\\d.]+ [KMG]?i?B\\) re-hashed, 0 problems found before the stop`,
      'run (\\d+) \\(the whole archive\\): (\\d+) passed, 0 failed; Merkle root [0-9a-f]{64} over (\\d+) items',
      'custody chain: (\\d+) rows recomputed, all hold \\(head #(\\d+) before this check\\)',
      'nothing is added to the custody log until run (\\d+) has checked every item$',
    ].join('\n'), 'mu').exec(r.stdout);
    expect(summary, r.stdout).not.toBeNull();
    const [items, run, passed, leaves, rows, before, runAgain] = summary!.slice(1).map(Number) as number[];
    expect(items).toBeGreaterThan(0);
    expect(items).toBeLessThan(OBJECTS);
    expect([passed, leaves, runAgain]).toEqual([items, items, run]);
    // The chain as it stood (numbered from 1); an unfinished run adds nothing to it yet.
    expect(rows).toBe(before);
    expect(custodyHeadSeq()).toBe(before);
    expect(r.stdout).not.toMatch(/^(FAILED|OK):/mu);
    expect(r.stderr).toMatch(/^Fixity check run \d+ \(the whole archive\) stopped after \d+ of \d+ items: the archive is not verified yet\. Its progress is kept in the catalog: run `evidence verify` again to continue where it stopped/mu);
  });

  it('one Ctrl-C delivered twice within milliseconds still stops cleanly, with the summary and exit 1', async () => {
    const r = await verifyInterrupted([], true);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^INTERRUPTED: /mu);
  });

  it('a check run to the end is not interrupted, and passes', () => {
    const r = runCliJson<FixityJson>(['verify', '--archive', archive, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, interrupted: false, itemsChecked: OBJECTS, problems: [] });
  }, 120_000);
});
