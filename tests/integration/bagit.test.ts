import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { encodeManifestPath, writeBag, type BagPayloadFile, type WriteBagOptions } from '../../electron/core/export/bagit.ts';
import { payloadPaths } from '../../electron/core/export/names.ts';
import { zipBag } from '../../electron/core/export/zip.ts';
import { toSafeCsv } from '../../electron/core/export/csv.ts';
import { itemsCsvHeader } from '../../electron/core/verify/bag-csv.ts';
import { verifyBag, type BagProblem } from '../../electron/core/verify/bag.ts';
import { GENESIS_HASH } from '../../electron/core/custody/hash.ts';
import { LATER_NORMALIZED_RECORD_KEYS, NORMALIZED_RECORD_KEYS, type CustodyEvent, type JobProgress } from '../../electron/common/types.ts';
import { contentHash } from '../../electron/core/custody/content-hash.ts';
import { HAS_CORPUS, MEDIA_DIR, SHARED_DIR, loadExpected } from '../helpers/corpus.ts';
import { buildChain, rehash } from '../helpers/custody-chain.ts';

const BAGCHECK = join(SHARED_DIR, 'tools', 'bagcheck.py');
const HAS_BAGCHECK = existsSync(BAGCHECK);

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'evidence-bagit-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function digests(buf: Buffer) {
  return {
    sha256: createHash('sha256').update(buf).digest('hex'),
    sha1: createHash('sha1').update(buf).digest('hex'),
    md5: createHash('md5').update(buf).digest('hex'),
  };
}

