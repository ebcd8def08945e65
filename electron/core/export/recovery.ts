// What a killed export left behind, found and dealt with by the next run (issue 11 part 2). A run
// the archive had not yet recorded complete is abandoned: the unfinished bag folder and zip it
// made are removed, and only those (each path is the one its export_runs row names, and must carry
// this export's id). A run recorded complete is finished: its bag moved into place, its zip made or
// moved into place. Either way the run's status changes with a custody event saying what was done.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Archive } from '../archive.ts';
import { pathKind, publishBag, zipPublishedBag } from './publish.ts';
import { getExportRun, INCOMPLETE_MARKER, markExportAbandoned, markExportComplete, unfinishedExportRuns, type ExportRun } from './runs.ts';
import { publishZip } from './zip.ts';

/** What recovery did with one unfinished export run. */
export interface ExportRecovery {
  exportId: string;
  /** The run's bag folder (published or to be), and its zip or null. */
  bagDir: string;
  zipPath: string | null;
  /** The run's status when found. */
  found: 'in_progress' | 'publishing';
  /**
   * abandoned: it was not recorded complete; what it wrote is removed. finished: it was recorded
   * complete, and its bag and zip are now in place. unfinished: it could not be finished now
   * (see `problems`); it is left as it was, and the next run tries again.
   */
  outcome: 'abandoned' | 'finished' | 'unfinished';
  /** Paths removed (each the run's own). */
  removed: string[];
  /** What was completed, in words (e.g. "moved the bag into place at …"). */
  done: string[];
  /** Paths left in place, with why (not recognisably this export's, or in the way). */
  left: { path: string; why: string }[];
  problems: string[];
}

/**
 * Finds every export run a killed or crashed process left unfinished (export_runs status
 * in_progress or publishing) and abandons or finishes each; see ExportRecovery. Call it with the
 * archive opened for writing, before a new export (the CLI's `export` and `transfer`, the desktop's
 * export job do). `actor` is recorded in the custody events. Returns one entry per run, oldest
 * first; an empty list when nothing was left. Throws only on SQLite errors; a file-system error
 * on one run is reported in its `problems` and the run left for next time.
 */
export async function recoverInterruptedExports(archive: Archive, opts: { actor: string }): Promise<ExportRecovery[]> {
  if (!archive.writable) throw new Error(`${archive.dir}: archive opened read-only; recovering an interrupted export needs the write lock`);
  const out: ExportRecovery[] = [];
  for (const run of unfinishedExportRuns(archive.db)) {
    const r: ExportRecovery = { exportId: run.id, bagDir: run.outPath, zipPath: run.zipPath, found: run.status as 'in_progress' | 'publishing', outcome: 'unfinished', removed: [], done: [], left: [], problems: [] };
    try {
      if (run.status === 'in_progress') await abandon(archive, run, opts.actor, r);
      else await finish(archive, run, opts.actor, r);
    } catch (e) {
      r.problems.push((e as Error).message);
    }
    out.push(r);
  }
  return out;
}

async function abandon(archive: Archive, run: ExportRun, actor: string, r: ExportRecovery): Promise<void> {
  const { removed, left } = await removeRunLeftovers(run);
  r.removed.push(...removed);
  r.left.push(...left);
  markExportAbandoned(archive.db, run.id, {
    actor, reason: 'interrupted before the archive recorded it complete (the process was killed or crashed); nothing was handed out',
    removed, left: left.map((l) => `${l.path}: ${l.why}`),
  });
  r.outcome = 'abandoned';
}

async function finish(archive: Archive, run: ExportRun, actor: string, r: ExportRecovery): Promise<void> {
  const db = archive.db;
  const recorded = db.prepare('SELECT tagmanifest_sha256 FROM exports WHERE id = ?').get(run.id) as { tagmanifest_sha256: string } | undefined;
  if (!recorded) throw new Error(`export ${run.id}: marked as being published, but the exports table has no row for it`);
  const [work, outKind] = [await pathKind(run.workPath), await pathKind(run.outPath)];
  if (work === 'dir' && (await ownsWorkDir(run))) {
    if (outKind === 'missing' || (outKind === 'dir' && (await readdir(run.outPath)).length === 0)) {
      await publishBag(run.workPath, run.outPath);
      r.done.push(`moved the bag into place at ${run.outPath}`);
    } else {
      r.left.push({ path: run.workPath, why: `the finished bag; ${run.outPath} is in the way (something else was put there)` });
      r.problems.push(`export ${run.id}: cannot publish the bag, ${run.outPath} is in the way; move it away and run export again`);
      return;
    }
  } else if (work !== 'missing') {
    r.left.push({ path: run.workPath, why: 'not recognisably this export\'s folder' });
  }
  if (await pathKind(run.outPath) !== 'dir') {
    // The set is recorded complete: whoever moved it (to a USB drive, say) holds a set that verifies,
    // and the record must not say otherwise. Only the zip, if one was asked for, cannot be made now.
    r.done.push(`the bag recorded complete is no longer at ${run.outPath} (moved or removed since it was written)` +
      (run.zipPath && run.zipSha256 === null ? `; no zip was made (zip the bag where it is now if one is needed)` : ''));
    if (run.zipPath && run.zipWorkPath && run.zipSha256 !== null && !(await finishZip(archive, run, actor, r))) return;
    if (run.zipPath && run.zipWorkPath && run.zipSha256 === null && await pathKind(run.zipWorkPath) !== 'missing' && (await ownsZipPartial(run))) {
      await rm(run.zipWorkPath, { force: true });
      r.removed.push(run.zipWorkPath);
    }
    markExportComplete(db, run.id, { actor, done: r.done, zipNotMade: Boolean(run.zipPath && run.zipSha256 === null) });
    r.outcome = 'finished';
    return;
  }
  // The bag in place must be the one recorded before a zip is made of it.
  const tm = await sha256OfFile(`${run.outPath}/tagmanifest-sha256.txt`).catch(() => null);
  if (tm !== recorded.tagmanifest_sha256) {
    r.problems.push(`export ${run.id}: the bag at ${run.outPath} is not the one recorded (tag manifest ${tm ?? 'missing'}, recorded ${recorded.tagmanifest_sha256}); left unfinished`);
    return;
  }
  if (run.zipPath && run.zipWorkPath) {
    if (!(await finishZip(archive, run, actor, r))) return;
  }
  markExportComplete(db, run.id, { actor, done: r.done.length ? r.done : ['nothing was left to do'] });
  r.outcome = 'finished';
}

