// Hash-list entries and the paths they name (issue 14 hostile test, D5 and D6). Each card is built
// here: files, and a hash list written by hand with xxh64 (hash-wasm) and MD5 (node:crypto) of the
// files computed here, so the list can say what a hostile or a Windows tool would write.
//
// D5: an entry that points outside the card or the list's folder (`../x`, `../../etc/hostname`,
//     `/etc/hostname`, `C:\x`, an empty path) is an INVALID entry of that list: in --json, in the
//     human output, as a failed fixity check in the custody log; it is never used to read or
//     compare a file, and the rest of the list is still checked.
// D6: a file whose name holds a backslash is matched when the list names it exactly; a list
//     written on Windows (`Clips\A001.mov`) is matched to the folders when no file of that literal
//     name exists (rule and source: core/mhl/entry-path.ts).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xxhash64 } from 'hash-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { writeCard } from '../helpers/mhl-card.ts';
import { openArchive } from '../../electron/core/archive.ts';
import { hashData } from '../../electron/core/mhl/hash.ts';
import { readAscMhlHistory } from '../../electron/core/mhl/read.ts';
import { chainXml } from '../../electron/core/mhl/write.ts';
import { escapeXml } from '../../electron/core/mhl/xml.ts';
import { sourceListEvents } from '../helpers/source-list-events.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-paths-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');
const GEN = '0001_CARD_2026-01-01_100000Z.mhl';

/** One <hash> of an ASC MHL generation: `path` as the list writes it (escaped here), the hashes given. */
const ascHash = (path: string, h: { md5: string; xxh64: string }, size: number) =>
  `    <hash>\n      <path size="${size}">${escapeXml(path)}</path>\n      <md5 action="original" hashdate="2026-01-01T10:00:00+00:00">${h.md5}</md5>\n      <xxh64 action="original" hashdate="2026-01-01T10:00:00+00:00">${h.xxh64}</xxh64>\n    </hash>\n`;

async function hashesOf(body: string): Promise<{ md5: string; xxh64: string }> {
  return { md5: md5(body), xxh64: await xxhash64(body) };
}

/** Writes ascmhl/<GEN> with `hashes` (raw <hash> elements) and a chain holding its C4 ID. */
async function writeAscList(card: string, hashes: string): Promise<void> {
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">\n' +
    '  <creatorinfo>\n    <creationdate>2026-01-01T10:00:00+00:00</creationdate>\n    <hostname>dit-cart</hostname>\n    <tool version="23.1">Hedge</tool>\n  </creatorinfo>\n' +
    '  <processinfo>\n    <process>in-place</process>\n    <ignore>\n      <pattern>.DS_Store</pattern>\n      <pattern>ascmhl</pattern>\n      <pattern>ascmhl/</pattern>\n    </ignore>\n  </processinfo>\n' +
    `  <hashes>\n${hashes}  </hashes>\n</hashlist>\n`;
  mkdirSync(join(card, 'ascmhl'), { recursive: true });
  writeFileSync(join(card, 'ascmhl', GEN), xml);
  writeFileSync(join(card, 'ascmhl', 'ascmhl_chain.xml'), chainXml([{ sequence: 1, path: GEN, c4: await hashData('c4', Buffer.from(xml)) }]));
}

interface FileJson { path: string; entry: string; status: string; reason?: string; history: string }
interface MhlJson { counts: Record<string, number>; histories: { counts: Record<string, number> }[]; files: FileJson[] }

async function ingest(archive: string, input: string, ...more: string[]): Promise<{ code: number; report: { mhl: MhlJson }; human: string; err: string }> {
  const j = await runCli('ingest', input, '--archive', archive, '--operator', 'T', '--no-previews', '--threads', '1', '--json', ...more);
  return { code: j.code, report: JSON.parse(j.out), human: '', err: j.err };
}


