// `evidence verify` throughput against `openssl dgst -sha256` over the same object files, both from
// a warm page cache (verify reads through to the device where it can; the ratio is of hashing and
// bookkeeping, not of the disk). Used by bench/run.ts; alone: node bin/run-ts.mjs bench/verify.ts ARCHIVE.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Every object file of the archive at `archiveDir` and their total size in bytes. */
function objects(archiveDir: string): { files: string[]; bytes: number } {
  const root = join(archiveDir, 'objects');
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return { files, bytes: files.reduce((s, f) => s + statSync(f).size, 0) };
}

/**
 * Best of `rounds` wall times of `evidence verify --archive A` (run by `bin`, a whole-archive run,
 * recorded) and of `openssl dgst -sha256` over the same files (xargs, as many processes as cores),
 * as MB/s. Throws when either fails.
 */
export function benchVerify(bin: string, archiveDir: string, rounds = 2): { oursMBs: number; opensslMBs: number; bytes: number; files: number } {
  const { files, bytes } = objects(archiveDir);
  const time = (fn: () => void) => {
    let best = Infinity;
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      fn();
      best = Math.min(best, (performance.now() - t) / 1000);
    }
    return best;
  };
  const warm = () => spawnSync('bash', ['-c', `find ${JSON.stringify(join(archiveDir, 'objects'))} -type f -print0 | xargs -0 cat > /dev/null`]);
  warm();
  const ours = time(() => {
    const r = spawnSync(process.execPath, [bin, 'verify', '--archive', archiveDir, '--json'], { encoding: 'utf8', env: { ...process.env, EVIDENCE_OPERATOR: 'bench' }, maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`evidence verify: exit ${r.status}: ${r.stderr}`);
  });
  warm();
  const cores = String(Math.max(1, (globalThis.navigator?.hardwareConcurrency ?? 2)));
  const theirs = time(() => {
    const r = spawnSync('bash', ['-c', `find ${JSON.stringify(join(archiveDir, 'objects'))} -type f -print0 | xargs -0 -P ${cores} -n 64 openssl dgst -sha256 > /dev/null`]);
    if (r.status !== 0) throw new Error(`openssl dgst: exit ${r.status}: ${r.stderr}`);
  });
  const mb = bytes / 2 ** 20;
  return { oursMBs: mb / ours, opensslMBs: mb / theirs, bytes, files: files.length };
}

if (process.argv[1]?.endsWith('bench/verify.ts') && process.argv[2]) {
  const r = benchVerify('bin/evidence.mjs', process.argv[2]);
  console.log(`verify of ${r.files} objects (${(r.bytes / 2 ** 20).toFixed(0)} MiB): ours ${r.oursMBs.toFixed(1)} MB/s, openssl dgst -sha256 ${r.opensslMBs.toFixed(1)} MB/s, ratio ${(r.oursMBs / r.opensslMBs).toFixed(2)}×`);
}
