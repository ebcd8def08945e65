// Step "publish" of an export: what happens after the archive has recorded the set complete. The
// bag written under "<out>.partial" gets its bagit.txt and moves to <out>; the zip is written to
// "<out>.zip.partial", its SHA-256 recorded, then renamed. Each function may be called again on
// what a killed run left (export/recovery.ts), and does only what is still to do.
import { lstat, readdir, rename, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Db } from '../db/open.ts';
import { syncDir } from '../durable.ts';
import { completeBag } from './bagit.ts';
import { INCOMPLETE_MARKER, recordExportZipped, type ExportRun } from './runs.ts';
import { publishZip, writeZipPartial } from './zip.ts';

/** lstat's answer reduced to what publishing needs: absent, a real folder, or something else (a file, a symlink). */
export async function pathKind(p: string): Promise<'missing' | 'dir' | 'other'> {
  try {
    const st = await lstat(p);
    return st.isDirectory() ? 'dir' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
}

/**
 * Completes the bag in `workPath` (bagit.txt written, marker removed: completeBag) and renames the
 * folder to `outPath`, then fsyncs the parent so the new name survives a power cut. An empty folder
 * at `outPath` (the user may export into an empty folder) is removed first; anything else there is
 * never replaced. Call only once the set is recorded complete: from here on the folder verifies.
 * Throws Error when `outPath` exists and is not an empty folder; fs errors pass through.
 */
export async function publishBag(workPath: string, outPath: string): Promise<void> {
  await completeBag(workPath, INCOMPLETE_MARKER);
  const kind = await pathKind(outPath);
  if (kind === 'other' || (kind === 'dir' && (await readdir(outPath)).length > 0)) {
    throw new Error(`${outPath}: appeared while the export was written and is not an empty folder; the finished bag stays at ${workPath}`);
  }
  // rename(2) may replace an empty folder on POSIX but not on Windows: remove it the same way everywhere.
  if (kind === 'dir') await rmdir(outPath);
  await rename(workPath, outPath);
  await syncDir(dirname(outPath));
}

/**
 * Zips the published bag `run.outPath` to `run.zipWorkPath`, records the zip's SHA-256 and size
 * (recordExportZipped) and only then renames it to `run.zipPath`: a zip under its final name is
 * always one the archive recorded. Returns the zip's path, SHA-256 and size. Throws Error when the
 * run asked for no zip; zip and fs errors pass through (the partial file is removed by writeZipPartial
 * on a write error; after the record, a failed rename leaves it for recovery).
 */
export async function zipPublishedBag(db: Db, run: ExportRun, actor: string): Promise<{ zipPath: string; sha256: string; bytes: number }> {
  if (!run.zipPath || !run.zipWorkPath) throw new Error(`export ${run.id}: no zip was asked for`);
  const z = await writeZipPartial(run.outPath, run.zipPath);
  recordExportZipped(db, run, z, actor);
  await publishZip(z.partialPath, z.zipPath);
  return { zipPath: z.zipPath, sha256: z.sha256, bytes: z.bytes };
}