describe('D5: an entry pointing outside the card is an invalid entry of its list', () => {
  const HOSTILE = ['../sibling.mov', '../../etc/hostname', '/etc/hostname', 'C:\\x', ''];

  it('each is reported (json, human, custody log), none is read or compared, and the rest of the list is checked', async () => {
    const parent = join(tmp, 'd5');
    const card = join(parent, 'CARD');
    const a1 = 'clip A001 intact';
    const a2 = 'clip A002 as shot';
    const sibling = 'a file beside the card, not on it';
    writeCard(card, { 'Clips/A001.mov': a1, 'Clips/A002.mov': 'clip A002 changed later', 'etc/hostname': 'not the host' });
    writeCard(parent, { 'sibling.mov': sibling });
    const ok1 = await hashesOf(a1);
    const sib = await hashesOf(sibling);
    const host = await hashesOf('not the host');
    await writeAscList(card,
      ascHash('Clips/A001.mov', ok1, a1.length) +
      ascHash('Clips/A002.mov', await hashesOf(a2), a2.length) +
      ascHash('etc/hostname', host, 12) +
      // Hostile entries carry the hashes of real files they could reach: a match must be impossible.
      ascHash('../sibling.mov', sib, sibling.length) +
      ascHash('../../etc/hostname', host, 12) +
      ascHash('/etc/hostname', host, 12) +
      ascHash('C:\\x', sib, sibling.length) +
      ascHash('', sib, sibling.length));
    const archive = join(tmp, 'arch-d5');
    // The parent is ingested: the sibling is read by this ingest, so a `../` entry could be compared with it.
    const r = await ingest(archive, parent);
    expect(r.code, r.err).toBe(1);
    const m = r.report.mhl;
    expect(m.counts).toMatchObject({ verified: 2, mismatch: 1, missing: 0, invalid: 5 });
    expect(m.histories[0]!.counts).toMatchObject({ verified: 2, mismatch: 1, invalid: 5 });
    const invalid = m.files.filter((f) => f.status === 'invalid');
    expect(invalid.map((f) => f.entry).sort()).toEqual([...HOSTILE].sort());
    const why = Object.fromEntries(invalid.map((f) => [f.entry, f.reason]));
    expect(why['../sibling.mov']).toMatch(/leads out of the hash list's folder/u);
    expect(why['/etc/hostname']).toMatch(/absolute path/u);
    expect(why['C:\\x']).toMatch(/Windows drive/u);
    expect(why['']).toMatch(/empty/u);
    for (const f of invalid) {
      expect(f.history).toBe(`CARD/ascmhl/${GEN}`);
      // The finding is about the hash list, not about a file the entry would name.
      expect(f.path).toBe(join(card, 'ascmhl', GEN));
    }
    // Nothing outside the card was compared: the sibling has no verdict and no link to the list.
    expect(m.files.find((f) => f.path === join(parent, 'sibling.mov'))).toBeUndefined();
    const a = await openArchive(archive, { write: false });
    try {
      const linked = a.db.prepare('SELECT s.source_path p, m.entry_path e, m.outcome o FROM sighting_mhl m JOIN sightings s ON s.id = m.sighting_id ORDER BY m.entry_path').all();
      expect(linked).toEqual([
        { p: join(card, 'Clips', 'A001.mov'), e: 'Clips/A001.mov', o: 'verified' },
        { p: join(card, 'Clips', 'A002.mov'), e: 'Clips/A002.mov', o: 'mismatch' },
        { p: join(card, 'etc', 'hostname'), e: 'etc/hostname', o: 'verified' },
      ]);
    } finally {
      await a.close();
    }
    const events = await sourceListEvents(archive);
    const inv = events.filter((e) => (e.detail.finding as { kind?: string } | undefined)?.kind === 'invalid-entry');
    expect(inv.map((e) => e.detail.entry).sort()).toEqual([...HOSTILE].sort());
    for (const e of inv) {
      expect(e.item).toBeNull();
      expect(e.detail).toMatchObject({ outcome: 'fail', hashList: { folder: 'CARD', file: `ascmhl/${GEN}` } });
      expect(JSON.stringify(e.detail)).not.toContain(tmp);
    }
    const log = await runCli('log', '--archive', archive, '--type', 'fixity check');
    expect(log.out).toContain(`Invalid entry in ${GEN}, not read: ../sibling.mov (it points outside the card)`);
    // Human output of the same ingest (a second run: the list is read again, whatever the archive holds).
    const human = await runCli('ingest', parent, '--archive', archive, '--operator', 'T', '--no-previews', '--threads', '1');
    expect(human.code).toBe(1);
    expect(human.out).toContain(`INVALID entry in CARD/ascmhl/${GEN}, not read: ../../etc/hostname (it points outside the card: leads out of the hash list's folder`);
    expect(human.out).toContain(`INVALID entry in CARD/ascmhl/${GEN}, not read: C:\\x (it points outside the card: a Windows drive path`);
    expect(human.out).toMatch(/hash list: .*CARD.*: 2 verified, 1 changed, 0 missing, 0 not in the list, 5 invalid/u);
  });

  it('a card ingested alone: `../` entries name no file of the run and are still reported', async () => {
    const card = join(tmp, 'd5b', 'CARD');
    const body = 'only clip';
    writeCard(card, { 'Clips/A001.mov': body });
    await writeAscList(card, ascHash('Clips/A001.mov', await hashesOf(body), body.length) + ascHash('../../etc/hostname', await hashesOf('x'), 1));
    const r = await ingest(join(tmp, 'arch-d5b'), card);
    expect(r.code).toBe(1);
    expect(r.report.mhl.counts).toMatchObject({ verified: 1, invalid: 1, missing: 0 });
    expect(r.report.mhl.files).toEqual([expect.objectContaining({ entry: '../../etc/hostname', status: 'invalid' })]);
  });

  it('a NUL in a path is not XML (XML 1.0 §2.2): the whole list is refused, named, and the ingest fails', async () => {
    const card = join(tmp, 'd5c', 'CARD');
    writeCard(card, { 'Clips/A001.mov': 'clip' });
    await writeAscList(card, ascHash('Clips/A001.mov', await hashesOf('clip'), 4) + ascHash('Clips/x&#0;.mov', await hashesOf('x'), 1).replace('x&amp;#0;', 'x&#0;'));
    const r = await ingest(join(tmp, 'arch-d5c'), card);
    expect(r.code).toBe(1);
    expect((r.report.mhl as unknown as { rejected: { reason: string }[] }).rejected[0]!.reason).toMatch(/not a legal XML character/u);
  });

  it('many invalid entries in one list are summed up in one custody event (the report names each)', async () => {
    const card = join(tmp, 'd5d', 'CARD');
    writeCard(card, { 'a.mov': 'a' });
    const h = await hashesOf('a');
    let entries = ascHash('a.mov', h, 1);
    for (let i = 0; i < 150; i++) entries += ascHash(`../x${i}.mov`, h, 1);
    await writeAscList(card, entries);
    const archive = join(tmp, 'arch-d5d');
    const r = await ingest(archive, card);
    expect(r.report.mhl.counts).toMatchObject({ verified: 1, invalid: 150 });
    const events = (await sourceListEvents(archive)).filter((e) => e.detail.outcome === 'fail');
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ finding: { kind: 'summary', missing: 0, invalid: 150 } });
    const log = await runCli('log', '--archive', archive, '--type', 'fixity check');
    expect(log.out).toContain('listed files not on the card: 0; invalid entries: 150');
  });
});

