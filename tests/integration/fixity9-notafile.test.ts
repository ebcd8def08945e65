// fixity9 §4: what stood at a copy's place when it was not a file is said, never only "missing":
// `repair` and `log` name the symbolic link (and where it pointed) or the folder; `verify
// --replicas` says a replica copy that is a symbolic link is a link, not a second copy (not the
// ingest's "has become a symbolic link since the folder was listed"), and `replica sync` writes a
// real copy in its place instead of adopting the link.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity9-notafile-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

const objectIn = (root: string, sha: string) => join(root, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
interface Listed { id: number; sha256: string; sources: { name: string }[] }

describe('something other than a file at a copy\'s place (fixity9 §4)', () => {
  it('repair and log say a symbolic link or a folder stood there; verify --replicas calls a linked replica copy a link', async () => {
    const archive = join(work, 'archive');
    const card = join(work, 'card');
    const replica = join(work, 'replica');
    const A = ['--archive', archive];
    mkdirSync(card);
    for (const n of ['A.bin', 'B.bin', 'C.bin']) writeFileSync(join(card, n), Buffer.from(`${n}: ${n.repeat(40)}`));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    expect((await runCli('replica', 'add', replica, '--name', 'drive-b', ...A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...A)).code).toBe(0);
    const items = await cliJson<Listed[]>('list', '--json', ...A);
    const byName = (n: string) => items.find((i) => i.sources[0]!.name === n)!;

    // A: the archive's object replaced by a symbolic link to the replica's copy.
    const a = byName('A.bin');
    const ownA = objectIn(archive, a.sha256);
    unlinkSync(ownA);
    symlinkSync(objectIn(replica, a.sha256), ownA);
    const ra = await runCli('repair', String(a.id), ...A);
    expect(ra.code, ra.out + ra.err).toBe(0);
    expect(ra.out).toContain(`the archive's copy was not a file: a symbolic link to ${objectIn(replica, a.sha256)} stood in its place`);
    expect(lstatSync(ownA).isFile()).toBe(true);
    const la = await runCli('log', '--item', String(a.id), '--type', 'recovery', ...A);
    expect(la.out).toContain('had been replaced by a symbolic link (to ');
    expect(la.out).not.toMatch(/stored copy was missing/u);

    // B: a folder at the object's place.
    const b = byName('B.bin');
    const ownB = objectIn(archive, b.sha256);
    chmodSync(ownB, 0o644);
    unlinkSync(ownB);
    mkdirSync(ownB);
    const rb = await runCli('--lang', 'ru', 'repair', String(b.id), ...A);
    expect(rb.code, rb.out + rb.err).toBe(0);
    expect(rb.out).toContain('не файлом: на её месте была папка');
    const lb = await runCli('log', '--item', String(b.id), '--type', 'recovery', ...A);
    expect(lb.out).toContain('had been replaced by a folder');

    // C: the replica's copy replaced by a symbolic link to a file of the same content elsewhere.
    const c = byName('C.bin');
    const repC = objectIn(replica, c.sha256);
    const elsewhere = join(work, 'elsewhere.bin');
    copyFileSync(repC, elsewhere);
    chmodSync(repC, 0o644);
    unlinkSync(repC);
    symlinkSync(elsewhere, repC);
    const v = await runCli('verify', '--replicas', ...A);
    expect(v.code).toBe(1);
    expect(v.out).not.toContain('has become a symbolic link since the folder was listed');
    expect(v.out).toContain(`FAIL replica "drive-b": C.bin (item ${c.id}): the copy is a symbolic link (to ${elsewhere}), not a second copy`);
    const s = await runCli('replica', 'sync', ...A);
    expect(s.code, s.out + s.err).toBe(0);
    expect(lstatSync(repC).isFile()).toBe(true);
    expect((await runCli('verify', '--replicas', ...A)).code).toBe(0);
  }, 90_000);
});
