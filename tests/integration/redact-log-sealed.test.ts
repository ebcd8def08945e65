// Redaction detection logs in an encrypted archive (issue 13 §2: "Derivatives that show people
// (thumbnails, posters, redaction logs) are encrypted too"): written sealed when the catalog is
// encrypted, sealed in place by `evidence encrypt` and opened in place by `evidence decrypt`
// (never deleted: a log cannot be remade), read back by `redact --log`, and checked by `verify`
// against the SHA-256 of its plain bytes. The redacted copies themselves stay plain (publication).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed } from '../../electron/core/derivatives/sealed.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const PASS = 'correct horse battery staple 13';
const saved = process.env.EVIDENCE_PASSPHRASE;
let root = '';
let arch = '';
let regions = '';
let regions2 = '';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const objectFile = (s: string) => join(arch, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);

interface Made { item: number; derivative: { sha256: string; detectionLog: string | null } }
const redact = async (id: number, file = regions) => (await cliJson<Made[]>('redact', String(id), '--blur-regions', file, '--archive', arch, '--json'))[0]!;
const logOf = async (id: number) => cliJson<{ detectionLog: string; log: { frames: { boxes: { source: string }[] }[] } }>('redact', String(id), '--log', '--archive', arch);
const verify = async () => runCli('verify', '--archive', arch, '--json');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-redact-log-'));
  arch = join(root, 'archive');
  const input = join(root, 'in');
  mkdirSync(input);
  for (const [i, color] of [[1, '#a33'], [2, '#3a3']] as const) {
    await sharp({ create: { width: 160, height: 120, channels: 3, background: color } }).jpeg().toFile(join(input, `photo${i}.jpg`));
  }
  regions = join(root, 'regions.json');
  writeFileSync(regions, JSON.stringify([{ x: 20, y: 20, w: 60, h: 50, label: 'a face in profile' }]));
  // another box for the second photo, so its log is another object, not the first one again
  regions2 = join(root, 'regions2.json');
  writeFileSync(regions2, JSON.stringify([{ x: 30, y: 40, w: 50, h: 40 }]));
  process.env.EVIDENCE_PASSPHRASE = PASS;
  expect((await runCli('init', arch)).code).toBe(0);
  const ing = await runCli('ingest', input, '--archive', arch, '--json');
  expect(ing.code, ing.err).toBe(0);
});

afterAll(() => {
  if (saved === undefined) delete process.env.EVIDENCE_PASSPHRASE;
  else process.env.EVIDENCE_PASSPHRASE = saved;
  rmSync(root, { recursive: true, force: true });
});

describe('detection logs at rest', () => {
  let first: Made;

  it('are plain in a plain archive', async () => {
    first = await redact(1);
    const logSha = first.derivative.detectionLog!;
    expect(logSha).toMatch(/^[0-9a-f]{64}$/u);
    const bytes = readFileSync(objectFile(logSha));
    expect(isSealed(bytes)).toBe(false);
    expect(sha(bytes)).toBe(logSha);
    expect(bytes.toString('utf8')).toContain('"manual"');
  });

  it('are sealed in place by `encrypt`, and still read back and verified', async () => {
    const enc = await cliJson<{ encrypted: boolean; logsResealed: number }>('encrypt', '--archive', arch, '--json');
    expect(enc).toMatchObject({ encrypted: true, logsResealed: 1 });
    const logSha = first.derivative.detectionLog!;
    const bytes = readFileSync(objectFile(logSha));
    expect(isSealed(bytes)).toBe(true);
    expect(bytes.includes(Buffer.from('manual'))).toBe(false);
    expect(bytes.includes(Buffer.from('"x":20'))).toBe(false);
    const shown = await logOf(1);
    expect(shown.detectionLog).toBe(logSha);
    expect(shown.log.frames[0]!.boxes).toEqual([expect.objectContaining({ x: 20, y: 20, w: 60, h: 50, source: 'manual' })]);
    const v = await verify();
    expect(v.code, v.out + v.err).toBe(0);
    // the redacted copy is for publication: it stays plain, at its own SHA-256
    expect(sha(readFileSync(objectFile(first.derivative.sha256)))).toBe(first.derivative.sha256);
  });

  it('are written sealed by `redact` in an encrypted archive', async () => {
    const second = await redact(2, regions2);
    expect(second.derivative.detectionLog).not.toBe(first.derivative.detectionLog);
    const bytes = readFileSync(objectFile(second.derivative.detectionLog!));
    expect(isSealed(bytes)).toBe(true);
    expect((await logOf(2)).log.frames[0]!.boxes).toHaveLength(1);
  });

  it('are copied to a replica by `replica sync`, sealed as stored, with the redacted copies', async () => {
    const replica = join(root, 'drive-b', 'replica');
    mkdirSync(replica, { recursive: true });
    expect((await runCli('replica', 'add', replica, '--name', 'drive-b', '--archive', arch)).code).toBe(0);
    interface Synced { reports: { derivatives?: { copied: number; present: number; failed: unknown[] } }[] }
    const rep = (await cliJson<Synced>('replica', 'sync', 'drive-b', '--json', '--archive', arch)).reports[0]!;
    // the first copy and its log, the second copy and its log
    expect(rep.derivatives).toMatchObject({ copied: 4, failed: [] });
    const inReplica = (s: string) => join(replica, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
    const logSha = first.derivative.detectionLog!;
    expect(readFileSync(inReplica(logSha)).equals(readFileSync(objectFile(logSha)))).toBe(true);
    expect(isSealed(readFileSync(inReplica(logSha)))).toBe(true);
    expect(sha(readFileSync(inReplica(first.derivative.sha256)))).toBe(first.derivative.sha256);
    // again: nothing to do
    const again = (await cliJson<Synced>('replica', 'sync', 'drive-b', '--json', '--archive', arch)).reports[0]!;
    expect(again.derivatives).toMatchObject({ copied: 0, present: 4 });
  });

  it('that were altered are reported by `verify`', async () => {
    const p = objectFile(first.derivative.detectionLog!);
    const good = readFileSync(p);
    const bad = Buffer.from(good);
    bad[bad.length - 20]! ^= 1;
    writeFileSync(p, bad);
    const v = await verify();
    expect(v.code).not.toBe(0);
    expect(v.out + v.err).toMatch(/detection log [0-9a-f]{64} of item 1: altered/u);
    writeFileSync(p, good);
  });

  it('are opened in place by `decrypt`, hashing to their address again', async () => {
    const dec = await cliJson<{ encrypted: boolean; logsResealed: number }>('decrypt', '--archive', arch, '--json');
    expect(dec).toMatchObject({ encrypted: false, logsResealed: 2 });
    for (const id of [1, 2]) {
      const { detectionLog } = await logOf(id);
      const bytes = readFileSync(objectFile(detectionLog));
      expect(isSealed(bytes)).toBe(false);
      expect(sha(bytes)).toBe(detectionLog);
    }
    const v = await verify();
    expect(v.code, v.out + v.err).toBe(0);
  });
});
