// A recipient holding only the bag: forgeries that re-seal the tag manifest must still be caught
// by what the custody excerpt pins (each item's ingestion and its metadata's hash at ingest).
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-forge-'));
const bag = join(work, 'bag');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Rewrites tagmanifest-sha256.txt for the current tag files, as a forger would. */
function reseal(dir: string): void {
  const tagFiles = ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', 'evidence/items.json', 'evidence/items.csv', 'evidence/custody.json'];
  writeFileSync(join(dir, 'tagmanifest-sha256.txt'), tagFiles.map((f) => `${sha(readFileSync(join(dir, f)))}  ${f}\n`).join(''));
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
