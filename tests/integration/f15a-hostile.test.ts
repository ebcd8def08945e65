// Issue 15, hostile tester's second round (f15a): a resumed run never records an older pass over
// a newer failure; an object that is not a regular file fails verify; a hard-linked replica copy
// is not a second copy; a damaged catalog index fails verify; a repair made while a run was
// paused is not an unrecorded change; `repair --all-damaged` carries on past a file-system error.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { objectPath, openArchive } from '../../electron/core/archive.ts';
import type { FixityReport } from '../../electron/core/verify/fixity.ts';
import { createRun, dbRunStore, type ItemResult } from '../../electron/core/verify/runs.ts';
import { resolveScope, selectItems } from '../../electron/core/verify/scope.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-f15a-'));
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Arc { dir: string; A: string[]; items: { id: number; sha256: string }[]; cards: string[] }

/** An archive of one small file per card in `cards` (name → content), ingested card by card, without previews. */
async function archive(name: string, cards: Record<string, string | Buffer>[]): Promise<Arc> {
  const dir = join(work, name);
  const A = ['--archive', dir];
  const paths: string[] = [];
  for (const [i, files] of cards.entries()) {
    const card = join(work, `${name}-card${i + 1}`);
    mkdirSync(card);
    for (const [f, body] of Object.entries(files)) writeFileSync(join(card, f), body);
    paths.push(card);
    const r = await runCli('ingest', card, '--no-previews', ...A);
    expect(r.code, r.err).toBe(0);
  }
  const items = (await cliJson<{ id: number; sha256: string }[]>('list', '--json', ...A)).sort((a, b) => a.id - b.id);
  return { dir, A, items, cards: paths };
}

/**
 * A whole-archive run paused (Ctrl-C) after checking the items of `checked`, as the catalog keeps
 * it: what verifyArchive leaves when stopped there (a real stop lands wherever the hashing is, too
 * late or too early to test a given item's outcome at will). Each item is really checked: its
 * outcome is what its object holds now.
 */
async function pausedRun(dir: string, checked: number[]): Promise<number> {
  const a = await openArchive(dir, { write: true });
  try {
    const run = createRun(a.db, 'A. Usenova', resolveScope({}), selectItems(a.db, resolveScope({})));
    const store = dbRunStore(a.db, run);
    const pending = store.pending(-1, 1000).filter((p) => checked.includes(p.id));
    store.save(pending.map((p) => {
      const ok = createHash('sha256').update(readFileSync(objectPath(a.objectsDir, p.sha256))).digest('hex') === p.sha256;
      return { ...p, checkedAt: new Date().toISOString(), outcome: ok ? 'pass' : 'altered', ...(ok ? {} : { reason: `item ${p.id}: content altered`, finding: { kind: 'altered', object: 'x' } }) } as ItemResult;
    }));
    return run.id;
  } finally {
    await a.close();
  }
}

/** The item holding `content`. */
const itemOf = (arc: Arc, content: string) => arc.items.find((i) => i.sha256 === createHash('sha256').update(content).digest('hex'))!;

function tamper(dir: string, sha256: string, body = 'tampered\n'): void {
  const o = objectPath(join(dir, 'objects'), sha256);
  chmodSync(o, 0o644);
  writeFileSync(o, body);
}

const sql = <T>(dir: string, q: string, ...args: unknown[]): T[] => {
  const db = new Database(join(dir, 'archive.sqlite'), { readonly: true });
  try {
    return db.prepare(q).all(...args) as T[];
  } finally {
    db.close();
  }
};

