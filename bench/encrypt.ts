// What the catalog encrypted at rest costs (issue 13 §2): `evidence ingest` of the bench photos
// into a plain and an encrypted archive, and `evidence list` of a seeded catalog plain and
// encrypted (SQLCipher 4: AES-256 pages, HMAC-SHA512 per page, PBKDF2 256,000 rounds on open),
// in alternating rounds; best of each. Ratios are encrypted / plain (1.00 = no cost).
// Alone: `node bin/run-ts.mjs bench/encrypt.ts [--photos N] [--items N] [--rounds N]`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { changeCatalogPassphrase } from '../electron/core/encrypt/rekey.ts';
import { photoFolder } from './corpus.ts';
import { seedArchive } from './seed-archive.ts';

const BIN = resolve('bin/evidence.mjs');
const PASS = 'bench passphrase';

/** One measured pair. */
export interface EncryptFigure {
  what: string;
  /** Best wall time (s). */
  plainS: number;
  encryptedS: number;
  /** Best CPU time, user + system (s): what the host's other load does not inflate. */
  plainCpuS: number;
  encryptedCpuS: number;
}

interface Run {
  wall: number;
  cpu: number;
}

function evidence(argv: string[]): Run {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, BIN, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, EVIDENCE_OPERATOR: 'bench', EVIDENCE_PASSPHRASE: PASS } });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`evidence ${argv.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const [u, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall, cpu: u! + sys! };
}

/**
 * Measures ingest of `photos` (a folder) and `list --json` of an `items`-item seeded catalog,
 * plain and encrypted, `rounds` alternating rounds each, under `root` (the list archives are kept
 * for the next run). Returns the best wall times.
 */
export async function benchEncryption(root: string, photos: string, items: number, rounds: number): Promise<EncryptFigure[]> {
  const ingest = { plain: [] as Run[], encrypted: [] as Run[] };
  for (let i = 0; i < rounds; i++) {
    for (const side of ['plain', 'encrypted'] as const) {
      const dir = join(root, `encrypt-ingest-${side}`);
      rmSync(dir, { recursive: true, force: true });
      evidence(['init', dir, ...(side === 'encrypted' ? ['--encrypt'] : [])]);
      spawnSync('bash', ['-c', `cat ${JSON.stringify(photos)}/* > /dev/null`]);
      ingest[side].push(evidence(['ingest', photos, '--archive', dir, '--json']));
    }
  }
  const plainList = join(root, `encrypt-list-plain-${items}`);
  const encList = join(root, `encrypt-list-encrypted-${items}`);
  if (!existsSync(plainList)) await seedArchive(plainList, items);
  if (!existsSync(encList)) {
    cpSync(plainList, encList, { recursive: true });
    await changeCatalogPassphrase(encList, null, PASS);
  }
  const list = { plain: [] as Run[], encrypted: [] as Run[] };
  for (let i = 0; i < Math.max(rounds, 3); i++) {
    list.plain.push(evidence(['list', '--archive', plainList, '--json']));
    list.encrypted.push(evidence(['list', '--archive', encList, '--json']));
  }
  const fig = (what: string, m: { plain: Run[]; encrypted: Run[] }): EncryptFigure => ({
    what,
    plainS: Math.min(...m.plain.map((r) => r.wall)), encryptedS: Math.min(...m.encrypted.map((r) => r.wall)),
    plainCpuS: Math.min(...m.plain.map((r) => r.cpu)), encryptedCpuS: Math.min(...m.encrypted.map((r) => r.cpu)),
  });
  return [fig('ingest of the bench photos', ingest), fig(`list --json of ${items.toLocaleString('en')} items`, list)];
}

/** Prints the figures as a Markdown table. */
export function printEncryptTable(figures: EncryptFigure[]): void {
  console.log('\n| catalog encrypted at rest | plain (wall / CPU) | encrypted (wall / CPU) | encrypted / plain (wall / CPU) |\n|---|---|---|---|');
  for (const f of figures) {
    console.log(`| ${f.what} | ${f.plainS.toFixed(2)} s / ${f.plainCpuS.toFixed(2)} s | ${f.encryptedS.toFixed(2)} s / ${f.encryptedCpuS.toFixed(2)} s | ${(f.encryptedS / f.plainS).toFixed(2)} / ${(f.encryptedCpuS / f.plainCpuS).toFixed(2)} |`);
  }
}

if (process.argv[1]?.endsWith('encrypt.ts')) {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const root = resolve(process.env.EVIDENCE_BENCH_DIR ?? '.bench');
  mkdirSync(root, { recursive: true });
  const photos = await photoFolder(root, opt('--photos', 2000));
  printEncryptTable(await benchEncryption(root, photos, opt('--items', 100_000), opt('--rounds', 3)));
}