/** What ingest's metadata extraction event records of an item's normalized record (as verifyBag recomputes it from items.json). */
function recordHash(item: Record<string, unknown>): string {
  const keys = NORMALIZED_RECORD_KEYS.filter((k) => k in item || !(LATER_NORMALIZED_RECORD_KEYS as readonly string[]).includes(k));
  return contentHash(Object.fromEntries(keys.map((k) => [k, item[k] ?? null])));
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function bagcheck(bag: string): { status: number | null; out: string } {
  const r = spawnSync('python3', [BAGCHECK, bag], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** `sha256sum -c` over the manifest lines whose paths need no BagIt percent-encoding. */
function sha256sumCheck(bag: string): { status: number | null; out: string; lines: number } {
  const lines = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.includes('%'));
  const r = spawnSync('sha256sum', ['-c', '--strict', '-'], { cwd: bag, input: lines.join('\n') + '\n', encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr, lines: lines.length };
}

function python(code: string, ...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}

interface Original {
  source: string;
  name: string;
  dir?: string;
  /** Payload path to use instead of payloadPaths' (bags written by other tools may hold any legal name). */
  path?: string;
}

/** An evidence set as the export would assemble it: payload, items.json, custody.json. */
function assemble(originals: Original[], otherItem: string) {
  const withDigests = originals.map((o) => {
    const buf = readFileSync(o.source);
    return { ...o, bytes: buf.length, digests: digests(buf) };
  });
  const paths = payloadPaths(withDigests.map((o) => ({ name: o.name, sha256: o.digests.sha256, ...(o.dir ? { dir: o.dir } : {}) })));
  const payload: BagPayloadFile[] = withDigests.map((o, i) => ({
    source: o.source,
    path: o.path ?? paths[i] ?? '',
    bytes: o.bytes,
    digests: o.digests,
  }));
  // A whole archive chain; the excerpt leaves out the rows of an item that is not exported.
  const chain = buildChain([
    ...withDigests.flatMap((o, i) => [
      { type: 'ingestion' as const, item: o.digests.sha256, detail: { originalName: o.name } },
      ...(i === 0 ? [{ type: 'ingestion' as const, item: otherItem, detail: { originalName: 'not-exported.jpg' } }] : []),
      { type: 'message digest calculation' as const, item: o.digests.sha256, detail: { digests: { sha256: o.digests.sha256 } } },
      { type: 'metadata extraction' as const, item: o.digests.sha256, detail: { recordSha256: recordHash({ sha256: o.digests.sha256, bytes: o.bytes }) } },
    ]),
    { type: 'fixity check', item: otherItem, detail: { result: 'pass' } },
    { type: 'dissemination', item: null, detail: { to: 'Prosecutor General', note: 'evidence set 1' } },
  ]);
  const exported = new Set(withDigests.map((o) => o.digests.sha256));
  const events = chain.filter((e) => e.item === null || exported.has(e.item));
  const last = chain[chain.length - 1] as CustodyEvent;
  const custody = { chainHead: { seq: last.seq, hash: last.hash }, events };
  const items = payload.map((p, i) => ({
    sha256: p.digests.sha256,
    path: `data/${p.path}`,
    originalName: withDigests[i]?.name,
    bytes: p.bytes,
  }));
  return { payload, items, custody, chain };
}

function itemsCsv(items: ReturnType<typeof assemble>['items']): string {
  const header = itemsCsvHeader(items);
  return toSafeCsv(header, items.map((i) => header.map((c) => String((i as Record<string, unknown>)[c] ?? ''))), { bom: true });
}

function bagOptions(outDir: string, set: ReturnType<typeof assemble>, extra: Partial<WriteBagOptions> = {}): WriteBagOptions {
  return {
    outDir,
    payload: set.payload,
    tagFiles: [
      { path: 'evidence/items.json', content: JSON.stringify(set.items, null, 2) + '\n' },
      // Written as the exporter writes it (header, quoting, byte-order mark): verify-bag compares it with items.json.
      { path: 'evidence/items.csv', content: itemsCsv(set.items) },
      { path: 'evidence/custody.json', content: Buffer.from(JSON.stringify(set.custody, null, 2) + '\n', 'utf8') },
    ],
    bagInfo: {
      'Source-Organization': 'Bir Duino – Kyrgyzstan',
      'External-Identifier': 'batken-2021-05-set-1',
      'Contact-Name': ['Айгүл Т.', 'J. Doe'],
    },
    algorithms: ['sha256', 'md5'],
    ...extra,
  };
}

function hasProblem(problems: BagProblem[], file: string | undefined, reason: RegExp, seq?: number): boolean {
  return problems.some((p) => (file === undefined || p.file === file) && reason.test(p.reason) && (seq === undefined || p.seq === seq));
}

/** A writable copy of a bag for tampering. */
function copyBag(bag: string, name: string): string {
  const dest = join(tmp, name);
  cpSync(bag, dest, { recursive: true });
  return dest;
}

function makeWritable(path: string): void {
  chmodSync(path, 0o644);
}

describe('writeBag + verifyBag on self-made files', () => {
  let srcDir = '';
  let bag = '';
  let set: ReturnType<typeof assemble>;
  let result: Awaited<ReturnType<typeof writeBag>>;
  const progress: JobProgress[] = [];
  const otherItem = createHash('sha256').update('not exported').digest('hex');

  beforeAll(async () => {
    srcDir = join(tmp, 'src');
    for (const d of ['percent', 'cyr', 'cam1', 'cam2', 'big']) mkdirSync(join(srcDir, d), { recursive: true });
    writeFileSync(join(srcDir, 'percent', 'report 100%.txt'), 'witness statement, 100% verbatim\n');
    writeFileSync(join(srcDir, 'cyr', 'Көк-Таш үй.jpg'), Buffer.from('\xff\xd8\xff\xe0 house in Kok-Tash', 'latin1'));
    writeFileSync(join(srcDir, 'cam1', 'IMG_0001.JPG'), 'camera one, frame 1');
    writeFileSync(join(srcDir, 'cam2', 'IMG_0001.JPG'), 'camera two, frame 1');
    writeFileSync(join(srcDir, 'empty.txt'), '');
    // More than two 8 MiB chunks, with a tail, so the double-buffered copy turns over.
    const big = Buffer.alloc(17 * 1024 * 1024 + 12345);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
    writeFileSync(join(srcDir, 'big', 'video.mp4'), big);

    set = assemble(
      [
        // payloadPaths would write "report 100％.txt"; other tools keep the '%', which writeBag must encode.
        { source: join(srcDir, 'percent', 'report 100%.txt'), name: 'report 100%.txt', path: 'report 100%.txt' },
        { source: join(srcDir, 'cyr', 'Көк-Таш үй.jpg'), name: 'Көк-Таш үй.jpg', dir: 'Көк-Таш' },
        { source: join(srcDir, 'cam1', 'IMG_0001.JPG'), name: 'IMG_0001.JPG' },
        { source: join(srcDir, 'cam2', 'IMG_0001.JPG'), name: 'IMG_0001.JPG' },
        { source: join(srcDir, 'empty.txt'), name: 'empty.txt' },
        { source: join(srcDir, 'big', 'video.mp4'), name: 'video.mp4' },
      ],
      otherItem,
    );
    bag = join(tmp, 'bag-self');
    result = await writeBag(bagOptions(bag, set, { onProgress: (p) => progress.push({ ...p }) }));
  });

  it('lays out a BagIt 1.0 bag', () => {
    expect(readFileSync(join(bag, 'bagit.txt'), 'utf8')).toBe('BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n');
    const top = readdirSync(bag).sort();
    expect(top).toEqual(['bag-info.txt', 'bagit.txt', 'data', 'evidence', 'manifest-md5.txt', 'manifest-sha256.txt', 'tagmanifest-md5.txt', 'tagmanifest-sha256.txt']);
    const sha1 = set.payload[2]?.digests.sha256.slice(0, 8);
    const sha2 = set.payload[3]?.digests.sha256.slice(0, 8);
    expect(set.payload.map((p) => p.path)).toEqual([
      'report 100%.txt',
      'Көк-Таш/Көк-Таш үй.jpg',
      `IMG_0001 [${sha1}].JPG`,
      `IMG_0001 [${sha2}].JPG`,
      'empty.txt',
      'video.mp4',
    ]);
    for (const p of set.payload) {
      const st = statSync(join(bag, 'data', ...p.path.split('/')));
      expect(st.size).toBe(p.bytes);
      expect(st.mode & 0o222).toBe(0); // read-only
    }
  });

  it('returns the Oxum and the digests of the manifests', () => {
    const total = set.payload.reduce((s, p) => s + p.bytes, 0);
    expect(result.payloadFiles).toBe(6);
    expect(result.payloadBytes).toBe(total);
    expect(result.payloadOxum).toBe(`${total}.6`);
    expect(result.bagDir).toBe(bag);
    expect(result.tagManifestSha256).toBe(sha256Of(join(bag, 'tagmanifest-sha256.txt')));
    expect(result.manifestSha256).toBe(sha256Of(join(bag, 'manifest-sha256.txt')));
  });

  it('percent-encodes only %, CR and LF in manifest paths (RFC 8493 §2.1.3)', () => {
    const manifest = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8');
    expect(manifest).toContain(`${set.payload[0]?.digests.sha256}  data/report 100%25.txt\n`);
    expect(manifest).toContain('  data/Көк-Таш/Көк-Таш үй.jpg\n');
    expect(encodeManifestPath('data/a%0A\r\nb c')).toBe('data/a%250A%0D%0Ab c');
    const md5 = readFileSync(join(bag, 'manifest-md5.txt'), 'utf8');
    expect(md5).toContain(`${set.payload[5]?.digests.md5}  data/video.mp4\n`);
  });

  it('writes bag-info.txt in the order given, then Bagging-Date and Payload-Oxum', () => {
    const text = readFileSync(join(bag, 'bag-info.txt'), 'utf8');
    expect(text).toBe(
      'Source-Organization: Bir Duino – Kyrgyzstan\n' +
        'External-Identifier: batken-2021-05-set-1\n' +
        'Contact-Name: Айгүл Т.\n' +
        'Contact-Name: J. Doe\n' +
        `Bagging-Date: ${new Date().toISOString().slice(0, 10)}\n` +
        `Payload-Oxum: ${result.payloadOxum}\n`,
    );
  });

  it('lists bagit.txt, bag-info.txt, all manifests and the tag files in each tag manifest', () => {
    const listed = readFileSync(join(bag, 'tagmanifest-sha256.txt'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('  ')[1]);
    expect(listed.sort()).toEqual(['bag-info.txt', 'bagit.txt', 'evidence/custody.json', 'evidence/items.csv', 'evidence/items.json', 'manifest-md5.txt', 'manifest-sha256.txt']);
    for (const line of readFileSync(join(bag, 'tagmanifest-md5.txt'), 'utf8').trim().split('\n')) {
      const [hex, path] = line.split('  ');
      expect(createHash('md5').update(readFileSync(join(bag, path ?? ''))).digest('hex')).toBe(hex);
    }
  });

  it('reports progress up to every byte and file', () => {
    const last = progress[progress.length - 1];
    expect(last).toEqual({ filesDone: 6, filesTotal: 6, bytesDone: result.payloadBytes, bytesTotal: result.payloadBytes, currentFile: null });
    expect(progress.some((p) => p.currentFile === 'data/video.mp4')).toBe(true);
    for (let i = 1; i < progress.length; i++) expect(progress[i]?.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]?.bytesDone ?? 0);
  });

  it.skipIf(!HAS_BAGCHECK)('passes the independent bagcheck.py', () => {
    const r = bagcheck(bag);
    expect(r.out).toMatch(/^VALID: 12 payload files checked, 0 problems/mu); // 6 files × 2 manifests
    expect(r.status).toBe(0);
  });

  it('passes sha256sum -c for the names that need no percent-encoding', () => {
    const r = sha256sumCheck(bag);
    expect(r.lines).toBe(5);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('data/Көк-Таш/Көк-Таш үй.jpg: OK');
  });

  it('is valid to verifyBag', async () => {
    const report = await verifyBag(bag);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ valid: true, bagDir: bag, payloadFiles: 6, payloadBytes: result.payloadBytes, tagManifestSha256: result.tagManifestSha256 });
  });

  describe('tampering is reported', () => {
    it('a flipped byte in a payload file', async () => {
      const copy = copyBag(bag, 'tamper-flip');
      const file = join(copy, 'data', 'Көк-Таш', 'Көк-Таш үй.jpg');
      makeWritable(file);
      const buf = readFileSync(file);
      buf[3] = (buf[3] ?? 0) ^ 0x01;
      writeFileSync(file, buf);
      const report = await verifyBag(copy);
      expect(report.valid).toBe(false);
      expect(hasProblem(report.problems, 'data/Көк-Таш/Көк-Таш үй.jpg', /sha256 mismatch/u)).toBe(true);
      expect(hasProblem(report.problems, 'data/Көк-Таш/Көк-Таш үй.jpg', /md5 mismatch/u)).toBe(true);
      expect(report.problems).toHaveLength(2);
      if (HAS_BAGCHECK) expect(bagcheck(copy).status).toBe(1);
    });

    it('a flipped byte deep in a large file', async () => {
      const copy = copyBag(bag, 'tamper-big');
      const file = join(copy, 'data', 'video.mp4');
      makeWritable(file);
      const buf = readFileSync(file);
      buf[16 * 1024 * 1024 + 7] = (buf[16 * 1024 * 1024 + 7] ?? 0) ^ 0x80;
      writeFileSync(file, buf);
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'data/video.mp4', /sha256 mismatch/u)).toBe(true);
    });

    it('an extra file under data/', async () => {
      const copy = copyBag(bag, 'tamper-extra');
      mkdirSync(join(copy, 'data', 'sub'));
      writeFileSync(join(copy, 'data', 'sub', 'planted.jpg'), 'planted');
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'data/sub/planted.jpg', /not listed in manifest-sha256\.txt/u)).toBe(true);
      expect(hasProblem(report.problems, 'data/sub/planted.jpg', /not listed in manifest-md5\.txt/u)).toBe(true);
      expect(hasProblem(report.problems, 'bag-info.txt', /Payload-Oxum/u)).toBe(true);
      expect(report.payloadFiles).toBe(7);
      if (HAS_BAGCHECK) expect(bagcheck(copy).status).toBe(1);
    });

    it('a deleted payload file', async () => {
      const copy = copyBag(bag, 'tamper-delete');
      const path = set.payload[2]?.path ?? '';
      unlinkSync(join(copy, 'data', path));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, `data/${path}`, /listed in manifest-sha256\.txt but missing/u)).toBe(true);
      expect(hasProblem(report.problems, 'bag-info.txt', /Payload-Oxum is \d+\.6 but data\/ holds \d+\.5/u)).toBe(true);
    });

    it('an edited Payload-Oxum', async () => {
      const copy = copyBag(bag, 'tamper-oxum');
      const info = join(copy, 'bag-info.txt');
      writeFileSync(info, readFileSync(info, 'utf8').replace(/Payload-Oxum: \d+\.6/u, `Payload-Oxum: ${result.payloadBytes + 1}.6`));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'bag-info.txt', /Payload-Oxum is \d+\.6 but data\/ holds/u)).toBe(true);
      expect(hasProblem(report.problems, 'bag-info.txt', /sha256 mismatch: tagmanifest-sha256\.txt/u)).toBe(true);
    });

    it('an altered custody event detail', async () => {
      const copy = copyBag(bag, 'tamper-custody');
      const file = join(copy, 'evidence', 'custody.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { events: CustodyEvent[] };
      const target = doc.events[1] as CustodyEvent;
      target.detail = { ...target.detail, sha256: '0'.repeat(64) };
      writeFileSync(file, JSON.stringify(doc));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'evidence/custody.json', /content altered/u, target.seq)).toBe(true);
      expect(hasProblem(report.problems, 'evidence/custody.json', /sha256 mismatch/u)).toBe(true);
      // Nothing else in the chain is blamed.
      expect(report.problems.filter((p) => p.seq !== undefined)).toHaveLength(1);
    });

    it('a forged event whose hash was recomputed breaks the link to its neighbours', async () => {
      const copy = copyBag(bag, 'tamper-forge');
      const file = join(copy, 'evidence', 'custody.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { events: CustodyEvent[] };
      const target = doc.events[1] as CustodyEvent;
      const next = doc.events[2] as CustodyEvent;
      target.detail = { sha256: '0'.repeat(64) };
      rehash(target);
      writeFileSync(file, JSON.stringify(doc));
      const report = await verifyBag(copy);
      expect(next.seq).toBe(target.seq + 1);
      expect(hasProblem(report.problems, 'evidence/custody.json', /prevHash/u, next.seq)).toBe(true);
    });

    it('events beyond the chain head, or a head hash that does not match', async () => {
      const copy = copyBag(bag, 'tamper-head');
      const file = join(copy, 'evidence', 'custody.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { chainHead: { seq: number; hash: string }; events: CustodyEvent[] };
      const last = doc.events[doc.events.length - 1] as CustodyEvent;
      expect(last.seq).toBe(doc.chainHead.seq);
      doc.chainHead = { seq: last.seq - 1, hash: 'f'.repeat(64) };
      const beforeLast = doc.events[doc.events.length - 2] as CustodyEvent;
      writeFileSync(file, JSON.stringify(doc));
      let report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'evidence/custody.json', /beyond chainHead\.seq/u, last.seq)).toBe(true);
      if (beforeLast.seq === last.seq - 1) {
        expect(hasProblem(report.problems, 'evidence/custody.json', /chainHead\.hash/u, beforeLast.seq)).toBe(true);
      }
      doc.chainHead = { seq: last.seq, hash: 'f'.repeat(64) };
      writeFileSync(file, JSON.stringify(doc));
      report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'evidence/custody.json', /chainHead\.hash/u, last.seq)).toBe(true);
    });

    it('an altered sha256 in items.json', async () => {
      const copy = copyBag(bag, 'tamper-items');
      const file = join(copy, 'evidence', 'items.json');
      const items = JSON.parse(readFileSync(file, 'utf8')) as { sha256: string; path: string }[];
      const target = items[3] as { sha256: string; path: string };
      target.sha256 = createHash('sha256').update('something else').digest('hex');
      writeFileSync(file, JSON.stringify(items));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, target.path, /items\.json gives sha256 .* manifest-sha256\.txt has/u)).toBe(true);
      expect(hasProblem(report.problems, target.path, /no "ingestion" event/u)).toBe(true);
      expect(hasProblem(report.problems, 'evidence/items.json', /sha256 mismatch/u)).toBe(true);
    });

    it('a payload file missing from items.json, and an item without an ingestion event', async () => {
      const copy = copyBag(bag, 'tamper-items2');
      const itemsFile = join(copy, 'evidence', 'items.json');
      const items = JSON.parse(readFileSync(itemsFile, 'utf8')) as { sha256: string; path: string }[];
      const dropped = items.splice(0, 1)[0];
      writeFileSync(itemsFile, JSON.stringify(items));
      const custodyFile = join(copy, 'evidence', 'custody.json');
      const doc = JSON.parse(readFileSync(custodyFile, 'utf8')) as { events: CustodyEvent[] };
      const victim = items[0] as { sha256: string; path: string };
      doc.events = doc.events.filter((e) => !(e.type === 'ingestion' && e.item === victim.sha256));
      writeFileSync(custodyFile, JSON.stringify(doc));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, dropped?.path, /not described in evidence\/items\.json/u)).toBe(true);
      expect(hasProblem(report.problems, victim.path, /no "ingestion" event/u)).toBe(true);
    });

    it('a malformed bagit.txt and an unlisted tag file under evidence/', async () => {
      const copy = copyBag(bag, 'tamper-decl');
      writeFileSync(join(copy, 'bagit.txt'), '\ufeffBagIt-Version: 1.0\nTag-File-Character-Encoding: Latin-1\n');
      writeFileSync(join(copy, 'evidence', 'notes.txt'), 'added later');
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'bagit.txt', /byte-order mark/u)).toBe(true);
      expect(hasProblem(report.problems, 'bagit.txt', /Tag-File-Character-Encoding/u)).toBe(true);
      expect(hasProblem(report.problems, 'evidence/notes.txt', /not listed in tagmanifest-sha256\.txt/u)).toBe(true);
    });

    it('a manifest line pointing outside data/ and a deleted tag file', async () => {
      const copy = copyBag(bag, 'tamper-manifest');
      appendFileSync(join(copy, 'manifest-md5.txt'), `${'0'.repeat(32)}  ../outside.txt\n${'0'.repeat(32)}  bag-info.txt\n`);
      unlinkSync(join(copy, 'evidence', 'items.json'));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'manifest-md5.txt', /"\.\.\/outside\.txt"/u)).toBe(true);
      expect(hasProblem(report.problems, 'manifest-md5.txt', /outside data\//u)).toBe(true);
      expect(hasProblem(report.problems, 'evidence/items.json', /listed in tagmanifest-sha256\.txt but missing/u)).toBe(true);
    });

    it('a second file whose name differs only in Unicode normalization', async () => {
      const copy = copyBag(bag, 'tamper-nfd');
      const nfd = 'Көк-Таш үй.jpg'.normalize('NFD');
      expect(nfd).not.toBe('Көк-Таш үй.jpg');
      writeFileSync(join(copy, 'data', 'Көк-Таш', nfd), 'look-alike');
      const report = await verifyBag(copy);
      // Whichever of the two the directory listing yields second is the one reported.
      const flagged = report.problems.filter((p) => /another Unicode normalization form/u.test(p.reason));
      expect(flagged).toHaveLength(1);
      expect(flagged[0]?.file?.normalize('NFC')).toBe('data/Көк-Таш/Көк-Таш үй.jpg');
      expect(report.payloadFiles).toBe(7);
    });

    it('reports every problem at once', async () => {
      const copy = copyBag(bag, 'tamper-many');
      const a = join(copy, 'data', 'empty.txt');
      makeWritable(a);
      writeFileSync(a, 'no longer empty');
      writeFileSync(join(copy, 'data', 'extra.bin'), 'x');
      unlinkSync(join(copy, 'data', 'video.mp4'));
      const report = await verifyBag(copy);
      expect(hasProblem(report.problems, 'data/empty.txt', /mismatch/u)).toBe(true);
      expect(hasProblem(report.problems, 'data/extra.bin', /not listed/u)).toBe(true);
      expect(hasProblem(report.problems, 'data/video.mp4', /missing/u)).toBe(true);
    });
  });

  it('verifyBag throws only for a directory it cannot read', async () => {
    await expect(verifyBag(join(tmp, 'no-such-bag'))).rejects.toThrow(/no-such-bag/u);
    const empty = join(tmp, 'not-a-bag');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt'), 'not evidence\n');
    const report = await verifyBag(empty);
    expect(report.valid).toBe(false);
    // Nothing of a bag: one plain problem, not one per missing part.
    expect(report.problems).toEqual([{ code: 'bag.not-a-bag', params: {}, reason: expect.stringMatching(/^not a BagIt bag: no bagit\.txt, no data\/ folder and no manifest/u) }]);
    expect(report.tagManifestSha256).toBeNull();
    // With a payload folder it is a broken bag, and each missing part is named.
    mkdirSync(join(empty, 'data'));
    const broken = await verifyBag(empty);
    expect(hasProblem(broken.problems, 'bagit.txt', /missing/u)).toBe(true);
    expect(hasProblem(broken.problems, undefined, /no payload manifest/u)).toBe(true);
  });

  describe('zipBag', () => {
    it('writes one top-level folder with UTF-8 names that unpacks to a valid bag', async () => {
      const zipPath = join(tmp, 'set-1.zip');
      const z = await zipBag(bag, zipPath);
      expect(z.zipPath).toBe(zipPath);
      expect(z.bytes).toBe(statSync(zipPath).size);
      expect(z.sha256).toBe(sha256Of(zipPath));
      expect(existsSync(`${zipPath}.partial`)).toBe(false);

      const t = spawnSync('unzip', ['-tq', zipPath], { encoding: 'utf8' });
      expect(t.status, t.stdout + t.stderr).toBe(0);

      const listing = python(
        'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\n' +
          'print(json.dumps([[i.filename, bool(i.flag_bits & 0x800), i.compress_type] for i in z.infolist()]))',
        zipPath,
      );
      expect(listing.status, listing.out).toBe(0);
      const entries = JSON.parse(listing.out) as [string, boolean, number][];
      const top = basename(bag);
      expect(entries.every(([n]) => n === `${top}/` || n.startsWith(`${top}/`))).toBe(true);
      const names = entries.map(([n]) => n);
      expect(names).toContain(`${top}/data/Көк-Таш/Көк-Таш үй.jpg`);
      expect(names).toContain(`${top}/data/report 100%.txt`);
      expect(names).toContain(`${top}/tagmanifest-sha256.txt`);
      expect(entries.filter(([n]) => !n.endsWith('/')).length).toBe(6 + 6 + 3); // payload, top-level tag files, evidence/
      const cyr = entries.find(([n]) => n.endsWith('үй.jpg'));
      expect(cyr?.[1]).toBe(true); // UTF-8 flag
      const video = entries.find(([n]) => n.endsWith('video.mp4'));
      expect(video?.[2]).toBe(0); // stored: media does not compress

      const out = join(tmp, 'unzipped');
      const x = python('import sys,zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zipPath, out);
      expect(x.status, x.out).toBe(0);
      const report = await verifyBag(join(out, top));
      expect(report.problems).toEqual([]);
      if (HAS_BAGCHECK) expect(bagcheck(join(out, top)).status).toBe(0);
    });

    it('refuses to write inside the bag or over an existing file', async () => {
      await expect(zipBag(bag, join(bag, 'self.zip'))).rejects.toThrow(/inside the bag/u);
      await expect(zipBag(bag, join(bag, 'data', 'self.zip'))).rejects.toThrow(/inside the bag/u);
      const existing = join(tmp, 'existing.zip');
      writeFileSync(existing, 'x');
      await expect(zipBag(bag, existing)).rejects.toThrow(/already exists/u);
      expect(readFileSync(existing, 'utf8')).toBe('x');
    });
  });
});

