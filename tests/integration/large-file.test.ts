// Files from 64 MiB up take the two-thread verified copy (kernel copy, then source and copy hashed
// at once): same guarantees as the one-task path for small files, checked on a real file.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LARGE_FILE_BYTES } from '../../electron/core/ingest/pool.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-large-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a large file', () => {
  it('is stored byte for byte with all requested digests, and the archive verifies', () => {
    const f = join(work, 'MVI_0001.MOV');
    const fd = openSync(f, 'w');
    const chunk = randomBytes(1 << 20);
    for (let i = 0; i < LARGE_FILE_BYTES / chunk.length + 3; i++) writeSync(fd, chunk);
    closeSync(fd);
    const before = statSync(f);
    const archive = join(work, 'archive');
    const r = runCliJson<{ files: { status: string; sha256: string; bytes: number }[] }>(['ingest', f, '--archive', archive, '--digests', 'md5', '--threads', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const sha = spawnSync('sha256sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0]!;
    expect(r.json.files[0]).toMatchObject({ status: 'added', sha256: sha, bytes: before.size });
    const show = runCliJson<{ digests: Record<string, string> }>(['show', sha.slice(0, 12), '--archive', archive, '--json']).json;
    expect(show.digests.md5).toBe(spawnSync('md5sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0]);
    const obj = join(archive, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    expect(spawnSync('sha256sum', [obj], { encoding: 'utf8' }).stdout.split(' ')[0]).toBe(sha);
    expect(readdirSync(join(archive, 'tmp'))).toEqual([]);
    expect(statSync(f).mtimeMs).toBe(before.mtimeMs);
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
  });
});
