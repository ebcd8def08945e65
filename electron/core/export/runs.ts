// The record of one run of an export (export_runs, migration 005) and the custody events that go
// with each change of its status. Every function here writes the row and its event in one
// transaction, so the catalog and the custody log never disagree about where a run stands.
import type { Db } from '../db/open.ts';
import { appendCustodyEvent } from '../custody/log.ts';

/** in_progress → publishing → complete, or → abandoned (see migration 005_export_runs.ts). */
export type ExportRunStatus = 'in_progress' | 'publishing' | 'complete' | 'abandoned';

/** One row of export_runs. Paths are absolute. */
export interface ExportRun {
  id: string;
  status: ExportRunStatus;
  startedAt: string;
  actor: string;
  /** Where the finished bag is published. */
  outPath: string;
  /** "<outPath>.partial": the bag while it is written, marked incomplete and without bagit.txt. */
  workPath: string;
  zipPath: string | null;
  zipWorkPath: string | null;
  zipSha256: string | null;
  zipBytes: number | null;
  endedAt: string | null;
  note: string | null;
}

/** Name of the file that marks a bag folder as an unfinished export (removed when it is published). */
export const INCOMPLETE_MARKER = 'EXPORT-INCOMPLETE.txt';

/** The folder a bag for `outPath` is written in before it is published. */
export const workPathOf = (outPath: string): string => `${outPath}.partial`;

/** The marker's text: who made the folder, and that it is not a bag. Holds `exportId`, by which recovery knows the folder is its own. */
export function markerContent(exportId: string, startedAt: string): string {
  return `Unfinished export ${exportId} of an Evidence Archive, started ${startedAt}.\n` +
    'This folder is NOT an evidence set: it has no bagit.txt and may lack files. Do not hand it over.\n' +
    'The next `evidence export` on the archive that made it removes it, or finishes it if the archive recorded the export.\n';
}

interface Row {
  id: string; status: ExportRunStatus; started_at: string; actor: string; out_path: string; work_path: string;
  zip_path: string | null; zip_work_path: string | null; zip_sha256: string | null; zip_bytes: number | null; ended_at: string | null; note: string | null;
}

const fromRow = (r: Row): ExportRun => ({
  id: r.id, status: r.status, startedAt: r.started_at, actor: r.actor, outPath: r.out_path, workPath: r.work_path, zipPath: r.zip_path,
  zipWorkPath: r.zip_work_path, zipSha256: r.zip_sha256, zipBytes: r.zip_bytes, endedAt: r.ended_at, note: r.note,
});