describe('f15a 1 and 4: a resumed run and the checks and repairs made while it was paused', () => {
  it('a pass recorded before the object was altered is checked again, never reported over the newer failure (r4)', async () => {
    const arc = await archive('r4', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    const one = itemOf(arc, 'photo one\n');
    const runId = await pausedRun(arc.dir, [one.id]);
    expect(sql<{ outcome: string }>(arc.dir, 'SELECT outcome FROM verify_run_items WHERE run_id = ? AND item_id = ?', runId, one.id)[0]?.outcome).toBe('pass');
    tamper(arc.dir, one.sha256);
    const single = await runCli('verify', '--item', String(one.id), ...arc.A);
    expect(single.code).toBe(1);
    const resumed = await runCli('verify', '--json', ...arc.A);
    const j = JSON.parse(resumed.out) as FixityReport;
    expect(j.run).toMatchObject({ id: runId, resumed: true });
    expect(resumed.code).toBe(1);
    expect(j.ok).toBe(false);
    expect(j.problems.filter((p) => p.itemId === one.id).map((p) => p.kind)).toEqual(['altered']);
    const show = await runCli('show', String(one.id), ...arc.A);
    expect(show.out).toMatch(/last check.*FAILED/iu);
    const rep = await runCli('repair', '--all-damaged', '--from', join(arc.cards[0]!, 'a.jpg'), ...arc.A);
    expect(rep.out).toContain('repaired');
    const after = await runCli('verify', '--item', String(one.id), ...arc.A);
    expect(after.code, after.out + after.err).toBe(0);
  }, 60_000);

  it('a repair made while the run was paused is re-checked, and is no unrecorded change (r1)', async () => {
    const arc = await archive('r1', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    const one = itemOf(arc, 'photo one\n');
    tamper(arc.dir, one.sha256);
    const runId = await pausedRun(arc.dir, [one.id]);
    expect(sql<{ outcome: string }>(arc.dir, 'SELECT outcome FROM verify_run_items WHERE run_id = ? AND item_id = ?', runId, one.id)[0]?.outcome).toBe('altered');
    const rep = await runCli('repair', String(one.id), '--from', join(arc.cards[0]!, 'a.jpg'), ...arc.A);
    expect(rep.code, rep.out + rep.err).toBe(0);
    const resumed = await runCli('verify', ...arc.A);
    expect(resumed.out).not.toMatch(/^FAIL/mu);
    expect(resumed.code, resumed.out).toBe(0);
    const again = await runCli('verify', '--item', String(one.id), ...arc.A);
    expect(again.out).not.toContain('unrecorded');
    expect(again.code, again.out).toBe(0);
    const log = await runCli('log', '--item', String(one.id), '--json', ...arc.A);
    expect(log.out).not.toContain('"kind": "unrecorded-change"');
  }, 60_000);

  it('a recovery recorded after a failed check was made, though before its event was appended, answers that failure', async () => {
    const arc = await archive('r1b', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    const one = itemOf(arc, 'photo one\n');
    tamper(arc.dir, one.sha256);
    expect((await runCli('verify', ...arc.A)).code).toBe(1);
    expect((await runCli('repair', String(one.id), '--from', join(arc.cards[0]!, 'a.jpg'), ...arc.A)).code).toBe(0);
    // As an older version (or a run recording late) leaves it: the failure's event after the recovery, its check before it.
    const db = new Database(join(arc.dir, 'archive.sqlite'));
    const rec = db.prepare("SELECT seq, at FROM custody_events WHERE type = 'recovery'").get() as { seq: number; at: string };
    db.prepare('UPDATE item_fixity SET event_seq = ?, checked_at = ? WHERE item_id = ?').run(rec.seq + 1, new Date(Date.parse(rec.at) - 60_000).toISOString(), one.id);
    db.close();
    const r = await runCli('verify', '--item', String(one.id), ...arc.A);
    expect(r.out).not.toContain('unrecorded');
    expect(r.code, r.out).toBe(0);
  }, 90_000);
});

describe('f15a 2: an object that is not a regular file', () => {
  it('a symbolic link in the store fails verify and is restored by repair; a hard-linked replica copy is no second copy (r2)', async () => {
    const arc = await archive('r2', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    const [one, two] = [itemOf(arc, 'photo one\n'), itemOf(arc, 'photo two\n')];
    const rep = join(work, 'r2-rep');
    expect((await runCli('replica', 'add', rep, '--name', 'drive-b', ...arc.A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    const o = objectPath(join(arc.dir, 'objects'), one.sha256);
    const repCopy = objectPath(join(rep, 'objects'), one.sha256);
    rmSync(o);
    symlinkSync(repCopy, o);
    const v = await runCli('verify', ...arc.A);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`is a symbolic link to ${repCopy}, not a file held by the archive`);
    // Headed as what it is, not as a plain "missing" (the Item screen says the same).
    expect(v.out).toMatch(new RegExp(`^FAIL not a file: item ${one.id} “a\\.jpg”$`, 'mu'));
    expect(v.out).not.toContain('NOTE');
    const r = await runCli('repair', String(one.id), ...arc.A);
    expect(r.code, r.out + r.err).toBe(0);
    expect((await runCli('verify', ...arc.A)).code).toBe(0);

    const o2 = objectPath(join(arc.dir, 'objects'), two.sha256);
    const rep2 = objectPath(join(rep, 'objects'), two.sha256);
    rmSync(rep2);
    linkSync(o2, rep2);
    const vr = await runCli('verify', '--replicas', '--json', ...arc.A);
    expect(vr.code).toBe(1);
    const problems = (JSON.parse(vr.out) as { replicas: { replicas: { problems: { itemId: number; kind: string }[] }[] } }).replicas.replicas[0]!.problems;
    expect(problems).toEqual([expect.objectContaining({ itemId: two.id, kind: 'same-file' })]);
    const human = await runCli('verify', '--replicas', ...arc.A);
    expect(human.out).toContain('the same file as the archive');
    // `replica sync` then writes a copy of its own, never adopting the link.
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    expect(statSync(rep2).ino).not.toBe(statSync(o2).ino);
    expect((await runCli('verify', '--replicas', ...arc.A)).code).toBe(0);
  }, 90_000);

  it('a folder at an object address is called a folder', async () => {
    const arc = await archive('dir', [{ 'a.jpg': 'photo one\n' }]);
    const o = objectPath(join(arc.dir, 'objects'), itemOf(arc, 'photo one\n').sha256);
    rmSync(o);
    mkdirSync(o);
    const v = await runCli('verify', ...arc.A);
    expect(v.code).toBe(1);
    expect(v.out).toContain('is a folder, not a file held by the archive');
    expect(v.out).not.toContain('named pipe');
  }, 90_000);
});

describe('f15a 3: a damaged catalog', () => {
  it('one byte changed in the custody_item index fails the whole-archive verify (r3)', async () => {
    const arc = await archive('r3', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    const py = `
import sys,sqlite3
p,s=sys.argv[1],sys.argv[2].encode()
pages=[r[0] for r in sqlite3.connect(f'file:{p}?mode=ro',uri=True).execute("select pageno from dbstat where name='custody_item'")]
b=bytearray(open(p,'rb').read())
for pg in pages:
    st=(pg-1)*4096; i=b.find(s,st,st+4096)
    while i>=0: b[i+63]^=1; i=b.find(s,i+1,st+4096)
open(p,'wb').write(b)
`;
    const p = spawnSync('python3', ['-c', py, join(arc.dir, 'archive.sqlite'), arc.items[0]!.sha256], { encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const v = await runCli('verify', ...arc.A);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/FAIL catalog: .*integrity check.*custody_item/u);
    expect((JSON.parse((await runCli('verify', '--json', ...arc.A)).out) as FixityReport).problems.some((q) => q.kind === 'catalog' && q.integrity?.some((m) => m.includes('custody_item')))).toBe(true);
    expect(v.out).toContain('backup');
    // A single item's check does not pay for the whole catalog's check.
    const one = await runCli('verify', '--item', String(arc.items[1]!.id), ...arc.A);
    expect(one.out).not.toContain('integrity check');
  }, 90_000);
});

describe('f15a 5: repair --all-damaged carries on', () => {
  it('an item that cannot be written is reported by name, the next one repaired, exit 1', async () => {
    const arc = await archive('r5', [{ 'a.jpg': 'photo one\n', 'b.jpg': 'photo two\n' }]);
    // The first item (by id) is the one that cannot be written: the second must still be repaired.
    const [one, two] = arc.items as [Arc['items'][0], Arc['items'][0]];
    const nameOf = (i: Arc['items'][0]) => (i === itemOf(arc, 'photo one\n') ? 'a.jpg' : 'b.jpg');
    const rep = join(work, 'r5-rep');
    expect((await runCli('replica', 'add', rep, '--name', 'drive-b', ...arc.A)).code).toBe(0);
    expect((await runCli('replica', 'sync', ...arc.A)).code).toBe(0);
    const o = objectPath(join(arc.dir, 'objects'), one.sha256);
    rmSync(o);
    mkdirSync(o);
    writeFileSync(join(o, 'x'), 'something'); // a folder that is not empty: never removed by us
    tamper(arc.dir, two.sha256);
    expect((await runCli('verify', ...arc.A)).code).toBe(1);
    const r = await runCli('repair', '--all-damaged', ...arc.A);
    expect(r.code, r.out + r.err).toBe(1);
    expect(r.out).toContain(`${nameOf(one)} (item ${one.id}): NOT repaired: the archive's object address ${o} holds a folder with files in it`);
    expect(r.out).toMatch(new RegExp(`${nameOf(two).replace('.', '\\.')} \\(item ${two.id}\\).*\n.*Restored from replica`, 'u'));
    expect(r.out).toContain('1 not repaired');
    expect((await runCli('verify', '--item', String(two.id), ...arc.A)).code).toBe(0);
  }, 90_000);
});
