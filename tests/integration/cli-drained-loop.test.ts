// A command whose awaited work is backed by nothing (a defect: a promise no file read, worker or
// timer will ever settle) lets Node's event loop run empty. The process must not then end with
// code 0 and no output, which a script reads as success: it ends as an internal error and says so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-drained-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Preloaded: listing the folder named by EA_TEST_STALL_DIR returns a promise nothing settles.
const HOOK = `
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
const stall = process.env.EA_TEST_STALL_DIR;
if (isMainThread && stall) {
  const real = fsp.opendir;
  fsp.opendir = function (path, ...rest) {
    if (Buffer.from(path).equals(Buffer.from(stall))) return new Promise(() => {});
    return real.call(this, path, ...rest);
  };
  syncBuiltinESMExports();
}
`;

// Preloaded: listing the folder named by EA_TEST_HOLD_DIR waits (keeping the loop alive) until a
// second SIGINT, so the CLI's own handler sees two separate interrupts.
const HOLD_TWICE = `
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const hold = process.env.EA_TEST_HOLD_DIR;
if (hold) {
  const real = fsp.opendir;
  fsp.opendir = async function (path, ...rest) {
    if (Buffer.from(path).equals(Buffer.from(hold))) {
      process.stderr.write('test-hook: holding\\n');
      await new Promise((r) => {
        const t = setTimeout(r, 60_000);
        let n = 0;
        process.on('SIGINT', () => { if (++n === 2) { clearTimeout(t); r(); } });
      });
    }
    return real.call(this, path, ...rest);
  };
  syncBuiltinESMExports();
}
`;

describe('a command left with nothing to wait for', () => {
  it('exits 3 with an internal-error message, never 0 in silence', () => {
    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'a'), { recursive: true });
    mkdirSync(join(tree, 'b'), { recursive: true });
    writeFileSync(join(tree, 'a', 'one.txt'), 'one\n');
    writeFileSync(join(tree, 'b', 'two.txt'), 'two\n');
    const hook = join(work, 'stall.mjs');
    writeFileSync(hook, HOOK);
    const archive = join(work, 'A');
    expect(runCli(['init', archive]).code).toBe(0);
    const r = runCli(['ingest', tree, '--archive', archive], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
      EA_TEST_STALL_DIR: join(tree, 'b'),
    });
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stderr).toContain('evidence: internal error: the command stopped before it finished');
    // Without the stall the same command succeeds, so the exit above is the stall's and no other.
    const ok = runCli(['ingest', tree, '--archive', archive]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a second Ctrl-C ends the command with 130 and no internal-error message', async () => {
    const tree = join(work, 'tree2');
    mkdirSync(join(tree, 'a'), { recursive: true });
    writeFileSync(join(tree, 'a', 'one.txt'), 'one\n');
    const hook = join(work, 'hold-twice.mjs');
    writeFileSync(hook, HOLD_TWICE);
    const archive = join(work, 'B');
    expect(runCli(['init', archive]).code).toBe(0);
    const p = startCli(['ingest', tree, '--archive', archive], {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
      EA_TEST_HOLD_DIR: join(tree, 'a'),
    });
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    const exit = new Promise<number | null>((res) => p.on('exit', (code) => res(code)));
    const end = Date.now() + 60_000;
    while (!err.includes('test-hook: holding') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    p.kill('SIGINT');
    // Later than the window in which a doubled delivery of one Ctrl-C counts as the same interrupt.
    await new Promise((r) => setTimeout(r, 800));
    p.kill('SIGINT');
    expect(await exit, err).toBe(130);
    expect(err).not.toContain('internal error');
  });
});
