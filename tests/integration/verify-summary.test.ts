// What `evidence verify` says about the custody log. The check recomputes the chain as it stands,
// then appends its own `fixity check` events (one for the run, one per failure), so
// the head after the check is not the size of the chain that was checked: the summary must say
// which number is which, and every number must be the archive's. The real CLI in a child process
// on a real archive in a temporary folder; the interrupted check runs in-process, stopped at a
// moment the test fixes (as tests/e2e/verify-interrupted.test.ts does for the window).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../electron/cli/main.ts';
import { JobResultSchema } from '../../electron/common/ipc.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

// In this process only: while `held.after` is set, re-hashing requests past that many wait until
// the check is cancelled (then go to the real pool, which the cancellation has stopped).
const held = vi.hoisted(() => ({ after: null as number | null, requests: 0, done: 0, waiting: 0 }));
vi.mock('../../electron/core/ingest/pool.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/ingest/pool.ts')>();
  return {
    ...real,
    createIngestPool: (...args: Parameters<typeof real.createIngestPool>) => {
      const pool = real.createIngestPool(...args);
      const signal = args[1];
      return {
        ...pool,
        digest: async (t: Parameters<typeof pool.digest>[0]) => {
          const n = ++held.requests;
          if (held.after !== null && n > held.after && signal && !signal.aborted) {
            held.waiting++;
            await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
            return pool.digest(t);
          }
          const got = await pool.digest(t);
          held.done++;
          return got;
        },
      };
    },
  };
});

const work = mkdtempSync(join(tmpdir(), 'ea-verify-summary-'));
const archive = join(work, 'archive');
const FILES = 3;
/** Each file is 13 bytes ("field note 0\n"), so any two of them are 26 B and all three 39 B. */
const content = (i: number) => `field note ${i}\n`;

