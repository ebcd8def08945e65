// Ingest of a card that carries an ASC MHL history (issue 14 §2, "Done when": a file changed on a
// card after its MHL was written is reported): every listed file is checked in the same read as
// SHA-256, a change, a deletion and an extra file are each reported by name, and the history's
// creator is kept with the sighting.
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync, unlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { openArchive } from '../../electron/core/archive.ts';
import { listCustodyEvents } from '../../electron/core/custody/log.ts';
import { carriesMachinePath, machineFolders } from '../../electron/core/catalog/machine-paths.ts';

const SCENARIOS = join(SHARED_DIR, 'specs', 'ascmhl', 'scenarios', 'Output');
const HAS_SPEC = existsSync(SCENARIOS);
const tmp = mkdtempSync(join(tmpdir(), 'mhl-ingest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface MhlJson {
  histories: { folderName: string; generations: number; latest: { sequence: number; creator: { tool: string; toolVersion: string; hostName: string }; process: string }; chain: { status: string }[] }[];
  counts: { verified: number; mismatch: number; missing: number; notListed: number; notChecked: number; invalid: number };
  files: { path: string; entry: string; status: string; expected?: Record<string, string>; found?: Record<string, string> }[];
}

async function ingestJson(archive: string, card: string): Promise<{ code: number; report: { counts: Record<string, number>; mhl?: MhlJson } }> {
  const r = await runCli('ingest', card, '--archive', archive, '--operator', 'Tester', '--json', '--threads', '1');
  return { code: r.code, report: JSON.parse(r.out) };
}

describe.skipIf(!HAS_SPEC)('ingest of a card with an ASC MHL history', () => {
  it('an intact card (reference scenario 02, two generations) verifies every listed file and keeps the creator', async () => {
    const card = join(tmp, 'intact', 'A002R2EC');
    cpSync(join(SCENARIOS, 'scenario_02', 'file_server', 'A002R2EC'), card, { recursive: true });
    const archive = join(tmp, 'arch-intact');
    const { code, report } = await ingestJson(archive, card);
    expect(code).toBe(0);
    const m = report.mhl!;
    expect(m.counts).toEqual({ verified: 3, mismatch: 0, missing: 0, notListed: 0, notChecked: 0, invalid: 0 });
    expect(m.files).toEqual([]);
    expect(m.histories).toHaveLength(1);
    expect(m.histories[0]).toMatchObject({ folderName: 'A002R2EC', generations: 2, latest: { sequence: 2, process: 'in-place', creator: { tool: 'ascmhl.py', toolVersion: '0.3 alpha', hostName: 'myHost.local' } } });
    expect(m.histories[0]!.chain.map((c) => c.status)).toEqual(['ok', 'ok']);
    // The provenance of the sighting, in show --json.
    const clipId = JSON.parse((await runCli('list', '--archive', archive, '--json')).out).find((i: { sources: { name: string }[] }) => i.sources[0]!.name === 'Sidecar.txt').id;
    const shown = JSON.parse((await runCli('show', String(clipId), '--archive', archive, '--json')).out);
    expect(shown.sightings[0].hashLists[0]).toMatchObject({ kind: 'asc-mhl', file: 'ascmhl/0002_A002R2EC_2020-01-17_143000Z.mhl', generation: 2, chainStatus: 'ok', process: 'in-place',
      creator: { tool: 'ascmhl.py', toolVersion: '0.3 alpha', hostName: 'myHost.local', creationDate: '2020-01-17T14:30:00+00:00' }, entry: 'Sidecar.txt', outcome: 'verified', expected: { xxh64: '3ab5a4166b9bde44' } });
    const human = (await runCli('show', String(clipId), '--archive', archive)).out;
    expect(human).toContain('hash list: ASC MHL');
    expect(human).toContain('Sidecar.txt verified (xxh64)');
    const a = await openArchive(archive, { write: false });
    try {
      const rows = a.db.prepare('SELECT g.tool, g.tool_version, g.host_name, g.process, g.sequence, s.outcome, s.entry_path FROM sighting_mhl s JOIN mhl_generations g ON g.id = s.generation_id ORDER BY s.entry_path').all();
      expect(rows).toHaveLength(3);
      expect(rows[0]).toMatchObject({ tool: 'ascmhl.py', tool_version: '0.3 alpha', host_name: 'myHost.local', process: 'in-place', sequence: 2, outcome: 'verified', entry_path: 'Clips/A002C006_141024_R2EC.mov' });
      const passes = listCustodyEvents(a.db, {}).filter((e) => e.type === 'fixity check' && e.detail.scope === 'source hash list');
      expect(passes.map((e) => e.detail.outcome)).toEqual(['pass', 'pass', 'pass']);
    } finally {
      await a.close();
    }
  });

  it('a changed byte, a deleted file and an extra file are each reported by name; failed fixity checks are logged without machine paths', async () => {
    const card = join(tmp, 'tampered', 'A002R2EC');
    cpSync(join(SCENARIOS, 'scenario_01', 'travel_01', 'A002R2EC'), card, { recursive: true });
    const changed = join(card, 'Clips', 'A002C006_141024_R2EC.mov');
    const bytes = readFileSync(changed);
    bytes[0] = bytes[0]! ^ 0x01;
    writeFileSync(changed, bytes);
    unlinkSync(join(card, 'Sidecar.txt'));
    mkdirSync(join(card, 'Extra'));
    writeFileSync(join(card, 'Extra', 'later.txt'), 'added after the offload');
    const archive = join(tmp, 'arch-tampered');
    const { code, report } = await ingestJson(archive, card);
    expect(code).toBe(1);
    const m = report.mhl!;
    expect(m.counts).toEqual({ verified: 1, mismatch: 1, missing: 1, notListed: 1, notChecked: 0, invalid: 0 });
    const byStatus = Object.fromEntries(m.files.map((f) => [f.status, f]));
    expect(byStatus.mismatch).toMatchObject({ path: changed, entry: 'Clips/A002C006_141024_R2EC.mov', expected: { xxh64: '0ea03b369a463d9d' } });
    expect(byStatus.mismatch!.found!.xxh64).not.toBe('0ea03b369a463d9d');
    expect(byStatus.missing).toMatchObject({ path: join(card, 'Sidecar.txt'), entry: 'Sidecar.txt' });
    expect(byStatus['not-listed']).toMatchObject({ path: join(card, 'Extra', 'later.txt'), entry: 'Extra/later.txt' });
    // Human output names them too.
    const human = await runCli('ingest', card, '--archive', join(tmp, 'arch-tampered-2'), '--operator', 'Tester', '--threads', '1');
    expect(human.code).toBe(1);
    expect(human.out).toContain(`CHANGED since the hash list: ${changed}`);
    expect(human.out).toContain(`MISSING from the card: ${join(card, 'Sidecar.txt')}`);
    expect(human.out).toContain(`not in the hash list: ${join(card, 'Extra', 'later.txt')}`);
    const a = await openArchive(archive, { write: false });
    try {
      const failed = listCustodyEvents(a.db, {}).filter((e) => e.type === 'fixity check' && e.detail.outcome === 'fail');
      expect(failed).toHaveLength(2);
      const altered = failed.find((e) => (e.detail.finding as { kind: string }).kind === 'altered')!;
      expect(altered.item).toMatch(/^[0-9a-f]{64}$/u);
      expect(altered.detail).toMatchObject({ entry: 'Clips/A002C006_141024_R2EC.mov', hashList: { folder: 'A002R2EC', file: 'ascmhl/0001_A002R2EC_2020-01-16_091500Z.mhl', generation: 1, tool: 'ascmhl.py' } });
      const missing = failed.find((e) => (e.detail.finding as { kind: string }).kind === 'missing')!;
      expect(missing.item).toBeNull();
      expect(missing.detail.entry).toBe('Sidecar.txt');
      for (const e of failed) expect(carriesMachinePath(e.detail, machineFolders(archive).concat(tmp))).toBe(false);
    } finally {
      await a.close();
    }
  });

  it('a card re-ingested unchanged is read again and checked (not skipped as already ingested)', async () => {
    const card = join(tmp, 'again', 'A002R2EC');
    cpSync(join(SCENARIOS, 'scenario_01', 'travel_01', 'A002R2EC'), card, { recursive: true });
    const archive = join(tmp, 'arch-again');
    await ingestJson(archive, card);
    writeFileSync(join(card, 'Sidecar.txt'), 'changed in place after the first ingest');
    const { code, report } = await ingestJson(archive, card);
    expect(code).toBe(1);
    expect(report.mhl!.counts.mismatch).toBe(1);
  });

  it('a nested card history inside an ingested reels folder (scenario 05) speaks for its own files', async () => {
    const reels = join(tmp, 'nested', 'Reels');
    cpSync(join(SCENARIOS, 'scenario_05', 'file_server', 'Reels'), reels, { recursive: true });
    const { code, report } = await ingestJson(join(tmp, 'arch-nested'), reels);
    expect(code).toBe(0);
    expect(report.mhl!.histories.map((h) => h.folderName).sort()).toEqual(['A002R2EC', 'A003R2EC', 'Reels']);
    expect(report.mhl!.counts).toEqual({ verified: 7, mismatch: 0, missing: 0, notListed: 0, notChecked: 0, invalid: 0 });
    // Each card's own history speaks for its clips; the reels folder's for Summary.txt only.
    expect(Object.fromEntries(report.mhl!.histories.map((h) => [h.folderName, (h as unknown as { counts: { verified: number } }).counts.verified]))).toEqual({ A002R2EC: 3, A003R2EC: 3, Reels: 1 });
  });

  it('a folder inside the card is checked against the history above it, without calling the rest missing', async () => {
    const card = join(tmp, 'sub', 'A002R2EC');
    cpSync(join(SCENARIOS, 'scenario_01', 'travel_01', 'A002R2EC'), card, { recursive: true });
    const { code, report } = await ingestJson(join(tmp, 'arch-sub'), join(card, 'Clips'));
    expect(code).toBe(0);
    expect(report.mhl!.counts).toEqual({ verified: 2, mismatch: 0, missing: 0, notListed: 0, notChecked: 0, invalid: 0 });
  });
});

describe.skipIf(!HAS_SPEC)('ingest of a card with a file larger than the in-memory limit', () => {
  it('hashes it in the MHL format in the same streaming read and verifies it', async () => {
    const { writeMhlGeneration } = await import('../../electron/core/mhl/write.ts');
    const { hashFile } = await import('../../electron/core/mhl/files.ts');
    const card = join(tmp, 'big', 'CARD');
    mkdirSync(card, { recursive: true });
    const big = Buffer.alloc(9 * 1024 * 1024 + 7, 0x5a);
    writeFileSync(join(card, 'clip.mov'), big);
    const h = await hashFile(join(card, 'clip.mov'), ['xxh3', 'sha1']);
    await writeMhlGeneration({ folder: card, files: [{ path: 'clip.mov', bytes: h.bytes, mtime: null, hashes: h.hashes }], formats: ['xxh3', 'sha1'], creator: { tool: 't', toolVersion: '1', hostName: 'h' }, process: 'in-place' });
    const { code, report } = await ingestJson(join(tmp, 'arch-big'), card);
    expect(code).toBe(0);
    expect(report.mhl!.counts.verified).toBe(1);
  });
});

describe('ingest of a card with a legacy MHL v1.1 file', () => {
  it('checks its md5 and xxhash64be entries and reports a mismatch', async () => {
    const card = join(tmp, 'legacy', 'CARD');
    mkdirSync(join(card, 'A001'), { recursive: true });
    writeFileSync(join(card, 'A001', 'clip1.mov'), 'hello');
    writeFileSync(join(card, 'A001', 'clip2.mov'), 'hellp');
    writeFileSync(join(card, 'CARD_2016-06-01_100000.mhl'), `<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="1.1">
  <creatorinfo><username>dit</username><hostname>dit-laptop.local</hostname><tool>mhl ver. 0.2.0</tool><startdate>2016-06-01T10:00:00Z</startdate><finishdate>2016-06-01T10:05:00Z</finishdate></creatorinfo>
  <hash><file>A001/clip1.mov</file><size>5</size><md5>5d41402abc4b2a76b9719d911017c592</md5><hashdate>2016-06-01T10:01:00Z</hashdate></hash>
  <hash><file>A001/clip2.mov</file><size>5</size><xxhash64be>26c7827d889f6da3</xxhash64be><hashdate>2016-06-01T10:02:00Z</hashdate></hash>
</hashlist>
`);
    const { code, report } = await ingestJson(join(tmp, 'arch-legacy'), card);
    expect(code).toBe(1);
    expect(report.mhl!.histories[0]).toMatchObject({ kind: 'mhl-1.1', latest: { creator: { tool: 'mhl ver. 0.2.0', hostName: 'dit-laptop.local' } } });
    expect(report.mhl!.counts).toMatchObject({ verified: 1, mismatch: 1, missing: 0, notListed: 0 });
    expect(report.mhl!.files[0]).toMatchObject({ entry: 'A001/clip2.mov', status: 'mismatch' });
  });
});
