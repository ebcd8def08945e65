// Cards and reels (issue 14 §1), as a filmmaker meets them: two cards with the same folder and
// file names read one after the other from the same mount point, and a phone dump, are three
// reels; `compare` on each card says it is safe to format, and stops saying so once a file on a
// card is changed or added.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../electron/core/archive.ts';
import { itemsOnReel, reelOfItem } from '../../electron/core/catalog/reels.ts';
import { orderedItemIds } from '../../electron/core/service/items-query.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-reels-'));
const archive = join(work, 'archive');
const mount = join(work, 'media', 'CARD'); // where every card is mounted, one after the other
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface ReelReport { name: string; created: boolean; card: { kind: string; maker: string | null; folders: string[] } | null; files: number; why: { code: string } | null; note: string | null }
interface IngestJson { counts: { added: number; failed: number }; reels: ReelReport[]; files: { path: string; status: string; itemId?: number }[] }
interface ReelSummary { name: string; nameSource: string; card: ReelReport['card']; files: number; bytes: number; firstCapturedAt: string | null; complete: boolean }
interface CompareJson { safeToFormat: boolean; counts: Record<string, number>; entries: { path: string; status: string; sha256?: string }[] }

/** Runs the CLI in this archive; returns exit code, stdout, stderr. */
const cli = (...args: string[]) => runCli(...args, '--archive', archive);
async function json<T>(...args: string[]): Promise<{ code: number; json: T }> {
  const r = await cli(...args, '--json');
  try {
    return { code: r.code, json: JSON.parse(r.out) as T };
  } catch {
    throw new Error(`evidence ${args.join(' ')} (exit ${r.code}): ${r.out}\n${r.err}`);
  }
}

/** Copies fixtures into a card layout under `root`: {relative path on the card: fixture path under MEDIA_DIR}. */
function makeCard(root: string, files: Record<string, string>): void {
  for (const [rel, src] of Object.entries(files)) {
    const dst = join(root, rel);
    mkdirSync(join(dst, '..'), { recursive: true });
    copyFileSync(join(MEDIA_DIR, src), dst);
    chmodSync(dst, 0o644);
  }
}

