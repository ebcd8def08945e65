// Writing ASC MHL: `export --mhl` (a history of the bag's payload that leaves the bag valid) and
// `evidence mhl ITEM… --out DIR` (an offload copy; a second run appends generation 0002). What we
// write validates against the ASC MHL XSDs, reads back, and an ingest of it verifies every file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { readAscMhlHistory } from '../../electron/core/mhl/read.ts';
import { hashFile } from '../../electron/core/mhl/files.ts';

const SPEC = join(SHARED_DIR, 'specs', 'ascmhl');
const HAS_SPEC = existsSync(join(SPEC, 'xsd', 'ASCMHL.xsd'));
const tmp = mkdtempSync(join(tmpdir(), 'mhl-write-'));
const archive = join(tmp, 'archive');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function schemas(): { manifest: string; chain: string } {
  const d = join(tmp, 'xsd');
  mkdirSync(d, { recursive: true });
  copyFileSync(join(SPEC, 'xsd', 'ASCMHL.xsd'), join(d, 'ASCMHL.xsd'));
  writeFileSync(join(d, 'ASCMHLDirectory.xsd'), readFileSync(join(SPEC, 'xsd', 'ASCMHLDirectory.xsd'), 'utf8').replace(/schemaLocation="[^"]*"/u, 'schemaLocation="ASCMHL.xsd"'));
  return { manifest: join(d, 'ASCMHL.xsd'), chain: join(d, 'ASCMHLDirectory.xsd') };
}
const xmllint = (schema: string, file: string) => execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, file], { stdio: 'pipe' });

beforeAll(async () => {
  const src = join(tmp, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'one.txt'), 'first file');
  writeFileSync(join(src, 'two.txt'), 'second file');
  writeFileSync(join(src, 'sub', 'three.txt'), 'third file');
  const r = await runCli('ingest', src, '--archive', archive, '--operator', 'A. Usenova', '--threads', '1');
  expect(r.code, r.err).toBe(0);
});

