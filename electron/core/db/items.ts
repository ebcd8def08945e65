import type { Db } from './open.ts';
import { stmt } from './stmt.ts';
import { sep } from 'node:path';
import type { DigestAlgorithm, Digests, NormalizedRecord } from '../../common/types.ts';
import { bytesField, displayName } from '../ingest/filename.ts';

/** A sighting: one time a file with this content was seen at a source path. */
export interface Sighting {
  id: number;
  /** Source path in its display form (see sourceOf). */
  path: string;
  /** File name in its display form. */
  name: string;
  /** Exact bytes of the source path, base64, present when `path` is not the path itself. */
  pathBytes?: string;
  bytes: number;
  /** File modification time, UTC ISO 8601. */
  mtime: string | null;
  operator: string;
  host: string;
  ingestedAt: string;
  runId: string;
  /** Name of the reel (source volume) it was read from (migration 012); null for sightings recorded before reels were. */
  reel: string | null;
}

/** An item as stored: the normalized record plus catalog fields. */
export interface ItemRow {
  id: number;
  record: NormalizedRecord;
  ingestedAt: string;
  metadataError: string | null;
  warnings: string[];
}

interface DbItem {
  id: number;
  record: string;
  ingested_at: string;
  metadata_error: string | null;
  warnings: string;
}

function toItem(r: DbItem): ItemRow {
  return {
    id: r.id,
    record: JSON.parse(r.record) as NormalizedRecord,
    ingestedAt: r.ingested_at,
    metadataError: r.metadata_error,
    warnings: JSON.parse(r.warnings) as string[],
  };
}

/** The item holding content `sha256`, or null. */
export function findItemBySha(db: Db, sha256: string): ItemRow | null {
  const r = stmt(db, 'SELECT id, record, ingested_at, metadata_error, warnings FROM items WHERE sha256 = ?').get(sha256) as DbItem | undefined;
  return r ? toItem(r) : null;
}

/** The item with catalog id `id`, or null. */
export function getItem(db: Db, id: number): ItemRow | null {
  const r = stmt(db, 'SELECT id, record, ingested_at, metadata_error, warnings FROM items WHERE id = ?').get(id) as DbItem | undefined;
  return r ? toItem(r) : null;
}

/**
 * Resolves what a user typed: a catalog id (digits) or a SHA-256 prefix (≥ 6 hex digits).
 * Throws Error with the reason when nothing or more than one item matches.
 */
export function resolveItemRef(db: Db, ref: string): ItemRow {
  const t = ref.trim().toLowerCase();
  if (/^\d+$/.test(t) && t.length < 6) {
    const it = getItem(db, Number(t));
    if (it) return it;
  }
  if (/^[0-9a-f]{6,64}$/.test(t)) {
    const rows = stmt(db, "SELECT id, record, ingested_at, metadata_error, warnings FROM items WHERE sha256 >= ? AND sha256 < ? LIMIT 2")
      .all(t, t + 'g') as DbItem[];
    if (rows.length === 1) return toItem(rows[0]!);
    if (rows.length > 1) throw new Error(`item ${ref}: ambiguous SHA-256 prefix; give more digits`);
  }
  if (/^\d+$/.test(t)) {
    const it = getItem(db, Number(t));
    if (it) return it;
  }
  throw new Error(`item ${ref}: no such item (give a catalog id or a SHA-256 prefix of at least 6 hex digits)`);
}

