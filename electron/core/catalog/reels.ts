// Reels in the catalog (migration 012): the source volumes ingest runs read, and what each held.
// A reel's files are its sightings, one per source path (the newest when a path was read twice);
// an item can have sightings on several reels (the same clip offloaded from two cards).
import { existsSync, statSync } from 'node:fs';
import { objectPath } from '../objects.ts';
import { sourceOf, type SourceRef } from '../db/items.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';

/** How a reel's name was chosen: given with --reel, the volume's label, or the top folder's name. */
export type ReelNameSource = 'given' | 'volume' | 'folder';

/** A reel as stored. */
export interface ReelRow {
  id: number;
  name: string;
  nameSource: ReelNameSource;
  volumeLabel: string | null;
  volumeUuid: string | null;
  /** The card's root folder at its first ingest (display form). */
  rootPath: string;
  rootBytes: Buffer;
  card: { kind: string; maker: string | null; folders: string[] } | null;
  createdAt: string;
  createdRun: string;
  /**
   * The last run that read this card: its files and how many of them it did not record (failed or
   * not processed). `finished` false when that run never ended (killed, crashed, power lost: its
   * reel_runs row was written when it started and is completed only at its end); files and
   * missing are then 0, and nothing is known of the rest of the card.
   */
  lastRun: { runId: string; finished: boolean; files: number; missing: number } | null;
}

interface DbReel {
  id: number; name: string; name_source: ReelNameSource; volume_label: string | null; volume_uuid: string | null;
  root_path: string; root_bytes: Buffer; card_kind: string | null; card_maker: string | null; card_folders: string;
  created_at: string; created_run: string; last_run: string | null; last_run_files: number | null; last_run_missing: number | null;
}

// A reel with its last run (reel_runs), finished or not, as toReel reads it. A run that never
// ended left files NULL: the card was read only in part, whatever its sightings say.
const REEL_SQL = `SELECT r.*, lr.run_id last_run, lr.files last_run_files, lr.missing last_run_missing FROM reels r
  LEFT JOIN reel_runs lr ON lr.rowid = (SELECT max(rowid) FROM reel_runs WHERE reel_id = r.id)`;

function toReel(r: DbReel): ReelRow {
  return {
    id: r.id, name: r.name, nameSource: r.name_source, volumeLabel: r.volume_label, volumeUuid: r.volume_uuid,
    rootPath: r.root_path, rootBytes: r.root_bytes,
    card: r.card_kind ? { kind: r.card_kind, maker: r.card_maker, folders: JSON.parse(r.card_folders) as string[] } : null,
    createdAt: r.created_at, createdRun: r.created_run,
    lastRun: r.last_run ? { runId: r.last_run, finished: r.last_run_files !== null, files: r.last_run_files ?? 0, missing: r.last_run_missing ?? 0 } : null,
  };
}

/** Every reel, in the order they were first ingested. */
export function allReels(db: Db): ReelRow[] {
  return (stmt(db, `${REEL_SQL} ORDER BY r.id`).all() as DbReel[]).map(toReel);
}

/** The reel named exactly `name`, else the one named so ignoring letter case when only one is; null when none. */
export function findReel(db: Db, name: string): ReelRow | null {
  const exact = stmt(db, `${REEL_SQL} WHERE r.name = ?`).get(name) as DbReel | undefined;
  if (exact) return toReel(exact);
  const loose = stmt(db, `${REEL_SQL} WHERE r.name = ? COLLATE NOCASE LIMIT 2`).all(name) as DbReel[];
  return loose.length === 1 ? toReel(loose[0]!) : null;
}

/** The reel with volume UUID `uuid`, the newest when several are (a card re-formatted keeps no UUID, so normally one). */
export function findReelByUuid(db: Db, uuid: string): ReelRow | null {
  const r = stmt(db, `${REEL_SQL} WHERE r.volume_uuid = ? ORDER BY r.id DESC LIMIT 1`).get(uuid) as DbReel | undefined;
  return r ? toReel(r) : null;
}

/** A reel about to be recorded. */
export interface NewReel {
  name: string;
  nameSource: ReelNameSource;
  volumeLabel: string | null;
  volumeUuid: string | null;
  rootPath: string;
  rootBytes: Uint8Array;
  card: { kind: string; maker: string | null; folders: string[] } | null;
  createdAt: string;
  createdRun: string;
}

/** Records a reel; returns its id. Throws SqliteError when the name is taken (names are unique). */
export function insertReel(db: Db, r: NewReel): number {
  return Number(stmt(db, `INSERT INTO reels (name, name_source, volume_label, volume_uuid, root_path, root_bytes, card_kind, card_maker, card_folders, created_at, created_run)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(r.name, r.nameSource, r.volumeLabel, r.volumeUuid, r.rootPath, Buffer.from(r.rootBytes),
    r.card?.kind ?? null, r.card?.maker ?? null, JSON.stringify(r.card?.folders ?? []), r.createdAt, r.createdRun).lastInsertRowid);
}

/** `base` if no reel has that name, else "base (2)", "base (3)", … the first free one. */
export function freeReelName(db: Db, base: string): string {
  const taken = (n: string) => stmt(db, 'SELECT 1 FROM reels WHERE name = ? COLLATE NOCASE').get(n) !== undefined;
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base} (${i})`)) return `${base} (${i})`;
}

