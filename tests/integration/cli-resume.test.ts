// What a re-run may skip without reading: only a file provably unchanged since it was ingested.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Report { counts: { added: number; duplicate: number }; files: { status: string; sha256: string; reason?: string }[] }

describe('re-running ingest', () => {
  it('reads a file again when its content was replaced in place with the same size and mtime', () => {
    const f = join(work, 'IMG_0001.JPG');
    writeFileSync(f, randomBytes(4096));
    utimesSync(f, 1620123300, 1620123300); // whole seconds, so the same mtime can be set again exactly
    const archive = join(work, 'a1');
    const first = runCliJson<Report>(['ingest', f, '--archive', archive, '--json']).json;
    const before = statSync(f, { bigint: true });
    writeFileSync(f, randomBytes(4096)); // a reset card clock or a rewrite: same name, same size
    utimesSync(f, 1620123300, 1620123300); // and the old modification time put back
    const after = statSync(f, { bigint: true });
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.size).toBe(before.size);
    const second = runCliJson<Report>(['ingest', f, '--archive', archive, '--json']).json;
    const sha = spawnSync('sha256sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0];
    expect(second.files[0]).toMatchObject({ status: 'added', sha256: sha });
    expect(second.files[0]!.sha256).not.toBe(first.files[0]!.sha256);
  });

  it('skips an unchanged file without reading it, and says why', () => {
    const f = join(work, 'IMG_0002.JPG');
    writeFileSync(f, randomBytes(4096));
    const archive = join(work, 'a2');
    runCliJson<Report>(['ingest', f, '--archive', archive, '--json']);
    const again = runCliJson<Report>(['ingest', f, '--archive', archive, '--json']).json;
    expect(again.files[0]!.status).toBe('duplicate');
    expect(again.files[0]!.reason).toMatch(/already ingested from this path/);
  });

  it('computes digests a later run asks for, for files already in the archive', () => {
    const f = join(work, 'interview.wav');
    writeFileSync(f, randomBytes(10_000));
    const archive = join(work, 'a3');
    const first = runCliJson<Report>(['ingest', f, '--archive', archive, '--json']).json;
    const sha = first.files[0]!.sha256;
    const show1 = runCliJson<{ digests: Record<string, string> }>(['show', sha.slice(0, 12), '--archive', archive, '--json']).json;
    expect(Object.keys(show1.digests)).toEqual(['sha256']);
    runCliJson<Report>(['ingest', f, '--archive', archive, '--digests', 'md5,sha1', '--json']);
    const show2 = runCliJson<{ digests: Record<string, string>; custody: { type: string }[] }>(['show', sha.slice(0, 12), '--archive', archive, '--json']).json;
    expect(show2.digests.md5).toBe(spawnSync('md5sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0]);
    expect(show2.digests.sha1).toBe(spawnSync('sha1sum', [f], { encoding: 'utf8' }).stdout.split(' ')[0]);
    expect(show2.custody.filter((e) => e.type === 'message digest calculation')).toHaveLength(2);
  });
});
