// Issue 15, hostile test round (fix15): the advice for an unrecorded change works
// (`repair ITEM --acknowledge`), and a whole archive is recovered from a replica with one command
// (`repair --all-damaged`), one custody event per item.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { makeCard } from '../helpers/color-card.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fix15-repair-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function archive(name: string, n: number) {
  const dir = join(work, name);
  const A = ['--archive', dir];
  makeCard(join(work, `${name}-card`), n, 100);
  expect((await runCli('ingest', join(work, `${name}-card`), ...A)).code).toBe(0);
  const items = await cliJson<{ id: number; sha256: string }[]>('list', '--json', ...A);
  return { dir, A, items };
}

const recoveries = (dir: string) => {
  const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
  try {
    return (db.prepare("SELECT item, detail FROM custody_events WHERE type = 'recovery' ORDER BY seq").all() as { item: string; detail: string }[]).map((r) => ({ item: r.item, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  } finally {
    db.close();
  }
};

describe.skipIf(!hasFfmpeg)('repair (fix15 4 and --all-damaged)', () => {
  it('an object put back by hand after a failed check can be acknowledged, as the advice says', async () => {
    const arc = await archive('ack', 2);
    const it0 = arc.items[0]!;
    const p = objectPath(join(arc.dir, 'objects'), it0.sha256);
    const original = readFileSync(p);
    rmSync(p, { force: true });
    expect((await runCli('verify', ...arc.A)).code).toBe(1);
    writeFileSync(p, original);
    const v = await runCli('verify', ...arc.A);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`record that with \`evidence repair ${it0.id} --acknowledge\``);
    // `repair` alone finds the copy intact and says how to record it.
    const plain = await runCli('repair', String(it0.id), ...arc.A);
    expect(plain.code).toBe(0);
    expect(plain.out).toContain(`evidence repair ${it0.id} --acknowledge`);
    const ack = await runCli('repair', String(it0.id), '--acknowledge', ...arc.A);
    expect(ack.code, ack.err).toBe(0);
    expect(ack.out).toMatch(/accepted, answering its check of \S+ \(unrecorded-change\); recorded in the custody log \(#\d+\)/u);
    expect(recoveries(arc.dir)).toEqual([{ item: it0.sha256, detail: expect.objectContaining({ acknowledged: true, verifiedBy: 'sha256', finding: expect.objectContaining({ kind: 'unrecorded-change' }) }) }]);
    const again = await runCli('repair', String(it0.id), '--acknowledge', ...arc.A);
    expect(again.out).toContain('nothing to acknowledge');
    expect(recoveries(arc.dir)).toHaveLength(1);
    const log = await runCli('log', '--item', String(it0.id), ...arc.A);
    expect(log.out).toContain('Acknowledged');
    const v2 = await runCli('verify', ...arc.A);
    expect(v2.code, v2.out).toBe(0);
    // A damaged copy is not acknowledged.
    chmodSync(p, 0o644);
    writeFileSync(p, Buffer.concat([original, Buffer.from('x')]));
    const bad = await runCli('repair', String(it0.id), '--acknowledge', ...arc.A);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('NOT acknowledged');
  }, 90_000);

  it('--all-damaged restores a lost objects/ folder from a replica, one recovery event per item', async () => {
    const arc = await archive('all', 4);
    const rep = join(work, 'all-replica');
    expect((await runCli('replica', 'add', rep, ...arc.A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    const none = await runCli('repair', '--all-damaged', ...arc.A);
    expect(none.code).toBe(0);
    expect(none.out).toContain('nothing to repair');
    rmSync(join(arc.dir, 'objects'), { recursive: true, force: true });
    const lost = await runCli('verify', ...arc.A);
    expect(lost.code).toBe(1);
    expect(lost.out).toContain('FAILED: of 4 items, 0 re-hashed (0 B), 4 could not be read (missing or unreadable), 4 problems');
    const r = await runCli('repair', '--all-damaged', ...arc.A);
    expect(r.code, r.err + r.out).toBe(0);
    expect(r.out).toContain('4 damaged items: 4 repaired, 0 already intact, 0 not repaired');
    const ev = recoveries(arc.dir);
    expect(ev.map((e) => e.item).sort()).toEqual(arc.items.map((i) => i.sha256).sort());
    expect(ev.every((e) => (e.detail.restoredFrom as { replica?: string }).replica === 'all-replica')).toBe(true);
    const v = await runCli('verify', ...arc.A);
    expect(v.code, v.out).toBe(0);
    expect(v.out).not.toContain('NOTE');
    expect((await runCli('repair', '--all-damaged', '7', ...arc.A)).code).toBe(2);
    expect((await runCli('repair', ...arc.A)).code).toBe(2);
  }, 90_000);
});

describe.skipIf(!hasFfmpeg)('replicas (fix15 5)', () => {
  it('a folder inside the archive is refused when reached through a symbolic link; `replica remove` forgets one and records it', async () => {
    const arc = await archive('link', 1);
    symlinkSync(arc.dir, join(work, 'arclink'));
    const viaLink = await runCli('replica', 'add', join(work, 'arclink', 'newsub'), ...arc.A);
    expect(viaLink.code).toBe(2);
    expect(viaLink.err).toContain('a replica must be outside the archive folder');
    expect(existsSync(join(arc.dir, 'newsub'))).toBe(false);
    const linkItself = await runCli('replica', 'add', join(work, 'arclink'), ...arc.A);
    expect(linkItself.code).toBe(2);
    const rep = join(work, 'link-replica');
    expect((await runCli('replica', 'add', rep, ...arc.A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    const rm = await runCli('replica', 'remove', 'link-replica', ...arc.A);
    expect(rm.code, rm.err).toBe(0);
    expect(rm.out).toMatch(/^Replica “link-replica” removed: it no longer counts as a copy \(1 copy was recorded in it\); recorded in the custody log \(#\d+\)\./u);
    expect(existsSync(join(rep, 'evidence-replica.json'))).toBe(true);
    expect(await cliJson('replica', 'list', '--json', ...arc.A)).toEqual([]);
    const log = await runCli('log', '--type', 'replication', ...arc.A);
    expect(log.out).toContain('Replica “link-replica” removed from the archive');
    expect((await runCli('replica', 'remove', 'link-replica', ...arc.A)).code).toBe(2);
    // Removed, its folder can be added back (adopted: the marker names this archive).
    expect((await runCli('replica', 'add', rep, ...arc.A)).code).toBe(0);
  }, 90_000);
});

describe.skipIf(!hasFfmpeg)('a replica emptied behind the archive (fix15 13)', () => {
  it('an empty folder given the marker file is reported as a replica that lost its copies, not silently refilled', async () => {
    const arc = await archive('gone', 3);
    const rep = join(work, 'gone-replica');
    expect((await runCli('replica', 'add', rep, ...arc.A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    renameSync(rep, `${rep}-moved`);
    mkdirSync(rep);
    copyFileSync(join(`${rep}-moved`, 'evidence-replica.json'), join(rep, 'evidence-replica.json'));
    const s = await runCli('replica', 'sync', ...arc.A);
    expect(s.code).toBe(1);
    expect(s.out).toContain('PROBLEM: replica "gone-replica" had lost 3 copies that were recorded in it');
    const again = await runCli('replica', 'sync', ...arc.A);
    expect(again.code).toBe(0);
    expect(again.out).not.toContain('PROBLEM');
  }, 90_000);
});

describe.skipIf(!hasFfmpeg)('show and log in Russian (fix15 11)', () => {
  it('the last check, the event types and an item\'s pass in a run', async () => {
    const arc = await archive('langs', 1);
    expect((await runCli('verify', ...arc.A)).code).toBe(0);
    const id = String(arc.items[0]!.id);
    const show = await runCli('--lang', 'ru', 'show', id, ...arc.A);
    expect(show.out).toMatch(/^посл\. проверка +\S+ {2}пройдена {2}\(запуск \d+, строка журнала #\d+\)$/mu);
    expect(show.out).not.toContain('custody row');
    expect(show.out).not.toMatch(/ {2}ingestion {2}/u);
    const log = await runCli('--lang', 'ru', 'log', '--item', id, ...arc.A);
    expect(log.out).toMatch(/Проверка целостности: ПРОЙДЕНА в запуске проверки \d+ \(весь архив, /u);
    expect(log.out).not.toContain('Integrity check: PASSED');
  }, 60_000);
});