/** The custody log as it is on disk: how many rows, the head, and the `fixity check` rows after `seq`. */
function log(after = 0) {
  const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
  try {
    const head = db.prepare('SELECT seq, hash FROM custody_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    const rows = (db.prepare('SELECT count(*) c FROM custody_events').get() as { c: number }).c;
    const added = db.prepare('SELECT type, item FROM custody_events WHERE seq > ? ORDER BY seq').all(after) as { type: string; item: string | null }[];
    return { head, rows, added };
  } finally {
    db.close();
  }
}

beforeAll(() => {
  const card = join(work, 'card');
  mkdirSync(card);
  for (let i = 0; i < FILES; i++) writeFileSync(join(card, `note-${i}.txt`), content(i));
  const r = runCli(['ingest', card, '--archive', archive, '--operator', 'test-operator']);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('evidence verify: what was checked, and what the check itself added', () => {
  it('human output: items of the total, the chain as it stood before, and the events the check appended', () => {
    const before = log();
    // The ingest's own events, numbered from 1 without gaps: the chain verify is about to recompute.
    expect(before.rows).toBe(before.head.seq);
    expect(before.rows).toBeGreaterThan(FILES);

    const r = runCli(['verify', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const after = log(before.head.seq);
    // One run event (item null) and no event per passing item, right after the old head.
    expect(after.added).toEqual([{ type: 'fixity check', item: null }]);
    expect(after.head.seq).toBe(before.head.seq + 1);
    expect(r.stdout).toMatch(new RegExp(`^run \\d+ \\(the whole archive\\): 3 passed, 0 failed; Merkle root [0-9a-f]{64} over 3 items$`, 'mu'));
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('run '))).toEqual([
      `OK: 3 of 3 items (39 B) re-hashed, 0 problems`,
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      `events this run added to the custody log: 1 (1 for the run + 1 per failure); head now #${before.head.seq + 1} ${after.head.hash}`,
      'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
      '',
    ]);
  });

  it('a second check recomputes the first one\'s events too', () => {
    const before = log();
    const r = runCli(['verify', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    const after = log(before.head.seq);
    expect(r.stdout.split('\n').slice(2, 4)).toEqual([
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      `events this run added to the custody log: 1 (1 for the run + 1 per failure); head now #${before.head.seq + 1} ${after.head.hash}`,
    ]);
    expect(after.added).toEqual([{ type: 'fixity check', item: null }]);
  });

  it('--json keeps every field it had and adds the total, the head before and the events added', () => {
    const before = log();
    const r = runCliJson<Record<string, unknown>>(['verify', '--archive', archive, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const after = log(before.head.seq);
    expect(r.json).toEqual({
      ok: true,
      interrupted: false,
      itemsChecked: 3,
      itemsTotal: 3,
      bytesChecked: 39,
      custodyRowsChecked: before.rows,
      chainHeadBefore: before.head,
      custodyEventsAdded: 1,
      chainHead: after.head,
      problems: [],
      notes: [],
      run: {
        id: expect.any(Number),
        resumed: false,
        checkedBefore: 0,
        sessions: 1,
        wholeArchive: true,
        scope: { filters: {} },
        itemsSelected: 3,
        bytesSelected: 39,
        passed: 3,
        failed: { altered: 0, missing: 0, unreadable: 0, catalog: 0, 'unrecorded-change': 0 },
        merkle: { format: 'evidence-fixity-leaf/1', leaves: 3, root: expect.stringMatching(/^[0-9a-f]{64}$/u) },
        eventSeq: before.head.seq + 1,
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
        // fixity9: a run done in one sitting has no interruptions, and re-hashed every item now.
        interruptions: [],
        hashedNow: 3,
      },
      seals: { count: 0, signed: 0, signers: [], latest: null, rootChecked: null, firstBroken: null },
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
      unrecordedCopies: [],
    });
    expect(after.head.seq).toBe(before.head.seq + 1);
    // The window gets them too: the IPC contract carries the new fields instead of dropping them.
    expect(JobResultSchema.parse({ kind: 'verifyArchive', report: r.json }).report).toMatchObject({ itemsTotal: 3, chainHeadBefore: before.head, custodyEventsAdded: 1, run: { passed: 3, resumed: false } });
  });

  it('an interrupted check says how many of the items it re-hashed, and records only those', async () => {
    const before = log();
    const ac = new AbortController();
    let out = '';
    let err = '';
    Object.assign(held, { after: 2, requests: 0, done: 0, waiting: 0 });
    try {
      const running = main(['verify', '--archive', archive, '--operator', 'test-operator'], { out: (t) => { out += t; }, err: (t) => { err += t; }, isTTY: false, signal: ac.signal });
      // Two items re-hashed, the third waiting on the test: stop it now.
      await vi.waitFor(() => expect([held.done, held.waiting]).toEqual([2, 1]), { timeout: 60_000, interval: 20 });
      ac.abort();
      expect(await running).toBe(1);
    } finally {
      held.after = null;
    }
    // Nothing is recorded until the run finishes: its progress waits in the catalog.
    const after = log(before.head.seq);
    expect(after.added).toEqual([]);
    expect(after.head).toEqual(before.head);
    expect(out.split('\n')).toEqual([
      `INTERRUPTED: 2 of 3 items (26 B) re-hashed, 0 problems found before the stop`,
      expect.stringMatching(/^run \d+ \(the whole archive\): 2 passed, 0 failed; Merkle root [0-9a-f]{64} over 2 items$/u),
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      expect.stringMatching(/^nothing is added to the custody log until run \d+ has checked every item$/u),
      'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
      '',
    ]);
    expect(err).toMatch(/^Fixity check run \d+ \(the whole archive\) stopped after 2 of 3 items: the archive is not verified yet\. Its progress is kept in the catalog: run `evidence verify` again to continue where it stopped \(or add --restart to start afresh\)\.$/mu);
    // The next verify resumes it, re-hashes only the third item, and records the run once.
    const resumed = runCliJson<{ itemsChecked: number; run: { resumed: boolean; checkedBefore: number; sessions: number } }>(['verify', '--archive', archive, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^Resuming fixity check run \d+ .*: 2 of 3 items were already checked/mu);
    expect(resumed.json).toMatchObject({ itemsChecked: 3, run: { resumed: true, checkedBefore: 2, sessions: 2 } });
    expect(log(before.head.seq).added).toEqual([{ type: 'fixity check', item: null }]);
  });

  it('a failed check counts its problems apart from the chain, which still holds', () => {
    const [item] = runCliJson<{ sha256: string }[]>(['list', '--archive', archive, '--json']).json;
    const sha = item!.sha256;
    const obj = join(archive, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    const was = readFileSync(obj);
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'altered note\n'); // 13 bytes, like the original
    try {
      const before = log();
      const r = runCli(['verify', '--archive', archive]);
      expect(r.code, r.stderr).toBe(1);
      const after = log(before.head.seq);
      const lines = r.stdout.split('\n');
      // The failure names the original file, where it came from, its card and what to do next.
      const id = runCliJson<{ id: number; sha256: string }[]>(['list', '--archive', archive, '--json']).json.find((i) => i.sha256 === sha)!.id;
      expect(lines.slice(0, 6)).toEqual([
        expect.stringMatching(new RegExp(`^FAIL altered: item ${id} “note-\\d\\.txt”$`, 'u')),
        expect.stringMatching(new RegExp(`^ {6}source: ${join(work, 'card')}/note-\\d\\.txt$`, 'u')),
        '      card/reel: card',
        `      object: objects/sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`,
        `      found: content altered: SHA-256 expected ${sha}, found 910ded6518a5804ee3457d3a0200e30e3668261c948d52191130b30e87effd96`,
        `      what to do: restore it with \`evidence repair ${id} --from REPLICA|FILE\` from a replica or the original card, then check it with \`evidence verify --item ${id}\`; do not re-ingest over it`,
      ]);
      expect(lines.slice(6)).toEqual([
        `FAILED: 3 of 3 items (39 B) re-hashed, 1 problem`,
        expect.stringMatching(/^run \d+ \(the whole archive\): 2 passed, 1 failed; Merkle root [0-9a-f]{64} over 3 items$/u),
        `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
        `events this run added to the custody log: 2 (1 for the run + 1 per failure); head now #${before.head.seq + 2} ${after.head.hash}`,
        'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
        '',
      ]);
    } finally {
      writeFileSync(obj, was);
      chmodSync(obj, 0o444);
    }
  });
});
