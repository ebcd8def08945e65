// `evidence compare` must never say SAFE TO FORMAT wrongly: a DIT formats the card on that word
// (issue 14 hostile test). Each card is built here from bytes, no corpus needed.
// 1. Trash and hidden folders: files in `.Trashes/501/`, `$RECYCLE.BIN/S-…/`, a FOLDER named
//    `.DS_Store` or `._100CANON` block; only files verified by type and content as the OS's own
//    (ingest/os-files.ts) are ignored; ingest reports each blocking file as not ingested.
// 2. The card's own hash list: a listed file changed or missing on the card blocks, named.
// 3. The archive side is re-read: an object replaced by zeros of its size, or by a symbolic link
//    to a file outside the archive, blocks; `--quick` says it did not re-read.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/objects.ts';
import { judgeFile, enterFolder } from '../../electron/core/ingest/os-files.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { sealCard, writeCard } from '../helpers/mhl-card.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Entry { path: string; status: string; reason?: string; sha256?: string }
interface CompareJson { safeToFormat: boolean; blocking: number; archiveCheck: string; counts: Record<string, number>; entries: Entry[]; hashLists: { counts: Record<string, number>; files: { path: string; status: string }[] } | null }

const jpeg = () => Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), randomBytes(4000), Buffer.from('ffd9', 'hex')]);
const cli = (archive: string, ...args: string[]) => runCli(...args, '--archive', archive);
async function compare(archive: string, card: string, ...more: string[]): Promise<{ code: number; json: CompareJson; text: string }> {
  const j = await cli(archive, 'compare', card, '--json', ...more);
  const text = await cli(archive, 'compare', card, ...more);
  return { code: j.code, json: JSON.parse(j.out) as CompareJson, text: text.out };
}
const statusOf = (r: CompareJson, card: string) => Object.fromEntries(r.entries.map((e) => [e.path.slice(card.length + 1), e.status]));

async function newArchive(name: string): Promise<string> {
  const a = join(tmp, name);
  expect((await runCli('init', a)).code).toBe(0);
  return a;
}
async function ingest(archive: string, input: string): Promise<{ code: number; files: { path: string; status: string; reason?: string }[] }> {
  const r = await cli(archive, 'ingest', input, '--no-previews', '--threads', '1', '--json', '--operator', 'T');
  return { code: r.code, files: (JSON.parse(r.out) as { files: { path: string; status: string; reason?: string }[] }).files };
}

// Real OS files, as the OS writes their first bytes.
const DS_STORE = Buffer.concat([Buffer.from('0000000142756431', 'hex'), Buffer.alloc(4088)]);
const APPLE_DOUBLE = Buffer.concat([Buffer.from('0005160700020000', 'hex'), Buffer.alloc(4088)]);
const THUMBS_DB = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(1016)]);