describe('D6: backslashes in file names and in lists written on Windows', () => {
  it('a backslash in a name matches its exact entry; a Windows list matches the folders when no file has the literal name', async () => {
    const card = join(tmp, 'd6', 'CARD');
    const files: Record<string, string> = {
      'clip\\01.mov': 'a clip whose name holds a backslash',
      'Clips/A001.mov': 'clip in a folder',
      // Both exist: the literal name wins; the folder's file is then not in the list.
      'Clips\\A002.mov': 'the literal one',
      'Clips/A002.mov': 'the one in the folder',
    };
    writeCard(card, files);
    const h = async (k: string) => hashesOf(files[k]!);
    await writeAscList(card,
      ascHash('clip\\01.mov', await h('clip\\01.mov'), files['clip\\01.mov']!.length) +
      ascHash('Clips\\A001.mov', await h('Clips/A001.mov'), files['Clips/A001.mov']!.length) +
      ascHash('Clips\\A002.mov', await h('Clips\\A002.mov'), files['Clips\\A002.mov']!.length));
    const r = await ingest(join(tmp, 'arch-d6'), card);
    expect(r.report.mhl.files).toEqual([expect.objectContaining({ path: join(card, 'Clips', 'A002.mov'), status: 'not-listed' })]);
    expect(r.report.mhl.counts).toMatchObject({ verified: 3, mismatch: 0, missing: 0, notListed: 1, invalid: 0 });
  });

  it('MHL v1.1 (often written on Windows): the same rule', async () => {
    const card = join(tmp, 'd6-legacy', 'CARD');
    const files: Record<string, string> = { 'clip\\02.mov': 'backslash name, legacy list', 'Clips/B001.mov': 'legacy folder clip' };
    writeCard(card, files);
    const entry = async (name: string, key: string) =>
      `  <hash>\n    <file>${escapeXml(name)}</file>\n    <size>${files[key]!.length}</size>\n    <md5>${md5(files[key]!)}</md5>\n    <hashdate>2026-01-01T10:00:00Z</hashdate>\n  </hash>\n`;
    writeFileSync(join(card, 'CARD_2026-01-01_100000.mhl'), '<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="1.1">\n' +
      '  <creatorinfo>\n    <name>DIT</name>\n    <username>dit</username>\n    <hostname>WIN-DIT</hostname>\n    <tool>ShotPut Pro</tool>\n    <startdate>2026-01-01T10:00:00Z</startdate>\n    <finishdate>2026-01-01T10:05:00Z</finishdate>\n  </creatorinfo>\n' +
      (await entry('clip\\02.mov', 'clip\\02.mov')) + (await entry('Clips\\B001.mov', 'Clips/B001.mov')) + '</hashlist>\n');
    const r = await ingest(join(tmp, 'arch-d6-legacy'), card);
    expect(r.code, r.err).toBe(0);
    expect(r.report.mhl.files).toEqual([]);
    expect(r.report.mhl.counts).toMatchObject({ verified: 2, missing: 0, notListed: 0 });
  });
});

