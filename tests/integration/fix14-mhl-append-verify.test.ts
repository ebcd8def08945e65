// Issue 14, hostile test D2: `evidence mhl … --out DIR` run again on a folder with a history
// verifies every file the history lists, in every format it has (an md5-only history from another
// tool included), names failed and missing files and exits 1; never records a damaged file's new
// hash as "original"; refuses a damaged history unless --accept-damaged-history; and tells which
// card names `--reel` had to rename.
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { writeCard } from '../helpers/mhl-card.ts';
import { hashData } from '../../electron/core/mhl/hash.ts';
import { fileFacts, hashFile, listFolderFiles } from '../../electron/core/mhl/files.ts';
import { readAscMhlHistory } from '../../electron/core/mhl/read.ts';
import { MhlHistoryDamagedError, writeMhlGeneration } from '../../electron/core/mhl/write.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-append-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const creator = { tool: 'Evidence Archive', toolVersion: '0.1.0', hostName: 'test' };

async function filesOf(folder: string, formats: ('xxh128' | 'md5')[]) {
  return Promise.all(listFolderFiles(folder).map(async (rel) => {
    const h = await hashFile(join(folder, rel), formats);
    return { path: rel, bytes: h.bytes, mtime: fileFacts(join(folder, rel)).mtime, hashes: h.hashes };
  }));
}

const generationFiles = (folder: string) => readdirSync(join(folder, 'ascmhl')).filter((n) => n.endsWith('.mhl')).sort();

