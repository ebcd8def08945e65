import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMigrationSteps, openDb, type Db } from '../../electron/core/db/open.ts';
import { appendCustodyEvent, chainHead, listCustodyEvents, verifyCustodyLog } from '../../electron/core/custody/log.ts';
import { GENESIS_HASH, custodyRowHash, verifyChain } from '../../electron/core/custody/hash.ts';

// openDb creates catalogs here directly: the migrations' data steps must be loaded first.
await loadMigrationSteps();

const dirs: string[] = [];
function freshDb(): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ea-custody-'));
  dirs.push(dir);
  const file = join(dir, 'archive.sqlite');
  return { db: openDb(file), file };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ITEM = '724e74af3f1faa527dee17a38521a3cdc9165b73416785eacdfe5fcf32a48899';

describe('custody row hash (RFC 8785 canonical JSON, SHA-256)', () => {
  it('hashes the canonical form: key order and whitespace do not matter, values do', () => {
    const row = { seq: 1, at: '2021-05-04T04:15:00.000Z', actor: 'Айгүл', type: 'ingestion' as const, item: ITEM, detail: { b: 1, a: 'Көк-Таш' }, prevHash: GENESIS_HASH };
    // Computed independently: the JCS form sorts keys by UTF-16 code units and has no whitespace.
    const jcs = `{"actor":"Айгүл","at":"2021-05-04T04:15:00.000Z","detail":{"a":"Көк-Таш","b":1},"item":"${ITEM}","prevHash":"${GENESIS_HASH}","seq":1,"type":"ingestion"}`;
    const expected = createHash('sha256').update(jcs, 'utf8').digest('hex');
    expect(custodyRowHash(row)).toBe(expected);
    expect(custodyRowHash({ ...row, detail: { a: 'Көк-Таш', b: 1 } })).toBe(expected);
    expect(custodyRowHash({ ...row, detail: { a: 'Көк-Таш', b: 2 } })).not.toBe(expected);
  });

  it('chains rows: each prevHash is the previous hash, genesis is 64 zeros', () => {
    const { db } = freshDb();
    // A new archive's log opens with the seeding of its gazetteer.
    const [first] = listCustodyEvents(db);
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, actor: 'Evidence Archive (seed gazetteer)' });
    const a = appendCustodyEvent(db, { actor: 'op', type: 'ingestion', item: ITEM, detail: { x: 1 } });
    const b = appendCustodyEvent(db, { actor: 'op', type: 'fixity check', item: ITEM, detail: { outcome: 'pass' } });
    expect(a.seq).toBe(2);
    expect(a.prevHash).toBe(first!.hash);
    expect(b.prevHash).toBe(a.hash);
    expect(chainHead(db)).toEqual({ seq: 3, hash: b.hash });
    expect(verifyChain(listCustodyEvents(db))).toEqual([]);
    expect(verifyCustodyLog(db)).toEqual({ rows: 3, problems: [] });
    db.close();
  });
});

describe('custody log is append-only', () => {
  it('refuses UPDATE and DELETE through triggers', () => {
    const { db } = freshDb();
    appendCustodyEvent(db, { actor: 'op', type: 'ingestion', item: ITEM, detail: {} });
    expect(() => db.prepare("UPDATE custody_events SET actor = 'mallory'").run()).toThrow(/append-only: UPDATE refused/);
    expect(() => db.prepare('DELETE FROM custody_events').run()).toThrow(/append-only: DELETE refused/);
    db.close();
  });

  it('detects a row altered behind the triggers and names it', () => {
    const { db, file } = freshDb();
    for (let i = 0; i < 5; i++) appendCustodyEvent(db, { actor: 'op', type: 'ingestion', item: ITEM, detail: { i } });
    db.close();
    // An attacker with the file drops the trigger, edits row 3, restores the trigger.
    const raw = new Database(file);
    raw.exec('DROP TRIGGER custody_no_update');
    raw.prepare("UPDATE custody_events SET detail = '{\"i\":99}' WHERE seq = 3").run();
    raw.close();
    const db2 = openDb(file);
    const r = verifyCustodyLog(db2);
    expect(r.rows).toBe(6); // the gazetteer seeding, then the five
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.seq).toBe(3);
    expect(r.problems[0]!.reason).toMatch(/content altered/);
    db2.close();
  });

  it('detects a deleted row as a break in the chain', () => {
    const { db, file } = freshDb();
    for (let i = 0; i < 4; i++) appendCustodyEvent(db, { actor: 'op', type: 'ingestion', item: ITEM, detail: { i } });
    db.close();
    const raw = new Database(file);
    raw.exec('DROP TRIGGER custody_no_delete');
    raw.prepare('DELETE FROM custody_events WHERE seq = 2').run();
    raw.close();
    const db2 = openDb(file);
    const seqs = verifyCustodyLog(db2).problems.map((p) => p.seq);
    expect(seqs).toEqual([3, 3]); // a gap in seq and a prevHash that points at the missing row
    db2.close();
  });
});