describe.skipIf(!HAS_SPEC)('export --mhl', () => {
  it('adds ascmhl/ beside data/: the generation is a listed tag file, the bag still verifies, the history reads back and matches the payload', async () => {
    const out = join(tmp, 'bag');
    const r = await runCli('export', '--archive', archive, '--all', '--out', out, '--no-sign', '--mhl', '--mhl-hash', 'md5,c4', '--operator', 'A. Usenova', '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.mhl.generationPath).toMatch(/^ascmhl\/0001_bag_\d{4}-\d\d-\d\d_\d{6}Z\.mhl$/u);
    const xsd = schemas();
    xmllint(xsd.manifest, join(out, res.mhl.generationPath));
    xmllint(xsd.chain, join(out, 'ascmhl', 'ascmhl_chain.xml'));
    const tagManifest = readFileSync(join(out, 'tagmanifest-sha256.txt'), 'utf8');
    expect(tagManifest).toContain(`  ${res.mhl.generationPath}\n`);
    expect(tagManifest).not.toContain('ascmhl_chain.xml');
    const verified = await runCli('verify-bag', out);
    // Exit 5: intact but unsigned (--no-sign keeps this test quick); no problem with ascmhl/ in the bag.
    expect(verified.code, verified.out + verified.err).toBe(5);
    expect(verified.out).toMatch(/INTACT: .*, 0 problems;/u);
    const h = await readAscMhlHistory(out);
    expect(h.problems).toEqual([]);
    expect(h.chain.map((c) => c.status)).toEqual(['ok']);
    const g = h.generations[0]!;
    expect(g.process).toBe('transfer');
    expect(g.creator).toMatchObject({ tool: 'Evidence Archive', toolVersion: '0.1.0', authors: [{ name: 'A. Usenova' }] });
    expect(g.ignore).toEqual(expect.arrayContaining(['/*', '!/data', '!/data/']));
    expect(g.files.map((f) => f.path).sort()).toEqual(['data/one.txt', 'data/three.txt', 'data/two.txt']);
    for (const f of g.files) {
      const got = await hashFile(join(out, ...f.path.split('/')), ['xxh128', 'md5', 'c4']);
      expect(Object.fromEntries(f.hashes.map((x) => [x.format, x.value]))).toEqual(got.hashes);
    }
    expect(g.root!.content.xxh128).toMatch(/^[0-9a-f]{32}$/u);
  });

  it('a public release names a neutral host, not this machine', async () => {
    const out = join(tmp, 'public');
    const r = await runCli('export', '--archive', archive, '--all', '--out', out, '--no-sign', '--mhl', '--redact-people', '--json');
    expect(r.code, r.err).toBe(0);
    const h = await readAscMhlHistory(out);
    expect(h.generations[0]!.creator.hostName).toBe('evidence-archive');
  });

  it('refuses an unknown hash format and --mhl-hash without --mhl', async () => {
    expect((await runCli('export', '--archive', archive, '--all', '--out', join(tmp, 'x'), '--no-sign', '--mhl', '--mhl-hash', 'sha256')).err).toContain('unknown format "sha256"');
    expect((await runCli('export', '--archive', archive, '--all', '--out', join(tmp, 'y'), '--no-sign', '--mhl-hash', 'md5')).code).not.toBe(0);
  });
});

describe.skipIf(!HAS_SPEC)('evidence mhl ITEM… --out DIR', () => {
  it('copies items with a history; a second run appends generation 0002 that verifies the first files; an ingest of the folder verifies all, and then reports a changed byte', async () => {
    const dir = join(tmp, 'Offload');
    const first = await runCli('mhl', '1', '2', '--archive', archive, '--out', dir, '--json');
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(first.out).generation.sequence).toBe(1);
    const second = await runCli('mhl', '3', '1', '--archive', archive, '--out', dir, '--mhl-hash', 'sha1', '--json');
    expect(second.code, second.err).toBe(0);
    const res = JSON.parse(second.out);
    expect(res.generation.sequence).toBe(2);
    expect(res.items.map((i: { copied: boolean }) => i.copied)).toEqual([true, false]);
    expect(Object.values(res.generation.actions).sort()).toEqual(['original', 'verified', 'verified']);
    const xsd = schemas();
    xmllint(xsd.chain, join(dir, 'ascmhl', 'ascmhl_chain.xml'));
    const h = await readAscMhlHistory(dir);
    expect(h.chain.map((c) => [c.sequence, c.status])).toEqual([[1, 'ok'], [2, 'ok']]);
    for (const g of h.generations) xmllint(xsd.manifest, join(dir, 'ascmhl', g.fileName));
    expect(h.generations[1]!.files).toHaveLength(3);
    // The custody log says where the copies went.
    const log = JSON.parse((await runCli('log', '--archive', archive, '--type', 'dissemination', '--json')).out).events;
    expect(log.filter((e: { detail: { action?: string } }) => e.detail.action === 'offload copy with an ASC MHL history')).toHaveLength(3);

    const arch2 = join(tmp, 'archive2');
    const ok = await runCli('ingest', dir, '--archive', arch2, '--json', '--threads', '1');
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).mhl.counts).toEqual({ verified: 3, mismatch: 0, missing: 0, notListed: 0, notChecked: 0, invalid: 0 });
    const name = h.generations[1]!.files[0]!.path;
    const buf = readFileSync(join(dir, name));
    buf[0] = buf[0]! ^ 0x20;
    writeFileSync(join(dir, name), buf);
    const bad = await runCli('ingest', dir, '--archive', join(tmp, 'archive3'), '--json', '--threads', '1');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).mhl.files).toEqual([expect.objectContaining({ entry: name, status: 'mismatch' })]);
  });

  it('--reel NAME copies every item of the card ingested with --reel NAME, and only those, and the history verifies', async () => {
    const card = join(tmp, 'card-B7');
    mkdirSync(card);
    writeFileSync(join(card, 'C0001.MP4'), 'clip one of reel B7');
    writeFileSync(join(card, 'C0002.MP4'), 'clip two of reel B7');
    const ing = await runCli('ingest', card, '--reel', 'B7', '--archive', archive, '--operator', 'A. Usenova', '--threads', '1');
    expect(ing.code, ing.err).toBe(0);
    const dir = join(tmp, 'ReelB7');
    const r = await runCli('mhl', '--reel', 'b7', '--archive', archive, '--out', dir, '--json');
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as { items: { copied: boolean }[]; generation: { sequence: number } };
    expect(res.items).toHaveLength(2);
    expect(res.items.every((i) => i.copied)).toBe(true);
    const h = await readAscMhlHistory(dir);
    expect(h.problems).toEqual([]);
    expect(h.generations[0]!.files.map((f) => f.path.split('/').at(-1)).sort()).toEqual(['C0001.MP4', 'C0002.MP4']);
    expect(readFileSync(join(dir, h.generations[0]!.files.find((f) => f.path.endsWith('C0001.MP4'))!.path), 'utf8')).toBe('clip one of reel B7');
    xmllint(schemas().manifest, join(dir, 'ascmhl', h.generations[0]!.fileName));
  });

  it('refuses an unknown --reel, and a name held with other content', async () => {
    const r = await runCli('mhl', '--reel', 'A001', '--archive', archive, '--out', join(tmp, 'reel'));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('no reel named "A001"');
    const dir = join(tmp, 'clash');
    mkdirSync(dir);
    // Item 1 is whichever file the ingest recorded first (its threads race): every name clashes.
    const names = ['one.txt', 'two.txt', 'three.txt'];
    for (const n of names) writeFileSync(join(dir, n), 'not the archived content');
    const c = await runCli('mhl', '1', '--archive', archive, '--out', dir);
    expect(c.code).not.toBe(0);
    expect(c.err).toContain('not overwritten');
    for (const n of names) expect(readFileSync(join(dir, n), 'utf8')).toBe('not the archived content');
  });
});
