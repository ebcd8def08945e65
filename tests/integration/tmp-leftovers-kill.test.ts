// Issue 13 hardening, defect 4: `evidence encrypt` killed part-way left tmp/catalog.rekey.sqlite,
// a plain copy of the register (names included), until the next command that writes; a reader
// (`list`, `show`) left it there. Now any command that opens the archive removes what a killed run
// left in tmp/ (a writer always; a reader when no process holds the write lock, which it then
// takes for that moment) and never while another process is at work there. A killed
// `redact` on a video leaves only its blurred intermediate in tmp/ (never frames, never anything
// in the system's temporary folder), removed the same way. Crashes are SIGKILL at fixed steps
// (EVIDENCE_TEST_CRASH_AT, core/crash-point.ts).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const PASS = 'leftover-test passphrase';
const NAME = 'Aigul Secretname';
let root: string;
let arch: string;
let sysTmp: string;

/** Runs the CLI as its own process; resolves to its exit code, or null when it was killed by SIGKILL. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [EVIDENCE_BIN, ...args, '--archive', arch], {
    cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, EVIDENCE_OPERATOR: 'leftover-test', TMPDIR: sysTmp, ...env },
  });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((r) => child.on('exit', (code, signal) => r({ code: signal === 'SIGKILL' ? null : code, err })));
}

const tmpNames = () => readdirSync(join(arch, 'tmp')).sort();
const holdsName = (file: string) => readFileSync(file).includes(Buffer.from(NAME, 'utf8'));

/** Every file under `dir` that holds the victim's name. */
function filesWithName(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).filter(holdsName);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-tmp-leftovers-'));
  arch = join(root, 'archive');
  sysTmp = join(root, 'system-tmp');
  mkdirSync(sysTmp);
  const input = join(root, 'in');
  mkdirSync(input);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=5', '-f', 'lavfi', '-i', 'sine=frequency=300',
    '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', join(input, 'testimony.mp4')]);
  expect((await run(['ingest', input, '--no-previews'])).code).toBe(0);
  expect((await run(['person', 'add', NAME])).code).toBe(0);
  writeFileSync(join(root, 'box.json'), JSON.stringify([{ x: 10, y: 10, w: 40, h: 40 }]));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('what a killed run leaves in tmp/', () => {
  it('encrypt killed with the plain copy made: the next reader removes it, and nothing under the archive names the victim once encrypted', async () => {
    expect((await run(['encrypt'], { EVIDENCE_PASSPHRASE: PASS, EVIDENCE_TEST_CRASH_AT: 'copied' })).code).toBeNull();
    expect(tmpNames()).toEqual(['catalog.rekey.sqlite']);
    // The leftover is the register in plain text.
    expect(holdsName(join(arch, 'tmp', 'catalog.rekey.sqlite'))).toBe(true);
    expect((await run(['list'])).code).toBe(0);
    expect(tmpNames()).toEqual([]);
    // Killed mid-rekey (a plain rollback journal beside the copy): the next writer removes both.
    expect((await run(['encrypt'], { EVIDENCE_PASSPHRASE: PASS, EVIDENCE_TEST_CRASH_AT: 'rekeyed' })).code).toBeNull();
    expect(tmpNames().length).toBeGreaterThan(0);
    expect((await run(['place', 'add', 'Yard'])).code).toBe(0);
    expect(tmpNames()).toEqual([]);
    expect((await run(['encrypt'], { EVIDENCE_PASSPHRASE: PASS })).code).toBe(0);
    expect(filesWithName(arch)).toEqual([]);
  }, 60_000);

  it('rekey killed with the new copy verified: the next reader removes it', async () => {
    expect((await run(['rekey'], { EVIDENCE_PASSPHRASE: PASS, EVIDENCE_NEW_PASSPHRASE: 'other', EVIDENCE_TEST_CRASH_AT: 'verified' })).code).toBeNull();
    expect(tmpNames()).toEqual(['catalog.rekey.sqlite']);
    expect((await run(['list'], { EVIDENCE_PASSPHRASE: PASS })).code).toBe(0);
    expect(tmpNames()).toEqual([]);
  }, 60_000);

  it('a reader leaves tmp/ alone while another process holds the write lock', async () => {
    const w = await openArchive(arch, { write: true, passphrase: PASS });
    try {
      writeFileSync(join(arch, 'tmp', 'in-use.part'), 'a writer is copying this');
      expect((await run(['list'], { EVIDENCE_PASSPHRASE: PASS })).code).toBe(0);
      expect(tmpNames()).toEqual(['in-use.part']);
    } finally {
      await w.close();
    }
    expect((await run(['list'], { EVIDENCE_PASSPHRASE: PASS })).code).toBe(0);
    expect(tmpNames()).toEqual([]);
  }, 60_000);

  it('redact of a video killed after blurring: only the blurred intermediate in tmp/, nothing in the system temp folder; the next command removes it', async () => {
    const r = await run(['redact', '1', '--blur-regions', join(root, 'box.json')], { EVIDENCE_PASSPHRASE: PASS, EVIDENCE_TEST_CRASH_AT: 'redact-blurred' });
    expect(r.code, r.err).toBeNull();
    expect(tmpNames()).toEqual([expect.stringMatching(/^blur-\d+-[0-9a-f]{16}\.mp4$/u)]);
    // (tsx-*: the development loader's compile cache of our own source, not the app's files.)
    expect(readdirSync(sysTmp).filter((n) => !n.startsWith('tsx-'))).toEqual([]);
    expect((await run(['list'], { EVIDENCE_PASSPHRASE: PASS })).code).toBe(0);
    expect(tmpNames()).toEqual([]);
  }, 120_000);
});
