// A catalog path that is a named pipe is reported, not waited on (a hostile tester's finding: the
// read of its header's user_version blocked in open(2), where Ctrl-C could not stop it).
// Also: a catalog made by an older version, opened by a read command, gets a plain message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { setBackSchema } from '../helpers/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'ea-fifo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('verify on an archive whose archive.sqlite is a FIFO ends instead of hanging', () => {
  const archive = join(dir, 'a');
  const bin = join(__dirname, '..', '..', 'bin', 'evidence.mjs');
  expect(spawnSync(process.execPath, [bin, 'init', archive]).status).toBe(0);
  rmSync(join(archive, 'archive.sqlite'));
  expect(spawnSync('mkfifo', [join(archive, 'archive.sqlite')]).status).toBe(0);
  const r = spawnSync(process.execPath, [bin, 'verify', '--archive', archive], { timeout: 15_000, killSignal: 'SIGKILL' });
  expect(r.signal).toBeNull(); // SIGKILL here means it hung
  expect(r.status).toBe(2); // a bad path the user gave, as for an archive path naming a file
  expect(String(r.stderr)).toBe(`evidence: ${join(archive, 'archive.sqlite')}: is not a regular file (a folder, named pipe, socket or device), so it cannot be the archive's catalog\n`);
}, 40_000);

it('a read command on a catalog of an older schema says so plainly, changes nothing, and exits 1', () => {
  const archive = join(dir, 'old');
  const bin = join(__dirname, '..', '..', 'bin', 'evidence.mjs');
  expect(spawnSync(process.execPath, [bin, 'init', archive]).status).toBe(0);
  const file = join(archive, 'archive.sqlite');
  const db = new Database(file);
  const current = db.pragma('user_version', { simple: true }) as number;
  setBackSchema(db, current - 1); // as a genuine older catalog reads
  db.close();
  const r = spawnSync(process.execPath, [bin, 'list', '--archive', archive], { encoding: 'utf8', timeout: 15_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toBe(`evidence: ${file}: catalog schema version ${current - 1} is older than this program's (${current}) and is opened read-only here; ` +
    'run a command that writes (e.g. `evidence verify`) on a writable copy of the archive once to upgrade it; nothing was changed\n');
  const after = new Database(file, { readonly: true });
  expect(after.pragma('user_version', { simple: true })).toBe(current - 1);
  after.close();
}, 40_000);
