// ASC MHL v2.0 reading (every reference scenario), C4 IDs, directory hashes, and our own writer
// checked with xmllint against the ASC MHL XSDs and read back.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { c4FromSha512, hashData, hashOfHashList, sha512FromC4, structureEntry } from '../../electron/core/mhl/hash.ts';
import { expectedFiles, parseLegacyMhl, readAscMhlHistory, hasAscMhlHistory } from '../../electron/core/mhl/read.ts';
import { hashFile, listFolderFiles } from '../../electron/core/mhl/files.ts';
import { writeMhlGeneration } from '../../electron/core/mhl/write.ts';

const SPEC = join(SHARED_DIR, 'specs', 'ascmhl');
const SCENARIOS = join(SPEC, 'scenarios', 'Output');
const HAS_SPEC = existsSync(join(SPEC, 'xsd', 'ASCMHL.xsd'));

/** Every folder under `dir` holding an ascmhl/ history. */
function historyFolders(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (hasAscMhlHistory(d)) out.push(d);
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory() && e.name !== 'ascmhl') walk(join(d, e.name));
  };
  walk(dir);
  return out.sort();
}

const tmp = mkdtempSync(join(tmpdir(), 'mhl-rw-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The two XSDs in one folder, the chain schema's import pointed at the local copy (xmllint must not go online). */
function localSchemas(): { manifest: string; chain: string } {
  const d = join(tmp, 'xsd');
  mkdirSync(d, { recursive: true });
  copyFileSync(join(SPEC, 'xsd', 'ASCMHL.xsd'), join(d, 'ASCMHL.xsd'));
  const chain = readFileSync(join(SPEC, 'xsd', 'ASCMHLDirectory.xsd'), 'utf8').replace(/schemaLocation="[^"]*"/u, 'schemaLocation="ASCMHL.xsd"');
  writeFileSync(join(d, 'ASCMHLDirectory.xsd'), chain);
  return { manifest: join(d, 'ASCMHL.xsd'), chain: join(d, 'ASCMHLDirectory.xsd') };
}

function xmllint(schema: string, file: string): void {
  execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { stdio: 'pipe' });
}

describe('C4 IDs (SMPTE ST 2114)', () => {
  it('encodes SHA-512 of no bytes as the well-known C4 ID, and decodes it back', async () => {
    const empty = 'c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT';
    expect(await hashData('c4', Buffer.alloc(0))).toBe(empty);
    expect(empty).toHaveLength(90);
    expect(c4FromSha512(sha512FromC4(empty))).toBe(empty);
  });
  it('pads a small value with the alphabet\'s zero', () => {
    const id = c4FromSha512(Buffer.alloc(64));
    expect(id).toBe(`c4${'1'.repeat(88)}`);
    expect(() => c4FromSha512(Buffer.alloc(32))).toThrow(RangeError);
  });
});

describe.skipIf(!HAS_SPEC)('ASC MHL reference histories', () => {
  const folders = HAS_SPEC ? historyFolders(SCENARIOS) : [];

  it('finds the histories of all five scenarios, nested ones included', () => {
    expect(folders.map((f) => relative(SCENARIOS, f))).toContain('scenario_05/file_server/Reels');
    expect(folders.map((f) => relative(SCENARIOS, f))).toContain('scenario_05/file_server/Reels/A003R2EC');
    expect(new Set(folders.map((f) => relative(SCENARIOS, f).split('/')[0]))).toEqual(new Set(['scenario_01', 'scenario_02', 'scenario_03', 'scenario_04', 'scenario_05']));
  });

  it('reads every history: each chain C4 matches its generation file, creator info is read', async () => {
    for (const f of folders) {
      const h = await readAscMhlHistory(f);
      expect(h.problems, f).toEqual([]);
      expect(h.generations.length, f).toBeGreaterThan(0);
      expect(h.chain.map((c) => c.status), f).toEqual(h.generations.map(() => 'ok'));
      for (const g of h.generations) {
        expect(g.creator.tool).toBe('ascmhl.py');
        expect(g.creator.toolVersion).toBe('0.3 alpha');
        expect(g.creator.hostName).toBe('myHost.local');
        expect(g.process).toBe('in-place');
        expect(g.ignore).toContain('ascmhl/');
      }
    }
  });

  it('every file a history lists matches its recorded hashes on disk, except the one scenario 04 altered', async () => {
    for (const f of folders) {
      const h = await readAscMhlHistory(f);
      for (const [rel, exp] of expectedFiles(h)) {
        const formats = Object.keys(exp.hashes) as ('xxh64' | 'md5')[];
        const got = await hashFile(join(f, rel), formats);
        const same = formats.every((x) => got.hashes[x] === exp.hashes[x]);
        const altered = f.endsWith('scenario_04/file_server/A002R2EC') && rel === 'Sidecar.txt';
        expect(same, `${f} ${rel}`).toBe(!altered);
        if (altered) {
          expect(exp.failedIn).toBe(2);
          expect(exp.hashes.xxh64).toBe('3ab5a4166b9bde44'); // the original, not the failed value
          expect(exp.size).toBe(58);
        }
      }
    }
  });

  it('reproduces the reference directory and root hashes (xxh64 and md5)', async () => {
    const h = await readAscMhlHistory(join(SCENARIOS, 'scenario_03', 'file_server', 'A002R2EC'));
    for (const fmt of ['xxh64', 'md5'] as const) {
      // Generation 1 hashed with xxh64; generation 2 added md5 and its directory hashes are md5 only.
      const g = h.generations[fmt === 'xxh64' ? 0 : 1]!;
      const file = (p: string) => g.files.find((x) => x.path === p)!.hashes.find((x) => x.format === fmt)!.value;
      const a = file('Clips/A002C006_141024_R2EC.mov');
      const b = file('Clips/A002C007_141024_R2EC.mov');
      const s = file('Sidecar.txt');
      const clipsContent = await hashOfHashList(fmt, [a, b]);
      const clipsStructure = await hashOfHashList(fmt, [await structureEntry(fmt, 'A002C006_141024_R2EC.mov', a), await structureEntry(fmt, 'A002C007_141024_R2EC.mov', b)]);
      const dir = g.directories.find((d) => d.path === 'Clips')!;
      expect(clipsContent).toBe(dir.content[fmt]);
      expect(clipsStructure).toBe(dir.structure[fmt]);
      expect(await hashOfHashList(fmt, [clipsContent, s])).toBe(g.root!.content[fmt]);
      expect(await hashOfHashList(fmt, [await structureEntry(fmt, 'Clips', clipsStructure), await structureEntry(fmt, 'Sidecar.txt', s)])).toBe(g.root!.structure[fmt]);
    }
  });

  it('reads the references of a parent history to its children (scenario 05)', async () => {
    const h = await readAscMhlHistory(join(SCENARIOS, 'scenario_05', 'file_server', 'Reels'));
    expect(h.generations[0]!.references.map((r) => r.path)).toEqual(['A002R2EC/ascmhl/0002_A002R2EC_2020-01-17_143000Z.mhl', 'A003R2EC/ascmhl/0002_A003R2EC_2020-01-17_143000Z.mhl']);
    const child = await readAscMhlHistory(join(SCENARIOS, 'scenario_05', 'file_server', 'Reels', 'A002R2EC'));
    expect(h.generations[0]!.references[0]!.c4).toBe(child.chain[1]!.found);
  });

  it('reports a generation changed after it was chained', async () => {
    const d = join(tmp, 'tampered');
    execFileSync('cp', ['-r', join(SCENARIOS, 'scenario_02', 'file_server', 'A002R2EC'), d]);
    const gen = join(d, 'ascmhl', '0001_A002R2EC_2020-01-16_091500Z.mhl');
    writeFileSync(gen, readFileSync(gen, 'utf8').replace('myHost.local', 'otherHost.lan'));
    const h = await readAscMhlHistory(d);
    expect(h.chain.map((c) => c.status)).toEqual(['mismatch', 'ok']);
  });

  it('the reference files validate against the XSDs (the check our own files face)', () => {
    const xsd = localSchemas();
    const d = join(SCENARIOS, 'scenario_05', 'file_server', 'Reels', 'ascmhl');
    xmllint(xsd.manifest, join(d, '0001_Reels_2020-01-17_143000Z.mhl'));
    xmllint(xsd.chain, join(d, 'ascmhl_chain.xml'));
  });
});

describe.skipIf(!HAS_SPEC)('our ASC MHL writer', () => {
  it('writes generation 0001, then appends 0002 with verified and failed actions; both validate and read back', async () => {
    const xsd = localSchemas();
    const folder = join(tmp, 'Card A');
    mkdirSync(join(folder, 'DCIM', '100CANON'), { recursive: true });
    writeFileSync(join(folder, 'DCIM', '100CANON', 'IMG_0001.JPG'), 'first photo');
    writeFileSync(join(folder, 'DCIM', '100CANON', 'IMG_0002.JPG'), 'second photo');
    writeFileSync(join(folder, 'notes & <list>.txt'), 'notes');
    utimesSync(join(folder, 'notes & <list>.txt'), new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
    const formats = ['xxh128', 'md5', 'c4'] as const;
    const files = async () => Promise.all(listFolderFiles(folder).map(async (p) => {
      const { hashes, bytes } = await hashFile(join(folder, p), formats);
      return { path: p, bytes, mtime: statSync(join(folder, p)).mtime, hashes };
    }));
    const creator = { tool: 'Evidence Archive', toolVersion: '0.1.0', hostName: 'evidence-archive', author: 'A. Usenova' };
    const first = await writeMhlGeneration({ folder, files: await files(), formats: [...formats], creator, process: 'transfer', now: new Date('2024-05-02T08:09:10Z') });
    expect(first.generationPath).toBe('ascmhl/0001_Card A_2024-05-02_080910Z.mhl');
    expect(Object.values(first.actions)).toEqual(['original', 'original', 'original']);
    writeFileSync(join(folder, 'DCIM', '100CANON', 'IMG_0002.JPG'), 'second photo, changed');
    const second = await writeMhlGeneration({ folder, files: await files(), formats: ['xxh128'], creator, process: 'in-place', now: new Date('2024-05-03T00:00:00Z') });
    expect(second.sequence).toBe(2);
    expect(second.actions).toEqual({ 'DCIM/100CANON/IMG_0001.JPG': 'verified', 'DCIM/100CANON/IMG_0002.JPG': 'failed', 'notes & <list>.txt': 'verified' });
    for (const g of [first, second]) xmllint(xsd.manifest, join(folder, g.generationPath));
    xmllint(xsd.chain, join(folder, 'ascmhl', 'ascmhl_chain.xml'));
    const h = await readAscMhlHistory(folder);
    expect(h.problems).toEqual([]);
    expect(h.chain.map((c) => [c.sequence, c.status])).toEqual([[1, 'ok'], [2, 'ok']]);
    const g1 = h.generations[0]!;
    expect(g1.creator).toMatchObject({ tool: 'Evidence Archive', toolVersion: '0.1.0', hostName: 'evidence-archive', authors: [{ name: 'A. Usenova' }] });
    expect(g1.process).toBe('transfer');
    const notes = g1.files.find((f) => f.path === 'notes & <list>.txt')!;
    expect(notes.lastModificationDate).toBe('2024-05-01T10:00:00+00:00');
    expect(notes.hashes.map((x) => x.format)).toEqual(['c4', 'md5', 'xxh128']);
    expect(notes.hashes[2]!.value).toBe(await hashData('xxh128', Buffer.from('notes')));
    // Our directory hashes follow the reference definition.
    const dcim = g1.directories.find((d) => d.path === 'DCIM/100CANON')!;
    const a = await hashData('md5', Buffer.from('first photo'));
    const b = await hashData('md5', Buffer.from('second photo'));
    expect(dcim.content.md5).toBe(await hashOfHashList('md5', [a, b]));
    expect(g1.directories.map((d) => d.path)).toEqual(['DCIM/100CANON', 'DCIM']);
    const exp = expectedFiles(h).get('DCIM/100CANON/IMG_0002.JPG')!;
    expect(exp.failedIn).toBe(2);
    expect(exp.hashes.xxh128).toBe(await hashData('xxh128', Buffer.from('second photo')));
  });
});

describe('legacy MHL v1.1', () => {
  // Handwritten per mediahashlist.org's MHL specification and MediaHashList_v1_1.xsd (v1.1, 2016-05-20):
  // root <hashlist version="1.1">, <creatorinfo> (name, username, hostname, tool, startdate,
  // finishdate), one <hash> per file (file, size, lastmodificationdate, a hash element, hashdate).
  const sample = `<?xml version="1.0" encoding="UTF-8"?>
<hashlist version="1.1">
  <creatorinfo>
    <name>Data Wrangler</name>
    <username>dit</username>
    <hostname>dit-laptop.local</hostname>
    <tool>mhl ver. 0.2.0</tool>
    <startdate>2016-06-01T10:00:00Z</startdate>
    <finishdate>2016-06-01T10:05:00Z</finishdate>
  </creatorinfo>
  <hash>
    <file>A001/clip1.mov</file>
    <size>5</size>
    <lastmodificationdate>2016-06-01T09:00:00Z</lastmodificationdate>
    <md5>5d41402abc4b2a76b9719d911017c592</md5>
    <hashdate>2016-06-01T10:01:00Z</hashdate>
  </hash>
  <hash>
    <file>A001\\clip2.mov</file>
    <size>5</size>
    <xxhash64be>26c7827d889f6da3</xxhash64be>
    <hashdate>2016-06-01T10:02:00Z</hashdate>
  </hash>
  <hash>
    <file>A001/clip3.mov</file>
    <size>5</size>
    <xxhash64>a36d9f887d82c726</xxhash64>
    <hashdate>2016-06-01T10:02:00Z</hashdate>
  </hash>
  <hash>
    <file>A001/clip4.mov</file>
    <size>5</size>
    <xxhash>4211111929</xxhash>
    <hashdate>2016-06-01T10:02:00Z</hashdate>
  </hash>
</hashlist>`;
  it('reads creator info and every hash element, normalized to what we compute', async () => {
    const g = parseLegacyMhl('sample.mhl', sample);
    expect(g.format).toBe('mhl-1.1');
    expect(g.creator).toMatchObject({ tool: 'mhl ver. 0.2.0', hostName: 'dit-laptop.local', creationDate: '2016-06-01T10:05:00Z', authors: [{ name: 'Data Wrangler' }] });
    // Paths as written: a Windows "\" separator is read where the entry is matched to the card (entry-path.ts), not here.
    expect(g.files.map((f) => f.path)).toEqual(['A001/clip1.mov', 'A001\\clip2.mov', 'A001/clip3.mov', 'A001/clip4.mov']);
    const hello = Buffer.from('hello');
    expect(g.files[0]!.hashes[0]).toMatchObject({ format: 'md5', value: await hashData('md5', hello) });
    expect(g.files[1]!.hashes[0]).toMatchObject({ format: 'xxh64', value: await hashData('xxh64', hello) });
    expect(g.files[2]!.hashes[0]).toMatchObject({ format: 'xxh64', value: await hashData('xxh64', hello) });
    expect(g.files[3]!.hashes[0]).toMatchObject({ format: 'xxh32', value: await hashData('xxh32', hello) });
  });
  it('refuses a document type declaration (no entity expansion)', () => {
    expect(() => parseLegacyMhl('evil.mhl', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><hashlist version="1.1"/>')).toThrow(/document type/);
  });
});
