// A recipient holding only the bag: forgeries that re-seal the tag manifest must still be caught
// by what the custody excerpt pins (each item's ingestion and its metadata's hash at ingest).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATER_NORMALIZED_RECORD_KEYS, NORMALIZED_RECORD_KEYS, type CustodyEvent } from '../../electron/common/types.ts';
import { contentHash } from '../../electron/core/custody/content-hash.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { rehash } from '../helpers/custody-chain.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-forge-'));
const bag = join(work, 'bag');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Rewrites tagmanifest-sha256.txt for the current tag files, as a forger would. */
function reseal(dir: string): void {
  const tagFiles = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'evidence/items.json', 'evidence/items.csv', 'evidence/custody.json'];
  writeFileSync(join(dir, 'tagmanifest-sha256.txt'), tagFiles.map((f) => `${sha(readFileSync(join(dir, f)))}  ${f}\n`).join(''));
}

/** Recomputes every tag manifest over the files it already lists, as a careful forger would. */
function resealListed(dir: string): void {
  for (const name of readdirSync(dir).filter((n) => /^tagmanifest-\w+\.txt$/.test(n))) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const files = readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('  ') + 2));
    writeFileSync(join(dir, name), files.map((f) => `${createHash(alg).update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join(''));
  }
}

/** Every regular file under `dir`, bag-relative, "/"-separated. */
function walk(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, r) : [r];
  });
}

/**
 * Re-seals a bag as a thorough forger would: every payload manifest over what is under data/ now,
 * Payload-Oxum, then every tag manifest over every tag file present (fetch.txt included).
 */
function resealAll(dir: string): void {
  const files = walk(dir).sort();
  const data = files.filter((f) => f.startsWith('data/'));
  const digestLines = (alg: string, list: string[]) => list.map((f) => `${createHash(alg).update(readFileSync(join(dir, f))).digest('hex')}  ${f}\n`).join('');
  for (const name of readdirSync(dir).filter((n) => /^manifest-\w+\.txt$/.test(n))) {
    writeFileSync(join(dir, name), digestLines(name.slice('manifest-'.length, -'.txt'.length), data));
  }
  const octets = data.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  writeFileSync(join(dir, 'bag-info.txt'), readFileSync(join(dir, 'bag-info.txt'), 'utf8').replace(/Payload-Oxum: .*/, `Payload-Oxum: ${octets}.${data.length}`));
  const tags = files.filter((f) => !f.startsWith('data/') && !/^tagmanifest-/.test(f));
  for (const name of readdirSync(dir).filter((n) => /^tagmanifest-\w+\.txt$/.test(n))) {
    writeFileSync(join(dir, name), digestLines(name.slice('tagmanifest-'.length, -'.txt'.length), tags));
  }
}

type Report = { valid: boolean; problems: { file?: string; seq?: number; reason: string }[] };
const verify = (d: string) => runCliJson<Report>(['verify-bag', d, '--json']).json;
const readItems = (d: string) => JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as Record<string, unknown>[];
const readCustody = (d: string) => JSON.parse(readFileSync(join(d, 'evidence/custody.json'), 'utf8')) as { chainHead: { seq: number; hash: string }; events: CustodyEvent[] };

function copyBag(name: string): string {
  const d = join(work, name);
  cpSync(bag, d, { recursive: true });
  return d;
}

beforeAll(() => {
  const card = join(work, 'card');
  mkdirSync(card);
  for (const n of ['a.bin', 'b.bin', 'c.bin']) writeFileSync(join(card, n), randomBytes(3000));
  const archive = join(work, 'archive');
  expect(runCli(['ingest', card, '--archive', archive]).code).toBe(0);
  // One item tagged with everything a tagging event records; one person by pseudonym only (sensitive).
  const A = ['--archive', archive];
  const plain = runCliJson<{ id: number }>(['person', 'add', 'Бакыт С.', ...A, '--json']).json.id;
  const hidden = runCliJson<{ id: number }>(['person', 'add', 'Айгүл Т.', '--sensitive', ...A, '--json']).json.id;
  expect(runCli(['case', 'add', '12-345', '--authority', 'Prosecutor General', ...A]).code).toBe(0);
  expect(runCli(['tag', '1', '--place', 'kok-tash-batken', '--tag', 'школа', '--person', `${plain}:depicts`, '--person', `${hidden}:testimony of`,
    '--case', '12-345', '--description', 'school yard after the shelling', '--notes', 'copied from the card on 2021-05-02', ...A]).code).toBe(0);
  expect(runCli(['tag', '1', '--tag', 'roof', ...A]).code).toBe(0);
  expect(runCli(['export', '--archive', archive, '--all', '--out', bag]).code).toBe(0);
  expect(runCli(['verify-bag', bag]).code).toBe(5); // intact, but unsigned (no key in the tests): exit 5
});

describe('re-sealed forgeries of a bag', () => {
  it('forged metadata in items.json is caught against the hash its ingestion recorded', () => {
    const d = copyBag('forged-metadata');
    const items = JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as Record<string, unknown>[];
    items[0]!.capturedAt = '2021-05-01T09:00:00+06:00';
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    reseal(d);
    const v = runCliJson<{ valid: boolean; problems: { reason: string }[] }>(['verify-bag', d, '--json']);
    expect(v.json.valid).toBe(false);
    expect(v.json.problems.map((p) => p.reason).join('\n')).toMatch(/differs from what its metadata extraction event recorded at ingest/);
  });

  it('a forged camera serial in items.json is caught, and so is one taken out', () => {
    for (const [name, forge] of [
      ['forged-serial', (it: Record<string, unknown>) => Object.assign(it, { serial: 'FORGED-0001', serialSource: 'EXIF BodySerialNumber' })],
      ['serial-removed', (it: Record<string, unknown>) => { delete it.serial; delete it.serialSource; }],
    ] as const) {
      const d = copyBag(name);
      const items = JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as Record<string, unknown>[];
      expect(items[0]).toHaveProperty('serial', null);
      forge(items[0]!);
      writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
      reseal(d);
      const v = runCliJson<{ valid: boolean; problems: { reason: string }[] }>(['verify-bag', d, '--json']);
      expect(v.json.valid, name).toBe(false);
      expect(v.json.problems.map((p) => p.reason).join('\n')).toMatch(/differs from what its metadata extraction event recorded at ingest/);
    }
  });

  it('a bag from before records had a serial (no serial keys, hashed without them at ingest) still verifies', () => {
    const d = copyBag('before-serial');
    const items = JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as Record<string, unknown>[];
    const oldKeys = NORMALIZED_RECORD_KEYS.filter((k) => !(LATER_NORMALIZED_RECORD_KEYS as readonly string[]).includes(k));
    const oldHash = new Map<unknown, string>();
    for (const it of items) {
      for (const k of LATER_NORMALIZED_RECORD_KEYS) delete it[k];
      oldHash.set(it.sha256, contentHash(Object.fromEntries(oldKeys.map((k) => [k, it[k] ?? null]))));
    }
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    // What the archive would have logged then: the record hash without the later keys, chained.
    const custody = JSON.parse(readFileSync(join(d, 'evidence/custody.json'), 'utf8')) as { chainHead: { seq: number; hash: string }; events: CustodyEvent[] };
    let prev: CustodyEvent | undefined;
    for (const e of custody.events) {
      if (e.type === 'metadata extraction' && oldHash.has(e.item)) e.detail.recordSha256 = oldHash.get(e.item);
      if (prev && e.seq === prev.seq + 1) e.prevHash = prev.hash;
      rehash(e);
      if (e.seq === custody.chainHead.seq) custody.chainHead.hash = e.hash;
      prev = e;
    }
    expect(custody.events.filter((e) => e.type === 'metadata extraction')).toHaveLength(items.length);
    writeFileSync(join(d, 'evidence/custody.json'), JSON.stringify(custody, null, 2));
    resealListed(d);
    const v = runCliJson<{ valid: boolean; problems: { reason: string }[] }>(['verify-bag', d, '--json']);
    expect(v.json.problems).toEqual([]);
    expect(v.json.valid).toBe(true);
  });

  it('an item taken out of payload, manifest and items.json is caught by its custody events left behind', () => {
    const d = copyBag('item-removed');
    const items = JSON.parse(readFileSync(join(d, 'evidence/items.json'), 'utf8')) as { path: string; sha256: string; bytes: number }[];
    const gone = items.pop()!;
    rmSync(join(d, gone.path), { force: true });
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    const manifest = readFileSync(join(d, 'manifest-sha256.txt'), 'utf8').split('\n').filter((l) => l && !l.endsWith(`  ${gone.path}`));
    writeFileSync(join(d, 'manifest-sha256.txt'), manifest.join('\n') + '\n');
    const octets = items.reduce((s, i) => s + i.bytes, 0);
    writeFileSync(join(d, 'bag-info.txt'), readFileSync(join(d, 'bag-info.txt'), 'utf8').replace(/Payload-Oxum: .*/, `Payload-Oxum: ${octets}.${items.length}`));
    reseal(d);
    const v = runCliJson<{ valid: boolean; problems: { reason: string }[] }>(['verify-bag', d, '--json']);
    expect(v.json.valid).toBe(false);
    expect(v.json.problems.map((p) => p.reason).join('\n')).toContain(`holds custody events of item ${gone.sha256}, which is not in this bag`);
  });

  it('a bag without items.json (or custody.json too), a payload file substituted and everything re-sealed, is not an evidence set', () => {
    for (const gone of [['evidence/items.json'], ['evidence/items.json', 'evidence/custody.json'], ['evidence/items.csv']]) {
      const d = copyBag(`without-${gone.length}-${gone[0]!.slice(9, -5)}`);
      const victim = readItems(d)[1]!.path as string;
      for (const f of gone) rmSync(join(d, f));
      rmSync(join(d, victim));
      writeFileSync(join(d, 'data', 'substitute.bin'), randomBytes(2000));
      resealAll(d);
      const v = verify(d);
      expect(v.valid, gone.join()).toBe(false);
      for (const f of gone) expect(v.problems).toContainEqual(expect.objectContaining({ file: f, reason: expect.stringMatching(/^missing: an evidence set always carries/) }));
      if (!gone.includes('evidence/items.json')) {
        expect(v.problems).toContainEqual(expect.objectContaining({ file: 'data/substitute.bin', reason: 'payload file is not described in evidence/items.json' }));
        expect(v.problems).toContainEqual(expect.objectContaining({ file: victim, reason: 'described in evidence/items.json, but there is no such file under data/' }));
      }
    }
  });

  it('forged metadata together with its metadata extraction event taken out, or the digest event taken out, is caught', () => {
    const d = copyBag('no-metadata-event');
    const items = readItems(d);
    const target = items[0]!;
    target.capturedAt = '2021-05-01T09:00:00+06:00';
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    const custody = readCustody(d);
    const other = items[1]!.sha256 as string;
    custody.events = custody.events.filter((e) => !(e.item === target.sha256 && e.type === 'metadata extraction') &&
      !(e.item === other && e.type === 'message digest calculation'));
    writeFileSync(join(d, 'evidence/custody.json'), JSON.stringify(custody, null, 2));
    resealAll(d);
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ file: target.path, reason: expect.stringMatching(/^no "metadata extraction" event for item/) }));
    expect(v.problems).toContainEqual(expect.objectContaining({ file: items[1]!.path, reason: expect.stringMatching(/^no "message digest calculation" event recording item/) }));
  });

  it('a bag with fetch.txt, or declaring BagIt 0.97, is refused', () => {
    const d = copyBag('fetch');
    writeFileSync(join(d, 'fetch.txt'), 'https://example.org/forged.bin 2000 data/forged.bin\n');
    resealAll(d);
    expect(verify(d).problems).toContainEqual(expect.objectContaining({ file: 'fetch.txt', reason: expect.stringMatching(/incomplete/) }));
    const d2 = copyBag('version-097');
    writeFileSync(join(d2, 'bagit.txt'), 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n');
    resealAll(d2);
    const v = verify(d2);
    expect(v.valid).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ file: 'bagit.txt', reason: expect.stringMatching(/must be "BagIt-Version: 1\.0"/) }));
  });

  it('tag fields of items.json changed and re-sealed are caught against the last tagging event, naming item and field', () => {
    const orig = readItems(bag);
    const tagged = orig.find((i) => (i.tags as string[]).length > 0)!;
    expect(tagged.tags).toEqual(['roof', 'школа']);
    expect((tagged.people as { id: unknown }[]).some((p) => typeof p.id === 'string' && /^V-/.test(p.id))).toBe(true);
    const forgeries: Record<string, unknown> = {
      places: [], people: [(tagged.people as unknown[])[0]], incidents: [1], cases: [], tags: ['школа'], description: 'a forged description', notes: null,
    };
    for (const [field, value] of Object.entries(forgeries)) {
      const d = copyBag(`forged-tag-${field}`);
      const items = readItems(d);
      const it = items.find((i) => i.sha256 === tagged.sha256)!;
      it[field] = value;
      writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
      resealAll(d);
      const v = verify(d);
      expect(v.valid, field).toBe(false);
      expect(v.problems, field).toContainEqual(expect.objectContaining({ file: tagged.path,
        reason: expect.stringMatching(new RegExp(`^item ${String(tagged.sha256)}: ${field} is .* but its last tagging event \\(seq \\d+\\) recorded`)) }));
    }
    // An item never tagged must show no tags; a pseudonym may not stand for a person given in full.
    const d = copyBag('forged-untagged');
    const items = readItems(d);
    const untagged = items.find((i) => i.sha256 !== tagged.sha256)!;
    untagged.tags = ['forged'];
    const it = items.find((i) => i.sha256 === tagged.sha256)!;
    const people = it.people as { id: unknown; role: string }[];
    const byPseudonym = people.find((p) => typeof p.id === 'string')!;
    const byId = people.find((p) => typeof p.id === 'number')!;
    [byPseudonym.id, byId.id] = [byId.id, byPseudonym.id];
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    resealAll(d);
    const v = verify(d);
    expect(v.problems).toContainEqual(expect.objectContaining({ file: untagged.path,
      reason: expect.stringMatching(/: tags is \["forged"\] in evidence\/items\.json, but the excerpt holds no tagging event of the item/) }));
    expect(v.problems).toContainEqual(expect.objectContaining({ file: tagged.path, reason: expect.stringMatching(/: people is /) }));
  });

  it('a full set whose tagging event is withheld by a forged withheldSeqs is caught: only a declared public release may withhold', () => {
    const d = copyBag('withheld-forged');
    const custody = readCustody(d) as ReturnType<typeof readCustody> & { withheldSeqs?: number[] };
    const tagging = custody.events.filter((e) => e.type === 'metadata modification').at(-1)!;
    custody.events = custody.events.filter((e) => e.seq !== tagging.seq);
    custody.withheldSeqs = [tagging.seq];
    writeFileSync(join(d, 'evidence/custody.json'), JSON.stringify(custody, null, 2));
    const items = readItems(d);
    items[0]!.tags = ['forged'];
    writeFileSync(join(d, 'evidence/items.json'), JSON.stringify(items, null, 2));
    resealAll(d);
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(v.problems).toContainEqual({ file: 'evidence/custody.json', code: 'custody.withheld-unredacted', params: { count: 1 }, reason: 'custody.json lists 1 withheld seq(s), but bag-info.txt declares no Evidence-Redaction: only a set for public release may withhold events' });
  });
  it('events above chainHead.seq are reported', () => {
    const d = copyBag('head-lowered');
    const custody = readCustody(d);
    const last = custody.events[custody.events.length - 1]!;
    custody.chainHead.seq = custody.events[0]!.seq - 1;
    writeFileSync(join(d, 'evidence/custody.json'), JSON.stringify(custody, null, 2));
    resealAll(d);
    const v = verify(d);
    expect(v.valid).toBe(false);
    expect(v.problems).toContainEqual(expect.objectContaining({ file: 'evidence/custody.json', seq: last.seq, reason: expect.stringMatching(/beyond chainHead\.seq/) }));
  });

  it('a public release that still gives source paths, a description or notes does not verify', () => {
    const archive = join(work, 'archive');
    const pub = join(work, 'public');
    expect(runCli(['export', '--archive', archive, '--all', '--redact-people', '--out', pub]).code).toBe(0);
    expect(verify(pub).valid).toBe(true);
    const items = readItems(pub);
    const first = items[0] as { path: string; sources: Record<string, unknown>[] };
    first.sources[0]!.path = '/media/card/Interview Aigul T/a.bin';
    items[0]!.description = 'school yard after the shelling';
    items[0]!.notes = 'copied from the card on 2021-05-02';
    writeFileSync(join(pub, 'evidence/items.json'), JSON.stringify(items, null, 2));
    resealListed(pub);
    const v = verify(pub);
    expect(v.valid).toBe(false);
    const said = "bag-info.txt declares Evidence-Redaction, but evidence/items.json gives this item's";
    for (const [what, field] of [['source paths', 'sources'], ['description', 'description'], ['notes', 'notes']] as const) {
      expect(v.problems).toContainEqual({ file: first.path, code: 'public.leak', params: { field }, reason: `${said} ${what}, which a public release leaves out` });
    }
  });
});