const SPEC = join(SHARED_DIR, 'specs', 'ascmhl');
describe.skipIf(!existsSync(join(SPEC, 'xsd', 'ASCMHL.xsd')))('writing a history of a backslash file name (evidence mhl)', () => {
  it('lists the name as it is, validates against the XSDs, reads back, and an ingest of the folder verifies it', async () => {
    const d = join(tmp, 'xsd');
    mkdirSync(d, { recursive: true });
    copyFileSync(join(SPEC, 'xsd', 'ASCMHL.xsd'), join(d, 'ASCMHL.xsd'));
    writeFileSync(join(d, 'ASCMHLDirectory.xsd'), readFileSync(join(SPEC, 'xsd', 'ASCMHLDirectory.xsd'), 'utf8').replace(/schemaLocation="[^"]*"/u, 'schemaLocation="ASCMHL.xsd"'));
    const xmllint = (schema: string, file: string) => execFileSync('xmllint', ['--noout', '--nonet', '--schema', join(d, schema), file], { stdio: 'pipe' });

    const src = join(tmp, 'wsrc');
    writeCard(src, { 'take\\1.mov': 'backslash take' });
    const archive = join(tmp, 'arch-write');
    expect((await runCli('ingest', src, '--archive', archive, '--operator', 'T', '--no-previews', '--threads', '1')).code).toBe(0);
    // An offload folder that already holds a file with a backslash in its name (copied there by hand).
    const out = join(tmp, 'Offload');
    writeCard(out, { 'Sub/clip\\01.mov': 'already in the folder' });
    const r = await runCli('mhl', '1', '--archive', archive, '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as { items: { path: string }[]; generation: { generationPath: string } };
    // The copy gets an export's portable name, made from the name's display form (`take\\1.mov`: export/names.ts,
    // no "\" on Windows); the file already in the folder keeps its own name in the history.
    expect(res.items[0]!.path).toBe('take__1.mov');
    xmllint('ASCMHL.xsd', join(out, res.generation.generationPath));
    xmllint('ASCMHLDirectory.xsd', join(out, 'ascmhl', 'ascmhl_chain.xml'));
    const h = await readAscMhlHistory(out);
    expect(h.chain.map((c) => c.status)).toEqual(['ok']);
    expect(h.generations[0]!.files.map((f) => f.path).sort()).toEqual(['Sub/clip\\01.mov', 'take__1.mov']);
    expect(h.generations[0]!.directories.map((x) => x.path)).toEqual(['Sub']);
    const back = await ingest(join(tmp, 'arch-write2'), out);
    expect(back.code, back.err).toBe(0);
    expect(back.report.mhl.counts).toMatchObject({ verified: 2, mismatch: 0, missing: 0, notListed: 0, invalid: 0 });
  });
});
