// Detection logs in the object store, sealed in an encrypted archive. A log names where each
// face was in each frame, so it shows people as a thumbnail does (issue 13 §2): in an archive
// whose catalog is encrypted it is written sealed (derivatives/sealed.ts, AES-256-GCM under the
// catalog's derivative key). It keeps its address, the SHA-256 of the plain JSON, which the
// custody event and the `derivatives` row name; fixity opens it and hashes the plain bytes (the
// GCM tag proves the sealed bytes unaltered too). Unlike a thumbnail a log cannot be remade, so
// `evidence encrypt` seals the logs in place and `evidence decrypt` opens them in place: never
// removed. The redacted copies themselves are for publication and stay plain.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { makeDirs } from '../dirs.ts';
import { syncDir } from '../durable.ts';
import { derivativeKey, isSealed, openSealed, sealBytes } from '../derivatives/sealed.ts';
import { objectPath, syncParents } from '../objects.ts';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** Writes `bytes` at `dest` durably: a temporary file beside it, fsync, rename, folder fsync. */
async function writeDurably(dest: string, bytes: Uint8Array): Promise<void> {
  const made = makeDirs(dirname(dest));
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, dest);
  } finally {
    rmSync(tmp, { force: true });
  }
  await syncDir(dirname(dest));
  if (made !== undefined) await syncParents(dirname(dest), made);
}

/**
 * The plain bytes of the stored object `sha` (a detection log): opened with `key` when sealed.
 * Throws Error naming the path when it is sealed and `key` is null or wrong, or altered (GCM
 * tag); fs errors (ENOENT when missing).
 */
export function readLogObject(objectsDir: string, sha: string, key: Buffer | null): Buffer {
  const p = objectPath(objectsDir, sha);
  const bytes = readFileSync(p);
  if (!isSealed(bytes)) return bytes;
  if (!key) throw new Error(`${p}: sealed, and the archive's catalog gives no key to open it`);
  return openSealed(key, bytes, p);
}

/**
 * Stores the detection log `data` at the SHA-256 of its plain bytes: sealed under `key` (an
 * encrypted archive's derivative key), plain when `key` is null. When that address already
 * holds the same log (sealed or not, readable with `key`) it is kept. Returns the plain
 * digest and size. Throws fs errors.
 */
export async function storeLog(objectsDir: string, data: Buffer | string, key: Buffer | null): Promise<{ sha256: string; bytes: number }> {
  const plain = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const sha = sha256(plain);
  const dest = objectPath(objectsDir, sha);
  if (existsSync(dest)) {
    try {
      const bytes = readFileSync(dest);
      const sealedOk = isSealed(bytes) === (key !== null);
      if (sealedOk && sha256(readLogObject(objectsDir, sha, key)) === sha) return { sha256: sha, bytes: plain.length };
    } catch {
      // unreadable or altered: written again below
    }
  }
  await writeDurably(dest, key ? sealBytes(key, plain) : plain);
  return { sha256: sha, bytes: plain.length };
}

/** SHA-256 addresses of the detection logs the catalog records (none before migration 016). */
function logShas(db: Db): string[] {
  if (stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'derivatives'").get() === undefined) return [];
  return (stmt(db, 'SELECT DISTINCT log_sha256 s FROM derivatives WHERE log_sha256 IS NOT NULL').all() as { s: string }[]).map((r) => r.s);
}

/**
 * Re-writes every detection log the catalog `db` records as `key` asks: sealed under `key`, or
 * plain when `key` is null, each in place (temporary file, fsync, rename), after checking that
 * its plain bytes still hash to their address. `openKey` opens logs sealed now (the catalog's
 * derivative key; may equal `key`). Idempotent: a log already as asked is left alone, so a run
 * cut short is finished by the next. Missing logs are skipped (fixity reports them).
 * Returns how many were re-written. Throws Error naming a log that is altered or cannot be
 * opened, before anything else is written for it.
 */
export async function resealLogs(db: Db, objectsDir: string, key: Buffer | null, openKey: Buffer | null): Promise<number> {
  let n = 0;
  for (const sha of logShas(db)) {
    const p = objectPath(objectsDir, sha);
    if (!existsSync(p)) continue;
    const sealed = isSealed(readFileSync(p));
    if (sealed === (key !== null)) continue;
    const plain = readLogObject(objectsDir, sha, openKey);
    if (sha256(plain) !== sha) throw new Error(`${p}: detection log altered (its SHA-256 no longer matches); not re-written`);
    await writeDurably(p, key ? sealBytes(key, plain) : plain);
    n++;
  }
  return n;
}

/**
 * Fixity of one stored detection log: null when present and its plain bytes hash to `sha`,
 * else the reason ("missing from the object store", "altered …", "sealed and cannot be opened …").
 */
export function checkLogObject(db: Db, objectsDir: string, sha: string): string | null {
  const p = objectPath(objectsDir, sha);
  if (!existsSync(p)) return 'missing from the object store';
  try {
    return sha256(readLogObject(objectsDir, sha, derivativeKey(db))) === sha ? null : 'altered (its SHA-256 no longer matches)';
  } catch (e) {
    return /sealed under another key, or altered/u.test((e as Error).message) ? 'altered (its seal does not open)' : `cannot be read: ${(e as Error).message}`;
  }
}
