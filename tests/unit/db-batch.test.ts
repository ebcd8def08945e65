import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BatchedWriter } from '../../electron/core/db/batch.ts';

function catalog() {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  return db;
}
const names = (db: Database.Database) => (db.prepare('SELECT name FROM t ORDER BY id').all() as { name: string }[]).map((r) => r.name);

describe('BatchedWriter', () => {
  it('commits the queued jobs in one transaction and resolves each to its own result', async () => {
    const db = catalog();
    const w = new BatchedWriter(db, { maxBatch: 100, maxDelayMs: 1000 });
    const insert = (name: string) => () => Number(db.prepare('INSERT INTO t (name) VALUES (?)').run(name).lastInsertRowid);
    const p = [w.run(insert('a')), w.run(insert('b')), w.run(insert('c'))];
    expect(names(db)).toEqual([]); // nothing before the flush
    w.flush();
    expect(await Promise.all(p)).toEqual([1, 2, 3]);
    expect(names(db)).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a job that throws partway, and only that job; the rest of its batch commits', async () => {
    const db = catalog();
    const w = new BatchedWriter(db, { maxBatch: 100, maxDelayMs: 1000 });
    const ins = db.prepare('INSERT INTO t (name) VALUES (?)');
    const ok1 = w.run(() => ins.run('first'));
    // Writes one row, then fails on the UNIQUE constraint: its first row must not survive.
    const bad = w.run(() => {
      ins.run('half-written');
      ins.run('first');
    });
    const ok2 = w.run(() => ins.run('second'));
    w.flush();
    await expect(bad).rejects.toThrow(/UNIQUE constraint failed: t.name/);
    await expect(ok1).resolves.toBeDefined();
    await expect(ok2).resolves.toBeDefined();
    expect(names(db)).toEqual(['first', 'second']);
    expect(db.inTransaction).toBe(false);
  });

  it('rejects the whole batch, keeping none of it, when an error made SQLite roll back the whole transaction', async () => {
    const db = catalog();
    const w = new BatchedWriter(db, { maxBatch: 100, maxDelayMs: 1000 });
    const ins = db.prepare('INSERT INTO t (name) VALUES (?)');
    const before = w.run(() => ins.run('before'));
    // What SQLite does on SQLITE_FULL or IOERR in the middle of a statement: the transaction is gone.
    const full = w.run(() => {
      ins.run('half-written');
      db.exec('ROLLBACK');
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    });
    const after = w.run(() => ins.run('after'));
    w.flush();
    await expect(full).rejects.toThrow('database or disk is full');
    await expect(before).rejects.toThrow('database or disk is full');
    await expect(after).rejects.toThrow('database or disk is full'); // not committed on its own
    expect(names(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('flushes on its own once maxBatch jobs are queued, or after maxDelayMs', async () => {
    const db = catalog();
    const w = new BatchedWriter(db, { maxBatch: 2, maxDelayMs: 10 });
    const ins = db.prepare('INSERT INTO t (name) VALUES (?)');
    void w.run(() => ins.run('x'));
    void w.run(() => ins.run('y'));
    expect(names(db)).toEqual(['x', 'y']);
    await w.run(() => ins.run('z'));
    expect(names(db)).toEqual(['x', 'y', 'z']);
  });

  it('rejects every job of a batch whose commit fails', async () => {
    const db = catalog();
    const w = new BatchedWriter(db, { maxBatch: 100, maxDelayMs: 1000 });
    db.close(); // every statement, and so the batch's BEGIN, now throws
    const p = [w.run(() => 1), w.run(() => 2)];
    w.flush();
    for (const x of p) await expect(x).rejects.toThrow(/database connection is not open/);
  });
});
