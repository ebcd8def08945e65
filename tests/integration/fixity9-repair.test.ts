// fixity9 §6: `repair --all-damaged` lists the items whose last check FAILED as an unrecorded
// change (a copy put back by hand) and points to `repair ITEM --acknowledge`, instead of "nothing
// to repair"; `repair --from` a symbolic link records the real file it led to (resolvedPath).
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity9-repair-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

const objectIn = (root: string, sha: string) => join(root, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
interface Listed { id: number; sha256: string; sources: { name: string }[] }

function flip(path: string): Buffer {
  chmodSync(path, 0o644);
  const original = readFileSync(path);
  const b = Buffer.from(original);
  b[0] = b[0]! ^ 1;
  writeFileSync(path, b);
  return original;
}

describe('repair after a copy was put back by hand, and from a link (fixity9 §6)', () => {
  it('repair --all-damaged lists an unrecorded change and points to --acknowledge; --from a link records the real file', async () => {
    const archive = join(work, 'archive');
    const card = join(work, 'card');
    const A = ['--archive', archive];
    mkdirSync(card);
    for (const n of ['A.bin', 'B.bin']) writeFileSync(join(card, n), Buffer.from(`${n}: ${n.repeat(60)}`));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    const items = await cliJson<Listed[]>('list', '--json', ...A);
    const a = items.find((i) => i.sources[0]!.name === 'A.bin')!;
    const b = items.find((i) => i.sources[0]!.name === 'B.bin')!;

    // A: damaged, found so, then put back by hand.
    const ownA = objectIn(archive, a.sha256);
    const original = flip(ownA);
    expect((await runCli('verify', ...A)).code).toBe(1);
    writeFileSync(ownA, original);
    const v = await runCli('verify', ...A);
    expect(v.code).toBe(1);
    expect(v.out).toContain('unrecorded change');
    const show = await cliJson<{ lastCheck: { status: string } }>('show', String(a.id), '--json', ...A);
    expect(show.lastCheck.status).toBe('FAILED');
    const all = await runCli('repair', '--all-damaged', ...A);
    expect(all.out).not.toContain("No item's last fixity check failed");
    expect(all.out).toContain(`A.bin (item ${a.id}): its last fixity check FAILED as an unrecorded change`);
    expect(all.out).toContain(`evidence repair ${a.id} --acknowledge`);
    expect(all.code).toBe(1);
    const json = JSON.parse((await runCli('repair', '--all-damaged', '--json', ...A)).out) as { itemId: number; status: string }[];
    expect(json).toEqual([expect.objectContaining({ itemId: a.id, status: 'unrecorded-change' })]);
    expect((await runCli('repair', String(a.id), '--acknowledge', ...A)).code).toBe(0);
    const after = await runCli('repair', '--all-damaged', ...A);
    expect(after.out).toContain("No item's last fixity check failed");

    // B: repaired from a symbolic link to the card's original.
    flip(objectIn(archive, b.sha256));
    const link = join(work, 'link-to-B');
    symlinkSync(join(card, 'B.bin'), link);
    const r = await runCli('repair', String(b.id), '--from', link, ...A);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain(`(a symbolic link to ${realpathSync(join(card, 'B.bin'))}, which was read)`);
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    try {
      const d = JSON.parse(db.prepare("SELECT detail FROM custody_events WHERE type = 'recovery' AND item = ? ORDER BY seq DESC LIMIT 1").pluck().get(b.sha256) as string) as { restoredFrom: Record<string, unknown> };
      expect(d.restoredFrom).toEqual({ kind: 'file', fileName: 'link-to-B', sourcePath: link, resolvedPath: realpathSync(join(card, 'B.bin')) });
    } finally {
      db.close();
    }
  }, 90_000);
});