describe.skipIf(!HAS_CORPUS)('two cards with clashing names and a phone dump', () => {
  let cardA: IngestJson;
  let cardB: IngestJson;
  let phone: IngestJson;
  const cardAMoved = join(work, 'cardA');
  const phoneDir = join(work, 'phone');

  beforeAll(async () => {
    // Card A: a Canon card, with the clutter a Mac leaves on it.
    makeCard(mount, { 'DCIM/100CANON/IMG_0001.JPG': 'exif-samples/canon_hdr_NO.jpg', 'DCIM/100CANON/IMG_0002.JPG': 'immich-test-assets/tanners_ridge.jpg' });
    mkdirSync(join(mount, 'MISC'));
    // As the OS writes them: compare judges them by content (ingest/os-files.ts), not by name.
    writeFileSync(join(mount, '.DS_Store'), Buffer.concat([Buffer.from('0000000142756431', 'hex'), Buffer.alloc(100)]));
    writeFileSync(join(mount, 'DCIM', '100CANON', '._IMG_0001.JPG'), Buffer.concat([Buffer.from('00051607', 'hex'), Buffer.alloc(100)]));
    mkdirSync(join(mount, '.Trashes'));
    cardA = (await json<IngestJson>('ingest', mount)).json;
    // Card A out, card B in at the same mount point: the same folder and file names, other pictures.
    renameSync(mount, cardAMoved);
    makeCard(mount, { 'DCIM/100CANON/IMG_0001.JPG': 'immich-test-assets/thompson-springs.jpg', 'DCIM/100CANON/IMG_0002.JPG': 'immich-test-assets/empty_gps.jpg' });
    cardB = (await json<IngestJson>('ingest', mount)).json;
    makeCard(phoneDir, { 'DCIM/Camera/IMG_20210411_154753.HEIC': 'exif-samples/IMG_5195.HEIC', 'DCIM/Camera/PXL_20220216_125541.HEIC': 'exif-samples/iphone_13_pro_max.HEIC' });
    phone = (await json<IngestJson>('ingest', phoneDir)).json;
  });

  it('records each card as its own reel, saying why the second got a name of its own', () => {
    expect(cardA.counts).toMatchObject({ added: 2, failed: 0 });
    expect(cardA.reels).toEqual([expect.objectContaining({ name: 'CARD', created: true, files: 2, card: { kind: 'DCF camera card', maker: 'Canon', folders: ['DCIM/100CANON', 'MISC'] } })]);
    expect(cardB.counts).toMatchObject({ added: 2, failed: 0 });
    expect(cardB.reels).toEqual([expect.objectContaining({ name: 'CARD (2)', created: true, files: 2, why: expect.objectContaining({ code: 'renamed', clashesWith: 'CARD' }) })]);
    expect(cardB.reels[0]!.note).toMatch(/a reel named "CARD" already exists.*recorded as "CARD \(2\)"/);
    expect(phone.reels).toEqual([expect.objectContaining({ name: 'phone', created: true, files: 2, card: expect.objectContaining({ kind: 'phone (Android)', folders: ['DCIM/Camera'] }) })]);
  });

  it('says so in the human ingest output too', async () => {
    mkdirSync(join(work, 'other', 'phone'), { recursive: true });
    copyFileSync(join(MEDIA_DIR, 'immich-test-assets/denali.webp'), join(work, 'other', 'phone', 'denali.webp'));
    const r = await cli('ingest', join(work, 'other', 'phone'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('reel "phone (2)": new, 1 file');
    expect(r.out).toContain('a reel named "phone" already exists');
  });

  it('reel list tells the cards apart, with their files, sizes, capture times and completeness', async () => {
    const { code, json: reels } = await json<ReelSummary[]>('reel', 'list');
    expect(code).toBe(0);
    expect(reels.map((r) => [r.name, r.nameSource, r.card?.kind ?? null, r.files, r.complete])).toEqual([
      ['CARD', 'folder', 'DCF camera card', 2, true],
      ['CARD (2)', 'folder', 'DCF camera card', 2, true],
      ['phone', 'folder', 'phone (Android)', 2, true],
      ['phone (2)', 'folder', null, 1, true],
    ]);
    expect(reels[0]!.bytes).toBe(784371 + 114225);
    expect(reels[0]!.firstCapturedAt).toBe('2015-02-09T22:47:44');
    const text = (await cli('reel', 'list')).out;
    expect(text).toMatch(/^REEL\s+CARD\s+LABEL \/ UUID\s+FILES\s+SIZE/m);
    expect(text).toMatch(/^CARD \(2\)\s+DCF camera card, Canon \(DCIM\/100CANON\)\s+—\s+2\s/m);
  });

  it('reel show lists what was on one card', async () => {
    const { json: one } = await json<ReelSummary & { fileList: { source: { path: string }; sha256: string; inArchive: boolean }[] }>('reel', 'show', 'CARD (2)');
    expect(one.fileList.map((f) => f.source.path)).toEqual([join(mount, 'DCIM/100CANON/IMG_0001.JPG'), join(mount, 'DCIM/100CANON/IMG_0002.JPG')]);
    expect(one.fileList.every((f) => f.inArchive)).toBe(true);
    const text = (await cli('reel', 'show', 'card (2)')).out;
    expect(text).toContain('named by     top folder\'s name');
    expect(text).toContain(join(mount, 'DCIM/100CANON/IMG_0002.JPG'));
    const missing = await cli('reel', 'show', 'CARD (9)');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no reel named "CARD (9)"');
  });

  it('list --reel filters by card, and show names the reel of each sighting', async () => {
    const idsOf = (j: IngestJson) => j.files.filter((f) => f.status === 'added').map((f) => f.itemId).sort();
    const { json: listed } = await json<{ id: number }[]>('list', '--reel', 'CARD (2)');
    expect(listed.map((i) => i.id).sort()).toEqual(idsOf(cardB));
    const { json: both } = await json<{ id: number }[]>('list', '--reel', 'CARD', '--reel', 'phone');
    expect(both.map((i) => i.id).sort()).toEqual([...idsOf(cardA), ...idsOf(phone)].sort());
    expect((await cli('list', '--reel', 'nope')).code).toBe(2);
    const id = String(idsOf(cardA)[0]);
    const { json: shown } = await json<{ sightings: { reel: string | null }[] }>('show', id);
    expect(shown.sightings.map((s) => s.reel)).toEqual(['CARD']);
    expect((await cli('show', id)).out).toMatch(/IMG_000\d\.JPG .*reel CARD$/m);
  });

  it("the Library's text search finds a reel's name; itemsOnReel and reelOfItem answer from the catalog", async () => {
    const a = await openArchive(archive);
    try {
      const idsOf = (j: IngestJson) => j.files.filter((f) => f.status === 'added').map((f) => f.itemId!).sort((x, y) => x - y);
      const sort = { by: 'id', dir: 'asc' } as const;
      expect(orderedItemIds(a.db, { text: 'CARD (2)' }, sort)).toEqual(idsOf(cardB));
      expect(orderedItemIds(a.db, { text: 'card (' }, sort)).toEqual(idsOf(cardB));
      expect(itemsOnReel(a.db, 'CARD (2)')).toEqual(idsOf(cardB));
      expect(itemsOnReel(a.db, 'phone')).toEqual(idsOf(phone));
      expect(itemsOnReel(a.db, 'nope')).toEqual([]);
      expect(reelOfItem(a.db, idsOf(cardA)[1]!)).toBe('CARD');
      expect(reelOfItem(a.db, 999_999)).toBeNull();
    } finally {
      await a.close();
    }
  });

  it('compare says safe to format for each card, wherever it is mounted, listing the OS clutter it ignored', async () => {
    for (const card of [cardAMoved, mount, phoneDir]) {
      const r = await json<CompareJson>('compare', card);
      expect(r.code, card).toBe(0);
      expect(r.json.safeToFormat).toBe(true);
      expect(r.json.counts.archived).toBe(2);
    }
    const a = await cli('compare', cardAMoved);
    expect(a.out).toContain('SAFE TO FORMAT: every file under');
    expect(a.out).toMatch(/ignored \(files the operating system writes[^\n]*\n(  .*\n)*  .*\.DS_Store: operating-system file: macOS Finder settings/);
    expect(a.out).toContain(join(cardAMoved, 'DCIM/100CANON/._IMG_0001.JPG'));
    expect(a.out).toContain(join(cardAMoved, '.DS_Store'));
  });

  it('compare is not fooled by names or sizes: a changed file, a new one, a hidden one each block, exit 1', async () => {
    const f = join(cardAMoved, 'DCIM/100CANON/IMG_0002.JPG');
    const bytes = randomBytes(114225);
    writeFileSync(f, bytes); // same name, same size, other content
    writeFileSync(join(cardAMoved, 'DCIM/100CANON/IMG_0003.JPG'), randomBytes(1000));
    writeFileSync(join(cardAMoved, '.interview-notes.txt'), 'someone hid this');
    const r = await json<CompareJson>('compare', cardAMoved);
    expect(r.code).toBe(1);
    expect(r.json.safeToFormat).toBe(false);
    const status = Object.fromEntries(r.json.entries.map((e) => [e.path.slice(cardAMoved.length + 1), e.status]));
    expect(status).toMatchObject({
      'DCIM/100CANON/IMG_0001.JPG': 'archived', 'DCIM/100CANON/IMG_0002.JPG': 'missing', 'DCIM/100CANON/IMG_0003.JPG': 'missing',
      '.interview-notes.txt': 'hidden', '.DS_Store': 'ignored',
    });
    const text = await cli('compare', cardAMoved);
    expect(text.code).toBe(1);
    expect(text.out).toContain('NOT SAFE TO FORMAT: 3 files under');
    expect(text.out).toMatch(/NOT in the archive:\n  .*IMG_0002\.JPG/);
  });

  it('compare calls a file changed when the archive holds other content from that very path', async () => {
    const f = join(mount, 'DCIM/100CANON/IMG_0001.JPG');
    writeFileSync(f, randomBytes(2048));
    const r = await json<CompareJson>('compare', mount);
    expect(r.code).toBe(1);
    expect(r.json.entries.find((e) => e.path === f)?.status).toBe('changed');
    expect((await cli('compare', mount)).out).toMatch(/CHANGED since it was ingested[^\n]*\n  .*IMG_0001\.JPG: the archive holds other content from this path/);
  });

  // Root reads a file whatever its mode: there the case cannot be made without a broken disk.
  it.skipIf(process.getuid?.() === 0)('compare reports an unreadable file and does not say safe', async () => {
    const f = join(phoneDir, 'DCIM/Camera/IMG_20210411_154753.HEIC');
    chmodSync(f, 0o000);
    try {
      const r = await json<CompareJson>('compare', phoneDir);
      expect(r.code).toBe(1);
      expect(r.json.entries.find((e) => e.path === f)?.status).toBe('unreadable');
    } finally {
      chmodSync(f, 0o644);
    }
  });

  it('compare on a path holding nothing never says safe', async () => {
    mkdirSync(join(work, 'empty'));
    const r = await cli('compare', join(work, 'empty'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('NOT SAFE TO FORMAT: no files found under');
    expect((await cli('compare', join(work, 'no-such-card'))).code).toBe(1);
  });
});

describe('the same card read again, and a card only its content tells apart', () => {
  const dir = join(work, 'plain');
  const arch = join(work, 'plain-archive');
  const card = join(dir, 'mnt', 'A001');
  const ingest = async (path: string) => {
    const r = await runCli('ingest', path, '--archive', arch, '--json');
    return JSON.parse(r.out) as IngestJson;
  };
  const write = (root: string, seed: number) => {
    for (const n of ['C0001.MP4', 'C0002.MP4']) {
      const f = join(root, 'PRIVATE', 'M4ROOT', 'CLIP', n);
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, randomBytes(3000 + seed));
      utimesSync(f, 1620000000, 1620000000); // the camera's clock: the same on both cards
    }
  };

  it('joins a card read again (moved to another mount point) to its reel, and splits a look-alike card by content', async () => {
    write(card, 0);
    const first = await ingest(card);
    expect(first.reels).toEqual([expect.objectContaining({ name: 'A001', created: true, card: expect.objectContaining({ kind: 'Sony XAVC card', maker: 'Sony' }) })]);
    // The same card mounted elsewhere: its files are re-read (another inode), and recognised.
    const elsewhere = join(dir, 'mnt2', 'A001');
    mkdirSync(join(elsewhere, '..'), { recursive: true });
    renameSync(card, elsewhere);
    const again = await ingest(elsewhere);
    expect(again.reels).toEqual([expect.objectContaining({ name: 'A001', created: false, why: { code: 'same-card', matched: 2 } })]);
    // A different card whose files have the same names, sizes and times: only the content differs.
    write(card, 0);
    const lookAlike = await ingest(card);
    expect(lookAlike.reels).toEqual([expect.objectContaining({ name: 'A001 (2)', created: true, why: { code: 'split-after-read', from: 'A001', contentDiffers: 2 } })]);
    const reels = JSON.parse((await runCli('reel', 'list', '--archive', arch, '--json')).out) as ReelSummary[];
    // A001's two files, read from two mount points, are still two files: known by their path below the card root.
    expect(reels.map((r) => [r.name, r.files])).toEqual([['A001', 2], ['A001 (2)', 2]]);
  });

  it('takes --reel as the name, and shows sightings recorded before reels existed as "—"', async () => {
    const other = join(dir, 'x');
    write(other, 7);
    const named = await runCli('ingest', other, '--archive', arch, '--reel', 'Interview day 2', '--json');
    const j = JSON.parse(named.out) as IngestJson;
    expect(j.reels).toEqual([expect.objectContaining({ name: 'Interview day 2', nameSource: 'given', created: true })]);
    const id = j.files.find((f) => f.status === 'added')!.itemId!;
    const db = new Database(join(arch, 'archive.sqlite'));
    db.prepare('UPDATE sightings SET reel_id = NULL WHERE item_id = ?').run(id);
    db.close();
    const shown = await runCli('show', String(id), '--archive', arch);
    expect(shown.out).toMatch(/C000\d\.MP4 .*reel —$/m);
    expect((await runCli('ingest', other, '--archive', arch, '--reel', ' '))).toMatchObject({ code: 2 });
  });
});
