// Replicas and repair (issue 15 §3): `replica add/list/sync`, ingest filling replicas, `verify
// --replicas`, `repair` from a replica or a file with a readable fail → recovery → pass history,
// a wrong folder refused, a damaged replica copy never used, and the archive's whole object store
// lost and brought back byte-identical from a replica on a second folder. Self-made files, so it
// never skips.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

interface LogJson { events: CustodyEvent[] }
interface Listed { id: number; sha256: string; sources: { name: string }[] }
interface ReplicaRow { name: string; path: string; reachable: boolean; present: number; missing: number; damaged: number; lastSyncAt: string | null }

const objectIn = (root: string, sha: string) => join(root, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);

/** Flips one byte of the file at `path` (stored copies are read-only: made writable first). */
function flipByte(path: string): void {
  chmodSync(path, 0o644);
  const b = readFileSync(path);
  b[0] = b[0]! ^ 0x01;
  writeFileSync(path, b);
}

describe('replicas and repair', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-replicas-'));
  const archive = join(work, 'archive');
  const card = join(work, 'card');
  const rep1 = join(work, 'drive-b', 'replica');
  const rep2 = join(work, 'nas');
  const A = ['--archive', archive];
  const files: Record<string, Buffer> = {
    'IMG_0001.JPG': Buffer.from('photo of the checkpoint, 29 April 2021'),
    'Показания Айгүл.txt': Buffer.from('statement of 29 April 2021\n'),
    'VID_0002.MP4': Buffer.alloc(300_000, 7),
  };
  const sha: Record<string, string> = {};
  const id: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(card);
    mkdirSync(join(work, 'drive-b'));
    for (const [n, b] of Object.entries(files)) writeFileSync(join(card, n), b);
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', card, '--threads', '1', '--operator', 'Айжан', ...A)).code).toBe(0);
    for (const it of await cliJson<Listed[]>('list', '--json', ...A)) {
      sha[it.sources[0]!.name] = it.sha256;
      id[it.sources[0]!.name] = String(it.id);
    }
  });

  it('adds a replica, syncs every object into it byte for byte, and records one replication event per run', async () => {
    const add = await runCli('replica', 'add', rep1, '--name', 'drive-b', ...A);
    expect(add.code, add.err).toBe(0);
    expect(add.out).toContain('Added replica "drive-b"');
    expect(JSON.parse(readFileSync(join(rep1, 'evidence-replica.json'), 'utf8'))).toMatchObject({ format: 'evidence-archive-replica/1', name: 'drive-b' });
    let rows = await cliJson<ReplicaRow[]>('replica', 'list', '--json', ...A);
    expect(rows).toMatchObject([{ name: 'drive-b', reachable: true, present: 0, missing: 3, damaged: 0, lastSyncAt: null }]);

    const before = (await cliJson<LogJson>('log', '--json', ...A)).events.length;
    const s = await runCli('replica', 'sync', 'drive-b', '--operator', 'Bakyt', ...A);
    expect(s.code, s.err).toBe(0);
    expect(s.out).toMatch(/Replica "drive-b": 3 copied, 0 damaged copies replaced, 0 found intact and recorded, 0 already present, 0 failed/u);
    for (const [n, b] of Object.entries(files)) expect(readFileSync(objectIn(rep1, sha[n]!)).equals(b)).toBe(true);
    expect(readdirSync(join(rep1, 'tmp'))).toEqual([]);
    rows = await cliJson<ReplicaRow[]>('replica', 'list', '--json', ...A);
    expect(rows[0]).toMatchObject({ present: 3, missing: 0 });
    expect(rows[0]!.lastSyncAt).not.toBeNull();

    const events = (await cliJson<LogJson>('log', '--json', ...A)).events.slice(before);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'replication', item: null, actor: 'Bakyt', detail: { action: 'replica sync', replica: 'drive-b', copied: 3, failed: 0, outcome: 'success' } });
    expect(JSON.stringify(events[0]!.detail)).not.toContain(work); // no machine path in the custody log
    const line = (await runCli('log', '--type', 'replication', ...A)).out.trimEnd().split('\n').at(-1)!;
    expect(line).toMatch(/Bakyt {2}replication {2}\(archive\) {2}done — Replica “drive-b” brought up to date: copies written and verified by SHA-256: 3; already there: 0; failed: 0\./u);

    // A second sync has nothing to do and records nothing.
    const again = await runCli('replica', 'sync', ...A);
    expect(again.out).toContain('3 already present');
    expect((await cliJson<LogJson>('log', '--json', ...A)).events.length).toBe(before + 1);
  });

  it('refuses a wrong folder: another archive\'s replica, a non-empty folder, the archive\'s own folder, a swapped drive', async () => {
    const other = join(work, 'other-archive');
    const otherRep = join(work, 'other-replica');
    expect((await runCli('init', other)).code).toBe(0);
    expect((await runCli('replica', 'add', otherRep, '--archive', other)).code).toBe(0);
    const r1 = await runCli('replica', 'add', otherRep, ...A);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/is a replica of another archive/u);

    const docs = join(work, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'letter.txt'), 'not evidence');
    const r2 = await runCli('replica', 'add', docs, ...A);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/not empty and is not a replica of this archive/u);
    expect(readdirSync(docs)).toEqual(['letter.txt']);

    const r3 = await runCli('replica', 'add', join(archive, 'copy'), ...A);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/outside the archive folder/u);

    // Another drive mounted where drive-b was: sync refuses it rather than writing into it.
    renameSync(rep1, `${rep1}.away`);
    mkdirSync(rep1);
    const r4 = await runCli('replica', 'sync', 'drive-b', ...A);
    expect(r4.code).toBe(2);
    expect(r4.err).toMatch(/has no evidence-replica\.json/u);
    expect(readdirSync(rep1)).toEqual([]);
    rmSync(rep1, { recursive: true });
    renameSync(`${rep1}.away`, rep1);
    expect((await cliJson<ReplicaRow[]>('replica', 'list', '--json', ...A)).map((r) => r.name)).toEqual(['drive-b']);
  });

  it('fills connected replicas after an ingest; a replica not connected is a warning, not a failure', async () => {
    expect((await runCli('replica', 'add', rep2, '--name', 'nas', ...A)).code).toBe(0);
    expect((await runCli('replica', 'sync', 'nas', ...A)).code).toBe(0);
    renameSync(rep2, `${rep2}.unplugged`);
    const more = join(work, 'card2');
    mkdirSync(more);
    writeFileSync(join(more, 'IMG_0003.JPG'), 'a later photo');
    files['IMG_0003.JPG'] = Buffer.from('a later photo');
    const r = await runCli('ingest', more, '--threads', '1', ...A);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Replica "drive-b": 1 new copy written and verified.');
    expect(r.err).toMatch(/warning: replica "nas": folder .* is not there .*evidence replica sync nas/u);
    const s = (await cliJson<Listed[]>('list', '--json', ...A)).find((i) => i.sources[0]!.name === 'IMG_0003.JPG')!.sha256;
    sha['IMG_0003.JPG'] = s;
    expect(readFileSync(objectIn(rep1, s), 'utf8')).toBe('a later photo');
    renameSync(`${rep2}.unplugged`, rep2);
    const v = await runCli('verify', '--replicas', ...A);
    expect(v.code).toBe(1);
    expect(v.out).toContain('FAIL replica "nas": IMG_0003.JPG (item 4): copy missing');
    expect((await runCli('replica', 'sync', 'nas', ...A)).out).toContain('1 copied');
  });

  it('verify --replicas names missing and altered copies by original file name, and passes when all are intact', async () => {
    const ok = await runCli('verify', '--replicas', ...A);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('replica "drive-b": 4 of 4 copies intact');
    expect(ok.out).toContain('replica "nas": 4 of 4 copies intact');

    flipByte(objectIn(rep2, sha['IMG_0001.JPG']!));
    rmSync(objectIn(rep2, sha['Показания Айгүл.txt']!));
    const bad = await runCli('verify', '--replicas', ...A);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(new RegExp(`FAIL replica "nas": IMG_0001\\.JPG \\(item ${id['IMG_0001.JPG']}\\): copy altered: SHA-256 expected ${sha['IMG_0001.JPG']}, found [0-9a-f]{64}`, 'u'));
    expect(bad.out).toContain(`FAIL replica "nas": Показания Айгүл.txt (item ${id['Показания Айгүл.txt']}): copy missing`);
    expect(bad.out).toContain('replica "drive-b": 4 of 4 copies intact');
    // The archive's own check still passed: only the replica failed.
    expect(bad.out).toMatch(/^OK: 4 of 4 items/mu);
    const json = await runCli('verify', '--replicas', '--json', ...A);
    const rep = (JSON.parse(json.out) as { replicas: { ok: boolean; replicas: { replica: string; problems: { kind: string; fileName: string }[] }[] } }).replicas;
    expect(rep.ok).toBe(false);
    expect(rep.replicas.find((c) => c.replica === 'nas')!.problems.map((p) => [p.kind, p.fileName]).sort()).toEqual([['altered', 'IMG_0001.JPG'], ['missing', 'Показания Айгүл.txt']]);
    expect((await cliJson<ReplicaRow[]>('replica', 'list', '--json', ...A)).find((r) => r.name === 'nas')).toMatchObject({ present: 2, missing: 1, damaged: 1 });
  });

  it('repairs from a good replica copy only, never from a damaged one, and the history reads fail → recovery → pass', async () => {
    // nas (added second) holds a damaged copy of IMG_0001; drive-b a good one. Put nas first in line
    // by naming it: it must be refused and left as it was.
    const obj = objectIn(archive, sha['IMG_0001.JPG']!);
    flipByte(obj);
    expect((await runCli('verify', ...A)).code).toBe(1);
    const nasCopy = readFileSync(objectIn(rep2, sha['IMG_0001.JPG']!));

    const refused = await runCli('repair', id['IMG_0001.JPG']!, '--from', 'nas', ...A);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/not used: replica "nas": altered \(SHA-256 found [0-9a-f]{64}\)/u);
    expect(refused.out).toContain('NOT repaired');
    expect(readFileSync(objectIn(rep2, sha['IMG_0001.JPG']!)).equals(nasCopy)).toBe(true);
    expect(readFileSync(obj).equals(files['IMG_0001.JPG']!)).toBe(false);

    const r = await runCli('repair', id['IMG_0001.JPG']!, '--operator', 'Bakyt', ...A);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/IMG_0001\.JPG \(item \d+\): the archive's copy was altered \(SHA-256 found [0-9a-f]{64}\)\./u);
    expect(r.out).toMatch(/Restored from replica "drive-b": the copy was verified by SHA-256/u);
    expect(readFileSync(obj).equals(files['IMG_0001.JPG']!)).toBe(true);
    expect(readFileSync(objectIn(rep2, sha['IMG_0001.JPG']!)).equals(nasCopy)).toBe(true);
    expect((await runCli('verify', ...A)).code).toBe(0);
    expect((await runCli('repair', id['IMG_0001.JPG']!, ...A)).out).toContain('nothing to repair');

    const events = (await cliJson<LogJson>('log', '--item', id['IMG_0001.JPG']!, '--json', ...A)).events;
    const rec = events.find((e) => e.type === 'recovery')!;
    expect(rec).toMatchObject({ actor: 'Bakyt', item: sha['IMG_0001.JPG'], detail: {
      outcome: 'success', restoredFrom: { kind: 'replica', replica: 'drive-b' }, verifiedBy: 'sha256',
      finding: { kind: 'altered', object: `objects/sha256/${sha['IMG_0001.JPG']!.slice(0, 2)}/${sha['IMG_0001.JPG']!.slice(2, 4)}/${sha['IMG_0001.JPG']}`, expected: { sha256: sha['IMG_0001.JPG'] } },
    } });
    expect(JSON.stringify(rec.detail)).not.toContain(work);

    const lines = (await runCli('log', '--item', id['IMG_0001.JPG']!, '--type', 'fixity check', '--type', 'recovery', ...A)).out.trimEnd().split('\n');
    const tail = lines.slice(-3);
    expect(tail[0]).toMatch(/ {2}fixity check {2}IMG_0001\.JPG {2}FAILED — content altered: SHA-256 expected/u);
    expect(tail[1]).toMatch(/ {2}Bakyt {2}recovery {2}IMG_0001\.JPG {2}done — Repaired: the stored copy was altered \(SHA-256 found [0-9a-f]{64}\)\. It was restored from replica “drive-b”/u);
    expect(tail[2]).toMatch(/ {2}fixity check {2}IMG_0001\.JPG {2}passed — Integrity check: PASSED/u);
  });

  it('repairs from a file the user names (the card\'s original) and refuses one whose SHA-256 does not match', async () => {
    const name = 'Показания Айгүл.txt';
    rmSync(objectIn(archive, sha[name]!));
    const wrong = join(work, 'edited.txt');
    writeFileSync(wrong, 'statement of 30 April 2021\n');
    const refused = await runCli('repair', id[name]!, '--from', wrong, ...A);
    expect(refused.code).toBe(1);
    expect(existsSync(objectIn(archive, sha[name]!))).toBe(false);

    const r = await runCli('repair', sha[name]!.slice(0, 10), '--from', join(card, name), ...A);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${name} (item ${id[name]}): the archive's copy was missing.`);
    expect(readFileSync(objectIn(archive, sha[name]!)).equals(files[name]!)).toBe(true);
    const rec = (await cliJson<LogJson>('log', '--item', id[name]!, '--type', 'recovery', '--json', ...A)).events.at(-1)!;
    // The card's path is recorded under sourcePath, the key public sets withhold; the sentence names the file only.
    expect(rec.detail).toMatchObject({ finding: { kind: 'missing' }, restoredFrom: { kind: 'file', fileName: name, sourcePath: join(card, name) } });
    const line = (await runCli('log', '--item', id[name]!, '--type', 'recovery', ...A)).out.trimEnd().split('\n').at(-1)!;
    expect(line).toMatch(/done — Repaired: the stored copy was missing\. It was restored from the file Показания Айгүл\.txt,/u);
    expect(line).not.toContain(card);
    expect((await runCli('verify', ...A)).code).toBe(0);
  });

  it('survives the loss of the archive\'s whole object store: every object restored byte-identical from the replica', async () => {
    expect((await runCli('replica', 'sync', ...A)).code).toBe(0); // nas's damaged and missing copies rewritten
    expect((await runCli('verify', '--replicas', ...A)).code).toBe(0);
    rmSync(join(archive, 'objects'), { recursive: true });
    const lost = await runCli('verify', ...A);
    expect(lost.code).toBe(1);
    expect(lost.out).toMatch(/^ {6}found: the object is missing from the archive's store$/mu);
    expect(lost.out.match(/^FAIL missing: item \d+ “/gmu)).toHaveLength(Object.keys(files).length);
    for (const n of Object.keys(files)) {
      const r = await runCli('repair', id[n] ?? sha[n]!.slice(0, 12), ...A);
      expect(r.code, `${n}: ${r.out}${r.err}`).toBe(0);
      expect(r.out).toContain('Restored from replica "drive-b"');
    }
    for (const [n, b] of Object.entries(files)) expect(readFileSync(objectIn(archive, sha[n]!)).equals(b), n).toBe(true);
    const v = await runCli('verify', '--replicas', ...A);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toMatch(/^OK: 4 of 4 items/mu);
  });
});
