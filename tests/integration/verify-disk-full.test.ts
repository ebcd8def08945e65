// `evidence verify` on a full disk: the check itself needs no space, only its record in the custody
// log does. The report must come out as usual, with a note that the check could not be recorded,
// and the exit code must still say whether the archive is intact.
//
// A full disk is made deterministic on the connection verify opens: `PRAGMA max_page_count` at the
// database's current size makes SQLite refuse any new page with SQLITE_FULL ("database or disk is
// full"), exactly the error a full file system gives it.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';

const full = vi.hoisted(() => ({ database: false, lockFile: false, catalogIo: null as string | null }));

vi.mock('../../electron/core/archive.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/archive.ts')>();
  return {
    ...real,
    openArchive: async (dir: string, opts: { write?: boolean; create?: boolean } = {}) => {
      if (full.catalogIo) {
        // What better-sqlite3 throws when the catalog's WAL or shared-memory file cannot be written.
        throw Object.assign(new Error(full.catalogIo === 'ENOSPC' ? `ENOSPC: no space left on device, write` : 'disk I/O error'), { code: full.catalogIo });
      }
      if (full.lockFile && (opts.write ?? opts.create)) {
        // What taking the write lock meets when not even its owner file fits.
        throw Object.assign(new Error(`ENOSPC: no space left on device, open '${dir}/archive.lock.owner'`), { code: 'ENOSPC' });
      }
      const a = await real.openArchive(dir, opts);
      if (full.database && a.writable) a.db.pragma(`max_page_count = ${Number(a.db.pragma('page_count', { simple: true }))}`);
      return a;
    },
  };
});

const work = mkdtempSync(join(tmpdir(), 'ea-full-'));
const archive = join(work, 'archive');
// Enough items that their fixity events cannot fit in the free space of pages already there.
const FILES = 40;

const fixityEvents = () => {
  const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) c FROM custody_events WHERE type = 'fixity check'").get() as { c: number }).c;
  } finally {
    db.close();
  }
};

/** The custody log's head on disk, and how many rows it has. */
const custodyHead = () => {
  const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
  try {
    const head = db.prepare('SELECT seq, hash FROM custody_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    return { ...head, rows: (db.prepare('SELECT count(*) c FROM custody_events').get() as { c: number }).c };
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  const card = join(work, 'card');
  mkdirSync(card);
  for (let i = 0; i < FILES; i++) writeFileSync(join(card, `note-${String(i).padStart(2, '0')}.txt`), `field note ${i}\n`);
  const r = await runCli('ingest', card, '--archive', archive, '--operator', 'test-operator');
  expect(r.code, r.err).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('evidence verify when the disk is full', () => {
  it('prints the report, notes that the check is unrecorded, and exits 0 for an intact archive', async () => {
    const head = custodyHead();
    full.database = true;
    const v = await runCli('verify', '--archive', archive).finally(() => (full.database = false));
    expect(v.err).not.toMatch(/internal error|SqliteError|\n\s+at /);
    expect(v.err).toMatch(/note: the fixity check ran but could not be recorded in the archive's custody log: the disk is full \(database or disk is full\)/);
    // "field note 0\n" … "field note 39\n": 10 × 13 + 30 × 14 bytes.
    expect(v.out.split('\n')).toEqual([
      `OK: ${FILES} of ${FILES} items (550 B) re-hashed, 0 problems`,
      expect.stringMatching(new RegExp(`^run \\d+ \\(the whole archive\\): ${FILES} passed, 0 failed; Merkle root [0-9a-f]{64} over ${FILES} items$`, 'u')),
      `custody chain: ${head.rows} rows recomputed, all hold (head #${head.seq} before this check)`,
      `this check added no event to the custody log (the disk is full); head #${head.seq} ${head.hash}`,
      'seals: none (run `evidence seal`: without a seal, a chain rewritten from any row by someone with write access cannot be told from the original)',
      '',
    ]);
    expect(custodyHead()).toEqual(head);
    expect(v.code).toBe(0);
    expect(fixityEvents()).toBe(0); // all of the check's events or none

    // With space again, the next check is recorded as usual.
    const again = await runCli('verify', '--archive', archive);
    expect(again.code, again.out + again.err).toBe(0);
    // What the full disk let the run keep in the catalog (if any of it) is resumed, not re-read.
    expect(again.err).toMatch(/^(?:Resuming fixity check run \d+ \(started \S+, the whole archive\): \d+ of 40 items were already checked\. To start afresh instead: evidence verify --restart\n)?$/u);
    expect(fixityEvents()).toBe(1); // one event for the run, none per passing item
  });

  it('still exits 1 when the check finds a problem, and says so in --json', async () => {
    const list = JSON.parse((await runCli('list', '--archive', archive, '--json')).out) as { sha256: string }[];
    const sha = list[0]!.sha256;
    const obj = join(archive, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    chmodSync(obj, 0o644);
    writeFileSync(obj, 'altered\n');
    const before = fixityEvents();
    full.database = true;
    const v = await runCli('verify', '--archive', archive, '--json').finally(() => (full.database = false));
    expect(v.err).toMatch(/could not be recorded in the archive's custody log: the disk is full/);
    const r = JSON.parse(v.out) as { ok: boolean; unrecorded?: string; problems: { kind: string }[] };
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.kind)).toEqual(['altered']);
    expect(r.unrecorded).toMatch(/^the disk is full/);
    expect(v.code).toBe(1);
    expect(fixityEvents()).toBe(before);

    full.database = true;
    const text = await runCli('verify', '--archive', archive).finally(() => (full.database = false));
    expect(text.out).toMatch(/^FAIL altered: item \d+ “note-\d\d\.txt”$/mu);
    expect(text.out).toMatch(new RegExp(`^ {6}found: content altered: SHA-256 expected ${sha}, found `, 'mu'));
    expect(text.out).toMatch(/^FAILED: /m);
    expect(text.code).toBe(1);
  });

  it('runs the check read-only when not even the write lock can be taken', async () => {
    full.lockFile = true;
    const v = await runCli('verify', '--archive', archive).finally(() => (full.lockFile = false));
    expect(v.err).not.toMatch(/internal error|\n\s+at /);
    expect(v.err).toMatch(/note: the disk is full; the fixity check runs but cannot be recorded/);
    expect(v.out).toMatch(/^FAILED: /m); // the object altered above
    const head = custodyHead();
    expect(v.out).toMatch(new RegExp(`^this check added no event to the custody log \\(the archive is open read-only\\); head #${head.seq} ${head.hash}$`, 'mu'));
    expect(v.code).toBe(1);
  });

  it('says the disk is full or the catalog cannot be written, without a stack trace, and exits 1', async () => {
    for (const [code, said] of [
      ['SQLITE_IOERR_WRITE', 'evidence: the catalog could not be read or written (SQLITE_IOERR_WRITE: disk I/O error); a full disk is the usual cause; nothing half-done was recorded. Free some space (or check the disk) and run the same command again.\n'],
      ['ENOSPC', 'evidence: the disk is full; nothing half-done was recorded. Free some space (or check the disk) and run the same command again.\n'],
    ] as const) {
      full.catalogIo = code;
      const r = await runCli('ingest', work, '--archive', archive).finally(() => (full.catalogIo = null));
      expect([r.code, r.err]).toEqual([1, said]);
    }
  });
});
