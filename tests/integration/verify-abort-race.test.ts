// A fixity check stopped just as a small file's result comes back from a worker thread: the pool
// is destroyed (every task in flight rejected) while the result message is already on its way, and
// piscina then emits 'error' ("Unexpected message from Worker") on the pool. With no listener that
// is an uncaught exception: it crashed the process (a window, a CLI run, the test runner). Here a
// check of many tiny objects is stopped at every point from the first result to the last, from
// inside the progress callback (right as a result arrives), and each stop must be a clean,
// resumable interruption.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { createIngestPool } from '../../electron/core/ingest/pool.ts';
import { verifyArchive } from '../../electron/core/verify/fixity.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-verify-abort-'));
const archive = join(work, 'archive');
const FILES = 12;
const uncaught: Error[] = [];
const onUncaught = (e: Error) => void uncaught.push(e);

beforeAll(async () => {
  mkdirSync(join(work, 'card'));
  for (let i = 0; i < FILES; i++) writeFileSync(join(work, 'card', `n${i}.txt`), `note ${i}\n`);
  expect((await runCli('ingest', join(work, 'card'), '--archive', archive, '--operator', 'op')).code).toBe(0);
  process.on('uncaughtException', onUncaught);
}, 60_000);
afterAll(() => {
  process.off('uncaughtException', onUncaught);
  rmSync(work, { recursive: true, force: true });
});

describe('verify stopped at any point', () => {
  it('never trips the worker pool, and each stop is an interruption that a restart or resume picks up', async () => {
    const a = await openArchive(archive, { write: true });
    try {
      for (let stopAt = 1; stopAt <= FILES; stopAt++) {
        const ac = new AbortController();
        const r = await verifyArchive(a, { actor: 'op', signal: ac.signal, restart: true, threads: 2, batch: 1, onProgress: (p) => {
          if (p.filesDone >= stopAt) ac.abort();
        } });
        // Let any result message still in flight arrive after the pool was torn down.
        await new Promise((res) => setTimeout(res, 20));
        expect(uncaught.map((e) => e.message), `stopped at ${stopAt}`).toEqual([]);
        // Results already back when the stop came count; a run that got all of them is finished.
        expect(r.itemsChecked, `stopped at ${stopAt}`).toBeGreaterThanOrEqual(stopAt);
        expect(r.interrupted, `stopped at ${stopAt}`).toBe(r.itemsChecked < FILES);
        expect(r.custodyEventsAdded).toBe(r.interrupted ? 0 : 1);
      }
      // The last interrupted run is resumed to its end.
      const done = await verifyArchive(a, { actor: 'op', threads: 2 });
      expect(done).toMatchObject({ ok: true, interrupted: false, itemsChecked: FILES });
    } finally {
      await a.close();
    }
  }, 120_000);

  it('a pool destroyed while results are on their way rejects them, and reports nothing as an error', async () => {
    for (let round = 0; round < 12; round++) {
      const pool = createIngestPool(2);
      const tasks = Array.from({ length: 16 }, (_, i) => pool.digest({ path: join(work, 'card', `n${i % FILES}.txt`), algorithms: ['sha256'], counter: null }));
      await Promise.race(tasks);
      await pool.destroy();
      const settled = await Promise.allSettled(tasks);
      for (const s of settled) if (s.status === 'rejected') expect((s.reason as Error).message).toMatch(/Terminating worker thread|stopped/u);
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(uncaught.map((e) => e.message)).toEqual([]);
  }, 60_000);
});