/** Brings the run's zip into place; false (with a problem noted) when that cannot be done now. */
async function finishZip(archive: Archive, run: ExportRun, actor: string, r: ExportRecovery): Promise<boolean> {
  const zipPath = run.zipPath!;
  const workPath = run.zipWorkPath!;
  const [zipKind, workKind] = [await pathKind(zipPath), await pathKind(workPath)];
  if (run.zipSha256 !== null) {
    if (zipKind !== 'missing') return true; // renamed before the kill: the status update was all that was left
    if (workKind !== 'missing' && (await sha256OfFile(workPath).catch(() => null)) === run.zipSha256) {
      await publishZip(workPath, zipPath);
      r.done.push(`moved the zip (recorded SHA-256 ${run.zipSha256}) into place at ${zipPath}`);
      return true;
    }
    r.problems.push(`export ${run.id}: its zip was recorded (SHA-256 ${run.zipSha256}) but neither ${zipPath} nor a matching ${workPath} is there`);
    return false;
  }
  // Not recorded: the zip was being written when the process died. Anything under the final name
  // is not ours (we rename only after recording).
  if (zipKind !== 'missing') {
    r.problems.push(`export ${run.id}: ${zipPath} exists but this export never recorded a zip there; move it away and run export again`);
    return false;
  }
  if (workKind !== 'missing') {
    if (workKind === 'other' && (await ownsZipPartial(run))) {
      await rm(workPath, { force: true });
      r.removed.push(workPath);
    } else {
      r.left.push({ path: workPath, why: 'not recognisably this export\'s zip' });
      r.problems.push(`export ${run.id}: ${workPath} is in the way of its zip; move it away and run export again`);
      return false;
    }
  }
  const z = await zipPublishedBag(archive.db, (getExportRun(archive.db, run.id))!, actor);
  r.done.push(`made the zip ${z.zipPath} (SHA-256 ${z.sha256})`);
  return true;
}

/**
 * Removes what an unfinished run wrote, and only that: its work folder when it is a real folder
 * (not a symlink) holding the EXPORT-INCOMPLETE.txt marker or a bag-info.txt naming this export,
 * or is empty; its zip work file when it is a regular file that is empty or whose first entry is the
 * bag's folder. Anything else at those paths is left and reported. Returns both lists. Throws on fs
 * errors other than a missing path.
 */
export async function removeRunLeftovers(run: ExportRun): Promise<{ removed: string[]; left: { path: string; why: string }[] }> {
  const removed: string[] = [];
  const left: { path: string; why: string }[] = [];
  const work = await pathKind(run.workPath);
  if (work === 'dir') {
    if ((await readdir(run.workPath)).length === 0) {
      await rmdir(run.workPath);
      removed.push(run.workPath);
    } else if (await ownsWorkDir(run)) {
      await rm(run.workPath, { recursive: true, force: true });
      removed.push(run.workPath);
    } else {
      left.push({ path: run.workPath, why: 'does not carry this export\'s id; not removed' });
    }
  } else if (work === 'other') {
    left.push({ path: run.workPath, why: 'not a folder; not removed' });
  }
  if (run.zipWorkPath && (await pathKind(run.zipWorkPath)) !== 'missing') {
    if (await ownsZipPartial(run)) {
      await rm(run.zipWorkPath, { force: true });
      removed.push(run.zipWorkPath);
    } else {
      left.push({ path: run.zipWorkPath, why: 'not recognisably this export\'s zip; not removed' });
    }
  }
  return { removed, left };
}

/** The work folder carries this export's id: in its marker, or (once the marker is gone) in bag-info.txt. */
async function ownsWorkDir(run: ExportRun): Promise<boolean> {
  for (const [file, needle] of [[INCOMPLETE_MARKER, `export ${run.id} `], ['bag-info.txt', `Internal-Sender-Identifier: ${run.id}\n`]] as const) {
    try {
      if ((await readFile(`${run.workPath}/${file}`, 'utf8')).includes(needle)) return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return false;
}

/**
 * A regular file that is empty (created, nothing flushed yet) or starts with a zip local file
 * header (APPNOTE 4.3.7) whose name is the bag's folder name followed by "/", as zipBag writes first.
 */
async function ownsZipPartial(run: ExportRun): Promise<boolean> {
  if ((await pathKind(run.zipWorkPath!)) !== 'other') return false;
  const expected = Buffer.from(`${basename(run.outPath)}/`, 'utf8');
  const fh = await open(run.zipWorkPath!, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) return false;
    if (st.size === 0) return true;
    const head = Buffer.alloc(30 + expected.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    // Killed within the first write: all there is must be the start of the signature.
    if (bytesRead < 4) return head.subarray(0, bytesRead).equals(ZIP_LOCAL_HEADER.subarray(0, bytesRead));
    if (bytesRead < head.length || head.readUInt32LE(0) !== 0x04034b50) return false;
    return head.readUInt16LE(26) === expected.length && head.subarray(30).equals(expected);
  } finally {
    await fh.close();
  }
}

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