/** Inserts a new item with its normalized record, raw metadata and warnings; returns its id. */
export function insertItem(
  db: Db,
  rec: NormalizedRecord,
  raw: Record<string, unknown>,
  metadataError: string | null,
  warnings: string[],
  ingestedAt: string,
): number {
  const info = stmt(db, 
    `INSERT INTO items (sha256, bytes, mime, kind, make, model, captured_at, gps_lat, gps_lon, has_gps, record, raw_metadata, metadata_error, warnings, ingested_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    rec.sha256, rec.bytes, rec.mime, rec.kind, rec.make, rec.model, rec.capturedAt,
    rec.gps?.lat ?? null, rec.gps?.lon ?? null, rec.gps && !rec.gps.noFix ? 1 : 0,
    JSON.stringify(rec), JSON.stringify(raw), metadataError, JSON.stringify(warnings), ingestedAt,
  );
  return Number(info.lastInsertRowid);
}

/** Stores digests of an item; an algorithm already stored is left as it is. */
export function insertDigests(db: Db, itemId: number, digests: Digests): void {
  const st = stmt(db, 'INSERT OR IGNORE INTO digests (item_id, algorithm, value) VALUES (?, ?, ?)');
  for (const [alg, value] of Object.entries(digests)) if (value) st.run(itemId, alg, value);
}

/** All stored digests of an item, keyed by algorithm. */
export function getDigests(db: Db, itemId: number): Digests {
  const out: Record<string, string> = {};
  for (const r of stmt(db, 'SELECT algorithm, value FROM digests WHERE item_id = ? ORDER BY algorithm').all(itemId) as { algorithm: string; value: string }[]) {
    out[r.algorithm] = r.value;
  }
  return out as Digests;
}

/** The digest algorithms held for every item in the archive (sha256 at least). */
export function archiveAlgorithms(db: Db): DigestAlgorithm[] {
  const n = (stmt(db, 'SELECT count(*) c FROM items').get() as { c: number }).c;
  if (n === 0) return ['sha256'];
  const rows = stmt(db, 'SELECT algorithm, count(*) c FROM digests GROUP BY algorithm').all() as { algorithm: DigestAlgorithm; c: number }[];
  return rows.filter((r) => r.c === n).map((r) => r.algorithm).sort((a, b) => (a === 'sha256' ? -1 : b === 'sha256' ? 1 : a.localeCompare(b)));
}

export interface NewSighting {
  /** Display form of the source path (ingest/filename.ts displayName), as the custody log records it. */
  path: string;
  /** Display form of the file name. */
  name: string;
  /** The source path's exact bytes: what identifies the file on resume. */
  pathBytes: Uint8Array;
  bytes: number;
  mtime: string | null;
  mtimeNs: string | null;
  /** Inode number and status-change time (ns): with path, size and mtime, what identifies a file on resume. */
  ino: string | null;
  ctimeNs: string | null;
  operator: string;
  host: string;
  ingestedAt: string;
  runId: string;
  /** The reel (reels.id) the file was read from (reels/assign.ts); absent or null when none. */
  reelId?: number | null;
}

/** Records one sighting of an item's content. */
export function insertSighting(db: Db, itemId: number, s: NewSighting): number {
  const info = stmt(db, 
    `INSERT INTO sightings (item_id, source_path, file_name, path_bytes, bytes, mtime, mtime_ns, ino, ctime_ns, operator, host, ingested_at, run_id, reel_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(itemId, s.path, s.name, Buffer.from(s.pathBytes), s.bytes, s.mtime, s.mtimeNs, s.ino, s.ctimeNs, s.operator, s.host, s.ingestedAt, s.runId, s.reelId ?? null);
  return Number(info.lastInsertRowid);
}

/**
 * The item already ingested from exactly this file: same source path, size, modification time,
 * inode and status-change time (nanoseconds), or null. Lets a re-run skip files an interrupted run
 * finished without reading them again; a file rewritten in place has a new ctime and is read.
 *
 * The path is compared by its bytes (`source.pathBytes`). A sighting an older version recorded
 * whose bytes the upgrade could not tell (migration 006: path_bytes NULL) is matched by the text
 * that version wrote, `source.legacyPath` (ingest/filename.ts legacyDisplayName); that text may
 * stand for two names, but the inode and ctime in the key tell their files apart.
 */
export function findSightingBySource(db: Db, source: { pathBytes: Uint8Array; legacyPath: string }, bytes: number, mtimeNs: string, ino: string, ctimeNs: string): { itemId: number; sha256: string } | null {
  const byBytes = stmt(db,
    `SELECT s.item_id itemId, i.sha256 sha256 FROM sightings s JOIN items i ON i.id = s.item_id
     WHERE s.path_bytes = ? AND s.bytes = ? AND s.mtime_ns = ? AND s.ino = ? AND s.ctime_ns = ? LIMIT 1`,
  ).get(Buffer.from(source.pathBytes), bytes, mtimeNs, ino, ctimeNs) as { itemId: number; sha256: string } | undefined;
  if (byBytes) return byBytes;
  const byLegacyText = stmt(db,
    `SELECT s.item_id itemId, i.sha256 sha256 FROM sightings s JOIN items i ON i.id = s.item_id
     WHERE s.source_path = ? AND s.path_bytes IS NULL AND s.bytes = ? AND s.mtime_ns = ? AND s.ino = ? AND s.ctime_ns = ? LIMIT 1`,
  ).get(source.legacyPath, bytes, mtimeNs, ino, ctimeNs) as { itemId: number; sha256: string } | undefined;
  return byLegacyText ?? null;
}

/** A sighting's source as reports give it: display path and name, and their bytes when those are not the text itself. */
export interface SourceRef {
  path: string;
  name: string;
  /** Exact bytes of the path, base64 (ingest/filename.ts bytesField). */
  pathBytes?: string;
  /** Exact bytes of the file name, base64. */
  nameBytes?: string;
}

const SEP_BYTE = sep.charCodeAt(0);

/**
 * How a sighting's source is shown, from its row: with its path's bytes (`pathBytes`, the
 * `path_bytes` column), the display forms of path and name computed from them (ingest/filename.ts
 * displayName) plus `pathBytes`/`nameBytes` (base64) when a display form is not the text itself;
 * without them (a sighting an older version recorded whose bytes migration 006 could not tell),
 * the stored text as it is. So a literal "\xFF" in a name an older version ingested is shown
 * `\\xFF` like a new one, never like the raw byte 0xFF.
 */
export function sourceOf(sourcePath: string, fileName: string, pathBytes: Uint8Array | null): SourceRef {
  if (!pathBytes) return { path: sourcePath, name: fileName };
  const raw = Buffer.from(pathBytes);
  const nameBytes = raw.subarray(raw.lastIndexOf(SEP_BYTE) + 1);
  const pb = bytesField(raw);
  const nb = bytesField(nameBytes);
  return { path: displayName(raw), name: displayName(nameBytes), ...(pb === undefined ? {} : { pathBytes: pb }), ...(nb === undefined ? {} : { nameBytes: nb }) };
}

/** Every sighting of an item, oldest first. */
export function listSightings(db: Db, itemId: number): Sighting[] {
  const rows = stmt(db,
    `SELECT s.id, s.source_path path, s.file_name name, s.path_bytes pathBytes, s.bytes, s.mtime, s.operator, s.host, s.ingested_at ingestedAt, s.run_id runId, r.name reel
     FROM sightings s LEFT JOIN reels r ON r.id = s.reel_id WHERE s.item_id = ? ORDER BY s.id`,
  ).all(itemId) as (Omit<Sighting, 'pathBytes'> & { pathBytes: Buffer | null })[];
  return rows.map(({ path, name, pathBytes, ...rest }) => {
    const src = sourceOf(path, name, pathBytes);
    return { id: rest.id, path: src.path, name: src.name, ...(src.pathBytes === undefined ? {} : { pathBytes: src.pathBytes }), bytes: rest.bytes, mtime: rest.mtime,
      operator: rest.operator, host: rest.host, ingestedAt: rest.ingestedAt, runId: rest.runId, reel: rest.reel ?? null };
  });
}

/** Raw metadata of an item as stored (verbatim tool output). */
export function getRawMetadata(db: Db, itemId: number): Record<string, unknown> | null {
  const r = stmt(db, 'SELECT raw_metadata FROM items WHERE id = ?').get(itemId) as { raw_metadata: string | null } | undefined;
  return r?.raw_metadata ? (JSON.parse(r.raw_metadata) as Record<string, unknown>) : null;
}

/** All items, ordered by id, as stored (streaming would matter at 10^6; 10^5 records fit in memory). */
export function listAllItems(db: Db): ItemRow[] {
  return (stmt(db, 'SELECT id, record, ingested_at, metadata_error, warnings FROM items ORDER BY id').all() as DbItem[]).map(toItem);
}
