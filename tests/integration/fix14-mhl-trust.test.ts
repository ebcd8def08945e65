// What an ASC MHL history may vouch for at ingest (issue 14, hostile test d1/d5): a generation the
// chain does not vouch for (not listed in ascmhl_chain.xml, or its C4 ID differs) is not trusted
// for a pass; a history that records two values of one format for a file (the file changed between
// offloads) is flagged; entries naming a card file in another Unicode normalisation form or letter
// case are matched when exactly one file fits; chain messages say which problem it is.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { sealCard, writeCard } from '../helpers/mhl-card.ts';
import { openArchive } from '../../electron/core/archive.ts';
import { listCustodyEvents } from '../../electron/core/custody/log.ts';
import { hashData } from '../../electron/core/mhl/hash.ts';
import { chainXml } from '../../electron/core/mhl/write.ts';
import { parseChain, readAscMhlHistory } from '../../electron/core/mhl/read.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-trust-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');

/** The md5 and xxh64 of `b`, the formats sealCard writes. */
const hashesOf = async (b: Buffer) => ({ md5: md5(b), xxh64: await hashData('xxh64', b) });

/** An ASC MHL generation listing `entries` (path, size, hashes by format, action), as Hedge writes one. */
function generationXml(entries: { path: string; size: number; hashes: Record<string, string>; action: string }[], date = '2024-05-03'): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0"><creatorinfo>' +
    `<creationdate>${date}T09:00:00+00:00</creationdate><hostname>dit</hostname><tool version="24">Hedge</tool></creatorinfo><processinfo><process>transfer</process></processinfo>\n<hashes>` +
    entries.map((e) => `<hash><path size="${e.size}">${e.path}</path>${Object.entries(e.hashes).map(([f, v]) => `<${f} action="${e.action}" hashdate="${date}T09:00:00+00:00">${v}</${f}>`).join('')}</hash>`).join('') +
    '</hashes></hashlist>\n';
}

/** Writes generation `name` and (when `chain`) a chain listing it with its C4 ID after the existing ones. */
async function addGeneration(card: string, name: string, xml: string, chain: boolean): Promise<void> {
  writeFileSync(join(card, 'ascmhl', name), xml);
  if (!chain) return;
  const file = join(card, 'ascmhl', 'ascmhl_chain.xml');
  let entries: { sequence: number; path: string; c4: string }[] = [];
  try {
    entries = parseChain(file);
  } catch {
    entries = [];
  }
  entries.push({ sequence: Number(name.slice(0, 4)), path: name, c4: await hashData('c4', Buffer.from(xml)) });
  writeFileSync(file, chainXml(entries));
}

interface FileJson { path: string; entry: string; status: string; reason?: string; cardName?: string; nameMatch?: string }
interface Report { mhl: { counts: Record<string, number>; files: FileJson[]; nameMatches?: FileJson[]; histories: { chain: { path: string; status: string }[]; duplicates?: { sequence: number; files: string[] }[] }[] } }

async function ingest(archive: string, card: string): Promise<{ code: number; report: Report; human: string; err: string }> {
  const j = await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews', '--threads', '1', '--json');
  const h = await runCli('ingest', card, '--archive', `${archive}-h`, '--operator', 'T', '--no-previews', '--threads', '1');
  return { code: j.code, report: JSON.parse(j.out) as Report, human: h.out, err: h.err };
}

async function fixityEvents(archive: string) {
  const a = await openArchive(archive, { write: false });
  try {
    return listCustodyEvents(a.db, {}).filter((e) => e.type === 'fixity check' && e.detail.scope === 'source hash list');
  } finally {
    await a.close();
  }
}

const CLIP = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 251));
const damaged = () => {
  const b = Buffer.from(CLIP);
  b[3000] = 0;
  return b;
};