describe('writeBag refuses', () => {
  let src = '';
  let good: BagPayloadFile;
  beforeAll(() => {
    src = join(tmp, 'refuse-src.jpg');
    writeFileSync(src, 'the real content');
    const buf = readFileSync(src);
    good = { source: src, path: 'photo.jpg', bytes: buf.length, digests: digests(buf) };
  });
  const base = (outDir: string, payload: BagPayloadFile[]): WriteBagOptions => ({
    outDir,
    payload,
    tagFiles: [],
    bagInfo: {},
    algorithms: ['sha256'],
  });

  it('a source whose content does not match its digest, and leaves no bag behind', async () => {
    const wrong = createHash('sha256').update('what the archive recorded').digest('hex');
    const out = join(tmp, 'refuse-digest');
    const err = await writeBag(base(out, [good, { ...good, path: 'sub/corrupt.jpg', digests: { sha256: wrong } }])).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('data/sub/corrupt.jpg');
    expect(msg).toContain(wrong);
    expect(msg).toContain(good.digests.sha256);
    expect(existsSync(out)).toBe(false);
  });

  it('a mismatch in an optional digest too', async () => {
    const out = join(tmp, 'refuse-md5');
    await expect(writeBag(base(out, [{ ...good, digests: { sha256: good.digests.sha256, md5: '0'.repeat(32) } }]))).rejects.toThrow(/md5 [0-9a-f]{32} \(expected 0{32}\)/u);
    expect(existsSync(out)).toBe(false);
  });

  it('a size that differs from the one given', async () => {
    const out = join(tmp, 'refuse-size');
    await expect(writeBag(base(out, [{ ...good, bytes: good.bytes + 1 }]))).rejects.toThrow(/data\/photo\.jpg.*bytes/u);
  });

  it('a non-empty output directory, naming it, and keeps what was there', async () => {
    const out = join(tmp, 'refuse-nonempty');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    await expect(writeBag(base(out, [good]))).rejects.toThrow(out);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('but accepts an existing empty directory, and empties it again on failure', async () => {
    const out = join(tmp, 'empty-ok');
    mkdirSync(out);
    const r = await writeBag(base(out, [good]));
    expect(r.payloadOxum).toBe(`${good.bytes}.1`);
    const out2 = join(tmp, 'empty-fail');
    mkdirSync(out2);
    await expect(writeBag(base(out2, [{ ...good, digests: { sha256: '1'.repeat(64) } }]))).rejects.toThrow();
    expect(existsSync(out2)).toBe(true);
    expect(readdirSync(out2)).toEqual([]);
  });

  it('but passes over a digest of an algorithm it cannot compute (sha256 still proves the content)', async () => {
    const out = join(tmp, 'unknown-alg');
    const withXxh = { ...good, digests: { ...good.digests, xxh64: '0123456789abcdef' } as BagPayloadFile['digests'] };
    const r = await writeBag(base(out, [withXxh]));
    expect(r.payloadFiles).toBe(1);
    expect(readdirSync(out).filter((n) => n.startsWith('manifest-'))).toEqual(['manifest-sha256.txt']);
  });

  it('paths that collide on case-insensitive file systems, escape data/, or shadow BagIt files', async () => {
    await expect(writeBag(base(join(tmp, 'r1'), [good, { ...good, path: 'PHOTO.JPG' }]))).rejects.toThrow(TypeError);
    await expect(writeBag(base(join(tmp, 'r2'), [{ ...good, path: '../x.jpg' }]))).rejects.toThrow(/segment/u);
    await expect(writeBag(base(join(tmp, 'r3'), [{ ...good, path: 'a\\b.jpg' }]))).rejects.toThrow(TypeError);
    await expect(writeBag(base(join(tmp, 'r4'), [{ ...good, source: 'relative.jpg' }]))).rejects.toThrow(/absolute/u);
    await expect(writeBag(base(join(tmp, 'r5'), [good, { ...good, path: 'photo.jpg/x.jpg' }]))).rejects.toThrow(/folder/u);
    const tag = { ...base(join(tmp, 'r6'), [good]), tagFiles: [{ path: 'manifest-sha256.txt', content: '' }] };
    await expect(writeBag(tag)).rejects.toThrow(/BagIt defines/u);
    const tag2 = { ...base(join(tmp, 'r7'), [good]), tagFiles: [{ path: 'data/x.txt', content: '' }] };
    await expect(writeBag(tag2)).rejects.toThrow(/data\//u);
    const info = { ...base(join(tmp, 'r8'), [good]), bagInfo: { 'Bad: label': 'x' } };
    await expect(writeBag(info)).rejects.toThrow(/label/u);
    const oxum = { ...base(join(tmp, 'r9'), [good]), bagInfo: { 'Payload-Oxum': '1.1' } };
    await expect(writeBag(oxum)).rejects.toThrow(/Payload-Oxum/u);
    for (const d of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']) expect(existsSync(join(tmp, d))).toBe(false);
  });

  it('when aborted, and removes the partial bag', async () => {
    const out = join(tmp, 'refuse-abort');
    const ac = new AbortController();
    const opts = { ...base(out, [good, { ...good, path: 'b.jpg' }]), signal: ac.signal, onProgress: () => ac.abort() };
    await expect(writeBag(opts)).rejects.toThrow();
    expect(existsSync(out)).toBe(false);
  });
});

describe('bag-info.txt folding (RFC 8493 §2.2.2)', () => {
  it('folds long and multi-line values onto indented lines of at most 79 characters', async () => {
    const src = join(tmp, 'fold-src.txt');
    writeFileSync(src, 'x');
    const buf = readFileSync(src);
    const long = Array.from({ length: 40 }, (_, i) => `слово${i}`).join(' ');
    const out = join(tmp, 'bag-fold');
    await writeBag({
      outDir: out,
      payload: [{ source: src, path: 'x.txt', bytes: 1, digests: digests(buf) }],
      tagFiles: [],
      bagInfo: { 'External-Description': long, 'Internal-Sender-Description': 'line one\nline two', 'Bagging-Date': '2021-05-27' },
      algorithms: [],
    });
    const lines = readFileSync(join(out, 'bag-info.txt'), 'utf8').split('\n').filter((l) => l !== '');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(79);
    const desc = lines.slice(0, lines.findIndex((l) => l.startsWith('Internal-Sender-Description')));
    expect(desc.length).toBeGreaterThan(1);
    expect(desc.slice(1).every((l) => /^[ \t]/u.test(l))).toBe(true);
    expect(desc.map((l) => l.trim()).join(' ')).toBe(`External-Description: ${long}`);
    expect(lines).toContain('Internal-Sender-Description: line one');
    expect(lines).toContain('  line two');
    expect(lines.filter((l) => l.startsWith('Bagging-Date'))).toEqual(['Bagging-Date: 2021-05-27']);
    expect(readdirSync(out).filter((n) => n.includes('manifest'))).toEqual(['manifest-sha256.txt', 'tagmanifest-sha256.txt']);
    // A valid BagIt bag, though not an evidence set: only the missing evidence/ tag files are reported.
    expect((await verifyBag(out)).problems.map((p) => p.file)).toEqual(['evidence/items.json', 'evidence/items.csv', 'evidence/custody.json']);
    if (HAS_BAGCHECK) expect(bagcheck(out).status).toBe(0);
  });
});

describe.skipIf(!HAS_CORPUS)('writeBag on the shared media corpus', () => {
  const expected = loadExpected();
  let bag = '';
  let set: ReturnType<typeof assemble>;

  beforeAll(async () => {
    // Each corpus file once, sub-folder = its corpus collection, digests as the archive recorded them.
    set = assemble(
      Object.keys(expected).map((rel) => ({ source: join(MEDIA_DIR, rel), name: rel.split('/').pop() ?? rel, dir: rel.split('/')[0] ?? '' })),
      GENESIS_HASH.replace(/^0/u, '1'),
    );
    for (const [i, rel] of Object.keys(expected).entries()) {
      const p = set.payload[i] as BagPayloadFile;
      expect(p.digests.sha256).toBe(expected[rel]?.sha256);
      // Only what the archive records: sha256 from expected.json; md5 is computed during the copy.
      p.digests = { sha256: expected[rel]?.sha256 ?? '' };
    }
    bag = join(tmp, 'bag-corpus');
    await writeBag(bagOptions(bag, set));
  });

  it('copies every file with the recorded digests', async () => {
    const total = Object.values(expected).reduce((s, e) => s + e.bytes, 0);
    const report = await verifyBag(bag);
    expect(report.problems).toEqual([]);
    expect(report.payloadFiles).toBe(Object.keys(expected).length);
    expect(report.payloadBytes).toBe(total);
    const names = set.payload.map((p) => p.path);
    expect(names).toContain('metadata-extractor-images/Olympus μ Digital 800.JPG');
    expect(names).toContain('audio/Apple  voice memo.m4a');
    expect(names).toContain('edge/empty.jpg');
  });

  it.skipIf(!HAS_BAGCHECK)('passes the independent bagcheck.py', () => {
    const r = bagcheck(bag);
    expect(r.status, r.out).toBe(0);
  });

  it('passes sha256sum -c', () => {
    const r = sha256sumCheck(bag);
    expect(r.lines).toBe(Object.keys(expected).length);
    expect(r.status, r.out).toBe(0);
  });

  it('zips and unzips to the same valid bag', async () => {
    const z = await zipBag(bag, join(tmp, 'corpus.zip'));
    const t = spawnSync('unzip', ['-tq', z.zipPath], { encoding: 'utf8' });
    expect(t.status, t.stdout + t.stderr).toBe(0);
    const out = join(tmp, 'corpus-unzipped');
    expect(python('import sys,zipfile\nzipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', z.zipPath, out).status).toBe(0);
    expect((await verifyBag(join(out, 'bag-corpus'))).problems).toEqual([]);
  });

  it('refuses a corpus file whose recorded digest is wrong', async () => {
    const first = set.payload[0] as BagPayloadFile;
    const other = set.payload[1] as BagPayloadFile;
    const out = join(tmp, 'bag-corpus-bad');
    await expect(
      writeBag({ outDir: out, payload: [{ ...first, digests: other.digests }], tagFiles: [], bagInfo: {}, algorithms: ['sha256'] }),
    ).rejects.toThrow(new RegExp(`data/${first.path.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&')}`, 'u'));
    expect(existsSync(out)).toBe(false);
  });
});
