// Issue 11 part 1, archives made before the fix: their sightings hold only the old text form of a
// path (legacyDisplayName), in which the byte 0xFF and the literal text "\xFF" read alike. Such an
// archive is made here the way the old version made it (the old text form in the catalog and in
// the custody log, no path bytes, the catalog schema before migration 006), then upgraded and ingested into again by the
// real CLI: the file it held is recognised, the one it had dropped is added, verify is clean.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { setBackSchema } from '../helpers/schema.ts';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { runCli as runCliInProcess } from '../helpers/cli-inprocess.ts';
import { MIGRATIONS } from '../../electron/core/db/migrations/index.ts';
import { SCHEMA_VERSION } from '../../electron/core/db/open.ts';

/** The schema version just before the migration that added sightings.path_bytes. */
const BEFORE_PATH_BYTES = MIGRATIONS.findIndex((m) => m.name === '006_sighting_path_bytes');

// While `legacy.on`, the ingest writes what versions before the fix wrote: the old text form as
// the path, and no exact bytes in the custody log.
const legacy = vi.hoisted(() => ({ on: false }));
vi.mock('../../electron/core/ingest/filename.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/core/ingest/filename.ts')>();
  return {
    ...real,
    displayName: (b: Uint8Array) => (legacy.on ? real.legacyDisplayName(b) : real.displayName(b)),
    bytesField: (b: Uint8Array) => (legacy.on ? undefined : real.bytesField(b)),
  };
});

const work = realpathSync(mkdtempSync(join(tmpdir(), 'ea-paths-legacy-')));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function evidence(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [EVIDENCE_BIN, ...args], { cwd: work, env: { ...process.env, EVIDENCE_OPERATOR: 'test-operator' }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface IngestJson { counts: { added: number; duplicate: number; failed: number }; files: { path: string; status: string; reason?: string }[] }

/**
 * An archive at `archive` as the old version left it after ingesting `folder`: the old text forms,
 * and the catalog set back to the schema before path bytes (without the path_bytes column).
 */
async function legacyArchive(folder: string, archive: string): Promise<void> {
  legacy.on = true;
  try {
    const r = await runCliInProcess('ingest', folder, '--archive', archive, '--json');
    expect(r.code, r.err).toBe(0);
  } finally {
    legacy.on = false;
  }
  const db = new Database(join(archive, 'archive.sqlite'));
  expect(BEFORE_PATH_BYTES).toBeGreaterThan(0);
  setBackSchema(db, BEFORE_PATH_BYTES);
  db.close();
}

const rawName = Buffer.concat([Buffer.from('name_'), Buffer.from([0xff]), Buffer.from('.txt')]);
const literalName = 'name_\\xFF.txt';

describe('an archive made before path bytes were kept', () => {
  it('upgraded with the card present: the path bytes are found, the dropped file is added, the kept one recognised', async () => {
    const esc = join(work, 'esc');
    mkdirSync(esc);
    // The old walk kept the literal name (0x5C sorts before 0xFF) and dropped the raw one.
    writeFileSync(join(esc, literalName), 'literal backslash');
    await legacyArchive(esc, join(work, 'old'));
    writeFileSync(Buffer.concat([Buffer.from(esc + '/'), rawName]), 'raw byte ff');
    const db = new Database(join(work, 'old', 'archive.sqlite'), { readonly: true });
    expect(db.prepare('SELECT source_path FROM sightings').all()).toEqual([{ source_path: `${esc}/name_\\xFF.txt` }]);
    db.close();

    const again = JSON.parse(evidence('ingest', 'esc', '--archive', 'old', '--json').out) as IngestJson;
    expect(again.counts).toMatchObject({ added: 1, duplicate: 1, failed: 0 });
    expect(again.files.find((f) => f.status === 'duplicate')).toMatchObject({ path: `${esc}/name_\\\\xFF.txt`, reason: expect.stringMatching(/already ingested from this path/) });
    expect(again.files.find((f) => f.status === 'added')).toMatchObject({ path: `${esc}/name_\\xFF.txt` });
    const up = new Database(join(work, 'old', 'archive.sqlite'), { readonly: true });
    expect(up.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const rows = up.prepare('SELECT source_path, path_bytes FROM sightings ORDER BY id').all() as { source_path: string; path_bytes: Buffer }[];
    up.close();
    // The old text stays as the custody log has it; the bytes say which file it was. The old
    // sighting has no reel (made before reels), so the run that recognised the kept file, not
    // reading it again, records it on its card's reel in the new form (reels/carry.ts).
    expect(rows.map((r) => [r.source_path, r.path_bytes.toString('latin1')])).toEqual([
      [`${esc}/name_\\xFF.txt`, `${esc}/name_\\xFF.txt`],
      [`${esc}/name_\\\\xFF.txt`, `${esc}/name_\\xFF.txt`],
      [`${esc}/name_\\xFF.txt`, Buffer.concat([Buffer.from(esc + '/'), rawName]).toString('latin1')],
    ]);
    // Reports show the old sighting in the new form, so the two never read alike.
    const list = evidence('list', '--archive', 'old');
    expect(list.out).toContain('name_\\\\xFF.txt');
    expect(list.out).toMatch(/name_\\xFF\.txt$/m);
    const v = evidence('verify', '--archive', 'old');
    expect(v.out).toMatch(/^OK: 2 of 2 items .* 0 problems$/m);
    expect(v.code).toBe(0);
  });

  it('upgraded while the card was away: the old text still recognises the file by its inode', async () => {
    const card = join(work, 'card');
    mkdirSync(card);
    const rawPath = Buffer.concat([Buffer.from(card + '/'), rawName]);
    writeFileSync(rawPath, 'raw byte ff');
    await legacyArchive(card, join(work, 'old2'));
    renameSync(card, join(work, 'card-away'));
    expect(evidence('verify', '--archive', 'old2').code).toBe(0); // the upgrade runs here, without the card
    const db = new Database(join(work, 'old2', 'archive.sqlite'), { readonly: true });
    expect(db.prepare('SELECT source_path, path_bytes FROM sightings').all()).toEqual([{ source_path: `${card}/name_\\xFF.txt`, path_bytes: null }]);
    db.close();
    renameSync(join(work, 'card-away'), card);
    writeFileSync(join(card, literalName), 'literal backslash');
    const again = JSON.parse(evidence('ingest', 'card', '--archive', 'old2', '--json').out) as IngestJson;
    expect(again.counts).toMatchObject({ added: 1, duplicate: 1, failed: 0 });
    expect(again.files.find((f) => f.status === 'duplicate')).toMatchObject({ path: `${card}/name_\\xFF.txt`, reason: expect.stringMatching(/already ingested from this path/) });
    expect(again.files.find((f) => f.status === 'added')).toMatchObject({ path: `${card}/name_\\\\xFF.txt` });
    const v = evidence('verify', '--archive', 'old2');
    expect(v.out).toMatch(/^OK: 2 of 2 items .* 0 problems$/m);
  });
});
