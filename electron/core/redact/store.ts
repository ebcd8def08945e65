// Redacted derivatives in the catalog and the object store (migration 016): their bytes at their
// own content address under objects/sha256/, as originals are, and a `derivatives` row linking
// each to its original item with how it was made. Also the boxes a person drew on an item
// (`item_regions`) for what the face detector missed.
import { createHash } from 'node:crypto';
import { existsSync, openSync, fsyncSync, closeSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Archive } from '../archive.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { makeDirs } from '../dirs.ts';
import { syncDir } from '../durable.ts';
import { digestFile } from '../ingest/digest.ts';
import { objectPath, syncParents } from '../objects.ts';
import { parseRegions, type Region } from './face-port.ts';
import { checkLogObject } from './log-store.ts';

/** One redacted derivative of an item, as the catalog records it. */
export interface Derivative {
  id: number;
  itemId: number;
  sha256: string;
  bytes: number;
  mime: string;
  kind: 'redacted';
  settings: Record<string, unknown>;
  settingsKey: string;
  /** SHA-256 of the detection log (JSON, in the object store), or null when nothing was blurred. */
  logSha256: string | null;
  /** What was removed, by name: metadata groups, tag names, blurred box count. */
  removed: Record<string, unknown>;
  createdAt: string;
  actor: string;
}

interface Row {
  id: number; item_id: number; sha256: string; bytes: number; mime: string; kind: 'redacted'; settings: string; settings_key: string;
  log_sha256: string | null; removed: string; created_at: string; actor: string;
}

const toDerivative = (r: Row): Derivative => ({
  id: r.id, itemId: r.item_id, sha256: r.sha256, bytes: r.bytes, mime: r.mime, kind: r.kind, settings: JSON.parse(r.settings) as Record<string, unknown>,
  settingsKey: r.settings_key, logSha256: r.log_sha256, removed: JSON.parse(r.removed) as Record<string, unknown>, createdAt: r.created_at, actor: r.actor,
});

/**
 * The settings as a custody event or a public manifest may show them: the regions reduced to
 * their count, since a drawn box's label may name what it hides ("name on the door: …").
 */
export function publicSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const { regions, ...rest } = settings;
  return Array.isArray(regions) ? { ...rest, regions: regions.length } : rest;
}

/**
 * Moves the finished file `tmpFile` (on the archive's file system, e.g. under tmp/) into the object
 * store at its SHA-256 address, durably (file fsync, rename, folder fsync), and returns its
 * digest and size. When the store already holds that content intact, `tmpFile` is removed and
 * the stored copy kept. Throws fs errors.
 */