describe('appending a generation verifies what the history lists', () => {
  it('a damaged file is failed in the history\'s own format (md5), its new xxh128 is not recorded as original; a lost one is missing', async () => {
    const folder = join(tmp, 'SHUTTLE');
    writeCard(folder, { 'Clips/Q1.mov': 'clip one', 'Clips/Q2.mov': 'clip two', 'Clips/Q3.mov': 'clip three' });
    await writeMhlGeneration({ folder, files: await filesOf(folder, ['md5']), formats: ['md5'], creator: { ...creator, tool: 'Hedge' }, process: 'transfer', now: new Date('2024-05-01T09:00:00Z') });
    appendFileSync(join(folder, 'Clips/Q1.mov'), 'X');
    rmSync(join(folder, 'Clips/Q3.mov'));
    const r = await writeMhlGeneration({ folder, files: await filesOf(folder, ['xxh128']), formats: ['xxh128'], creator, process: 'transfer', now: new Date('2024-05-02T09:00:00Z') });
    expect(r.failed).toEqual([{ path: 'Clips/Q1.mov', format: 'md5', expected: await hashData('md5', Buffer.from('clip one')), found: await hashData('md5', Buffer.from('clip oneX')) }]);
    expect(r.missing).toEqual(['Clips/Q3.mov']);
    expect(r.actions).toEqual({ 'Clips/Q1.mov': 'failed', 'Clips/Q2.mov': 'verified' });
    const h = await readAscMhlHistory(folder);
    const g2 = h.generations[1]!;
    const q1 = g2.files.find((f) => f.path === 'Clips/Q1.mov')!;
    expect(q1.hashes.map((x) => [x.format, x.action])).toEqual([['md5', 'failed']]);
    const q2 = g2.files.find((f) => f.path === 'Clips/Q2.mov')!;
    expect(q2.hashes.map((x) => [x.format, x.action])).toEqual([['md5', 'verified'], ['xxh128', 'original']]);
    expect(g2.files.map((f) => f.path)).not.toContain('Clips/Q3.mov');
  });

  it('the CLI names the failed and the missing file and exits 1 (tester script d2)', async () => {
    const archive = join(tmp, 'arch-d2');
    const card = join(tmp, 'd2card');
    writeCard(card, { 'DCIM/100CANON/IMG_0001.JPG': 'one', 'DCIM/100CANON/IMG_0002.JPG': 'two', 'DCIM/100CANON/IMG_0003.JPG': 'three' });
    expect((await runCli('ingest', card, '--reel', 'd2card', '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    const out = join(tmp, 'd2out');
    expect((await runCli('mhl', '--reel', 'd2card', '--archive', archive, '--out', out)).code).toBe(0);
    appendFileSync(join(out, 'd2card/DCIM/100CANON/IMG_0002.JPG'), 'X');
    rmSync(join(out, 'd2card/DCIM/100CANON/IMG_0003.JPG'));
    const r = await runCli('mhl', '1', '--archive', archive, '--out', out);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/FAILED verification: d2card\/DCIM\/100CANON\/IMG_0002\.JPG .*xxh128/u);
    expect(r.out).toContain('MISSING: d2card/DCIM/100CANON/IMG_0003.JPG');
    const j = await runCli('mhl', '1', '--archive', archive, '--out', out, '--json');
    expect(j.code).toBe(1);
    const body = JSON.parse(j.out) as { ok: boolean; failed: { path: string }[]; missing: string[] };
    expect(body.ok).toBe(false);
    expect(body.failed.map((f) => f.path)).toEqual(['d2card/DCIM/100CANON/IMG_0002.JPG']);
    expect(body.missing).toEqual(['d2card/DCIM/100CANON/IMG_0003.JPG']);
  });
});

describe('a damaged history is not appended to', () => {
  it('a generation that is not well-formed XML: refused, naming the file; --accept-damaged-history adds one and says so', async () => {
    const folder = join(tmp, 'BROKEN');
    writeCard(folder, { 'a.txt': 'a' });
    await writeMhlGeneration({ folder, files: await filesOf(folder, ['xxh128']), formats: ['xxh128'], creator, process: 'transfer', now: new Date('2024-05-01T09:00:00Z') });
    const g1 = join(folder, 'ascmhl', generationFiles(folder)[0]!);
    writeFileSync(g1, readFileSync(g1, 'utf8').replace('</hashlist>', ''));
    await expect(writeMhlGeneration({ folder, files: await filesOf(folder, ['xxh128']), formats: ['xxh128'], creator, process: 'transfer' })).rejects.toThrow(MhlHistoryDamagedError);
    expect(generationFiles(folder)).toHaveLength(1);
    const archive = join(tmp, 'arch-broken');
    const card = join(tmp, 'cardB');
    writeCard(card, { 'b.txt': 'b' });
    expect((await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    const r = await runCli('mhl', '1', '--archive', archive, '--out', folder);
    expect(r.code).toBe(1);
    expect(r.err).toContain(g1);
    expect(r.err).toContain('not well-formed XML');
    expect(readdirSync(folder)).not.toContain('b.txt');
    const ok = await runCli('mhl', '1', '--archive', archive, '--out', folder, '--accept-damaged-history');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toContain('WARNING');
    expect(generationFiles(folder)).toHaveLength(2);
  });

  it('a generation whose C4 ID is no longer the chain\'s: refused, naming it', async () => {
    const folder = join(tmp, 'TAMPERED');
    writeCard(folder, { 'a.txt': 'a' });
    await writeMhlGeneration({ folder, files: await filesOf(folder, ['xxh128']), formats: ['xxh128'], creator, process: 'transfer', now: new Date('2024-05-01T09:00:00Z') });
    const g1 = join(folder, 'ascmhl', generationFiles(folder)[0]!);
    writeFileSync(g1, readFileSync(g1, 'utf8').replace('<hostname>test</hostname>', '<hostname>other</hostname>'));
    const err = await writeMhlGeneration({ folder, files: await filesOf(folder, ['xxh128']), formats: ['xxh128'], creator, process: 'transfer' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MhlHistoryDamagedError);
    expect((err as MhlHistoryDamagedError).problems.join('\n')).toMatch(/0001_TAMPERED.*C4 ID .* is not the .* the chain/u);
  });
});

describe('--reel tells which card names the copy renamed', () => {
  it('a name that is not UTF-8 is named with its new path, in text and --json', async () => {
    const archive = join(tmp, 'arch-names');
    const card = join(tmp, 'cardN');
    mkdirSync(join(card, 'DCIM'), { recursive: true });
    writeFileSync(Buffer.concat([Buffer.from(join(card, 'DCIM', 'IMG_')), Buffer.from([0xd0]), Buffer.from('.JPG')]), 'raw');
    writeFileSync(join(card, 'DCIM', 'IMG_0001.JPG'), 'plain');
    expect((await runCli('ingest', card, '--reel', 'N1', '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    const r = await runCli('mhl', '--reel', 'N1', '--archive', archive, '--out', join(tmp, 'outN'));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('RENAMED in the copy: DCIM/IMG_\\xD0.JPG on the card is N1/DCIM/IMG__xD0.JPG');
    expect(r.out).not.toContain('IMG_0001.JPG on the card');
    const j = JSON.parse((await runCli('mhl', '--reel', 'N1', '--archive', archive, '--out', join(tmp, 'outN'), '--json')).out) as { renamed: unknown };
    expect(j.renamed).toEqual([{ path: 'N1/DCIM/IMG__xD0.JPG', cardPath: 'DCIM/IMG_\\xD0.JPG' }]);
  });
});