describe('a generation the chain does not vouch for', () => {
  it('d1: an unlisted generation recording the altered clip as verified does not make it pass', async () => {
    const card = join(tmp, 'A001R1AB');
    writeCard(card, { 'Clips/A001C001.mov': CLIP });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    writeCard(card, { 'Clips/A001C001.mov': damaged() });
    await addGeneration(card, '0002_A001R1AB_2024-05-03_090000Z.mhl', generationXml([{ path: 'Clips/A001C001.mov', size: CLIP.length, hashes: await hashesOf(damaged()), action: 'verified' }]), false);
    const archive = join(tmp, 'arch-d1');
    const r = await ingest(archive, card);
    expect(r.code).toBe(1);
    expect(r.report.mhl.counts).toMatchObject({ verified: 0, mismatch: 1 });
    expect(r.report.mhl.histories[0]!.chain.map((c) => c.status)).toEqual(['ok', 'unlisted']);
    const f = r.report.mhl.files.find((x) => x.entry === 'Clips/A001C001.mov')!;
    expect(f.status).toBe('mismatch');
    expect(f.reason).toContain(`md5 expected ${md5(CLIP)}, found ${md5(damaged())}`);
    expect(f.reason).toContain('0002_A001R1AB_2024-05-03_090000Z.mhl is not listed in ascmhl_chain.xml');
    expect(r.err).toContain('generation file 0002_A001R1AB_2024-05-03_090000Z.mhl: not listed in ascmhl_chain.xml');
    const events = await fixityEvents(archive);
    const clip = events.find((e) => e.detail.entry === 'Clips/A001C001.mov')!;
    expect(clip.detail).toMatchObject({ outcome: 'fail', hashList: { file: 'ascmhl/0001_A001R1AB_2024-05-01_090000Z.mhl', generation: 1 } });
    expect(String(clip.detail.reason)).toContain('not listed in ascmhl_chain.xml');
    expect(clip.detail).toMatchObject({ finding: { kind: 'altered' }, untrusted: [{ file: 'ascmhl/0002_A001R1AB_2024-05-03_090000Z.mhl', generation: 2, status: 'unlisted', recorded: { md5: md5(damaged()) } }] });
    expect(r.report.mhl).toMatchObject({ untrusted: [{ folder: 'A001R1AB', file: 'ascmhl/0002_A001R1AB_2024-05-03_090000Z.mhl', status: 'unlisted' }] });
    const show = await runCli('show', '1', '--archive', archive, '--json');
    expect(show.out).not.toMatch(/"outcome":\s*"verified"/u);
  });

  it('a generation edited in place after it was chained (C4 differs) is not trusted either', async () => {
    const card = join(tmp, 'A002R1AB');
    writeCard(card, { 'Clips/A001C001.mov': CLIP });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    const second = join(card, await sealCard(card, new Date('2024-05-02T09:00:00Z')));
    writeCard(card, { 'Clips/A001C001.mov': damaged() });
    const was = await hashesOf(CLIP);
    const now = await hashesOf(damaged());
    writeFileSync(second, readFileSync(second, 'utf8').replace(was.md5, now.md5).replace(was.xxh64, now.xxh64));
    const r = await ingest(join(tmp, 'arch-edit'), card);
    expect(r.code).toBe(1);
    expect(r.report.mhl.histories[0]!.chain.map((c) => c.status)).toEqual(['ok', 'mismatch']);
    const f = r.report.mhl.files.find((x) => x.entry === 'Clips/A001C001.mov')!;
    expect(f.status).toBe('mismatch');
    expect(f.reason).toContain(`md5 expected ${md5(CLIP)}`);
    expect(f.reason).toContain('its C4 ID does not match ascmhl_chain.xml');
    expect(r.err).toContain('its C4 ID does not match the one in ascmhl_chain.xml');
  });

  it('a chained history recording two values of one format for a file says the file changed between offloads', async () => {
    const card = join(tmp, 'A003R1AB');
    writeCard(card, { 'Clips/A001C001.mov': CLIP });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    writeCard(card, { 'Clips/A001C001.mov': damaged() });
    await addGeneration(card, '0002_A003R1AB_2024-05-03_090000Z.mhl', generationXml([{ path: 'Clips/A001C001.mov', size: CLIP.length, hashes: await hashesOf(damaged()), action: 'verified' }]), true);
    const archive = join(tmp, 'arch-contra');
    const r = await ingest(archive, card);
    expect(r.report.mhl.histories[0]!.chain.map((c) => c.status)).toEqual(['ok', 'ok']);
    expect(r.code).toBe(1);
    const f = r.report.mhl.files.find((x) => x.entry === 'Clips/A001C001.mov')!;
    expect(f.status).toBe('mismatch');
    expect(f.reason).toContain(`the hash list contradicts itself: generation 1 recorded md5 ${md5(CLIP)}, generation 2 md5 ${md5(damaged())}`);
    const events = await fixityEvents(archive);
    const clip = events.find((e) => e.detail.entry === 'Clips/A001C001.mov')!;
    expect(clip.detail).toMatchObject({ outcome: 'fail', finding: { kind: 'inconsistent-history', changes: expect.arrayContaining([{ format: 'md5', earlier: { generation: 1, value: md5(CLIP) }, later: { generation: 2, value: md5(damaged()) } }]) } });
  });

  it('an untouched, fully chained history still passes', async () => {
    const card = join(tmp, 'A004R1AB');
    writeCard(card, { 'Clips/A001C001.mov': CLIP });
    await sealCard(card, new Date('2024-05-01T09:00:00Z'));
    await sealCard(card, new Date('2024-05-02T09:00:00Z'));
    const r = await ingest(join(tmp, 'arch-ok'), card);
    expect(r.code).toBe(0);
    expect(r.report.mhl.counts).toMatchObject({ verified: 1, mismatch: 0 });
  });
});