export async function storeObject(archive: Archive, tmpFile: string): Promise<{ sha256: string; bytes: number }> {
  const { digests, bytes } = digestFile(tmpFile, ['sha256']);
  const dest = objectPath(archive.objectsDir, digests.sha256);
  if (existsSync(dest) && digestFile(dest, ['sha256']).digests.sha256 === digests.sha256) {
    rmSync(tmpFile, { force: true });
    return { sha256: digests.sha256, bytes };
  }
  const fd = openSync(tmpFile, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const made = makeDirs(dirname(dest));
  renameSync(tmpFile, dest);
  await syncDir(dirname(dest));
  if (made !== undefined) await syncParents(dirname(dest), made);
  return { sha256: digests.sha256, bytes };
}

/** An object store address that holds an original whose object is damaged or missing: a derivative is not written there. */
export class OriginalAtRiskError extends Error {}

/** The id of the item whose original has SHA-256 `sha256`, or null. */
export function originalItemId(db: Db, sha256: string): number | null {
  const r = stmt(db, 'SELECT id FROM items WHERE sha256 = ?').get(sha256) as { id: number } | undefined;
  return r ? r.id : null;
}

/**
 * Stores the finished derivative `tmpFile` as storeObject does, except at the address of an
 * original (a copy with nothing to remove has its original's bytes, or another item's): there the
 * object must already be intact and is only reused; it is never written, since putting an
 * original back is a repair, which `evidence repair` records and this must not do silently.
 * Returns the digest, size and the id of the item whose original it is (null for a new object).
 * Throws OriginalAtRiskError (tmpFile removed) when that original's object is missing or
 * altered, and fs errors.
 */
export async function storeDerivativeObject(archive: Archive, tmpFile: string): Promise<{ sha256: string; bytes: number; originalOf: number | null }> {
  const { digests, bytes } = digestFile(tmpFile, ['sha256']);
  const originalOf = originalItemId(archive.db, digests.sha256);
  if (originalOf === null) return { ...(await storeObject(archive, tmpFile)), originalOf };
  rmSync(tmpFile, { force: true });
  const dest = objectPath(archive.objectsDir, digests.sha256);
  let intact = false;
  try {
    intact = digestFile(dest, ['sha256']).digests.sha256 === digests.sha256;
  } catch {
    intact = false;
  }
  if (!intact) {
    throw new OriginalAtRiskError(`the redacted copy has the same bytes as the original of item ${originalOf} (SHA-256 ${digests.sha256}), whose object is damaged or missing; ` +
      `nothing was written: run \`evidence verify\` and \`evidence repair ${originalOf}\` first`);
  }
  return { sha256: digests.sha256, bytes, originalOf };
}

/** Writes `data` to a new file under the archive's tmp/ folder and stores it (storeObject). */
export async function storeBytes(archive: Archive, data: Buffer | string): Promise<{ sha256: string; bytes: number }> {
  const tmp = join(archive.tmpDir, `obj-${process.pid}-${createHash('sha256').update(data).digest('hex').slice(0, 16)}-${Date.now()}`);
  writeFileSync(tmp, data);
  return storeObject(archive, tmp);
}

/** Records a derivative; returns its row. Call inside the transaction that appends its custody event. */
export function insertDerivative(db: Db, d: Omit<Derivative, 'id'>): Derivative {
  const r = stmt(db, `INSERT INTO derivatives (item_id, sha256, bytes, mime, kind, settings, settings_key, log_sha256, removed, created_at, actor)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(d.itemId, d.sha256, d.bytes, d.mime, d.kind, JSON.stringify(d.settings), d.settingsKey,
    d.logSha256, JSON.stringify(d.removed), d.createdAt, d.actor);
  return { ...d, id: Number(r.lastInsertRowid) };
}

/** The derivatives of item `itemId`, oldest first. */
export function listDerivatives(db: Db, itemId: number): Derivative[] {
  return (stmt(db, 'SELECT * FROM derivatives WHERE item_id = ? ORDER BY created_at, id').all(itemId) as Row[]).map(toDerivative);
}

/** The newest redacted derivative of item `itemId`, or null. */
export function newestDerivative(db: Db, itemId: number): Derivative | null {
  const r = stmt(db, 'SELECT * FROM derivatives WHERE item_id = ? ORDER BY created_at DESC, id DESC LIMIT 1').get(itemId) as Row | undefined;
  return r ? toDerivative(r) : null;
}

/** The newest derivative of item `itemId` made with the settings whose key is `settingsKey`, or null. */
export function derivativeBySettings(db: Db, itemId: number, settingsKey: string): Derivative | null {
  const r = stmt(db, 'SELECT * FROM derivatives WHERE item_id = ? AND settings_key = ? ORDER BY id DESC LIMIT 1').get(itemId, settingsKey) as Row | undefined;
  return r ? toDerivative(r) : null;
}

/** True when the catalog has the derivatives table (an archive at migration 016 or later). */
export function hasDerivativesTable(db: Db): boolean {
  return stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'derivatives'").get() !== undefined;
}

/**
 * The object-store paths of every derivative and detection log the catalog records, so a fixity
 * check counts them as known content rather than stray files. Empty on an older catalog.
 */
export function derivativeObjectPaths(db: Db, objectsDir: string): string[] {
  if (!hasDerivativesTable(db)) return [];
  const rows = stmt(db, 'SELECT sha256 s FROM derivatives UNION SELECT log_sha256 s FROM derivatives WHERE log_sha256 IS NOT NULL').all() as { s: string }[];
  return rows.map((r) => objectPath(objectsDir, r.s));
}

/**
 * Fixity of the recorded derivatives and detection logs: each object present and hashing to its
 * address (a sealed log: its plain bytes, opened with the catalog's derivative key); a copy
 * stored at an original's address is left to the original's own check. Returns one line per problem ("derivative <sha> of item N: missing|altered"), empty when all hold.
 */
export function checkDerivativeObjects(db: Db, objectsDir: string): string[] {
  if (!hasDerivativesTable(db)) return [];
  const out: string[] = [];
  // A copy identical to an original is that original's object, which the item check reports by
  // its item: reporting it again as a derivative would name a damaged original as a copy.
  const rows = stmt(db, `SELECT d.item_id, d.sha256, d.log_sha256, (i.id IS NOT NULL) AS original FROM derivatives d
    LEFT JOIN items i ON i.sha256 = d.sha256`).all() as { item_id: number; sha256: string; log_sha256: string | null; original: number }[];
  for (const r of rows) {
    if (r.log_sha256) {
      const why = checkLogObject(db, objectsDir, r.log_sha256);
      if (why) out.push(`detection log ${r.log_sha256} of item ${r.item_id}: ${why}`);
    }
    if (r.original) continue;
    for (const [what, sha] of [['derivative', r.sha256]] as const) {
      const p = objectPath(objectsDir, sha);
      if (!existsSync(p) || !statSync(p).isFile()) out.push(`${what} ${sha} of item ${r.item_id}: missing from the object store`);
      else if (digestFile(p, ['sha256']).digests.sha256 !== sha) out.push(`${what} ${sha} of item ${r.item_id}: altered (its SHA-256 no longer matches)`);
    }
  }
  return out;
}

/** The regions drawn on item `itemId` (pixels of the upright picture), or an empty list. */
export function getItemRegions(db: Db, itemId: number): Region[] {
  if (stmt(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'item_regions'").get() === undefined) return [];
  const r = stmt(db, 'SELECT regions FROM item_regions WHERE item_id = ?').get(itemId) as { regions: string } | undefined;
  return r ? parseRegions(JSON.parse(r.regions), `item ${itemId} regions`) : [];
}

/** Replaces the regions drawn on item `itemId` (an empty list removes them). Call inside the transaction of its custody event. */
export function setItemRegions(db: Db, itemId: number, regions: Region[], actor: string, at: string): void {
  if (!regions.length) {
    stmt(db, 'DELETE FROM item_regions WHERE item_id = ?').run(itemId);
    return;
  }
  stmt(db, 'INSERT INTO item_regions (item_id, regions, updated_at, actor) VALUES (?, ?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET regions = excluded.regions, updated_at = excluded.updated_at, actor = excluded.actor')
    .run(itemId, JSON.stringify(regions), at, actor);
}
