// Redacted copies and their detection logs on a replica (issue 13 with issue 15 §3): they are in
// the object store beside the originals, and a detection log cannot be made again, so a replica
// sync copies them too, each verified as originals are (replica/copy.ts). A log sealed in an
// encrypted archive is copied sealed, byte for byte, at its address (the SHA-256 of its plain
// JSON): the replica holds nothing the archive does not hold in the same form.
import { statSync } from 'node:fs';
import type { Archive } from '../archive.ts';
import { digestFile } from '../ingest/digest.ts';
import { objectPath } from '../objects.ts';
import { checkLogObject } from '../redact/log-store.ts';
import { hasDerivativesTable } from '../redact/store.ts';
import { copyVerified } from './copy.ts';
import { replicaObjectPath, replicaTmpDir, type Replica } from './store.ts';

/** What a sync did with the derivative objects (redacted copies and detection logs). */
export interface DerivativeSyncReport {
  copied: number;
  /** Already at their address in the replica with the archive's size: left alone. */
  present: number;
  bytesCopied: number;
  failed: { itemId: number; sha256: string; reason: string }[];
}

const sizeOf = (p: string): number | null => {
  try {
    return statSync(p).size;
  } catch {
    return null;
  }
};

/**
 * Copies every redacted copy and detection log the catalog records to replica `r` (reachable:
 * the caller checked), unless one of the archive's size is already at its address. A redacted
 * copy is copied only when it hashes to its address; a log only when its plain bytes do
 * (checkLogObject), and then as stored, sealed or not, the copy verified against the stored
 * bytes' SHA-256. Nothing is recorded per object (the replica's state table holds items): a
 * copy is found again by its address. Failures are listed, not thrown; `signal` stops between
 * objects. Throws fs errors of the replica's folders only.
 */
export async function syncDerivativeObjects(archive: Archive, r: Replica, signal?: AbortSignal): Promise<DerivativeSyncReport> {
  const out: DerivativeSyncReport = { copied: 0, present: 0, bytesCopied: 0, failed: [] };
  if (!hasDerivativesTable(archive.db)) return out;
  const rows = archive.db.prepare(`SELECT item_id, sha256, 0 AS log FROM derivatives
    UNION SELECT item_id, log_sha256, 1 FROM derivatives WHERE log_sha256 IS NOT NULL ORDER BY 1, 2`).all() as { item_id: number; sha256: string; log: number }[];
  const done = new Set<string>();
  for (const row of rows) {
    if (signal?.aborted) break;
    if (done.has(row.sha256)) continue;
    done.add(row.sha256);
    const src = objectPath(archive.objectsDir, row.sha256);
    const dest = replicaObjectPath(r, row.sha256);
    const size = sizeOf(src);
    if (size === null) {
      out.failed.push({ itemId: row.item_id, sha256: row.sha256, reason: `the archive's ${row.log ? 'detection log' : 'redacted copy'} is missing` });
      continue;
    }
    if (sizeOf(dest) === size) {
      out.present++;
      continue;
    }
    try {
      let expected = row.sha256;
      if (row.log) {
        const why = checkLogObject(archive.db, archive.objectsDir, row.sha256);
        if (why) throw new Error(`the archive's detection log is ${why}`);
        expected = digestFile(src, ['sha256']).digests.sha256; // a sealed log: its stored bytes
      }
      out.bytesCopied += await copyVerified(src, dest, replicaTmpDir(r), { sha256: expected, bytes: size });
      out.copied++;
    } catch (e) {
      out.failed.push({ itemId: row.item_id, sha256: row.sha256, reason: (e as Error).message });
    }
  }
  return out;
}
