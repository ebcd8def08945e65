// Ctrl-C stops `verify-bag` (a hostile tester's finding: it went on hashing a bag of hours of
// video after the interrupt message). The check stops within one read chunk and says so.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-bag-int-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('verify-bag stops soon after SIGINT, reports the interrupt and exits 1', async () => {
  const bag = join(work, 'bag');
  mkdirSync(join(bag, 'data'), { recursive: true });
  writeFileSync(join(bag, 'bagit.txt'), 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
  // 64 GiB of zeros (a sparse file: no disk used) take a minute to hash here; the manifest's digest is wrong anyway.
  const big = join(bag, 'data', 'interview.mov');
  writeFileSync(big, '');
  truncateSync(big, 64 * 1024 ** 3);
  writeFileSync(join(bag, 'manifest-sha256.txt'), `${'0'.repeat(64)}  data/interview.mov\n`);
  const child = startCli(['verify-bag', bag]);
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const started = Date.now();
  setTimeout(() => child.kill('SIGINT'), 1500);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
  const took = Date.now() - started;
  expect(code).toBe(1);
  expect(err).toContain('evidence: interrupted; nothing half-done was recorded. Run the same command again.');
  // Stopped, not finished: no verdict on the bag was printed.
  expect(out).not.toMatch(/VALID|FAIL/);
  expect(took).toBeLessThan(30_000);
}, 120_000);
