import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMigrationSteps, openDb, SCHEMA_VERSION, SchemaTooNewError } from '../../electron/core/db/open.ts';
import { ArchiveBusyError, NotAnArchiveError, openArchive } from '../../electron/core/archive.ts';

// openDb creates catalogs here directly: the migrations' data steps must be loaded first.
await loadMigrationSteps();

const dir = mkdtempSync(join(tmpdir(), 'ea-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalog database', () => {
  it('opens with WAL, synchronous=FULL, foreign keys and the current schema version', () => {
    const db = openDb(join(dir, 'a.sqlite'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY: statement journals not in temporary files
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a catalog made by a newer version', () => {
    const file = join(dir, 'newer.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openDb(file)).toThrow(SchemaTooNewError);
    expect(() => openDb(file)).toThrow(/newer than this program understands/);
  });
});

describe('archive folder', () => {
  it('refuses a folder that is not an archive, unless asked to create one', async () => {
    await expect(openArchive(join(dir, 'nothing'))).rejects.toThrow(NotAnArchiveError);
    const a = await openArchive(join(dir, 'arch'), { create: true });
    expect(a.writable).toBe(true);
    await a.close();
  });

  it('lets one writer in at a time and any number of readers', async () => {
    const a = await openArchive(join(dir, 'arch'), { write: true });
    await expect(openArchive(join(dir, 'arch'), { write: true })).rejects.toThrow(ArchiveBusyError);
    const reader = await openArchive(join(dir, 'arch'));
    expect(reader.writable).toBe(false);
    await reader.close();
    await a.close();
    const again = await openArchive(join(dir, 'arch'), { write: true });
    await again.close();
  });

  it('never takes a live holder\'s lock on the word of an owner file a dead holder left', async () => {
    const arch = join(dir, 'arch');
    const live = await openArchive(arch, { write: true });
    try {
      // The moment between a new holder's mkdir and its own owner file: the file on disk is the
      // one a crashed holder left, naming a process that no longer exists.
      const ownerFile = join(arch, 'archive.lock.owner');
      const mine = readFileSync(ownerFile, 'utf8');
      expect(JSON.parse(mine)).toMatchObject({ pid: process.pid, lock: expect.stringMatching(/^\d+:\d+$/u) });
      writeFileSync(ownerFile, JSON.stringify({ ...(JSON.parse(mine) as object), pid: deadPid(), lock: '1:0' }));
      await expect(openArchive(arch, { write: true })).rejects.toThrow(ArchiveBusyError);
      writeFileSync(ownerFile, mine);
    } finally {
      await live.close();
    }
  });
});

/** A process id that no process has now (a child that has exited). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}
