// What `evidence verify` says about the custody log. The check recomputes the chain as it stands,
// then appends its own `fixity check` events (one per item re-hashed, one for the archive), so
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
    // 3 item events + 1 archive-wide event, right after the old head.
    expect(after.added).toHaveLength(FILES + 1);
    expect(after.added.every((e) => e.type === 'fixity check')).toBe(true);
    expect(after.added.filter((e) => e.item === null)).toHaveLength(1);
    expect(after.head.seq).toBe(before.head.seq + FILES + 1);
    expect(r.stdout).toBe([
      `OK: 3 of 3 items (39 B) re-hashed, 0 problems`,
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      `this check added 4 fixity-check events to the custody log (1 per item re-hashed + 1 for the archive); head now #${before.head.seq + 4} ${after.head.hash}`,
      'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
      '',
    ].join('\n'));
  });

  it('a second check recomputes the first one\'s events too', () => {
    const before = log();
    const r = runCli(['verify', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    const after = log(before.head.seq);
    expect(r.stdout.split('\n').slice(1, 3)).toEqual([
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      `this check added 4 fixity-check events to the custody log (1 per item re-hashed + 1 for the archive); head now #${before.head.seq + 4} ${after.head.hash}`,
    ]);
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
      custodyEventsAdded: 4,
      chainHead: after.head,
      problems: [],
      seals: { count: 0, signed: 0, signers: [], latest: null, rootChecked: null, firstBroken: null },
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/u),
      unrecordedCopies: [],
    });
    expect(after.head.seq).toBe(before.head.seq + 4);
    // The window gets them too: the IPC contract carries the new fields instead of dropping them.
    expect(JobResultSchema.parse({ kind: 'verifyArchive', report: r.json }).report).toMatchObject({ itemsTotal: 3, chainHeadBefore: before.head, custodyEventsAdded: 4 });
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
    const after = log(before.head.seq);
    expect(after.added).toHaveLength(3); // 2 items + the archive
    expect(out).toBe([
      `INTERRUPTED: 2 of 3 items (26 B) re-hashed, 0 problems found before the stop`,
      `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
      `this check added 3 fixity-check events to the custody log (1 per item re-hashed + 1 for the archive); head now #${before.head.seq + 3} ${after.head.hash}`,
      'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
      '',
    ].join('\n'));
    expect(err).toContain('The fixity check was interrupted before every item was re-hashed: the archive is not verified.');
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
      expect(lines[0]).toMatch(new RegExp(`^FAIL altered: item \\d+ \\(${obj}\\): content altered: `, 'u'));
      expect(lines.slice(1)).toEqual([
        `FAILED: 3 of 3 items (39 B) re-hashed, 1 problem`,
        `custody chain: ${before.rows} rows recomputed, all hold (head #${before.head.seq} before this check)`,
        `this check added 4 fixity-check events to the custody log (1 per item re-hashed + 1 for the archive); head now #${before.head.seq + 4} ${after.head.hash}`,
        'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
        '',
      ]);
    } finally {
      writeFileSync(obj, was);
      chmodSync(obj, 0o444);
    }
  });
});
