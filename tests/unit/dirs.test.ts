// makeDirs: mkdir -p that returns instead of hanging. Node 20's own recursive mkdir spins forever
// on /proc/nope/x (mkdir answers ENOENT for /proc/nope, whose parent exists).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs } from '../../electron/core/dirs.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-dirs-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('makeDirs', () => {
  it('makes the missing folders and returns the first it made, or undefined when all existed', () => {
    expect(makeDirs(join(work, 'a', 'b', 'c'))).toBe(join(work, 'a'));
    expect(existsSync(join(work, 'a', 'b', 'c'))).toBe(true);
    expect(makeDirs(join(work, 'a', 'b', 'c'))).toBeUndefined();
    expect(makeDirs(join(work, 'a', 'b', 'd'))).toBe(join(work, 'a', 'b', 'd'));
  });

  it('refuses a path through a file (ENOTDIR, naming it)', () => {
    writeFileSync(join(work, 'file'), 'x');
    expect(() => makeDirs(join(work, 'file', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => makeDirs(join(work, 'file'))).toThrow(expect.objectContaining({ code: 'ENOTDIR', path: join(work, 'file') }));
  });

  it.skipIf(!existsSync('/proc/self'))('fails at once under /proc instead of spinning forever', () => {
    expect(() => makeDirs('/proc/nope/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it.skipIf(!existsSync('/proc/self'))('so `evidence init` and `ingest --archive` there exit 2 with the reason', async () => {
    const r = await runCli('init', '/proc/nope/archive');
    expect([r.code, r.err]).toEqual([2, "evidence: no such file or folder: /proc/nope\n"]);
    const i = await runCli('ingest', work, '--archive', '/proc/nope/archive');
    expect(i.code).toBe(2);
  });
});
