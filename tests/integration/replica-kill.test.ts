// A `replica sync` killed with SIGKILL in the middle of writing a copy (issue 15 §3: each copy
// written under a temporary name, flushed, re-hashed, then renamed) leaves no part of an object
// under its final name; the next sync clears the leftover and writes the whole verified copy.
// Self-made files (one of 96 MiB, so that the kill lands while it is being written), never skips.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.ts';

describe('replica sync killed mid-copy', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-replica-kill-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('leaves no half object under its final name, and the next sync completes it', async () => {
    const archive = join(work, 'archive');
    const card = join(work, 'card');
    const replica = join(work, 'replica');
    mkdirSync(card);
    // Random bytes in 1 MiB blocks repeated: cheap to make, still one 96 MiB object to copy.
    const block = randomBytes(1 << 20);
    const big = Buffer.concat(Array.from({ length: 96 }, (_, i) => (i % 2 ? block : block.reverse())));
    writeFileSync(join(card, 'long-interview.mov'), big);
    const sha = createHash('sha256').update(big).digest('hex');
    const A = ['--archive', archive];
    expect(runCli(['ingest', card, '--threads', '1', ...A]).code).toBe(0);
    expect(runCli(['replica', 'add', replica, ...A]).code).toBe(0);
    const final = join(replica, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    const tmp = join(replica, 'tmp');

    const child = startCli(['replica', 'sync', ...A]);
    const exited = new Promise<void>((res) => child.on('exit', () => res()));
    // Kill as soon as the temporary copy has some bytes but not all of them.
    const deadline = Date.now() + 60_000;
    let killedAt = -1;
    while (Date.now() < deadline) {
      const partial = existsSync(tmp) ? readdirSync(tmp).find((n) => n.endsWith('.partial')) : undefined;
      const size = partial ? statSync(join(tmp, partial), { throwIfNoEntry: false })?.size ?? 0 : 0;
      if (size > 0 && size < big.length) {
        child.kill('SIGKILL');
        killedAt = size;
        break;
      }
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    await exited;
    expect(killedAt, 'the sync was killed while the copy was being written').toBeGreaterThan(0);
    // The half-written copy is only under its temporary name.
    expect(existsSync(final)).toBe(false);
    expect(readdirSync(tmp).filter((n) => n.endsWith('.partial'))).toHaveLength(1);

    const again = runCli(['replica', 'sync', ...A]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('1 copied');
    expect(readdirSync(tmp)).toEqual([]);
    expect(createHash('sha256').update(readFileSync(final)).digest('hex')).toBe(sha);
  }, 120_000);
});