/** Reels named `base` or "base (N)": those a card named `base` could be. Oldest first. */
export function reelsNamedLike(db: Db, base: string): ReelRow[] {
  return allReels(db).filter((r) => r.name.toLowerCase() === base.toLowerCase() || (r.name.toLowerCase().startsWith(`${base.toLowerCase()} (`) && /^\(\d+\)$/.test(r.name.slice(base.length + 1))));
}

/** Records that run `runId` reads reel `reelId` with the card's root at `rootBytes` (shown as `rootPath`); a second call for the pair does nothing. */
export function startReelRun(db: Db, reelId: number, runId: string, rootPath: string, rootBytes: Uint8Array, at: string): void {
  stmt(db, 'INSERT OR IGNORE INTO reel_runs (reel_id, run_id, root_path, root_bytes, started_at) VALUES (?, ?, ?, ?, ?)').run(reelId, runId, rootPath, Buffer.from(rootBytes), at);
}

/** Records what run `runId` saw on the card when it ended: `files` found there, `missing` of them not recorded (failed or not processed). */
export function endReelRun(db: Db, reelId: number, runId: string, files: number, missing: number): void {
  stmt(db, 'UPDATE reel_runs SET files = ?, missing = ? WHERE reel_id = ? AND run_id = ?').run(files, missing, reelId, runId);
}

/**
 * SQL of a sighting's path below the card root of its run (reel_runs), as bytes; the whole path
 * when the run's root is unknown. `s` is the sightings alias, `rr` a LEFT JOIN of reel_runs on
 * (s.reel_id, s.run_id). A card mounted elsewhere the next time keeps its files' keys.
 */
export const REL_PATH_SQL = 'coalesce(CASE WHEN substr(s.path_bytes, 1, length(rr.root_bytes)) = rr.root_bytes THEN substr(s.path_bytes, length(rr.root_bytes) + 2) END, s.path_bytes, s.source_path)';

/** Each sighting of reel `reelId` as its path below the card root (REL_PATH_SQL), size, mtime (ns) and item. */
export function reelSightingKeys(db: Db, reelId: number): { rel: Buffer | string; bytes: number; mtimeNs: string | null; itemId: number; runId: string }[] {
  return stmt(db, `SELECT ${REL_PATH_SQL} rel, s.bytes, s.mtime_ns mtimeNs, s.item_id itemId, s.run_id runId FROM sightings s
    LEFT JOIN reel_runs rr ON rr.reel_id = s.reel_id AND rr.run_id = s.run_id WHERE s.reel_id = ?`).all(reelId) as { rel: Buffer | string; bytes: number; mtimeNs: string | null; itemId: number; runId: string }[];
}

/** One file of a reel: its newest sighting from that path. */
export interface ReelFile {
  /** Source path (display form) and name; `pathBytes` base64 when the display form is not the path itself. */
  source: SourceRef;
  itemId: number;
  sha256: string;
  kind: string;
  bytes: number;
  capturedAt: string | null;
  /** False when capturedAt is the camera's wall-clock time in an unknown zone (a "Z" it may carry is not UTC). */
  capturedAtHasZone: boolean;
  ingestedAt: string;
  /** True when the archive's object for this content is present with the recorded size. */
  inArchive: boolean;
}

interface DbReelFile { path: string; name: string; pathBytes: Buffer | null; itemId: number; sha256: string; kind: string; bytes: number; capturedAt: string | null; hasZone: number | null; ingestedAt: string; itemBytes: number }

// One row per source path of the reel: its newest sighting.
const FILES_SQL = `SELECT s.source_path path, s.file_name name, s.path_bytes pathBytes, s.item_id itemId, i.sha256, i.kind, s.bytes, i.captured_at capturedAt, json_extract(i.record, '$.capturedAtHasZone') hasZone,
    s.ingested_at ingestedAt, i.bytes itemBytes
  FROM sightings s JOIN items i ON i.id = s.item_id
  WHERE s.id IN (SELECT max(s.id) FROM sightings s LEFT JOIN reel_runs rr ON rr.reel_id = s.reel_id AND rr.run_id = s.run_id
    WHERE s.reel_id = ? GROUP BY ${REL_PATH_SQL})
  ORDER BY s.path_bytes, s.source_path`;

/** True when the object of content `sha256` is in `objectsDir` with `bytes` bytes (its digest is checked by `verify`, not here). */
function objectPresent(objectsDir: string, sha256: string, bytes: number): boolean {
  const p = objectPath(objectsDir, sha256);
  try {
    return existsSync(p) && statSync(p).size === bytes;
  } catch {
    return false;
  }
}

