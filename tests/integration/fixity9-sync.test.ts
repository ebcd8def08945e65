// fixity9 §2: `replica sync` that finds the archive's own copy damaged refuses to copy it, and
// says only that: the copy the replica lost is not counted "written again"; the failure carries
// its reason and the SHA-256 found; and the damaged archive copy is recorded against the item as
// a failed fixity check (PREMIS `fixity check`, outcome fail, finding), so `show` and
// `repair --all-damaged` see it.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity9-sync-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

const objectIn = (root: string, sha: string) => join(root, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);

interface Listed { id: number; sha256: string; sources: { name: string }[] }
interface Failed { itemId: number; sha256: string; reason: string; finding?: { kind: string; found?: { sha256: string } }; fixityEventSeq?: number; lostInReplica?: boolean }

describe('replica sync and a damaged archive copy (fixity9 §2)', () => {
  it('does not call the lost copy written again, records the failed check, and repair --all-damaged sees it', async () => {
    const archive = join(work, 'archive');
    const card = join(work, 'card');
    const replica = join(work, 'replica');
    const A = ['--archive', archive];
    mkdirSync(card);
    for (const n of ['A.bin', 'B.bin', 'C.bin']) writeFileSync(join(card, n), Buffer.from(`${n}: evidence bytes ${n.repeat(50)}`));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    expect((await runCli('replica', 'add', replica, '--name', 'drive-b', ...A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...A)).code).toBe(0);
    const item = (await cliJson<Listed[]>('list', '--json', ...A)).find((i) => i.sources[0]!.name === 'B.bin')!;
    // The replica loses its copy; the archive's own copy is damaged.
    rmSync(objectIn(replica, item.sha256));
    const own = objectIn(archive, item.sha256);
    chmodSync(own, 0o644);
    const b = readFileSync(own);
    b[3] = b[3]! ^ 1;
    writeFileSync(own, b);
    const found = createHash('sha256').update(b).digest('hex');

    const s = await runCli('replica', 'sync', '--json', ...A);
    expect(s.code).toBe(1);
    const [rep] = (JSON.parse(s.out) as { reports: { vanished: number; vanishedItems: unknown[]; copied: number; failed: Failed[] }[] }).reports;
    expect(rep).toMatchObject({ vanished: 0, vanishedItems: [], copied: 0 });
    expect(rep!.failed).toHaveLength(1);
    expect(rep!.failed[0]).toMatchObject({ itemId: item.id, sha256: item.sha256, finding: { kind: 'altered', found: { sha256: found } }, lostInReplica: true });
    expect(rep!.failed[0]!.reason).toContain(`SHA-256 found ${found}`);

    // The text: only the failure, never "written again".
    const text = await runCli('replica', 'sync', ...A);
    expect(text.code).toBe(1);
    expect(text.out).not.toContain('written again');
    expect(text.out).toContain(`the archive's own copy is damaged`);
    expect(text.out).toMatch(new RegExp(`recorded as a failed fixity check of item ${item.id} \\(custody row #\\d+\\)`, 'u'));

    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    try {
      const ev = JSON.parse(db.prepare("SELECT detail FROM custody_events WHERE type = 'replication' ORDER BY seq DESC LIMIT 1").pluck().get() as string) as Record<string, unknown>;
      expect(ev.vanished).toBeUndefined();
      expect(ev.failedItems).toMatchObject([{ item: item.sha256, itemId: item.id, foundSha256: found, lostInReplica: true }]);
      expect((ev.failedItems as { reason: string }[])[0]!.reason).toContain('damaged');
      const fx = db.prepare("SELECT detail FROM custody_events WHERE type = 'fixity check' AND item = ? ORDER BY seq").pluck().all(item.sha256) as string[];
      expect(fx.length).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(fx[0]!)).toMatchObject({ outcome: 'fail', checkedBy: 'replica sync', finding: { kind: 'altered', expected: { sha256: item.sha256 }, found: { sha256: found } } });
    } finally {
      db.close();
    }

    const show = await cliJson<{ lastCheck: { status: string; outcome: string } }>('show', String(item.id), '--json', ...A);
    expect(show.lastCheck).toMatchObject({ status: 'FAILED', outcome: 'altered' });
    const all = await runCli('repair', '--all-damaged', '--json', ...A);
    const results = JSON.parse(all.out) as { itemId: number; status: string }[];
    // No replica holds a good copy (drive-b lost it): listed, not repaired.
    expect(results).toMatchObject([{ itemId: item.id, status: 'no-good-copy' }]);
    expect(all.code).toBe(1);
  }, 90_000);
});
