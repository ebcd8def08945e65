// Issue 13 part 2: `evidence encrypt` and `decrypt` killed with SIGKILL at each step of the
// re-encryption (core/encrypt/rekey.ts crash points, EVIDENCE_TEST_CRASH_AT): afterwards the
// archive always opens, plain or encrypted, with every row and the same custody chain head, and
// the next writer clears the half-made copy from tmp/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { isEncryptedCatalog } from '../../electron/core/db/cipher.ts';
import { changeCatalogPassphrase } from '../../electron/core/encrypt/rekey.ts';
import { chainHead, verifyCustodyLog } from '../../electron/core/custody/log.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const PASS = 'kill-test passphrase';
let root: string;
let arch: string;
let head: { seq: number; hash: string } | null;

function killedRun(mode: 'encrypt' | 'decrypt', step: string): Promise<number | null> {
  const child = spawn(process.execPath, [EVIDENCE_BIN, mode, '--archive', arch], {
    cwd: REPO_ROOT, stdio: 'ignore',
    env: { ...process.env, EVIDENCE_PASSPHRASE: PASS, EVIDENCE_TEST_CRASH_AT: step, EVIDENCE_OPERATOR: 'kill-test' },
  });
  return new Promise((r) => child.on('exit', (code, signal) => r(signal === 'SIGKILL' ? null : code)));
}

/** Opens the archive as it is on disk now and checks it holds everything. */
async function check(label: string): Promise<boolean> {
  const encrypted = isEncryptedCatalog(join(arch, 'archive.sqlite'));
  const a = await openArchive(arch, { passphrase: PASS });
  try {
    expect(a.db.prepare('SELECT count(*) FROM items').pluck().get(), label).toBe(3);
    expect(chainHead(a.db), label).toEqual(head);
    expect(verifyCustodyLog(a.db).problems, label).toEqual([]);
  } finally {
    await a.close();
  }
  return encrypted;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-encrypt-kill-'));
  arch = join(root, 'archive');
  const input = join(root, 'in');
  mkdirSync(input);
  for (let i = 0; i < 3; i++) writeFileSync(join(input, `note${i}.txt`), `note ${i}\n`);
  expect((await runCli('ingest', input, '--archive', arch, '--no-previews')).code).toBe(0);
  const a = await openArchive(arch);
  head = chainHead(a.db);
  await a.close();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('encrypt / decrypt killed with SIGKILL', () => {
  const steps = ['before-copy', 'copied', 'rekeyed', 'verified', 'renamed'];
  it.each(steps)('encrypt killed at %s: the archive opens with every row', async (step) => {
    if (isEncryptedCatalog(join(arch, 'archive.sqlite'))) await changeCatalogPassphrase(arch, PASS, null);
    expect(await killedRun('encrypt', step)).toBeNull();
    const encrypted = await check(`encrypt killed at ${step}`);
    // Before the rename the old catalog is in place; from it on, the new one.
    expect(encrypted).toBe(step === 'renamed');
    // The next writer removes the half-made copy (and its plain rollback journal) from tmp/.
    const w = await openArchive(arch, { write: true, passphrase: PASS });
    await w.close();
    expect(readdirSync(join(arch, 'tmp'))).toEqual([]);
  });

  it.each(['rekeyed', 'verified', 'renamed'])('decrypt killed at %s: the archive opens with every row', async (step) => {
    if (!isEncryptedCatalog(join(arch, 'archive.sqlite'))) await changeCatalogPassphrase(arch, null, PASS);
    expect(await killedRun('decrypt', step)).toBeNull();
    expect(await check(`decrypt killed at ${step}`)).toBe(step !== 'renamed');
  });
});