/** The files of reel `reelId`, by source path; `inArchive` checked against `objectsDir`. */
export function reelFiles(db: Db, reelId: number, objectsDir: string): ReelFile[] {
  return (stmt(db, FILES_SQL).all(reelId) as DbReelFile[]).map((r) => ({
    source: sourceOf(r.path, r.name, r.pathBytes), itemId: r.itemId, sha256: r.sha256, kind: r.kind, bytes: r.bytes,
    capturedAt: r.capturedAt, capturedAtHasZone: r.hasZone === 1, ingestedAt: r.ingestedAt, inArchive: objectPresent(objectsDir, r.sha256, r.itemBytes),
  }));
}

/** A reel with what was on it, as `evidence reel list` gives it. */
export interface ReelSummary {
  name: string;
  nameSource: ReelNameSource;
  card: ReelRow['card'];
  volumeLabel: string | null;
  volumeUuid: string | null;
  rootPath: string;
  files: number;
  bytes: number;
  /** Earliest and latest capture time of its items, as stored (camera clock; compared as text). */
  firstCapturedAt: string | null;
  lastCapturedAt: string | null;
  /** Whether firstCapturedAt / lastCapturedAt carry a known zone (false: wall-clock time, zone unknown). */
  firstCapturedAtHasZone: boolean;
  lastCapturedAtHasZone: boolean;
  firstIngestedAt: string | null;
  lastIngestedAt: string | null;
  /**
   * True when the last run over the card finished, every file it found there was recorded and
   * every recorded file's object is in the archive. It says what the archive holds, not what the
   * card holds now: `evidence compare` reads the card itself.
   */
  complete: boolean;
  /**
   * Why `complete` is false: `ingestUnfinished` when the last run over the card never ended
   * (interrupted by a kill or crash: how much of the card it read is unknown; ingest it again).
   */
  incomplete: { filesNotRecorded: number; objectsMissing: number; ingestUnfinished: boolean };
}

/** Sums up reel `r` (its files read with reelFiles). */
export function summarizeReel(db: Db, r: ReelRow, objectsDir: string): ReelSummary & { fileList: ReelFile[] } {
  const files = reelFiles(db, r.id, objectsDir);
  const caps = files.filter((f) => f.capturedAt !== null).sort((a, b) => (a.capturedAt! < b.capturedAt! ? -1 : a.capturedAt! > b.capturedAt! ? 1 : 0));
  const ing = files.map((f) => f.ingestedAt).sort();
  const objectsMissing = files.filter((f) => !f.inArchive).length;
  const filesNotRecorded = r.lastRun?.missing ?? 0;
  const ingestUnfinished = r.lastRun !== null && !r.lastRun.finished;
  return {
    name: r.name, nameSource: r.nameSource, card: r.card, volumeLabel: r.volumeLabel, volumeUuid: r.volumeUuid, rootPath: r.rootPath,
    files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0),
    firstCapturedAt: caps[0]?.capturedAt ?? null, lastCapturedAt: caps.at(-1)?.capturedAt ?? null,
    firstCapturedAtHasZone: caps[0]?.capturedAtHasZone ?? false, lastCapturedAtHasZone: caps.at(-1)?.capturedAtHasZone ?? false, firstIngestedAt: ing[0] ?? null, lastIngestedAt: ing.at(-1) ?? null,
    complete: files.length > 0 && objectsMissing === 0 && filesNotRecorded === 0 && !ingestUnfinished,
    incomplete: { filesNotRecorded, objectsMissing, ingestUnfinished },
    fileList: files,
  };
}

/** Every reel summed up (summarizeReel), oldest first. */
export function listReels(db: Db, objectsDir: string): ReelSummary[] {
  return allReels(db).map((r) => {
    const s: Partial<ReturnType<typeof summarizeReel>> = summarizeReel(db, r, objectsDir);
    delete s.fileList;
    return s as ReelSummary;
  });
}

/**
 * Catalog ids of the items with a sighting on the reel named `name` (findReel: exact, else the
 * one matching ignoring case), ascending; [] when no reel has that name.
 */
export function itemsOnReel(db: Db, name: string): number[] {
  const r = findReel(db, name);
  if (!r) return [];
  return stmt(db, 'SELECT DISTINCT item_id FROM sightings WHERE reel_id = ? ORDER BY item_id').pluck().all(r.id) as number[];
}

/**
 * The name of the reel item `itemId` first came from: that of its oldest sighting that has a reel;
 * null when none has (sightings ingested before reels were recorded, or no such item).
 */
export function reelOfItem(db: Db, itemId: number): string | null {
  const r = stmt(db, 'SELECT r.name FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.item_id = ? ORDER BY s.id LIMIT 1').pluck().get(itemId) as string | undefined;
  return r ?? null;
}

/** Names of every reel item `itemId` was seen on, oldest sighting first, each once. */
export function reelsOfItem(db: Db, itemId: number): string[] {
  return stmt(db, 'SELECT r.name FROM sightings s JOIN reels r ON r.id = s.reel_id WHERE s.item_id = ? GROUP BY r.id ORDER BY min(s.id)').pluck().all(itemId) as string[];
}