describe('1. trash and hidden folders on a card', () => {
  const card = join(tmp, 'EOS_DIGITAL');
  let archive: string;
  beforeAll(async () => {
    archive = await newArchive('arc1');
    writeCard(card, { 'DCIM/100CANON/IMG_0001.JPG': jpeg() });
    expect((await ingest(archive, card)).code).toBe(0);
    writeCard(card, {
      '.Trashes/501/IMG_0004.JPG': jpeg(), // deleted in Finder, not emptied
      '$RECYCLE.BIN/S-1-5-21/$R0005.JPG': jpeg(), // deleted in Windows Explorer
      'DCIM/.DS_Store/IMG_0006.JPG': jpeg(), // a FOLDER named .DS_Store
      'DCIM/._100CANON/IMG_0007.JPG': jpeg(), // a FOLDER named ._*
      '.Trash-1000/files/IMG_0008.JPG': jpeg(),
      'DCIM/101CANON/.DS_Store': jpeg(), // a FILE named .DS_Store that is a JPEG
      // What the OS really writes: ignored.
      '.DS_Store': DS_STORE, 'DCIM/100CANON/._IMG_0001.JPG': APPLE_DOUBLE, 'DCIM/100CANON/Thumbs.db': THUMBS_DB,
      '$RECYCLE.BIN/S-1-5-21/desktop.ini': '[.ShellClassInfo]\r\nCLSID={645FF040-5081-101B-9F08-00AA002F954E}\r\n',
      '.fseventsd/fseventsd-uuid': '0F5D8A3C-1B2E-4C3D-9E8F-7A6B5C4D3E2F',
      '.fseventsd/00000000001a2b3c': Buffer.concat([Buffer.from('1f8b0800', 'hex'), randomBytes(100)]),
      '.Spotlight-V100/Store-V2/0A1B/store.db': Buffer.concat([Buffer.from('38534442', 'hex'), randomBytes(500)]),
      'System Volume Information/IndexerVolumeGuid': Buffer.from('\ufeff{D2A8A6C3-0F1B-4A6E-9A51-5B9C1E2D3F40}', 'utf16le'),
    });
  });

  it('blocks on files in trash folders and in folders merely named like OS files, naming them; ignores verified OS files', async () => {
    const r = await compare(archive, card);
    expect(r.code).toBe(1);
    expect(r.json.safeToFormat).toBe(false);
    expect(statusOf(r.json, card)).toEqual({
      'DCIM/100CANON/IMG_0001.JPG': 'archived',
      '.Trashes/501/IMG_0004.JPG': 'deleted', '$RECYCLE.BIN/S-1-5-21/$R0005.JPG': 'deleted', '.Trash-1000/files/IMG_0008.JPG': 'deleted',
      'DCIM/.DS_Store/IMG_0006.JPG': 'hidden', 'DCIM/._100CANON/IMG_0007.JPG': 'hidden', 'DCIM/101CANON/.DS_Store': 'hidden',
      '.DS_Store': 'ignored', 'DCIM/100CANON/._IMG_0001.JPG': 'ignored', 'DCIM/100CANON/Thumbs.db': 'ignored', '$RECYCLE.BIN/S-1-5-21/desktop.ini': 'ignored',
      '.fseventsd/fseventsd-uuid': 'ignored', '.fseventsd/00000000001a2b3c': 'ignored', '.Spotlight-V100/Store-V2/0A1B/store.db': 'ignored',
      'System Volume Information/IndexerVolumeGuid': 'ignored',
    });
    expect(r.json.blocking).toBe(6);
    expect(r.text).toMatch(/deleted on the card but still there \(in a trash folder\), and NOT in the archive:\n(  .*\n)*  .*\.Trashes\/501\/IMG_0004\.JPG: in the card's trash \(\.Trashes\)/);
    expect(r.text).toContain('NOT SAFE TO FORMAT: 6 files under');
  });

  it('ingest reports each of those files as not ingested, with the reason, and ingests a look-alike Thumbs.db', async () => {
    writeCard(card, { 'DCIM/102CANON/Thumbs.db': jpeg() });
    const r = await ingest(archive, card);
    const by = Object.fromEntries(r.files.map((f) => [f.path.slice(card.length + 1), f]));
    for (const p of ['.Trashes/501/IMG_0004.JPG', '$RECYCLE.BIN/S-1-5-21/$R0005.JPG', 'DCIM/.DS_Store/IMG_0006.JPG', 'DCIM/._100CANON/IMG_0007.JPG', 'DCIM/101CANON/.DS_Store']) {
      expect(by[p]?.status, p).toBe('skipped');
      expect(by[p]?.reason, p).toMatch(/not ingested/);
    }
    expect(by['.Trashes/501/IMG_0004.JPG']?.reason).toContain('deleted on the card but still there');
    expect(by['DCIM/102CANON/Thumbs.db']?.status).toBe('added');
    expect(by['DCIM/100CANON/Thumbs.db']?.reason).toMatch(/operating-system file: Windows thumbnail cache/);
  });

  it('once the trash is ingested by name and the hidden files removed, the card is safe', async () => {
    for (const d of ['.Trashes', '$RECYCLE.BIN', '.Trash-1000']) expect((await ingest(archive, join(card, d))).code).toBe(0);
    for (const f of ['DCIM/.DS_Store', 'DCIM/._100CANON', 'DCIM/101CANON']) rmSync(join(card, f), { recursive: true });
    const r = await compare(archive, card);
    expect(r.json.entries.filter((e) => e.status !== 'archived' && e.status !== 'ignored')).toEqual([]);
    expect(statusOf(r.json, card)['.Trashes/501/IMG_0004.JPG']).toBe('archived');
    expect(r.code).toBe(0);
    expect(r.text).toContain('SAFE TO FORMAT: every file under');
  });

  it('judges by content: names alone never make an OS file', () => {
    const f = join(tmp, 'judge');
    writeCard(f, { '.DS_Store': DS_STORE, 'fake/.DS_Store': 'mac', '._a': APPLE_DOUBLE, '._b': 'appledouble', 'Thumbs.db': 'x', 'Icon\r': '' });
    const j = (rel: string, ctx = null as ReturnType<typeof enterFolder>) => judgeFile(Buffer.from(join(f, rel)), rel.split('/').pop()!, rel === 'Icon\r' ? 0 : 1, ctx)?.kind ?? null;
    expect([j('.DS_Store'), j('fake/.DS_Store'), j('._a'), j('._b'), j('Thumbs.db'), j('Icon\r')]).toEqual(['os', 'hidden', 'os', 'hidden', null, 'os']);
    expect(j('Thumbs.db', enterFolder('.Trashes', null))).toBe('trash');
    expect(enterFolder('DCIM', null)).toBeNull();
  });
});

describe("2. the card's own hash list", () => {
  it('a listed file missing from the card, or changed since the list, blocks and is named', async () => {
    const archive = await newArchive('arc2');
    const card = join(tmp, 'A001R1AB');
    writeCard(card, { 'Clips/A001C001.mov': randomBytes(5000), 'Clips/A001C002.mov': randomBytes(5000), 'Clips/A001C003.mov': randomBytes(5000) });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    unlinkSync(join(card, 'Clips/A001C002.mov')); // lost before this copy
    writeFileSync(join(card, 'Clips/A001C003.mov'), randomBytes(5000)); // changed after the offload
    expect((await ingest(archive, card)).code).toBe(1); // ingest reports both
    const r = await compare(archive, card);
    expect(r.json.entries.every((e) => e.status === 'archived')).toBe(true); // everything there IS in the archive
    expect(r.code).toBe(1);
    expect(r.json.safeToFormat).toBe(false);
    expect(r.json.hashLists?.counts).toMatchObject({ verified: 1, mismatch: 1, missing: 1 });
    expect(r.json.blocking).toBe(2);
    expect(r.text).toMatch(/hash list reports problems[^\n]*\n(  .*\n)*  .*A001C002\.mov \(A001R1AB\/ascmhl\/0001_[^)]*\): listed by the hash list but NOT on the card/);
    expect(r.text).toMatch(/A001C003\.mov [^\n]*differs from its hash list; the archive holds this same file \(item \d+\), so it already differed from the hash list when it was offloaded/);
    expect(r.text).toMatch(/NOT SAFE TO FORMAT: the files under .* are in the archive, but the card's hash list reports 2 problems/);
  });

  it('a generation the chain does not vouch for (written after a file was damaged) blocks', async () => {
    const archive = await newArchive('arc2c');
    const card = join(tmp, 'A003R1AB');
    writeCard(card, { 'Clips/A003C001.mov': randomBytes(5000) });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    const chain = readFileSync(join(card, 'ascmhl', 'ascmhl_chain.xml'), 'utf8');
    writeFileSync(join(card, 'Clips/A003C001.mov'), randomBytes(5000)); // damaged…
    await sealCard(card, new Date('2024-05-03T09:00:00Z')); // …and re-hashed as if all were well
    writeFileSync(join(card, 'ascmhl', 'ascmhl_chain.xml'), chain); // the chain still vouches for generation 1 only
    await ingest(archive, card);
    const r = await compare(archive, card);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/A003R1AB\/ascmhl\/0002_[^:]*: generation not vouched for by ascmhl_chain\.xml \(unlisted\)/);
  });

  it('a card whose hash list verifies says so and is safe', async () => {
    const archive = await newArchive('arc2b');
    const card = join(tmp, 'A002R1AB');
    writeCard(card, { 'Clips/A002C001.mov': randomBytes(5000) });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    expect((await ingest(archive, card)).code).toBe(0);
    const r = await compare(archive, card);
    expect(r.code).toBe(0);
    expect(r.text).toContain("the card's hash list: 1 listed file verified, none missing or changed.");
  });
});

