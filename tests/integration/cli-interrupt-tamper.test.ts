// Interrupted ingest (killed, or Ctrl-C) is finished by running the same command again, without
// duplicates; two writers cannot share an archive; tampering with an object or a custody row is
// found by `evidence verify`, which names the item or row.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson, startCli } from '../helpers/cli.ts';
import type { ChildProcess } from 'node:child_process';
import { openArchive } from '../../electron/core/archive.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-int-'));
const card = join(work, 'card');
const FILES = 48;
const FILE_BYTES = 6 * 1024 * 1024;

function itemCount(archive: string): number {
  if (!existsSync(join(archive, 'archive.sqlite'))) return 0;
  try {
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) c FROM items').get() as { c: number }).c;
    } finally {
      db.close();
    }
  } catch {
    return 0; // catalog not created yet
  }
}

function countObjects(archive: string): number {
  let n = 0;
  const root = join(archive, 'objects', 'sha256');
  for (const a of readdirSync(root)) for (const b of readdirSync(join(root, a))) n += readdirSync(join(root, a, b)).length;
  return n;
}

async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, stderr })));
}

beforeAll(() => {
  mkdirSync(card, { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(card, `clip-${String(i).padStart(3, '0')}.bin`), randomBytes(FILE_BYTES));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('interrupted ingest', () => {
  it('a run killed with SIGKILL mid-way is finished by the same command, with nothing duplicated', async () => {
    const archive = join(work, 'killed');
    const p = startCli(['ingest', card, '--archive', archive, '--json']);
    const done = exited(p);
    await waitFor(() => itemCount(archive) >= 3, 'the first items');
    p.kill('SIGKILL');
    const { signal } = await done;
    expect(signal).toBe('SIGKILL');
    const partial = itemCount(archive);
    expect(partial).toBeGreaterThanOrEqual(3);
    expect(partial).toBeLessThan(FILES);

    const again = runCliJson<{ counts: { added: number; duplicate: number } }>(['ingest', card, '--archive', archive, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json.counts.added + again.json.counts.duplicate).toBe(FILES);
    expect(again.json.counts.duplicate).toBeGreaterThanOrEqual(partial);
    expect(itemCount(archive)).toBe(FILES);
    expect(countObjects(archive)).toBe(FILES);
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    expect((db.prepare('SELECT count(*) c FROM sightings').get() as { c: number }).c).toBe(FILES);
    db.close();
    const v = runCliJson<{ ok: boolean; problems: unknown[] }>(['verify', '--archive', archive, '--json']);
    expect(v.json.problems).toEqual([]);
    expect(v.code).toBe(0);
  });

  it('Ctrl-C (SIGINT) stops cleanly with exit 1 and a re-run finishes the job', async () => {
    const archive = join(work, 'interrupted');
    const p = startCli(['ingest', card, '--archive', archive]);
    const done = exited(p);
    await waitFor(() => itemCount(archive) >= 2, 'the first items');
    p.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Interrupted/);
    expect(existsSync(join(archive, 'archive.lock'))).toBe(false); // lock released on a clean stop
    const again = runCliJson<{ counts: Record<string, number> }>(['ingest', card, '--archive', archive, '--json']);
    expect(again.code).toBe(0);
    expect(itemCount(archive)).toBe(FILES);
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
  });

  it('a second writer on the same archive fails clearly instead of corrupting it', async () => {
    const archive = join(work, 'busy');
    expect(runCli(['ingest', join(card, 'clip-000.bin'), '--archive', archive]).code).toBe(0);
    // This test process is the first writer: it holds the lock for as long as the check takes.
    const holder = await openArchive(archive, { write: true });
    try {
      const second = runCli(['ingest', card, '--archive', archive]);
      expect(second.code).toBe(4); // busy: its own code, not a failed verification (1)
      expect(second.stderr).toMatch(/in use by another Evidence Archive process/);
      expect(itemCount(archive)).toBe(1);
      // Readers are not blocked by a writer.
      const list = runCliJson<unknown[]>(['list', '--archive', archive, '--json']);
      expect(list.code).toBe(0);
      expect(list.json).toHaveLength(1);
    } finally {
      await holder.close();
    }
    expect(runCli(['ingest', join(card, 'clip-001.bin'), '--archive', archive]).code).toBe(0);
  });
});

describe('tampering', () => {
  const archive = join(work, 'tamper');
  let sha = '';
  beforeAll(() => {
    const r = runCliJson<{ files: { sha256: string }[] }>(['ingest', join(card, 'clip-000.bin'), join(card, 'clip-001.bin'), '--archive', archive, '--json']);
    sha = r.json.files[0]!.sha256;
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
  });

  it('a flipped byte in an object fails verify, naming the item', () => {
    const obj = join(archive, 'objects', 'sha256', sha.slice(0, 2), sha.slice(2, 4), sha);
    chmodSync(obj, 0o644);
    const fd = openSync(obj, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 1000);
    b[0] = b[0]! ^ 0xff;
    writeSync(fd, b, 0, 1, 1000);
    closeSync(fd);
    const v = runCliJson<{ ok: boolean; problems: { kind: string; sha256?: string; reason: string }[] }>(['verify', '--archive', archive, '--json']);
    expect(v.code).toBe(1);
    expect(v.json.ok).toBe(false);
    expect(v.json.problems).toHaveLength(1);
    expect(v.json.problems[0]).toMatchObject({ kind: 'altered', sha256: sha });
    expect(v.json.problems[0]!.reason).toContain(sha);
  });

  it('a custody row altered directly in SQLite fails verify, naming the row', () => {
    const db = new Database(join(archive, 'archive.sqlite'));
    db.exec('DROP TRIGGER custody_no_update');
    db.prepare("UPDATE custody_events SET actor = 'someone else' WHERE seq = 2").run();
    db.close();
    const v = runCli(['verify', '--archive', archive]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/custody row 2: content altered/);
  });

  it('an object removed from the store and an unknown file added are both reported', () => {
    const other = runCliJson<{ sha256: string }[]>(['list', '--archive', archive, '--json']).json.map((i) => i.sha256).find((s) => s !== sha)!;
    rmSync(join(archive, 'objects', 'sha256', other.slice(0, 2), other.slice(2, 4), other), { force: true });
    writeFileSync(join(archive, 'objects', 'sha256', 'stray'), 'x');
    mkdirSync(join(archive, 'objects', 'sha256', 'aa', 'bb'), { recursive: true });
    writeFileSync(join(archive, 'objects', 'sha256', 'aa', 'bb', 'a'.repeat(64)), 'x');
    const v = runCliJson<{ problems: { kind: string; reason: string }[] }>(['verify', '--archive', archive, '--json']);
    const kinds = v.json.problems.map((p) => p.kind).sort();
    expect(kinds).toContain('missing');
    expect(kinds).toContain('unexpected');
    expect(v.code).toBe(1);
  });

  it('catalog rows edited in SQLite are caught against the custody events that recorded them', () => {
    const fresh = join(work, 'catalog-tamper');
    const r = runCliJson<{ files: { sha256: string }[] }>(['ingest', join(card, 'clip-002.bin'), join(card, 'clip-003.bin'), '--archive', fresh, '--digests', 'sha256,md5', '--json']);
    const [a, b] = r.json.files.map((f) => f.sha256);
    const bag = join(work, 'catalog-tamper-bag');
    const exp = runCliJson<{ exportId: string }>(['export', '--archive', fresh, '--all', '--out', bag, '--json']);
    const head = runCliJson<{ chainHead: { seq: number; hash: string } }>(['log', '--archive', fresh, '--json']).json.chainHead;
    expect(runCli(['verify', '--archive', fresh, '--expect-head', `${head.seq}:${head.hash}`]).code).toBe(0);

    const db = new Database(join(fresh, 'archive.sqlite'));
    db.prepare("UPDATE items SET record = json_set(record, '$.capturedAt', '2021-05-01T09:00:00') WHERE sha256 = ?").run(a);
    db.prepare("UPDATE sightings SET operator = 'someone else' WHERE id = 2").run();
    // When and in which run a file was taken in, as `show` displays them: a forged time alone is caught, as is a forged run.
    const logged = db.prepare("SELECT at, json_extract(detail, '$.runId') runId FROM custody_events WHERE type = 'ingestion' AND json_extract(detail, '$.sighting') = 1").get() as { at: string; runId: string };
    db.prepare("UPDATE sightings SET ingested_at = '2020-01-01T00:00:00.000Z' WHERE id = 1").run();
    db.prepare("UPDATE sightings SET run_id = 'forged' WHERE id = 2").run();
    db.prepare("UPDATE digests SET value = ? WHERE algorithm = 'md5' AND item_id = (SELECT id FROM items WHERE sha256 = ?)").run('0'.repeat(32), b);
    db.exec('DROP TRIGGER custody_no_delete');
    db.prepare('DELETE FROM custody_events WHERE seq >= ?').run(head.seq - 2); // cut the tail: the export's events
    db.close();

    const v = runCliJson<{ problems: { kind: string; reason: string }[] }>(['verify', '--archive', fresh, '--expect-head', `${head.seq}:${head.hash}`, '--json']);
    expect(v.code).toBe(1);
    const reasons = v.json.problems.map((p) => `${p.kind}: ${p.reason}`).join('\n');
    expect(reasons).toMatch(new RegExp(`catalog: item \\d+ \\(${a}\\): normalized record was changed after ingest`));
    expect(reasons).toMatch(/catalog: sighting 2 .*operator test-operator in the log/);
    expect(reasons).toContain(`ingested_at ${logged.at} in the log (catalog: 2020-01-01T00:00:00.000Z)`);
    expect(reasons).toMatch(/catalog: sighting 1 \(.*\): differs from custody row \d+: ingested_at /);
    expect(reasons).toMatch(new RegExp(`catalog: sighting 2 \\(.*\\): differs from custody row \\d+: .*run_id ${logged.runId} in the log \\(catalog: forged\\)`));
    expect(reasons).toMatch(/catalog: .*object intact \(SHA-256 matches\) but the catalog's digests differ: md5/);
    expect(reasons).not.toMatch(/content altered/);
    expect(reasons).toMatch(/append-only trigger custody_no_delete is missing/);
    expect(reasons).toMatch(new RegExp(`export ${exp.json.exportId}: its dissemination event is missing`));
    expect(reasons).toMatch(new RegExp(`custody row ${head.seq} with hash ${head.hash}, noted earlier, is not in the log`));
  });

  it('links, search columns and whole items changed or deleted in SQLite are caught too', () => {
    const fresh = join(work, 'catalog-tamper-2');
    const r = runCliJson<{ files: { sha256: string; itemId: number }[] }>(['ingest', join(card, 'clip-004.bin'), join(card, 'clip-005.bin'), join(card, 'clip-006.bin'), '--archive', fresh, '--json']);
    const [a, b, c] = r.json.files;
    expect(runCli(['tag', String(a!.itemId), '--place', 'kok-tash-batken', '--tag', 'школа', '--archive', fresh]).code).toBe(0);
    expect(runCli(['verify', '--archive', fresh]).code).toBe(0); // normal use raises nothing

    const db = new Database(join(fresh, 'archive.sqlite'));
    db.prepare("UPDATE item_places SET place_id = 'batken' WHERE item_id = ?").run(a!.itemId);
    db.prepare("UPDATE items SET captured_at = '2030-01-01T00:00:00' WHERE id = ?").run(b!.itemId);
    // An attacker editing the file with SQLite is not held to its foreign keys (later tables such as
    // verify results, reels' sightings and map cells refer to items): verify must catch it anyway.
    db.pragma('foreign_keys = OFF');
    db.prepare('DELETE FROM items_fts WHERE rowid = ?').run(c!.itemId);
    for (const t of ['digests', 'sightings']) db.prepare(`DELETE FROM ${t} WHERE item_id = ?`).run(c!.itemId);
    db.prepare('DELETE FROM items WHERE id = ?').run(c!.itemId);
    db.close();
    rmSync(join(fresh, 'objects', 'sha256', c!.sha256.slice(0, 2), c!.sha256.slice(2, 4), c!.sha256), { force: true });

    const v = runCliJson<{ problems: { kind: string; reason: string }[] }>(['verify', '--archive', fresh, '--json']);
    expect(v.code).toBe(1);
    const reasons = v.json.problems.map((p) => p.reason).join('\n');
    expect(reasons).toMatch(new RegExp(`item ${a!.itemId} .*places, people, incidents, cases, tags or notes differ from the last metadata modification`));
    expect(reasons).toMatch(new RegExp(`item ${b!.itemId} .*search columns disagree with the normalized record: captured_at "2030-01-01T00:00:00"`));
    expect(reasons).toMatch(new RegExp(`item ${c!.sha256}: ingested according to the custody log, but missing from the catalog`));
  });

  it('exports, export items, digests, warnings, metadata errors and ingestion times edited in SQLite are caught', () => {
    const fresh = join(work, 'exports-tamper');
    const r = runCliJson<{ files: { sha256: string; itemId: number }[] }>(['ingest', join(card, 'clip-007.bin'), join(card, 'clip-008.bin'), join(card, 'clip-009.bin'), '--archive', fresh, '--digests', 'sha256,sha1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [a, b, c] = r.json.files;
    const one = runCliJson<{ exportId: string }>(['export', '--archive', fresh, '--all', '--out', join(work, 'exports-tamper-1'), '--recipient', 'Prosecutor General', '--json']).json.exportId;
    const two = runCliJson<{ exportId: string }>(['export', '--archive', fresh, '--item', String(a!.itemId), '--out', join(work, 'exports-tamper-2'), '--json']).json.exportId;
    const three = runCliJson<{ exportId: string }>(['export', '--archive', fresh, '--item', String(b!.itemId), '--out', join(work, 'exports-tamper-3'), '--json']).json.exportId;
    expect(runCli(['verify', '--archive', fresh]).code).toBe(0);

    const db = new Database(join(fresh, 'archive.sqlite'));
    const ingestedAt = (db.prepare('SELECT ingested_at FROM items WHERE id = ?').get(c!.itemId) as { ingested_at: string }).ingested_at;
    db.prepare(`UPDATE exports SET recipient = 'Batken police', out_path = '/tmp/elsewhere', selection = '{"all":false}', payload_oxum = '1.1', item_count = 2 WHERE id = ?`).run(one);
    db.prepare('DELETE FROM export_items WHERE export_id = ? AND item_id = ?').run(one, c!.itemId);
    db.prepare("UPDATE export_items SET path = 'data/forged.bin' WHERE export_id = ? AND item_id = ?").run(one, b!.itemId);
    db.prepare("INSERT INTO export_items (export_id, item_id, path) VALUES (?, ?, 'data/planted.bin')").run(two, c!.itemId);
    for (const t of ['export_items WHERE export_id', 'exports WHERE id']) db.prepare(`DELETE FROM ${t} = ?`).run(three);
    db.prepare("DELETE FROM digests WHERE item_id = ? AND algorithm = 'sha1'").run(a!.itemId);
    db.prepare("INSERT INTO digests (item_id, algorithm, value) VALUES (?, 'md5', ?)").run(b!.itemId, '0'.repeat(32));
    db.prepare(`UPDATE items SET warnings = '["forged"]' WHERE id = ?`).run(a!.itemId);
    db.prepare("UPDATE items SET metadata_error = 'unreadable' WHERE id = ?").run(b!.itemId);
    db.prepare("UPDATE items SET ingested_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").run(c!.itemId);
    db.close();

    const v = runCliJson<{ problems: { kind: string; reason: string }[] }>(['verify', '--archive', fresh, '--json']);
    expect(v.code).toBe(1);
    const reasons = v.json.problems.filter((p) => p.kind === 'catalog').map((p) => p.reason).join('\n');
    const exportRow = new RegExp(`export ${one}: differs from its dissemination event, custody row \\d+: (.*)`).exec(reasons)?.[1] ?? '';
    expect(exportRow).toContain('out_path "/tmp/elsewhere" in the catalog');
    expect(exportRow).toContain('recipient "Batken police" in the catalog, "Prosecutor General" in the log');
    expect(exportRow).toContain('item_count 2 in the catalog, 3 in the log');
    expect(exportRow).toContain('payload_oxum "1.1" in the catalog');
    expect(exportRow).toContain('selection {"all":false} in the catalog');
    expect(reasons).toMatch(new RegExp(`export ${one}: item ${c!.sha256} was disseminated in this set according to custody row \\d+, but export_items does not list it`));
    expect(reasons).toMatch(new RegExp(`export ${one}: item ${b!.itemId} \\(${b!.sha256}\\): differs from its dissemination event, custody row \\d+: path "data/forged.bin" in export_items`));
    expect(reasons).toContain(`export ${two}: item ${c!.itemId} (${c!.sha256}) is listed in export_items, but the export's dissemination events do not name it`);
    expect(reasons).toMatch(new RegExp(`export ${three}: recorded by custody row \\d+, but missing from the exports table`));
    expect(reasons).toMatch(new RegExp(`item ${a!.itemId} \\(${a!.sha256}\\): the custody log recorded its sha1 digest [0-9a-f]{40}, but the catalog holds no sha1 digest`));
    expect(reasons).toContain(`item ${b!.itemId} (${b!.sha256}): catalog md5 ${'0'.repeat(32)} differs from the digest the custody log recorded (none)`);
    expect(reasons).toMatch(new RegExp(`item ${a!.itemId} .*: differs from its ingestion and metadata extraction events: warnings \\["forged"\\] in the catalog, \\["content matches no known media format.*\\] in custody row \\d+`));
    expect(reasons).toMatch(new RegExp(`item ${b!.itemId} .*: differs from its ingestion and metadata extraction events: metadata_error "unreadable" in the catalog, null in custody row`));
    expect(reasons).toContain(`ingested_at "2020-01-01T00:00:00.000Z" in the catalog, ${JSON.stringify(ingestedAt)} in the first ingestion event`);
  });

  it('a person made publishable behind the program (consent, sensitive flag edited in SQLite) is caught', () => {
    const fresh = join(work, 'people-tamper');
    expect(runCli(['init', fresh]).code).toBe(0);
    const added = runCliJson<{ id: number }>(['person', 'add', 'Айгүл Т.', '--sensitive', '--archive', fresh, '--json']);
    expect(added.code, added.stderr).toBe(0);
    expect(runCli(['person', 'edit', String(added.json.id), '--harm-date', '2021-04-30', '--archive', fresh]).code).toBe(0);
    expect(runCli(['verify', '--archive', fresh]).code).toBe(0); // edits through the program raise nothing

    const db = new Database(join(fresh, 'archive.sqlite'));
    db.prepare("UPDATE people SET consent = 'given', sensitive = 0 WHERE id = ?").run(added.json.id);
    db.close();
    const v = runCli(['verify', '--archive', fresh]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`person ${added.json.id}: the record .*consent given, sensitive false.* changed outside Evidence Archive`));
    // The log holds the two flags: the check names them when they are what changed.
    expect(v.stdout).toContain('(consent: log says unknown, catalog says given; sensitive: log says true, catalog says false)');
  });

  it('a place edited behind the program (made to look like a public seed village) is caught; merges raise nothing', () => {
    const fresh = join(work, 'places-tamper');
    expect(runCli(['init', fresh]).code).toBe(0);
    expect(runCli(['place', 'add', 'Gate Hamlet', '--lat', '39.9171', '--lon', '-2.8251', '--archive', fresh]).code).toBe(0);
    expect(runCli(['place', 'add', 'Upper Hamlet', '--archive', fresh]).code).toBe(0);
    expect(runCli(['person', 'add', 'Тест', '--residence', 'gate-hamlet', '--archive', fresh]).code).toBe(0);
    expect(runCli(['place', 'merge', 'gate-hamlet', 'upper-hamlet', '--archive', fresh]).code).toBe(0);
    expect(runCli(['verify', '--archive', fresh]).code).toBe(0);

    const db = new Database(join(fresh, 'archive.sqlite'));
    db.prepare("UPDATE places SET origin = 'seed' WHERE id = 'upper-hamlet'").run();
    db.close();
    const v = runCli(['verify', '--archive', fresh]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/place upper-hamlet: the record .*origin seed.* changed outside Evidence Archive/);
  });
});