/** The run `id`, or null. */
export function getExportRun(db: Db, id: string): ExportRun | null {
  const r = db.prepare('SELECT * FROM export_runs WHERE id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : null;
}

/** Runs a killed process left in_progress or publishing, oldest first. */
export function unfinishedExportRuns(db: Db): ExportRun[] {
  return (db.prepare("SELECT * FROM export_runs WHERE status IN ('in_progress', 'publishing') ORDER BY started_at, id").all() as Row[]).map(fromRow);
}

/** What the started event says about the set, beside the run's paths. */
export interface StartedDetail {
  recipient: string | null;
  itemCount: number;
  payloadOxum: string;
}

/**
 * Step "record in progress": inserts the run (status in_progress) and its archive-wide
 * `dissemination` custody event with stage "started" and outcome "in progress" (PREMIS
 * eventOutcome), before anything is written to disk. Throws on SQLite errors (a repeated id).
 */
export function recordExportStarted(db: Db, run: Pick<ExportRun, 'id' | 'startedAt' | 'actor' | 'outPath' | 'workPath' | 'zipPath' | 'zipWorkPath'>, detail: StartedDetail): void {
  db.transaction(() => {
    db.prepare(`INSERT INTO export_runs (id, status, started_at, actor, out_path, work_path, zip_path, zip_work_path)
      VALUES (?, 'in_progress', ?, ?, ?, ?, ?, ?)`).run(run.id, run.startedAt, run.actor, run.outPath, run.workPath, run.zipPath, run.zipWorkPath);
    appendCustodyEvent(db, { actor: run.actor, type: 'dissemination', item: null, at: run.startedAt, detail: {
      outcome: 'in progress', stage: 'started', exportId: run.id, bagDir: run.outPath, workDir: run.workPath,
      zip: run.zipPath ? { path: run.zipPath, workPath: run.zipWorkPath } : null, ...detail,
    } });
  })();
}

/** Status in_progress → publishing; called inside the transaction that records the set complete (exports row, dissemination events). */
export function markExportPublishing(db: Db, id: string): void {
  const r = db.prepare("UPDATE export_runs SET status = 'publishing' WHERE id = ? AND status = 'in_progress'").run(id);
  if (r.changes !== 1) throw new Error(`export ${id}: not in progress; cannot record it complete`);
}

/**
 * Records the zip's SHA-256 and size before the zip is renamed into place: the run's zip columns
 * and a `dissemination` event with stage "zipped". Throws unless the run is publishing.
 */
export function recordExportZipped(db: Db, run: ExportRun, zip: { sha256: string; bytes: number }, actor: string): void {
  db.transaction(() => {
    const r = db.prepare("UPDATE export_runs SET zip_sha256 = ?, zip_bytes = ? WHERE id = ? AND status = 'publishing'").run(zip.sha256, zip.bytes, run.id);
    if (r.changes !== 1) throw new Error(`export ${run.id}: not being published; cannot record its zip`);
    appendCustodyEvent(db, { actor, type: 'dissemination', item: null, detail: {
      outcome: 'success', stage: 'zipped', exportId: run.id, zip: { path: run.zipPath, sha256: zip.sha256, bytes: zip.bytes },
    } });
  })();
}

/**
 * Status publishing → complete once the bag (and zip) are in place. On the uninterrupted path no
 * custody event is added (the set's dissemination event already records it); a recovery passes
 * `recovered` and gets a `dissemination` event with stage "finished" saying what it did.
 */
export function markExportComplete(db: Db, id: string, recovered?: { actor: string; done: string[]; zipNotMade?: boolean }): void {
  const at = new Date().toISOString();
  db.transaction(() => {
    const note = recovered ? `finished by a later run: ${recovered.done.join('; ')}` : null;
    const r = db.prepare("UPDATE export_runs SET status = 'complete', ended_at = ?, note = ? WHERE id = ? AND status = 'publishing'").run(at, note, id);
    if (r.changes !== 1) throw new Error(`export ${id}: not being published; cannot mark it complete`);
    if (recovered) {
      appendCustodyEvent(db, { actor: recovered.actor, type: 'dissemination', item: null, at, detail: {
        outcome: 'success', stage: 'finished', exportId: id, recovered: true, done: recovered.done, ...(recovered.zipNotMade ? { zipNotMade: true } : {}),
      } });
    }
  })();
}

/**
 * Status in_progress or publishing → abandoned, with a `dissemination` event (stage "abandoned",
 * outcome "failure") naming the reason, the paths removed and those left in place.
 */
export function markExportAbandoned(db: Db, id: string, what: { actor: string; reason: string; removed: string[]; left: string[] }): void {
  const at = new Date().toISOString();
  db.transaction(() => {
    const r = db.prepare("UPDATE export_runs SET status = 'abandoned', ended_at = ?, note = ? WHERE id = ? AND status IN ('in_progress', 'publishing')").run(at, what.reason, id);
    if (r.changes !== 1) throw new Error(`export ${id}: not unfinished; cannot abandon it`);
    appendCustodyEvent(db, { actor: what.actor, type: 'dissemination', item: null, at, detail: {
      outcome: 'failure', stage: 'abandoned', exportId: id, reason: what.reason, removed: what.removed, leftInPlace: what.left,
    } });
  })();
}
