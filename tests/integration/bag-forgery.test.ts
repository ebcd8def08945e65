// A recipient holding only the bag: forgeries that re-seal the tag manifest must still be caught
// by what the custody excerpt pins (each item's ingestion and its metadata's hash at ingest).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
  expect(runCli(['export', '--archive', archive, '--all', '--out', bag]).code).toBe(0);
  expect(runCli(['verify-bag', bag]).code).toBe(0);
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
});
