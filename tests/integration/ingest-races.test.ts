// Ingest against a changing world: a source rewritten while it is read, a damaged file already
// sitting at an object's address, many copies of one content in flight at once. Through the real
// CLI; every stored object must be a version that existed, and the custody log must say what happened.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-races-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Report { files: { path: string; status: string; sha256?: string; reason?: string; warnings?: string[] }[] }
interface Custody { seq: number; type: string; item: string | null; detail: Record<string, unknown> }
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const objectsOf = (archive: string): string[] => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  walk(join(archive, 'objects'));
  return out;
};

describe('a source rewritten in place while ingest reads it', () => {
  it('is refused or stored as one whole version, never half old and half new', async () => {
    const card = join(work, 'hot-card');
    mkdirSync(card);
    const file = join(card, 'hot.bin');
    const SIZE = 4_000_000;
    writeFileSync(file, Buffer.alloc(SIZE));
    // Each version is one byte value throughout, written over the whole file by one pwrite.
    const writer = spawn('python3', ['-c', `
import os
fd = os.open(${JSON.stringify(file)}, os.O_WRONLY); i = 0
while True:
    os.pwrite(fd, bytes([i % 256]) * ${SIZE}, 0); i += 1`], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    const archive = join(work, 'hot-archive');
    const statuses: string[] = [];
    try {
      for (let run = 0; run < 8; run++) {
        const r = runCliJson<Report>(['ingest', card, '--archive', archive, '--json']);
        const f = r.json.files[0]!;
        statuses.push(f.status);
        if (f.status === 'failed') expect(f.reason).toMatch(/hot\.bin: the file changed while it was being read/);
      }
    } finally {
      writer.kill();
    }
    for (const o of objectsOf(archive)) {
      const b = readFileSync(o);
      expect(b.length).toBe(SIZE);
      expect(b.every((x) => x === b[0]), `${o} mixes two versions`).toBe(true);
    }
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
    expect(statuses.length).toBe(8);
  }, 120_000);
});

describe('a file already at an object\'s address', () => {
  it('is read before it is trusted: a damaged one is replaced by the verified copy, and the log says so', () => {
    const card = join(work, 'card-damaged');
    mkdirSync(card);
    const content = Buffer.from('the real statement of a witness\n');
    writeFileSync(join(card, 'statement.txt'), content);
    const archive = join(work, 'archive-damaged');
    expect(runCli(['init', archive]).code).toBe(0);
    const h = sha(content);
    const dir = join(archive, 'objects', 'sha256', h.slice(0, 2), h.slice(2, 4));
    mkdirSync(dir, { recursive: true });
    const planted = Buffer.from('planted bytes that are not the statement');
    writeFileSync(join(dir, h), planted);
    chmodSync(join(dir, h), 0o444);

    const r = runCliJson<Report>(['ingest', card, '--archive', archive, '--json']);
    expect(r.code).toBe(0);
    const f = r.json.files[0]!;
    expect(f.status).toBe('added');
    expect(f.warnings?.join(' ')).toContain(`did not hold it (found ${planted.length} bytes, SHA-256 ${sha(planted)}): replaced by this verified copy`);
    expect(readFileSync(join(dir, h))).toEqual(content);
    const events = runCliJson<{ events: Custody[] }>(['log', '--json', '--archive', archive]).json.events;
    const rep = events.find((e) => e.type === 'replication' && e.item === h)!;
    expect(rep.detail).toMatchObject({ reusedExistingObject: false, replacedDamagedObject: { sha256: sha(planted), bytes: planted.length } });
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
  }, 60_000);

  it('an intact one is reused without writing, and recorded as reused', () => {
    const card = join(work, 'card-again');
    mkdirSync(card);
    writeFileSync(join(card, 'copy-of-statement.txt'), 'the real statement of a witness\n');
    const archive = join(work, 'archive-damaged');
    const r = runCliJson<Report>(['ingest', card, '--archive', archive, '--json']);
    expect(r.json.files[0]).toMatchObject({ status: 'duplicate' });
  }, 60_000);
});

describe('many copies of one content in one run', () => {
  it('store one object, record every sighting, and log the copy that wrote the object', () => {
    const card = join(work, 'card-copies');
    const content = Buffer.alloc(300_000, 9);
    for (const d of ['A', 'B', 'C']) {
      mkdirSync(join(card, d), { recursive: true });
      for (let i = 0; i < 20; i++) writeFileSync(join(card, d, `IMG_${i}.JPG`), content);
    }
    const archive = join(work, 'archive-copies');
    const r = runCliJson<Report>(['ingest', card, '--archive', archive, '--json']);
    expect(r.code).toBe(0);
    const statuses = r.json.files.map((f) => f.status).sort();
    expect(statuses.filter((s) => s === 'added')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(59);
    expect(objectsOf(archive)).toHaveLength(1);
    const events = runCliJson<{ events: Custody[] }>(['log', '--json', '--archive', archive]).json.events;
    expect(events.filter((e) => e.type === 'ingestion')).toHaveLength(60);
    // Whichever sighting reached the catalog first, some replication event records the write.
    const writes = events.filter((e) => e.type === 'replication' && e.detail['reusedExistingObject'] === false);
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(runCli(['verify', '--archive', archive]).code).toBe(0);
  }, 60_000);
});

describe('an intact copy that no item records (an ingest stopped between storing and recording)', () => {
  it('is a note, not a failure, and the same ingest run again records it', () => {
    const card = join(work, 'card-unrecorded');
    mkdirSync(card);
    writeFileSync(join(card, 'first.txt'), 'first file\n');
    const content = Buffer.from('a file whose copy was stored, then the run was stopped\n');
    writeFileSync(join(card, 'second.txt'), content);
    const archive = join(work, 'archive-unrecorded');
    expect(runCli(['ingest', join(card, 'first.txt'), '--archive', archive]).code).toBe(0);
    const h = sha(content);
    const dir = join(archive, 'objects', 'sha256', h.slice(0, 2), h.slice(2, 4));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, h), content);
    chmodSync(join(dir, h), 0o444);

    const v = runCli(['verify', '--archive', archive]);
    expect(v.stdout).toContain(`NOTE unrecorded copy: ${join(dir, h)}: an intact copy that no item records yet`);
    expect(v.stdout).toMatch(/^OK: 1 of 1 item /m); // the unrecorded copy is not an item
    expect(v.code).toBe(0);
    const j = runCliJson<{ ok: boolean; problems: unknown[]; unrecordedCopies: string[] }>(['verify', '--archive', archive, '--json']).json;
    expect(j).toMatchObject({ ok: true, problems: [], unrecordedCopies: [join(dir, h)] });

    const r = runCliJson<Report>(['ingest', card, '--archive', archive, '--json']);
    expect(r.json.files.map((f) => f.status).sort()).toEqual(['added', 'duplicate']);
    const after = runCliJson<{ ok: boolean; unrecordedCopies: string[] }>(['verify', '--archive', archive, '--json']).json;
    expect(after).toMatchObject({ ok: true, unrecordedCopies: [] });
  }, 60_000);
});
