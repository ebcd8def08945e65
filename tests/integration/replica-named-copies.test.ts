// Issue 15 §3: a replica check or sync says WHICH copies are missing, altered or lost — by item
// id, original file name and path in the replica — in its custody event, in the `evidence log`
// line (the first few, then "and N more") and in the human output (capped, with how many more);
// `--json` lists them all. Self-made files, so it never skips.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

interface Listed { id: number; sha256: string; sources: { name: string }[] }
interface LogJson { events: CustodyEvent[] }
interface Problem { itemId: number; sha256: string; fileName: string | null; path: string; kind: string }

const rel = (sha: string) => `objects/sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;

describe('replica check and sync name the copies they found wrong', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-replica-named-'));
  const archive = join(work, 'archive');
  const card = join(work, 'card');
  const rep = join(work, 'drive-b');
  const A = ['--archive', archive];
  // 25 files: more than the 20 lines a human listing shows and the 5 a log sentence names.
  const names = ['Показания Айгүл.txt', ...Array.from({ length: 24 }, (_, i) => `IMG_${String(i + 1).padStart(4, '0')}.JPG`)];
  const item: Record<string, { id: number; sha: string }> = {};

  beforeAll(async () => {
    mkdirSync(card);
    names.forEach((n, i) => writeFileSync(join(card, n), `file ${i} of the card: ${n}\n`));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, '--threads', '1', ...A)).code).toBe(0);
    for (const it of await cliJson<Listed[]>('list', '--json', ...A)) item[it.sources[0]!.name] = { id: it.id, sha: it.sha256 };
    expect((await runCli('replica', 'add', rep, '--name', 'drive-b', ...A)).code).toBe(0);
    expect((await runCli('replica', 'sync', 'drive-b', ...A)).code).toBe(0);
  });

  it('verify --replicas: the event names each failed copy, the log line the first five and how many more, the output 20 and how many more', async () => {
    const altered = join(rep, rel(item['IMG_0001.JPG']!.sha));
    chmodSync(altered, 0o644);
    writeFileSync(altered, Buffer.concat([readFileSync(altered), Buffer.from('x')]));
    for (const n of names) if (n !== 'IMG_0001.JPG') rmSync(join(rep, rel(item[n]!.sha)));

    const v = await runCli('verify', '--replicas', ...A);
    expect(v.code).toBe(1);
    const fails = v.out.split('\n').filter((l) => l.startsWith('FAIL replica "drive-b"'));
    expect(fails).toHaveLength(20);
    expect(v.out).toContain('… and 5 more (`evidence verify --replicas --json` lists them all)');
    const inOrder = [...names].sort((a, b) => item[a]!.id - item[b]!.id); // the check goes by item id
    expect(fails[0]).toContain(`FAIL replica "drive-b": ${inOrder[0]!} (item ${item[inOrder[0]!]!.id}): copy `);
    expect(v.out).not.toContain(`${inOrder[20]!} (item`);

    const json = JSON.parse((await runCli('verify', '--replicas', '--json', ...A)).out) as { replicas: { replicas: { problems: Problem[] }[] } };
    const problems = json.replicas.replicas[0]!.problems;
    expect(problems).toHaveLength(25);
    expect(problems.find((p) => p.fileName === 'IMG_0001.JPG')).toMatchObject({ itemId: item['IMG_0001.JPG']!.id, kind: 'altered', path: rel(item['IMG_0001.JPG']!.sha) });

    const ev = (await cliJson<LogJson>('log', '--json', ...A)).events.filter((e) => e.type === 'fixity check' && e.detail.scope === 'replica').at(-1)!;
    const failed = ev.detail.failedItems as Record<string, unknown>[];
    expect(failed).toHaveLength(25);
    expect(ev.detail.failedItemsOmitted).toBeUndefined();
    expect(failed.find((f) => f.fileName === 'IMG_0001.JPG')).toMatchObject({ item: item['IMG_0001.JPG']!.sha, itemId: item['IMG_0001.JPG']!.id, path: rel(item['IMG_0001.JPG']!.sha), kind: 'altered' });
    expect(failed.find((f) => f.fileName === 'Показания Айгүл.txt')).toEqual({ item: item['Показания Айгүл.txt']!.sha, itemId: item['Показания Айгүл.txt']!.id, fileName: 'Показания Айгүл.txt', path: rel(item['Показания Айгүл.txt']!.sha), kind: 'missing' });

    const line = (await runCli('log', '--type', 'fixity check', ...A)).out.trimEnd().split('\n').at(-1)!;
    expect(line).toContain('Replica “drive-b” checked: FAILED, 25 of 25 copies missing or altered. The copies: ');
    const first = failed[0]!;
    expect(line).toContain(`${String(first.fileName)} (item ${String(first.itemId)}, ${String(first.kind)}); `);
    expect(line).toMatch(/ and 20 more\.$/u);
    expect(line.split('(item ').length - 1).toBe(5);
  });

  it('replica sync: the copies the replica had lost are named in the output, the event and the log line', async () => {
    expect((await runCli('replica', 'sync', 'drive-b', ...A)).code).toBe(0); // rewrites what verify found
    const lost = ['IMG_0002.JPG', 'IMG_0003.JPG'].sort((a, b) => item[a]!.id - item[b]!.id); // sync goes by item id
    for (const n of lost) rmSync(join(rep, rel(item[n]!.sha)));

    const s = await runCli('replica', 'sync', 'drive-b', ...A);
    expect(s.code).toBe(1);
    for (const n of lost) expect(s.out).toContain(`  lost: ${n} (item ${item[n]!.id}), ${rel(item[n]!.sha)} in the replica`);

    const ev = (await cliJson<LogJson>('log', '--json', '--type', 'replication', ...A)).events.at(-1)!;
    expect(ev.detail).toMatchObject({ action: 'replica sync', vanished: 2, vanishedItems: lost.map((n) => ({ item: item[n]!.sha, itemId: item[n]!.id, fileName: n, path: rel(item[n]!.sha) })) });
    const line = (await runCli('log', '--type', 'replication', ...A)).out.trimEnd().split('\n').at(-1)!;
    expect(line).toContain(`Copies it had lost (written again): ${lost.map((n) => `${n} (item ${item[n]!.id})`).join('; ')}.`);
  });
});