describe('names that differ only in Unicode normalisation or letter case', () => {
  const nfc = 'DCIM/100CANON/Сүрөт_й_1.JPG'.normalize('NFC');
  const nfd = nfc.normalize('NFD');

  it('d5: a list naming the card file in NFD verifies the NFC file and notes the difference', async () => {
    expect(nfd).not.toBe(nfc);
    const card = join(tmp, 'KARTA');
    writeCard(card, { [nfc]: CLIP });
    mkdirSync(join(card, 'ascmhl'), { recursive: true });
    await addGeneration(card, '0001_KARTA_2024-05-01_090000Z.mhl', generationXml([{ path: nfd, size: CLIP.length, hashes: await hashesOf(CLIP), action: 'original' }], '2024-05-01'), true);
    const archive = join(tmp, 'arch-nfd');
    const r = await ingest(archive, card);
    expect(r.report.mhl.counts).toMatchObject({ verified: 1, missing: 0, notListed: 0 });
    expect(r.code).toBe(0);
    expect(r.report.mhl.nameMatches).toEqual([expect.objectContaining({ entry: nfd, cardName: nfc, nameMatch: 'unicode-normalization' })]);
    expect(r.human).toContain('differs only in Unicode normalisation');
    const events = await fixityEvents(archive);
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ outcome: 'pass', entry: nfd, cardName: nfc, nameMatch: 'unicode-normalization' });
  });

  it('a vfat shortname=lower card: the list\'s Clips/A001C002.MOV verifies clips/a001c002.mov', async () => {
    const card = join(tmp, 'VFAT');
    writeCard(card, { 'clips/a001c002.mov': CLIP });
    mkdirSync(join(card, 'ascmhl'), { recursive: true });
    await addGeneration(card, '0001_VFAT_2024-05-01_090000Z.mhl', generationXml([{ path: 'Clips/A001C002.MOV', size: CLIP.length, hashes: await hashesOf(CLIP), action: 'original' }], '2024-05-01'), true);
    const r = await ingest(join(tmp, 'arch-vfat'), card);
    expect(r.code).toBe(0);
    expect(r.report.mhl.counts).toMatchObject({ verified: 1, missing: 0, notListed: 0 });
    expect(r.report.mhl.nameMatches).toEqual([expect.objectContaining({ entry: 'Clips/A001C002.MOV', cardName: 'clips/a001c002.mov', nameMatch: 'letter-case' })]);
    expect(r.human).toContain('differs only in letter case');
  });

  it('two card files fitting one entry: still missing, saying why', async () => {
    const card = join(tmp, 'TWO');
    writeCard(card, { 'clips/a.mov': CLIP, 'CLIPS/A.mov': CLIP });
    mkdirSync(join(card, 'ascmhl'), { recursive: true });
    await addGeneration(card, '0001_TWO_2024-05-01_090000Z.mhl', generationXml([{ path: 'Clips/A.mov', size: CLIP.length, hashes: await hashesOf(CLIP), action: 'original' }], '2024-05-01'), true);
    const r = await ingest(join(tmp, 'arch-two'), card);
    expect(r.code).toBe(1);
    const f = r.report.mhl.files.find((x) => x.status === 'missing')!;
    expect(f.reason).toContain('2 files on the card differ from it only in letter case (CLIPS/A.mov, clips/a.mov): which one it names is not clear');
  });
});

describe('chain messages', () => {
  it('no chain file, a generation the chain does not list, two generations with one sequence number', async () => {
    const card = join(tmp, 'NOCHAIN');
    writeCard(card, { 'Clips/a.mov': CLIP });
    mkdirSync(join(card, 'ascmhl'), { recursive: true });
    await addGeneration(card, '0001_NOCHAIN_2024-05-01_090000Z.mhl', generationXml([{ path: 'Clips/a.mov', size: CLIP.length, hashes: await hashesOf(CLIP), action: 'original' }], '2024-05-01'), false);
    const h = await readAscMhlHistory(card);
    expect(h.chain.map((c) => c.status)).toEqual(['no-chain']);
    const r = await ingest(join(tmp, 'arch-nochain'), card);
    expect(r.err).toContain('generation file 0001_NOCHAIN_2024-05-01_090000Z.mhl: there is no ascmhl_chain.xml to vouch for it');
    expect(r.err).not.toContain('does not match');

    const dup = join(tmp, 'DUP');
    writeCard(dup, { 'Clips/a.mov': CLIP });
    await sealCard(dup, new Date('2024-05-01T09:00:00Z'));
    await sealCard(dup, new Date('2024-05-02T09:00:00Z'));
    const twin = generationXml([{ path: 'Clips/a.mov', size: CLIP.length, hashes: await hashesOf(CLIP), action: 'verified' }], '2024-05-02');
    await addGeneration(dup, '0002_DUP_2024-05-02_100000Z.mhl', twin, false);
    const d = await ingest(join(tmp, 'arch-dup'), dup);
    expect(d.report.mhl.histories[0]!.duplicates).toEqual([{ sequence: 2, files: ['0002_DUP_2024-05-02_090000Z.mhl', '0002_DUP_2024-05-02_100000Z.mhl'] }]);
    expect(d.err).toContain('two or more generation files have sequence number 2: 0002_DUP_2024-05-02_090000Z.mhl, 0002_DUP_2024-05-02_100000Z.mhl');
    expect(d.err).toContain('generation file 0002_DUP_2024-05-02_100000Z.mhl: not listed in ascmhl_chain.xml');
    expect(d.code).toBe(1);
  });
});