describe('3. the archive side is read, not assumed', () => {
  const card = join(tmp, 'CARD3');
  let archive: string;
  let obj: string;
  const body = jpeg();
  beforeAll(async () => {
    archive = await newArchive('arc3');
    writeCard(card, { 'DCIM/100CANON/IMG_0001.JPG': body });
    expect((await ingest(archive, card)).code).toBe(0);
    const r = await compare(archive, card);
    expect(r.code).toBe(0);
    obj = objectPath(join(archive, 'objects'), r.json.entries[0]!.sha256!);
  });

  it('an object replaced by zeros of the same size blocks; --quick says it did not re-read', async () => {
    chmodSync(dirname(obj), 0o755);
    chmodSync(obj, 0o644);
    writeFileSync(obj, Buffer.alloc(body.length));
    const r = await compare(archive, card);
    expect(r.code).toBe(1);
    expect(r.json.entries[0]).toMatchObject({ status: 'object-missing', reason: expect.stringMatching(/object in the archive is altered: its SHA-256 is now/) });
    const q = await compare(archive, card, '--quick');
    expect(q.json.archiveCheck).toBe('size-only');
    expect(q.text).toContain('SAFE TO FORMAT (quick check)');
    expect(q.text).toContain('NOT re-read');
    expect(q.text).not.toContain('byte for byte (SHA-256');
  });

  it('an object replaced by a symbolic link to a file outside the archive blocks, also with --quick', async () => {
    const outside = join(tmp, 'outside.jpg');
    writeFileSync(outside, body);
    unlinkSync(obj);
    symlinkSync(outside, obj);
    for (const more of [[], ['--quick']]) {
      const r = await compare(archive, card, ...more);
      expect(r.code, more.join()).toBe(1);
      expect(r.json.entries[0]).toMatchObject({ status: 'object-missing', reason: expect.stringContaining('a symbolic link (the object)') });
    }
  });
});
